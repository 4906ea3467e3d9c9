"""The one place that talks to aiohttp: sends a request, retries it, maps and decodes the answer."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from collections.abc import AsyncGenerator, Mapping
from typing import Any, Final, TypeVar

import aiohttp
import aiohttp.http_exceptions
import attrs
from multidict import CIMultiDictProxy
from yarl import URL

from . import _serde
from ._methods import IDEMPOTENT_METHODS
from ._pacing import Pacer, carries_rate_limit
from ._redirects import MAX_REDIRECTS, same_origin_target
from ._retry import RetryPolicy, describe_failure, is_rate_limited
from ._version import __version__
from .auth import Auth
from .errors import (
    ClientClosedError,
    ContentEncodingError,
    MalformedResponseError,
    OryError,
    RedirectError,
    RequestTimeoutError,
    ResponseTooLargeError,
    TransportError,
    api_error_for,
    scrub_secrets,
)

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
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
DEFAULT_MAX_RESPONSE_SIZE: Final = 32 * 1024 * 1024
"""The default limit on one answer's (decoded) body: 32 MiB."""
_DETAIL: Final = 160
# Where aiohttp's parser messages start quoting the raw bytes of the bad line.
_RAW_QUOTE: Final = re.compile(r""":?\s*(?:b'|b"|\^)""")
_ENCODING_NAMED: Final = re.compile(
    r"content-encoding: [^(]*\((\w+)\)|content-encoding: (\w+)", re.I
)
_sleep = asyncio.sleep
"""How the retry loop waits (tests replace it to record waits instead of sleeping)."""
_MIN_RATE_LIMIT_WAIT: Final = 0.1
"""Shortest wait after a 429, even when the server says it resets now."""


class _Release:
    """Releases a semaphore slot on exit (after the response it guards is closed)."""

    __slots__ = ("_semaphore",)

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_: object) -> None:
        self._semaphore.release()


def default_user_agent() -> str:
    """``ory-async/<version>`` followed by the aiohttp and Python versions."""
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"ory-async/{__version__} aiohttp/{aiohttp.__version__} python/{py}"


@attrs.frozen(slots=True)
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
    """Seconds for each attempt of this request, instead of the client's timeout."""

    @property
    def path(self) -> str:
        """The path part of the URL, as shown in logs and error messages (no query)."""
        return self.url.raw_path


