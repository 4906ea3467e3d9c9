"""OryClient: one aiohttp session, its credentials and the services that use them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import Self, TypedDict, Unpack

import aiohttp
import attrs
from yarl import URL

from ._connection import Connection, TransportStats
from ._headers import check_header_name, check_header_value
from ._raw import RawResponses
from ._retry import RetryPolicy
from ._settings import read_settings
from ._timeouts import NOT_GIVEN, NotGiven, Timeouts, coerce_timeouts, legacy_timeouts
from ._transport import DEFAULT_MAX_RESPONSE_SIZE, Transport, default_user_agent
from ._urls import parse_base_url, strip_admin_suffix
from .auth import Auth, BearerToken
from .services import (
    ApiVersion,
    CourierService,
    FlowsService,
    FrontendService,
    IdentitiesService,
    MetadataService,
    MetricsService,
    RecoveryService,
    SchemasService,
    ServiceContext,
    SessionsService,
)

__all__ = ["ClientOptions", "OryClient"]

_RESERVED_HEADERS = frozenset({"authorization", "x-session-token", "cookie", "host"})


class ClientOptions(TypedDict, total=False):
    """The keyword arguments of :class:`OryClient`, as ``from_env`` takes them."""

    auth: Auth | None
    access_token: str | None
    public_url: str | URL | None
    api: ApiVersion
    timeouts: Timeouts | float | None
    timeout: float | aiohttp.ClientTimeout
    """Deprecated: ``timeouts=``."""
    connect_timeout: float | None
    """Deprecated: ``timeouts=Timeouts(connect=...)``."""
    deadline: float | None
    """Deprecated: ``timeouts=Timeouts(deadline=...)``."""
    pacing: bool
    max_concurrency: int
    retry: RetryPolicy | None
    session: aiohttp.ClientSession | None
    headers: Mapping[str, str] | None
    user_agent: str | None
    trust_env: bool
    max_response_size: int | None


def _check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The extra headers, once each name and value is known to travel as given."""
    if headers is not None and not isinstance(headers, Mapping):
        msg = f"headers must be a mapping of names to values, not {type(headers).__name__}"
        raise TypeError(msg)
    extra = dict(headers or {})
    for name, value in extra.items():
        check_header_name(name, what="headers: name")
        check_header_value(value, what=f"headers[{name!r}]")
    reserved = sorted(k for k in extra if k.lower() in _RESERVED_HEADERS)
    if reserved:
        msg = f"headers must not set {', '.join(reserved)}; pass credentials with auth="
        raise ValueError(msg)
    return extra


def _check_size(size: int | None) -> int | None:
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int):
        msg = f"max_response_size must be an int (bytes) or None, not {type(size).__name__}"
        raise TypeError(msg)
    if size < 1:
        msg = f"max_response_size must be at least 1 byte, got {size}"
        raise ValueError(msg)
    return size


def _check_borrowed(session: object) -> None:
    """Refuse a borrowed session that could send a cookie ory_async did not choose.

    aiohttp stores every cookie an answer sets in the session's jar and sends it with
    every later request to that host: a session cookie Kratos refreshes in one user's
    whoami answer would go out with the next user's call (and win over that user's own
    ``SessionCookie``). Only a session that keeps no cookies can be shared safely.
    """
    if not isinstance(session, aiohttp.ClientSession):
        msg = f"session must be an aiohttp.ClientSession, not {type(session).__name__}"
        raise TypeError(msg)
    if not isinstance(session.cookie_jar, aiohttp.DummyCookieJar):
        msg = (
            "OryClient(session=...) needs a session that keeps no cookies: create it with "
            "aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()), or leave session= "
            f"out and let OryClient own one. This session's {type(session.cookie_jar).__name__} "
            "would send a cookie one user's answer set with another user's request"
        )
        raise ValueError(msg)
    reserved = sorted(k for k in session.headers if k.lower() in _RESERVED_HEADERS)
    if reserved:
        msg = (
            f"OryClient(session=...): the session's default headers set {', '.join(reserved)}, "
            "which would go out with every request; pass credentials with auth= instead"
        )
        raise ValueError(msg)


