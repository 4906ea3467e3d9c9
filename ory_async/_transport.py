"""The one place that sends requests: one attempt at a time, retried as the policy says.

A :class:`Transport` holds a client's (or view's) settings: time limits, retry policy,
pacing, and who observes answers. It shares its :class:`~ory_async._connection.Connection`
(session, concurrency gate, pacer, counters) with every view made from it. When to retry
is :mod:`ory_async._retry`'s decision, what an aiohttp failure means is
:mod:`ory_async._failures`'.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import aiohttp
import attrs
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import _failures, _resend, _serde
from ._connection import Connection, TransportStats
from ._methods import IDEMPOTENT_METHODS
from ._pacing import TurnLimit, TurnTooLate
from ._redirects import MAX_REDIRECTS, same_origin_target
from ._retry import (
    GiveUp,
    Retrying,
    RetryPolicy,
    decide,
    describe_failure,
    done_already,
    may_have_applied,
    pause,
)
from ._timeouts import Timeouts, call_ends, whole_call
from ._version import __version__
from .auth import Auth
from .errors import (
    ClientClosedError,
    OryError,
    RateLimitedError,
    RedirectError,
    RequestTimeoutError,
    ResponseTooLargeError,
    api_error_for,
)

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "Observer",
    "Request",
    "Response",
    "Transport",
    "TransportStats",
    "default_user_agent",
]

T = TypeVar("T")
logger: Final = logging.getLogger("ory_async")

_JSON_HEADERS: Final = {"Content-Type": "application/json"}
_CREDENTIAL_HEADERS: Final = frozenset({"authorization", "x-session-token", "cookie"})
_NO_HEADERS: Final = CIMultiDictProxy(CIMultiDict[str]())
_LARGE_BODY: Final = 1 << 20
"""Bodies larger than this go as a stream: aiohttp warns (ResourceWarning) of raw bytes."""
DEFAULT_MAX_RESPONSE_SIZE: Final = 32 * 1024 * 1024
"""The default limit on one answer's (decoded) body: 32 MiB."""


def default_user_agent() -> str:
    """``ory-async/<version>`` followed by the aiohttp and Python versions."""
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"ory-async/{__version__} aiohttp/{aiohttp.__version__} python/{py}"


# Request and Response are built once per call: plain slotted classes, since a frozen
# attrs class sets each field through object.__setattr__ (the two cost 6x more to build).
# Nothing changes them after they are built.
@attrs.define(slots=True)
class Request:
    """One HTTP request as a service describes it."""

    method: str
    url: URL
    body: bytes | None = None
    auth: Auth | None = None
    headers: Mapping[str, str] | None = None
    retry_unsent: bool = False
    """Retry even a POST/PATCH when it certainly was not applied (no connection, or 429)."""
    timeout: float | None = None
    """Seconds for each attempt of this request, instead of the client's ``Timeouts.read``."""

    @property
    def path(self) -> str:
        """The path part of the URL, as shown in logs and error messages (no query)."""
        return self.url.raw_path