@attrs.frozen(slots=True)
class Response:
    """A 2xx answer: status, headers and the raw body."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


@attrs.define(slots=True)
class TransportStats:
    """Counters for what the client has sent, for reports and monitoring."""

    requests: int = 0
    """HTTP requests sent, retries included."""
    retries: int = 0
    """Requests that were a retry of an earlier failed one."""
    failures: int = 0
    """Requests that ended in an error (a later retry may have succeeded)."""
    rate_limited: int = 0
    """Requests answered 429 (each was retried, unless its call gave up)."""


class Transport:
    """Sends requests through one aiohttp session, owned or borrowed.

    The session is created on first use, inside the running event loop, so a client
    can be built at import time or application start-up. Every request passes the
    ``max_concurrency`` semaphore; each attempt takes a slot only while it is on the
    wire, never while it waits to retry.
    """

    def __init__(
        self,
        *,
        origins: frozenset[URL],
        timeout: aiohttp.ClientTimeout,
        max_concurrency: int,
        retry: RetryPolicy,
        headers: Mapping[str, str],
        trust_env: bool,
        session: aiohttp.ClientSession | None,
        pacing: bool = True,
        deadline: float | None = None,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        self.max_response_size = max_response_size
        self._pacer = Pacer() if pacing else None
        self._deadline = deadline
        self._timeout = timeout
        self._max_concurrency = max_concurrency
        self.retry = retry
        self._headers = dict(headers)
        # Credentials go only to these (scheme, host, port); compared per request.
        self._origin_keys = frozenset((o.scheme, o.raw_host, o.port) for o in origins)
        self._last_headers: tuple[Auth | None, bool, dict[str, str]] | None = None
        self._trust_env = trust_env
        self._session = session
        self._owns_session = session is None
        # Never follow redirects (credentials stay with their origin) and never let a
        # borrowed session raise on status; an owned session already has our timeout.
        self._request_options: dict[str, Any] = {
            "allow_redirects": False,
            "raise_for_status": False,
        }
        if session is not None:
            self._request_options["timeout"] = timeout
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._keeper: AsyncGenerator[None, None] | None = None
        self._closed = False
        self.stats = TransportStats()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._closed

    def _bind(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        if self._closed:
            msg = "This OryClient is closed; create a new one (or keep one open for the app's lifetime)"
            raise ClientClosedError(msg)
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            self._semaphore = asyncio.Semaphore(self._max_concurrency)
            if self._session is None:
                self._session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(
                        limit=self._max_concurrency, limit_per_host=0, ttl_dns_cache=300
                    ),
                    timeout=self._timeout,
                    trust_env=self._trust_env,
                    # A server-side client must never replay a cookie one answer set
                    # (e.g. a refreshed session cookie) on another user's request.
                    cookie_jar=aiohttp.DummyCookieJar(),
                    auto_decompress=True,
                )
                self._keeper = self._close_with_loop()
                _start(self._keeper)
        elif loop is not self._loop:
            msg = (
                "This OryClient was first used in another event loop. An aiohttp session "
                "belongs to one loop: create the client inside the loop that uses it "
                "(for example in your app's lifespan) or one client per asyncio.run()."
            )
            raise OryError(msg)
        assert self._session is not None
        assert self._semaphore is not None
        if self._session.closed:
            msg = "The aiohttp session given to OryClient(session=...) has been closed"
            raise ClientClosedError(msg)
        return self._session, self._semaphore

    async def _close_with_loop(self) -> AsyncGenerator[None, None]:
        """Closes the owned session when the loop it belongs to shuts down.

        An event loop finalizes the async generators still open when it shuts down
        (``asyncio.run`` does, as does every well-behaved runner): this one is started
        in the loop that created the session and waits there, so a client that was
        never closed still closes its sockets in their own loop, instead of leaving
        them to a ``ResourceWarning`` once that loop is gone.
        """
        try:
            yield
        finally:
            if self._session is not None and not self._session.closed:
                await self._session.close()

    async def close(self) -> None:
        """Close the owned session (a borrowed one is left open). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()
        if self._keeper is not None:
            keeper, self._keeper = self._keeper, None
            await keeper.aclose()

    async def send(self, request: Request) -> Response:
        """Send ``request`` with the retry policy; return the 2xx answer or raise.

        The last error is raised with ``attempts`` set, and a note saying how many
        attempts were made when there was more than one.

        Raises:
            ApiError: a non-2xx answer (its subclass names the status).
            TransportError: no answer (``RequestTimeoutError`` when it took too long).
            ClientClosedError: the client was closed.
        """
        for _ in range(MAX_REDIRECTS):
            try:
                return await self._send_in_time(request)
            except RedirectError as redirect:
                target = same_origin_target(request.url, redirect.status, redirect.location)
                if target is None:
                    raise
                logger.debug(
                    "%s %s: following a same-origin redirect", request.method, request.path
                )
                request = attrs.evolve(request, url=target)
        return await self._send_in_time(request)  # the last hop's redirect is raised

    async def _send_in_time(self, request: Request) -> Response:
        session, semaphore = self._bind()
        if self._deadline is None:
            return await self._send(session, semaphore, request, None)
        deadline_at = time.monotonic() + self._deadline
        try:
            async with asyncio.timeout(self._deadline):
                return await self._send(session, semaphore, request, deadline_at)
        except TimeoutError as exc:
            # Only the deadline raises a bare TimeoutError here: an attempt's own
            # timeout is already a RequestTimeoutError.
            msg = (
                f"No answer to {request.method} {request.path} within the deadline of "
                f"{self._deadline:g} s (waits, retries and pacing included)"
            )
            if request.method not in IDEMPOTENT_METHODS:
                msg += "; the server may have applied it, so check before sending it again"
            raise RequestTimeoutError(msg, method=request.method, path=request.path) from exc

    async def _send(
        self,
        session: aiohttp.ClientSession,
        semaphore: asyncio.Semaphore,
        request: Request,
        deadline_at: float | None,
    ) -> Response:
        # The first attempt goes straight out: most requests succeed at once, and the
        # retry loop is only entered after a failure.
        started = time.monotonic()
        try:
            return await self._send_once(session, semaphore, request)
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
        """Retry ``request`` after an attempt failed with ``error``, or raise the failure.

        ``started`` is the ``time.monotonic()`` of the first attempt: the policy's
        ``timeout`` caps the sequence of retries after failures other than 429, and
        ``rate_limit_budget`` the time spent waiting after 429s. No semaphore slot is
        held while waiting; no wait starts that would end past ``deadline_at``.
        """
        policy = self.retry
        tries = 1
        counted = 1  # attempts that count against policy.attempts (429s do not)
        limited = 0
        limited_wait = 0.0
        while True:
            if is_rate_limited(error):
                wait = max(policy.wait_for(limited + 1, error), _MIN_RATE_LIMIT_WAIT)
                budget = policy.rate_limit_budget
                give_up = budget is not None and limited_wait + wait > budget
            else:
                wait = 0.0
                give_up = (
                    counted >= policy.attempts
                    or not policy.should_retry(
                        request.method, error, unsent_only=request.retry_unsent
                    )
                    or (policy.timeout is not None and time.monotonic() - started >= policy.timeout)
                )
                if not give_up:
                    wait = policy.wait_for(counted, error)
            if not give_up and deadline_at is not None and time.monotonic() + wait >= deadline_at:
                give_up = True
                error.add_note("ory_async stopped retrying: the call's deadline would pass")
            if give_up:
                if tries > 1:
                    error.add_note(f"ory_async gave up after {tries} attempts")
                error.attempts = tries
                raise error
            logger.info(
                "retrying %s %s in %.2f s (attempt %d) after %s",
                request.method,
                request.path,
                wait,
                tries + 1,
                describe_failure(error),
            )
            await _sleep(wait)
            tries += 1
            if is_rate_limited(error):
                limited += 1
                limited_wait += wait
            else:
                counted += 1
            self.stats.retries += 1
            try:
                return await self._send_once(session, semaphore, request)
            except OryError as exc:
                error = exc

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

    async def _send_once(
        self, session: aiohttp.ClientSession, semaphore: asyncio.Semaphore, request: Request
    ) -> Response:
        headers = self._headers_for(request)
        pacer = self._pacer
        ticket = None
        if pacer is not None and not pacer.idle:
            ticket = await pacer.acquire(request.method, request.url)
        started = time.perf_counter()
        self.stats.requests += 1
        # aiohttp's exceptions hold the request headers (credentials included), so none
        # of them may end up in the chain of what is raised: each is turned into an
        # OryError here and raised outside the ``except`` block, with no cause or context.
        failure: OryError | None = None
        try:
            await semaphore.acquire()
            try:
                if ticket is None and pacer is not None and not pacer.idle:
                    # The pacer woke up (a rate limit showed) while this request queued
                    # for a slot: it waits its turn after all.
                    ticket = await pacer.acquire(request.method, request.url)
                resp = await session.request(
                    request.method,
                    request.url,
                    data=request.body,
                    headers=headers,
                    **(
                        self._request_options
                        if request.timeout is None
                        else self._options_with_timeout(request.timeout)
                    ),
                )
            except BaseException:
                semaphore.release()
                raise
            async with _Release(semaphore), resp:
                status = resp.status
                resp_headers = resp.headers
                if pacer is not None and (ticket is not None or carries_rate_limit(resp_headers)):
                    pacer.observe(ticket, request.method, request.url, status, resp_headers)
                body = await self._read_body(resp, request)
        except aiohttp.ConnectionTimeoutError:
            failure = self._connect_timeout_error(request)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            failure = self._timeout_error(request)
        except aiohttp.ClientError as exc:
            failure = self._transport_error(request, exc)
        except RuntimeError:
            if not session.closed:
                raise
            msg = "The aiohttp session used by OryClient was closed while in use"
            failure = ClientClosedError(msg)
        except ResponseTooLargeError:
            self.stats.failures += 1
            raise
        finally:
            if ticket is not None and not ticket.done:
                pacer.forget(ticket)  # type: ignore[union-attr]
        if failure is not None:
            self.stats.failures += 1
            raise failure
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %d in %.1f ms", request.method, request.path, status, elapsed)
        if 200 <= status < 300:
            return Response(status=status, headers=resp_headers, body=body)
        self.stats.failures += 1
        if status == 429:
            self.stats.rate_limited += 1
        raise api_error_for(status)(
            status=status,
            method=request.method,
            path=request.path,
            headers=resp_headers,
            body=body,
            secrets=self._secrets(request),
        )

    def _connect_timeout_error(self, request: Request) -> RequestTimeoutError:
        limit = self._timeout.sock_connect or self._timeout.connect
        within = f" within {limit:g} s" if limit else ""
        msg = (
            f"Could not connect for {request.method} {request.path}{within} "
            "(nothing was sent; check the URL and that the server is up)"
        )
        return RequestTimeoutError(
            msg, method=request.method, path=request.path, request_sent=False
        )

    def _options_with_timeout(self, seconds: float) -> dict[str, Any]:
        """The request options with a per-call timeout in place of the client's."""
        return {**self._request_options, "timeout": aiohttp.ClientTimeout(total=seconds)}

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

    def _timeout_error(self, request: Request) -> RequestTimeoutError:
        limit = request.timeout if request.timeout is not None else self._timeout.total
        within = f" within {limit:g} s" if limit else ""
        msg = f"No complete answer to {request.method} {request.path}{within}"
        if request.method not in IDEMPOTENT_METHODS:
            msg += "; the server may still have applied it, so check before sending it again"
        return RequestTimeoutError(msg, method=request.method, path=request.path)

    def _transport_error(self, request: Request, exc: aiohttp.ClientError) -> TransportError:
        method, path = request.method, request.path
        secrets = self._secrets(request)
        failed = _content_encoding_failure(exc)
        if failed is not None:
            encoding, unsupported = failed
            msg = (
                f"The answer to {method} {path} could not be decoded: "
                f"it says Content-Encoding: {encoding}, "
            )
            if unsupported:
                msg += f"which this client cannot decode (it did not ask for {encoding})"
            else:
                msg += f"but its body is not {encoding} data"
            return ContentEncodingError(
                scrub_secrets(msg, secrets), method=method, path=path, encoding=encoding
            )
        if isinstance(exc, aiohttp.ClientResponseError):
            # aiohttp's HTTP parser rejected the status line, a header or the framing.
            detail = _parser_detail(exc.message) or type(exc).__name__
            msg = f"The answer to {method} {path} was malformed: {detail}"
            if method not in IDEMPOTENT_METHODS:
                msg += " (the outcome is unknown: the server may have applied the request)"
            return MalformedResponseError(scrub_secrets(msg, secrets), method=method, path=path)
        sent = False if isinstance(exc, aiohttp.ClientConnectorError) else None
        what = "Could not connect" if sent is False else "The connection failed"
        detail = _one_line(str(exc)) or type(exc).__name__
        msg = f"{what} on {method} {path}: {detail}"
        if sent is False:
            msg += " (nothing was sent; check the URL and that the server is up)"
        elif method not in IDEMPOTENT_METHODS:
            msg += " (the outcome is unknown: the server may have applied the request)"
        return TransportError(
            scrub_secrets(msg, secrets), method=method, path=path, request_sent=sent
        )

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