class OryClient:
    """An asyncio client for the Ory identity admin API (Ory Network or self-hosted Kratos).

    Use it as ``async with OryClient(...) as ory:``, or create it once (at import time
    or app start-up is fine) and ``await ory.close()`` on shutdown. It owns one aiohttp
    session, created lazily on first use, unless you lend it one with ``session=``,
    which it then never closes.

    Args:
        base_url: the project URL (``https://<slug>.projects.oryapis.com``) or, self-hosted,
            the Kratos admin URL (``http://127.0.0.1:4434``). On v1 a trailing ``/admin`` is
            dropped: every admin path already starts with it.
        auth: the credentials sent with every request, e.g. ``BearerToken("ory_pat_...")``.
        access_token: shorthand for ``auth=BearerToken(access_token)``.
        public_url: the Kratos public URL for whoami, flows and schemas (self-hosted);
            defaults to ``base_url``.
        api: ``"v1"`` (Ory Network, Kratos >= 1.0) or ``"v0"`` (legacy Kratos <= 0.5 paths).
        timeouts: every time limit, as :class:`~ory_async.Timeouts` (one attempt's
            ``read`` and ``connect``, a whole call's ``deadline``, and how long retries
            may go on); a number sets ``read``. Default ``Timeouts()``: 30 s per attempt,
            10 s to connect, no deadline.
        timeout: deprecated, use ``timeouts=Timeouts(read=...)`` (``timeouts=`` alone
            with a number is the same).
        connect_timeout: deprecated, use ``timeouts=Timeouts(connect=...)``.
        deadline: deprecated, use ``timeouts=Timeouts(deadline=...)``.
        pacing: space requests by the rate-limit headers the server sends
            (``x-ratelimit-limit``/``-remaining``/``-reset``) so that bulk work runs at
            the allowed rate instead of into 429s. Costs nothing when the server sends
            no such headers. ``False`` turns it off.
        max_concurrency: requests in flight at once, all services together.
        retry: the retry policy; ``RetryPolicy.none()`` disables retries.
        session: an ``aiohttp.ClientSession`` to borrow instead of owning one; it must keep
            no cookies (``cookie_jar=aiohttp.DummyCookieJar()``) so that a cookie one
            answer sets can never go out with another user's request.
        headers: extra headers for every request (not credentials: use ``auth``).
        user_agent: replaces the default ``User-Agent: ory-async/<version> ...``.
        max_response_size: the largest answer body read, in bytes (32 MiB by default;
            ``None`` for no limit). A larger answer raises ``ResponseTooLargeError`` as soon
            as it is known to be too large, so an endless body cannot exhaust memory.
        trust_env: let aiohttp read proxy settings from the environment (off by default:
            it costs a lot of throughput).

    Raises:
        ValueError: a malformed URL, option or credential combination.
    """

    def __init__(
        self,
        base_url: str | URL,
        *,
        auth: Auth | None = None,
        access_token: str | None = None,
        public_url: str | URL | None = None,
        api: ApiVersion = "v1",
        timeouts: Timeouts | float | None = None,
        timeout: float | aiohttp.ClientTimeout | NotGiven = NOT_GIVEN,
        connect_timeout: float | NotGiven | None = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        pacing: bool = True,
        max_concurrency: int = 64,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        headers: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        trust_env: bool = False,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        if auth is not None and access_token is not None:
            msg = "pass either auth= or access_token=, not both"
            raise ValueError(msg)
        if access_token is not None:
            auth = BearerToken(access_token)
        if auth is not None and not isinstance(auth, Auth):
            msg = f"auth must be a BearerToken or SessionToken, not {type(auth).__name__}"
            raise TypeError(msg)
        if api not in ("v1", "v0"):
            msg = f'api must be "v1" or "v0", got {api!r}'
            raise ValueError(msg)
        if (
            isinstance(max_concurrency, bool)
            or not isinstance(max_concurrency, int)
            or max_concurrency < 1
        ):
            msg = f"max_concurrency must be an int >= 1, got {max_concurrency!r}"
            raise ValueError(msg)
        if retry is not None and not isinstance(retry, RetryPolicy):
            msg = f"retry must be a RetryPolicy, not {type(retry).__name__}"
            raise TypeError(msg)
        legacy = (timeout, connect_timeout, deadline)
        if timeouts is not None and any(v is not NOT_GIVEN for v in legacy):
            msg = (
                "pass timeouts= alone: timeout=, connect_timeout= and deadline= are its "
                "deprecated spellings"
            )
            raise ValueError(msg)
        limits, aiohttp_timeout = legacy_timeouts(
            Timeouts() if timeouts is None else coerce_timeouts(timeouts),
            timeout=timeout,
            connect_timeout=connect_timeout,
            deadline=deadline,
            stacklevel=3,
        )
        if session is not None:
            _check_borrowed(session)
        extra = _check_headers(headers)
        if user_agent is not None:
            check_header_value(user_agent, what="user_agent")

        base = parse_base_url(base_url)
        if api == "v1":
            base = strip_admin_suffix(base)
        public = parse_base_url(public_url, name="public_url") if public_url is not None else base
        all_headers = {
            "User-Agent": user_agent or default_user_agent(),
            "Accept": "application/json",
        }
        all_headers.update(extra)
        policy = retry if retry is not None else RetryPolicy()
        aiohttp_timeout = aiohttp_timeout or policy.limits(limits).for_aiohttp()
        connection = Connection(
            timeout=aiohttp_timeout,
            max_concurrency=max_concurrency,
            trust_env=trust_env,
            session=session,
        )
        transport = Transport(
            connection,
            limits=limits,
            retry=policy,
            pacing=bool(pacing),
            headers=all_headers,
            origins=frozenset({base.origin(), public.origin()}),
            max_response_size=_check_size(max_response_size),
            aiohttp_timeout=aiohttp_timeout,
        )
        self._attach(
            ServiceContext.create(
                transport=transport, auth=auth, api=api, base_url=base, public_url=public
            ),
            is_view=False,
        )

    def _attach(self, context: ServiceContext, *, is_view: bool) -> None:
        """Use ``context`` for every request, and attach the per-resource services."""
        self._context = context
        self._transport = context.transport
        self._is_view = is_view
        self.identities: IdentitiesService = IdentitiesService(context)
        """Identities: create, get, get by external id, update, patch, delete, list, batch create."""
        self.sessions: SessionsService = SessionsService(context)
        """Sessions: get, list, list for an identity, disable, extend, manage in bulk, whoami."""
        self.schemas: SchemasService = SchemasService(context)
        """Identity JSON schemas: get one, list."""
        self.recovery: RecoveryService = RecoveryService(context)
        """Account recovery: create a recovery code or link for an identity."""
        self.flows: FlowsService = FlowsService(context)
        """Self-service flows and errors; native login, registration, settings, recovery, verification."""
        self.frontend: FrontendService = FrontendService(context)
        """What a server does for its signed-in users: logout, their own sessions, token exchange."""
        self.metrics: MetricsService = MetricsService(context)
        """Prometheus metrics."""
        self.courier: CourierService = CourierService(context)
        """Courier messages (emails, SMS): list, get."""
        self.metadata: MetadataService = MetadataService(context)
        """The server's version and health checks."""

    @classmethod
    def from_env(
        cls, base_url: str | URL | None = None, **options: Unpack[ClientOptions]
    ) -> OryClient:
        """Build a client from ``ORY_SDK_URL`` and (optionally) ``ORY_API_KEY``.

        Self-hosted Kratos serves its frontend on another port: ``ORY_PUBLIC_URL`` sets
        ``public_url`` then.

        ``base_url`` and the keyword arguments are the constructor's, and win over the
        environment.

        Raises:
            ValueError: ``ORY_SDK_URL`` is not set (and no ``base_url`` was given).
        """
        settings = read_settings(os.environ, url=base_url)
        if "public_url" not in options and settings.public_url:
            options["public_url"] = settings.public_url
        if "auth" not in options and "access_token" not in options and settings.auth:
            options["auth"] = settings.auth
        return cls(settings.url, **options)

    @property
    def base_url(self) -> URL:
        """The admin (or Ory Network project) URL."""
        return self._context.base_url

    @property
    def public_url(self) -> URL:
        """The frontend URL used for whoami, flows and schemas."""
        return self._context.public_url

    @property
    def api(self) -> ApiVersion:
        """The API generation spoken: ``"v1"`` or ``"v0"``."""
        return self._context.api

    @property
    def auth(self) -> Auth | None:
        """The default credentials of this client (or view)."""
        return self._context.auth

    @property
    def max_response_size(self) -> int | None:
        """The largest answer body read, in bytes (``None``: no limit)."""
        return self._transport.max_response_size

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy."""
        return self._transport.retry

    @property
    def timeouts(self) -> Timeouts:
        """The time limits in force."""
        return self._transport.limits

    @property
    def closed(self) -> bool:
        """True once the client has been closed."""
        return self._transport.closed

    @property
    def stats(self) -> TransportStats:
        """Counters of requests sent, retries and failures (shared with views)."""
        return self._transport.stats

    @property
    def with_raw_response(self) -> RawResponses:
        """Calls that also return the HTTP status and headers of their answer.

        ``await ory.with_raw_response.identities.get(id)`` (as in openai-python) or, typed,
        ``await ory.with_raw_response(ory.identities.get)(id)`` give a
        :class:`~ory_async.RawResponse` with ``parsed``, ``status``, ``headers``,
        ``request_id`` and the ``ratelimit_*`` values. Plain calls are not slowed.
        """
        return RawResponses(self)

    def with_auth(self, auth: Auth | None) -> OryClient:
        """A light view of this client that sends other credentials.

        The view shares the connection pool, limits and retry policy. Closing the view
        does nothing; it stops working when the client it came from is closed.
        """
        if auth is not None and not isinstance(auth, Auth):
            msg = f"auth must be a BearerToken or SessionToken, not {type(auth).__name__}"
            raise TypeError(msg)
        view = object.__new__(OryClient)
        view._attach(self._context.with_auth(auth), is_view=True)
        return view

    def with_options(
        self,
        *,
        timeouts: Timeouts | float | None = None,
        retry: RetryPolicy | None = None,
        pacing: bool | None = None,
    ) -> OryClient:
        """A light view of this client with other time limits, retry policy or pacing.

        ``None`` keeps this client's setting. The view shares the connection pool, the
        ``max_concurrency`` gate, the pacer (pacing views learn the same rate limits) and
        the counters, and its credentials; building one costs a few small objects, so a
        view per call site is fine::

            quick = ory.with_options(timeouts=Timeouts(read=2, deadline=5), retry=RetryPolicy.none())
            await quick.identities.get(identity_id)

        Closing the view does nothing; it stops working when its client is closed.

        Raises:
            TypeError, ValueError: an option of the wrong type or value.
        """
        limits = None if timeouts is None else coerce_timeouts(timeouts)
        if retry is not None and not isinstance(retry, RetryPolicy):
            msg = f"retry must be a RetryPolicy, not {type(retry).__name__}"
            raise TypeError(msg)
        if pacing is not None and not isinstance(pacing, bool):
            msg = f"pacing must be True, False or None, not {type(pacing).__name__}"
            raise TypeError(msg)
        transport = self._transport.with_options(limits=limits, retry=retry, pacing=pacing)
        view = object.__new__(OryClient)
        view._attach(attrs.evolve(self._context, transport=transport), is_view=True)
        return view

    async def ping(
        self,
        *,
        auth: Auth | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the HTTP timeout of this request
    ) -> None:
        """Check that the server is ready (``GET /health/ready``, as ``metadata.ready()``).

        Raises:
            ApiError: the server answered but is not ready.
            TransportError: the server could not be reached.
        """
        await self.metadata.ready(auth=auth, timeout=timeout)

    async def close(self) -> None:
        """Close the client and its owned session. Idempotent; a borrowed session stays open."""
        if self._is_view:
            return
        await self._transport.close()

    async def __aenter__(self) -> Self:
        if self.closed:
            from .errors import ClientClosedError

            msg = "This OryClient is closed; create a new one"
            raise ClientClosedError(msg)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        context = self._context
        parts = [repr(str(context.base_url))]
        if context.public_url != context.base_url:
            parts.append(f"public_url={str(context.public_url)!r}")
        parts.append(f"api={context.api!r}")
        parts.append(f"auth={context.auth!r}")
        if self.closed:
            parts.append("closed")
        return f"OryClient({', '.join(parts)})"