@attrs.define(slots=True)
class Response:
    """A 2xx answer: status, headers and the raw body."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


Observer = Callable[[Response], None]
"""Told of every 2xx answer a transport returns (``ory.with_raw_response`` keeps the last)."""


class Transport:
    """Sends requests through a shared :class:`Connection` with its own settings.

    Each attempt takes a slot of the ``max_concurrency`` semaphore only while it is on the
    wire, never while it waits to retry. :meth:`with_options` and :meth:`observed` make
    cheap views that share the connection (session, gate, pacer and counters).
    """

    __slots__ = (
        "_guarded",
        "_headers",
        "_last_headers",
        "_observer",
        "_origin_keys",
        "_origins",
        "_pacer",
        "_request_options",
        "_timeout",
        "_turn_limit",
        "connection",
        "limits",
        "max_response_size",
        "retry",
    )

    def __init__(
        self,
        connection: Connection,
        *,
        limits: Timeouts,
        retry: RetryPolicy,
        pacing: bool,
        headers: Mapping[str, str],
        origins: frozenset[URL],
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
        aiohttp_timeout: aiohttp.ClientTimeout | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.connection = connection
        self.retry = retry
        self.limits = retry.limits(limits)
        """The time limits in force (a deprecated ``RetryPolicy`` budget included)."""
        self.max_response_size = max_response_size
        self._pacer = connection.pacer if pacing else None
        self._headers = dict(headers)
        self._origins = origins
        # Credentials go only to these (scheme, host, port); compared per request.
        self._origin_keys = frozenset((o.scheme, o.raw_host, o.port) for o in origins)
        self._last_headers: tuple[Auth | None, bool, dict[str, str]] | None = None
        self._observer = observer
        self._guarded = observer is not None or self.limits.deadline is not None
        self._timeout = aiohttp_timeout or self.limits.for_aiohttp()
        budget = self.limits.rate_limit_budget
        self._turn_limit = None if budget is None else TurnLimit(budget=budget)
        # Never follow redirects (credentials stay with their origin) and never let a
        # borrowed session raise on status; the owned session already has the client's
        # timeout, so only a view with other limits (or a borrowed session) sends its own.
        self._request_options: dict[str, Any] = {
            "allow_redirects": False,
            "raise_for_status": False,
        }
        if self._timeout != connection.session_timeout:
            self._request_options["timeout"] = self._timeout

    def _copy(self, **changes: Any) -> Transport:
        settings: dict[str, Any] = {
            "limits": self.limits,
            "retry": self.retry,
            "pacing": self._pacer is not None,
            "headers": self._headers,
            "origins": self._origins,
            "max_response_size": self.max_response_size,
            "observer": self._observer,
        }
        if "limits" not in changes:
            settings["aiohttp_timeout"] = self._timeout
        settings.update(changes)
        return Transport(self.connection, **settings)

    def with_options(
        self,
        *,
        limits: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        pacing: bool | None = None,
    ) -> Transport:
        """A view with other settings (``None``: keep this one's), on the same connection."""
        changes: dict[str, Any] = {}
        if limits is not None:
            changes["limits"] = limits
        if retry is not None:
            changes["retry"] = retry
        if pacing is not None:
            changes["pacing"] = pacing
        return self._copy(**changes)

    def observed(self, observer: Observer) -> Transport:
        """A view that tells ``observer`` of every 2xx answer it returns."""
        return self._copy(observer=observer)

    @property
    def stats(self) -> TransportStats:
        """The counters of the shared connection."""
        return self.connection.stats

    @property
    def closed(self) -> bool:
        """True once the connection has been closed."""
        return self.connection.closed

    async def close(self) -> None:
        """Close the shared connection (and its owned session). Safe to call twice."""
        await self.connection.close()

    async def send(self, request: Request) -> Response:
        """Send ``request`` with the retry policy; return the 2xx answer or raise.

        The last error is raised with ``attempts`` set, and a note saying how many
        attempts were made when there was more than one.

        Raises:
            ApiError: a non-2xx answer (its subclass names the status).
            TransportError: no answer (``RequestTimeoutError`` when it took too long).
            ClientClosedError: the client was closed.
        """
        connection = self.connection
        task = connection.enter()
        late: TurnTooLate | None = None
        try:
            try:
                return await self._send_direct(request)
            except RedirectError as redirect:
                return await self._follow(request, redirect)
        except TurnTooLate as exc:
            late = exc
        except asyncio.CancelledError:
            if not connection.ended_by_close(task):
                raise
        finally:
            connection.leave(task)
        if late is not None:
            raise _not_sent(request, late)
        msg = f"The OryClient was closed while {request.method} {request.path} was under way"
        raise ClientClosedError(msg)

    async def _follow(self, request: Request, redirect: RedirectError) -> Response:
        """Follow a 307/308 within the request's origin, a few hops at most, or raise it."""
        for _ in range(MAX_REDIRECTS):
            target = same_origin_target(request.url, redirect.status, redirect.location)
            if target is None:
                raise redirect
            logger.debug("%s %s: following a same-origin redirect", request.method, request.path)
            request = attrs.evolve(request, url=target)
            try:
                return await self._send_direct(request)
            except RedirectError as again:
                redirect = again
        raise redirect

    def whole_call(self) -> contextlib.AbstractContextManager[float | None]:
        """Make ``Timeouts.deadline`` bound every request of a multi-request call together."""
        return whole_call(self.limits.deadline)

    async def _send_direct(self, request: Request) -> Response:
        if self._guarded or call_ends() is not None:
            return await self._send_guarded(request)
        # The common case, inlined (one coroutine less per request): the first attempt
        # goes straight out, and the retry state is only built after a failure.
        session, semaphore = self.connection.bind()
        started = time.monotonic()
        try:
            return await self._attempt(session, semaphore, request, self._turn_limit)
        except OryError as exc:
            return await self._retry(exc, request, session, semaphore, started, None)

    async def _send_guarded(self, request: Request) -> Response:
        """:meth:`send` under the call's deadline, or telling the observer of the answer."""
        session, semaphore = self.connection.bind()
        deadline = self.limits.deadline
        now = time.monotonic()
        deadline_at = None if deadline is None else now + deadline
        ends = call_ends()  # a multi-request call's deadline, when earlier
        whole = ends is not None and (deadline_at is None or ends < deadline_at)
        if whole:
            deadline_at = ends
        if deadline_at is None:
            response = await self._exchange(request, session, semaphore, None)
        else:
            if deadline_at <= now:
                msg = (
                    f"{request.method} {request.path} was not sent: the call's deadline "
                    "(Timeouts.deadline, over all of its requests) has passed"
                )
                raise RequestTimeoutError(
                    msg, method=request.method, path=request.path, request_sent=False
                )
            try:
                async with asyncio.timeout(deadline_at - now):
                    response = await self._exchange(request, session, semaphore, deadline_at)
            except TimeoutError as exc:
                # Only the deadline raises a bare TimeoutError here: an attempt's own
                # timeout is already a RequestTimeoutError.
                if whole:
                    msg = (
                        f"No answer to {request.method} {request.path} within the call's "
                        "deadline (Timeouts.deadline, over all of its requests)"
                    )
                else:
                    msg = (
                        f"No answer to {request.method} {request.path} within the deadline "
                        f"of {deadline:g} s (waits, retries and pacing included)"
                    )
                if request.method not in IDEMPOTENT_METHODS:
                    msg += "; the server may have applied it, so check before sending it again"
                raise RequestTimeoutError(msg, method=request.method, path=request.path) from exc
        if self._observer is not None:
            self._observer(response)
        return response

    async def _exchange(
        self,
        request: Request,
        session: aiohttp.ClientSession,
        semaphore: asyncio.Semaphore,
        deadline_at: float | None,
    ) -> Response:
        """The first attempt and, after a failure, the retries."""
        started = time.monotonic()
        limit = self._turn_limit
        if deadline_at is not None:
            limit = TurnLimit(ends_at=deadline_at, budget=self.limits.rate_limit_budget)
        try:
            return await self._attempt(session, semaphore, request, limit)
        except OryError as exc:
            return await self._retry(exc, request, session, semaphore, started, deadline_at)

    async def _retry(
        self,
        error: OryError,
        request: Request,
        session: aiohttp.ClientSession,
        semaphore: asyncio.Semaphore,
        started: float,
        deadline_at: float | None,
    ) -> Response:
        """Retry after ``error`` while :func:`decide` says to wait, then raise the last error."""
        state = Retrying(started, deadline_at)
        lost = False  # an earlier attempt may have been applied, its answer lost
        while True:
            verdict = decide(
                error,
                method=request.method,
                unsent_only=request.retry_unsent,
                policy=self.retry,
                limits=self.limits,
                state=state,
                now=time.monotonic(),
            )
            if isinstance(verdict, GiveUp):
                raise state.give_up(error, verdict)
            logger.info(
                "retrying %s %s in %.2f s (attempt %d) after %s",
                request.method,
                request.path,
                verdict,
                state.tries + 1,
                describe_failure(error),
            )
            await pause(verdict)
            state.waited(error, verdict)
            lost = lost or may_have_applied(error)
            self.connection.stats.retries += 1
            try:
                return await self._attempt(session, semaphore, request, self._limit_now(state))
            except TurnTooLate as late:
                late.sent = state.tries - 1
                raise
            except OryError as exc:
                if done_already(request.method, exc, lost_before=lost):
                    logger.info(
                        "%s %s: the retry found it gone (404); the attempt whose answer "
                        "was lost deleted it, so the call succeeded",
                        request.method,
                        request.path,
                    )
                    return Response(status=204, headers=_NO_HEADERS, body=b"")
                error = exc

    def _limit_now(self, state: Retrying) -> TurnLimit | None:
        """How long a retry may wait for its turn: the deadline, and the budget still left."""
        budget = self.limits.rate_limit_budget
        if budget is not None:
            budget = max(budget - state.limited_wait, 0.0)
        if budget is None and state.deadline_at is None:
            return None
        return TurnLimit(ends_at=state.deadline_at, budget=budget)

    def _headers_for(self, request: Request) -> dict[str, str]:
        auth = request.auth
        url = request.url
        with_auth = auth is not None and (url.scheme, url.raw_host, url.port) in self._origin_keys
        if request.body is None and not request.headers:
            # The common case (GET, DELETE): reuse the dict built for the last request
            # with the same credentials (aiohttp copies what it is given).
            last = self._last_headers
            if last is not None and last[0] is auth and last[1] == with_auth:
                return last[2]
            headers = self._build_headers(request, with_auth)
            self._last_headers = (auth, with_auth, headers)
            return headers
        return self._build_headers(request, with_auth)

    def _build_headers(self, request: Request, with_auth: bool) -> dict[str, str]:
        headers = self._headers.copy()
        if request.body is not None:
            headers.update(_JSON_HEADERS)
        if request.headers:
            headers.update(request.headers)
        if with_auth and request.auth is not None:
            headers[request.auth.header_name] = request.auth.header_value()
        return headers

    def _secrets(self, request: Request) -> tuple[str, ...]:
        """Every credential form the request carries, to scrub from what it may raise."""
        forms = request.auth.secrets() if request.auth is not None else ()
        if request.headers:
            extra = [v for k, v in request.headers.items() if k.lower() in _CREDENTIAL_HEADERS]
            forms += tuple(extra)
        return forms

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        semaphore: asyncio.Semaphore,
        request: Request,
        turn: TurnLimit | None = None,
    ) -> Response:
        """One attempt: its turn under pacing, a concurrency slot, the answer or an error.

        Raises :class:`TurnTooLate` (not sent) when its turn is further away than
        ``turn`` allows; :meth:`send` turns that into a ``RateLimitedError``.
        """
        headers = self._headers_for(request)
        stats = self.connection.stats
        pacer = self._pacer
        ticket = None
        debug = logger.isEnabledFor(logging.DEBUG)
        started = time.perf_counter() if debug else 0.0
        stats.requests += 1
        # aiohttp's exceptions hold the request headers (credentials included), so none
        # of them may end up in the chain of what is raised: each is turned into an
        # OryError here and raised outside the ``except`` block, with no cause or context.
        failure: OryError | None = None
        try:
            await semaphore.acquire()
            try:
                if pacer is not None and not pacer.idle:
                    # The turn is taken with a slot in hand: a request that had its turn
                    # and then queued for a slot would go later than the pacer counts.
                    ticket = await pacer.acquire(request.method, request.url, turn)
                options = (
                    self._request_options
                    if request.timeout is None
                    else self._options_with_read(request.timeout)
                )
                if self.connection.borrowed:
                    options = _resend.once(session, options)
                resp = await session.request(
                    request.method,
                    request.url,
                    data=_payload(request.body),
                    headers=headers,
                    **options,
                )
            except BaseException:
                semaphore.release()
                raise
            try:
                async with resp:
                    status = resp.status
                    resp_headers = resp.headers
                    if pacer is not None:
                        pacer.observe(ticket, request.method, request.url, status, resp_headers)
                    body = await self._read_body(resp, request)
            finally:
                semaphore.release()  # after the response is closed
        except aiohttp.ConnectionTimeoutError:
            limit = self._timeout.sock_connect or self._timeout.connect
            failure = _failures.connect_timeout_error(request.method, request.path, limit)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            limit = request.timeout if request.timeout is not None else self._timeout.total
            failure = _failures.timeout_error(request.method, request.path, limit)
        except aiohttp.ClientError as exc:
            failure = _failures.transport_error(
                request.method, request.path, exc, self._secrets(request)
            )
        except RuntimeError:
            if not session.closed:
                raise
            msg = "The aiohttp session used by OryClient was closed while in use"
            failure = ClientClosedError(msg)
        except ResponseTooLargeError:
            stats.failures += 1
            raise
        finally:
            if ticket is not None and not ticket.done:
                pacer.forget(ticket)  # type: ignore[union-attr]
        if failure is not None:
            stats.failures += 1
            raise failure
        if debug:
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %d in %.1f ms", request.method, request.path, status, elapsed)
        if 200 <= status < 300:
            return Response(status=status, headers=resp_headers, body=body)
        stats.failures += 1
        if status == 429:
            stats.rate_limited += 1
        raise api_error_for(status)(
            status=status,
            method=request.method,
            path=request.path,
            headers=resp_headers,
            body=body,
            secrets=self._secrets(request),
        )

    def _options_with_read(self, seconds: float) -> dict[str, Any]:
        """The request options with a per-call read limit; the connect limit stays."""
        base = self._timeout
        connect = base.sock_connect
        timeout = attrs.evolve(
            base, total=seconds, sock_connect=None if connect is None else min(connect, seconds)
        )
        return {**self._request_options, "timeout": timeout}

    async def _read_body(self, resp: aiohttp.ClientResponse, request: Request) -> bytes:
        """The whole (decoded) body, or :class:`ResponseTooLargeError` once it passes the limit.

        A declared length over the limit is refused before reading; otherwise the body is
        read piece by piece and refused as soon as it grows past the limit, so an endless
        body, or a small compressed one that inflates enormously, costs at most the limit.
        """
        limit = self.max_response_size
        if limit is None:
            return await resp.read()
        length = resp.content_length
        if length is not None and length > limit:
            resp.close()
            raise self._too_large(request, limit)
        if length is not None and "Content-Encoding" not in resp.headers:
            return await resp.read()  # exactly ``length`` bytes, within the limit
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_any():
            size += len(chunk)
            if size > limit:
                resp.close()  # the rest is never read; the connection is not reused
                raise self._too_large(request, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, request: Request, limit: int) -> ResponseTooLargeError:
        msg = (
            f"The answer to {request.method} {request.path} is larger than the "
            f"{_size(limit)} limit; ask for less (e.g. smaller pages) or raise "
            "OryClient(max_response_size=...)"
        )
        return ResponseTooLargeError(msg, limit=limit, method=request.method, path=request.path)

    async def call(self, request: Request, into: type[T]) -> T:
        """Send ``request`` and decode its body into ``into`` (a model type).

        Raises:
            DecodeError: the 2xx body does not fit ``into`` (the message names the request).
            ApiError, TransportError: as :meth:`send`.
        """
        response = await self.send(request)
        return _decode(request, response, into)

    async def call_optional(self, request: Request, into: type[T]) -> T | None:
        """As :meth:`call`, but a 204 or an empty body gives ``None``."""
        response = await self.send(request)
        if response.status == 204 or not response.body.strip():
            return None
        return _decode(request, response, into)

    async def call_with_response(self, request: Request, into: type[T]) -> tuple[T, Response]:
        """As :meth:`call`, also returning the response (for its headers)."""
        response = await self.send(request)
        return _decode(request, response, into), response

    async def call_empty(self, request: Request) -> None:
        """Send ``request``; any 2xx answer counts, its body is ignored."""
        await self.send(request)

    async def call_text(self, request: Request) -> str:
        """Send ``request`` and return the body as text (UTF-8)."""
        response = await self.send(request)
        return response.body.decode("utf-8", "replace")


