"""One send per attempt on a borrowed aiohttp session: aiohttp's own resend refused.

aiohttp resends an idempotent request (GET, HEAD, PUT, DELETE, ...) once, unseen, when
its connection drops (``ClientOSError`` or ``ServerDisconnectedError``). The transport
does that resend itself, so that it knows the first answer was lost (a ``DELETE`` that
then meets 404 did its job) and counts it. An owned session has aiohttp's resend turned
off; a session the user lent (``OryClient(session=...)``) is left as it is, and each
request instead carries a middleware (aiohttp 3.12 and later take them per request)
that lets aiohttp call the server once: a second call, aiohttp's resend, raises the
first failure again. The session's own middlewares still run, inside this one.
"""

from __future__ import annotations

import inspect
from typing import Any, Final

import aiohttp

__all__ = ["PER_REQUEST_MIDDLEWARES", "once"]

PER_REQUEST_MIDDLEWARES: Final = (
    "middlewares" in inspect.signature(aiohttp.ClientSession._request).parameters
)
"""Whether this aiohttp takes middlewares per request (3.12 and later)."""


class _SendOnce:
    """A client middleware that lets one request reach the server once."""

    __slots__ = ("failed",)

    def __init__(self) -> None:
        self.failed: aiohttp.ClientError | None = None

    async def __call__(self, request: Any, handler: Any) -> Any:
        if self.failed is not None:
            # aiohttp is resending after a dropped connection: the transport decides.
            raise self.failed
        try:
            return await handler(request)
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
            self.failed = exc
            raise


def once(session: aiohttp.ClientSession, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` for one request on a borrowed ``session``, sent at most once by aiohttp.

    Without per-request middlewares (aiohttp before 3.12) ``options`` is returned as it
    is: aiohttp may then resend unseen, as the documentation says.
    """
    if not PER_REQUEST_MIDDLEWARES:
        return options
    # A per-request list replaces the session's: keep the session's, inside ours.
    theirs = tuple(getattr(session, "_middlewares", ()) or ())
    return {**options, "middlewares": (_SendOnce(), *theirs)}