def _start(keeper: AsyncGenerator[None, None]) -> None:
    """Run ``keeper`` to its ``yield`` now, registering it with the running loop.

    Reaching the ``yield`` needs no I/O, so the first step completes synchronously.
    """
    step = keeper.asend(None)
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()  # pragma: no cover - the keeper never waits before its yield
    raise AssertionError("the loop keeper must reach its yield at once")  # pragma: no cover


def _size(limit: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= scale and limit % scale == 0:
            return f"{limit // scale} {unit}"
    return f"{limit} bytes"


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL * 2 else text[: _DETAIL * 2 - 1] + "…"


def _parser_detail(message: str) -> str:
    """The parser's message without the raw bytes it quotes: ``Bad status line: ...``."""
    text = _RAW_QUOTE.split(" ".join(message.split()), maxsplit=1)[0].strip(" :")
    return text if len(text) <= _DETAIL else text[: _DETAIL - 1] + "…"


def _content_encoding_failure(exc: BaseException) -> tuple[str, bool] | None:
    """The declared encoding and whether it cannot be decoded here at all, or ``None``.

    ``None`` unless ``exc`` comes from a body that would not decode; "cannot be decoded
    here" means a codec that is not installed (brotli, zstd).
    """
    link: BaseException | None = exc
    for _ in range(8):
        if link is None:
            return None
        if isinstance(link, aiohttp.http_exceptions.ContentEncodingError):
            text = str(link)
            match = _ENCODING_NAMED.search(text)
            encoding = (match.group(1) or match.group(2)) if match else "unknown"
            return encoding, "install" in text.lower()
        link = link.__cause__ or link.__context__
    return None


def _decode(request: Request, response: Response, into: type[T]) -> T:
    """The one place a response body becomes a model."""
    context = f"{response.status} {request.method} {request.path}"
    return _serde.decode(response.body, into, context=context)
