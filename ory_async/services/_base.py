"""What every service shares: building requests for the client's URLs and credentials."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, Self, TypeVar

import attrs
from yarl import URL

from .. import _serde
from .._dedupe import Order
from .._pagination import AsyncPager, PageSpec, Style
from .._transport import Request, Transport
from .._urls import QueryValue, build_query, join_path
from ..auth import Auth
from ..errors import UnsupportedOperationError

T = TypeVar("T")
ApiVersion = Literal["v1", "v0"]

__all__ = [
    "ApiVersion",
    "Service",
    "ServiceContext",
    "check_bool",
    "check_int",
    "check_str",
    "check_str_list",
    "check_timeout",
    "migration_paging",
]


@attrs.frozen(kw_only=True, slots=True)
class ServiceContext:
    """What a service needs from its client: where to send, how, and as whom.

    A view made by ``OryClient.with_auth`` shares everything but ``auth``.

    Attributes:
        transport: sends every request (shared by a client and its views).
        auth: the default credentials.
        api: the API generation spoken, ``"v1"`` or ``"v0"``.
        base_url: the admin (or Ory Network project) URL.
        public_url: the frontend URL.
        admin_root: where admin paths start (``/admin`` on v1, the bare URL on v0).
        public_root: where frontend paths start (the public URL on v1, the admin URL on v0).
    """

    transport: Transport
    auth: Auth | None
    api: ApiVersion
    base_url: URL
    public_url: URL
    admin_root: URL
    public_root: URL

    @classmethod
    def create(
        cls,
        *,
        transport: Transport,
        auth: Auth | None,
        api: ApiVersion,
        base_url: URL,
        public_url: URL,
    ) -> ServiceContext:
        """A context whose URL roots are derived from ``api`` and the two URLs."""
        v1 = api == "v1"
        return cls(
            transport=transport,
            auth=auth,
            api=api,
            base_url=base_url,
            public_url=public_url,
            admin_root=join_path(base_url, "admin") if v1 else base_url,
            public_root=public_url if v1 else base_url,
        )

    def with_auth(self, auth: Auth | None) -> ServiceContext:
        """The same context with other default credentials."""
        return attrs.evolve(self, auth=auth)


class Service:
    """Base of the per-resource services (``ory.identities``, ``ory.sessions``, ...).

    A service only describes endpoints: which URL, method, query and body. Sending,
    retrying and decoding are the transport's job. Every public method takes ``auth=``
    (other credentials for this call) and ``timeout=`` (seconds per attempt for this
    call's requests, instead of the client's timeout).
    """

    __slots__ = ("_api", "_context", "_transport")

    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._api: ApiVersion = context.api
        self._transport: Transport = context.transport

    def _recording(self, transport: Transport) -> Self:
        """This service sending through ``transport`` instead (a raw call's recorder)."""
        return type(self)(attrs.evolve(self._context, transport=transport))

    def _auth(self, auth: Auth | None) -> Auth | None:
        """``auth`` when given, else the context's default credentials."""
        return auth if auth is not None else self._context.auth

    def _require(self, api: Literal["v1", "v0"], operation: str) -> None:
        if self._context.api != api:
            msg = (
                f"{operation} does not exist in the {self._context.api} API; it needs a server "
                f"that speaks api={api!r}"
            )
            raise UnsupportedOperationError(msg)

    def _admin_url(self, *segments: str) -> URL:
        """An admin URL: ``/admin/...`` on v1, the bare path on v0 (segments already encoded)."""
        return join_path(self._context.admin_root, *segments)

    def _public_url(self, *segments: str) -> URL:
        """A frontend URL (whoami, flows, schemas): the public URL on v1, the admin URL on v0."""
        return join_path(self._context.public_root, *segments)

    def _request(
        self,
        method: str,
        url: URL,
        *,
        query: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        auth: Auth | None = None,
        headers: Mapping[str, str] | None = None,
        retry_unsent: bool = False,
        timeout: float | None = None,
    ) -> Request:
        if query:
            pairs = build_query(query)
            if pairs:
                url = url.with_query(pairs)
        body = None if json is None else _serde.encode(json)
        # Positional (in Request's field order): this runs once per call.
        return Request(
            method,
            url,
            body,
            auth if auth is not None else self._context.auth,
            headers,
            retry_unsent,
            None if timeout is None else check_timeout(timeout),
        )

    def _user_request(
        self,
        method: str,
        *segments: str,
        auth: Auth | None,
        query: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        timeout: float | None = None,
    ) -> Request:
        """A frontend request carrying exactly ``auth``: the user's credentials, or none.

        Never the client's default API key, which is not the user's to show the server.
        """
        request = self._request(
            method, self._public_url(*segments), query=query, json=json, timeout=timeout
        )
        request.auth = auth
        return request

    def _either_form_pager(
        self,
        url: URL,
        paging: tuple[int | None, int | None, int | None, str | None],
        *,
        item_type: type[T],
        max_size: int,
        auth: Auth | None,
        timeout: float | None,
    ) -> AsyncPager[T]:
        """A page-numbered listing that also takes the token form (see :func:`migration_paging`).

        ``paging`` is the caller's ``(per_page, page, page_size, page_token)``.
        """
        query, size = migration_paging(*paging, max_size=max_size)
        return self._pager(
            url, query, item_type=item_type, style="page", per_page=size, auth=auth, timeout=timeout
        )

    def _pager(
        self,
        url: URL,
        query: Mapping[str, QueryValue],
        *,
        item_type: type[T],
        style: Style,
        per_page: int = 250,
        auth: Auth | None = None,
        legacy_cap: int | None = None,
        token_after: Callable[[str, int], Mapping[str, str]] | None = None,
        order: Order | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[T]:
        spec: PageSpec[T] = PageSpec(
            transport=self._context.transport,
            url=url,
            query=tuple(build_query(query)),
            auth=self._auth(auth),
            item_type=item_type,
            style=style,
            per_page=per_page,
            legacy_cap=legacy_cap,
            token_after=token_after,
            order=order,
            timeout=check_timeout(timeout),
        )
        return AsyncPager(spec)


def check_timeout(timeout: float | None) -> float | None:
    """Validate a per-call ``timeout=`` (seconds) before any request is sent."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        msg = f"timeout must be a number of seconds, not {type(timeout).__name__}"
        raise TypeError(msg)
    if not timeout > 0:
        msg = f"timeout must be a positive number of seconds, got {timeout!r}"
        raise ValueError(msg)
    return float(timeout)


def check_int(name: str, value: int | None, *, low: int, high: int | None = None) -> int | None:
    """Validate an optional integer argument before any request is sent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{name} must be an int, not {type(value).__name__}"
        raise TypeError(msg)
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        msg = f"{name} must be {bounds}, got {value}"
        raise ValueError(msg)
    return value


def check_str(name: str, value: str | None) -> str | None:
    """Validate an optional string argument."""
    if value is not None and not isinstance(value, str):
        msg = f"{name} must be a str, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def check_nonempty_str(name: str, value: str) -> str:
    """Validate a required string argument that may not be empty."""
    check_str(name, value)
    if not value:
        msg = f"{name} must not be empty"
        raise ValueError(msg)
    return value


def check_str_list(name: str, values: Iterable[str] | None) -> list[str]:
    """Validate a list-of-strings argument (a lone string is refused: it would split into letters)."""
    if values is None:
        return []
    if isinstance(values, str | bytes):
        msg = f"{name} takes a list of strings, not a single {type(values).__name__}; wrap it: [{values!r}]"
        raise TypeError(msg)
    result = list(values)
    for item in result:
        if not isinstance(item, str):
            msg = f"{name} must contain only str values, not {type(item).__name__}"
            raise TypeError(msg)
    return result


def check_bool(name: str, value: bool | None) -> bool | None:
    """Validate an optional boolean argument."""
    if value is not None and not isinstance(value, bool):
        msg = f"{name} must be True, False or None, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def migration_paging(
    per_page: int | None,
    page: int | None,
    page_size: int | None,
    page_token: str | None,
    *,
    max_size: int = 1000,
) -> tuple[dict[str, QueryValue], int]:
    """The paging query of a listing that takes either form (identity sessions, schemas).

    Kratos serves both from one page-numbered implementation, so either form walks the
    same way; ``page_size``/``page_token`` are sent as given. Returns the query and the
    page size.

    Raises:
        ValueError: both forms, or a size out of range.
    """
    if (page_size is not None or page_token is not None) and (
        per_page is not None or page is not None
    ):
        msg = "use either page_size/page_token or per_page/page, not both"
        raise ValueError(msg)
    check_str("page_token", page_token)
    if page_size is not None or page_token is not None:
        size = check_int("page_size", page_size, low=1, high=max_size)
        return {"page_size": size, "page_token": page_token}, size or 250
    size = check_int("per_page", per_page, low=1, high=max_size) or 250
    start = check_int("page", page, low=0) or 0
    return {"page": start, "per_page": size}, size