def _not_sent(request: Request, late: TurnTooLate) -> RateLimitedError:
    """The error for a request whose turn under pacing could not fit: as a 429 would be.

    A ``RateLimitedError`` with ``.retry_after`` (the turn's distance) and ``.attempts``
    (the requests actually sent), as raised for a ``Retry-After`` that cannot fit.
    """
    error = RateLimitedError(
        status=429,
        method=request.method,
        path=request.path,
        headers={"Retry-After": f"{late.wait:.3f}"},
    )
    error.args = (
        f"{request.method} {request.path} was not sent: its turn under rate-limit pacing "
        f"is {late.wait:.3g} s away and {late.why}. Retry after {late.wait:.3g} s",
    )
    error.add_note(
        f"ory_async did not send it: {late.why} (its turn under pacing was "
        f"{late.wait:.3g} s away, {late.left:.3g} s were left)"
    )
    error.attempts = late.sent
    return error


def _payload(body: bytes | None) -> bytes | io.BytesIO | None:
    """The body as aiohttp is given it: a fresh stream for each attempt when large."""
    if body is None or len(body) <= _LARGE_BODY:
        return body
    return io.BytesIO(body)


def _size(limit: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= scale and limit % scale == 0:
            return f"{limit // scale} {unit}"
    return f"{limit} bytes"


def _decode(request: Request, response: Response, into: type[T]) -> T:
    """The one place a response body becomes a model."""
    context = f"{response.status} {request.method} {request.path}"
    return _serde.decode(response.body, into, context=context)
