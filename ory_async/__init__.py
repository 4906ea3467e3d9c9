"""ory_async: an asyncio-native client for the Ory identity admin API.

Start with :class:`OryClient`::

    async with OryClient("https://my-project.projects.oryapis.com", access_token="ory_pat_...") as ory:
        async for identity in ory.identities.list():
            print(identity.id)
"""

import logging as _logging

from ._client import OryClient
from ._markers import UNSET, OpenEnum, Unset
from ._pagination import AsyncPager, Page
from ._raw import RawResponse, RawResponses
from ._retry import RetryPolicy
from ._timeouts import Timeouts
from ._version import __version__
from .auth import Auth, BearerToken, SessionCookie, SessionToken
from .errors import (
    ApiError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    ContentEncodingError,
    DecodeError,
    ForbiddenError,
    GoneError,
    InvalidBodyError,
    MalformedResponseError,
    NotFoundError,
    OryError,
    PaginationError,
    RateLimitedError,
    RedirectError,
    RequestTimeoutError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
    UnauthorizedError,
    UnsupportedOperationError,
)
from .services import BatchCreate, BatchCreateResult, BatchOutcome

# The library logs through the "ory_async" logger only, and only where the application
# configured logging: without this handler Python would print its warnings to stderr.
_logging.getLogger("ory_async").addHandler(_logging.NullHandler())

__all__ = [
    "UNSET",
    "ApiError",
    "AsyncPager",
    "Auth",
    "BadRequestError",
    "BatchCreate",
    "BatchCreateResult",
    "BatchOutcome",
    "BearerToken",
    "ClientClosedError",
    "ConflictError",
    "ContentEncodingError",
    "DecodeError",
    "ForbiddenError",
    "GoneError",
    "InvalidBodyError",
    "MalformedResponseError",
    "NotFoundError",
    "OpenEnum",
    "OryClient",
    "OryError",
    "Page",
    "PaginationError",
    "RateLimitedError",
    "RawResponse",
    "RawResponses",
    "RedirectError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "SessionCookie",
    "SessionToken",
    "Timeouts",
    "TransportError",
    "UnauthorizedError",
    "Unset",
    "UnsupportedOperationError",
    "__version__",
]
