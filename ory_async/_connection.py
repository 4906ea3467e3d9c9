"""What a client and all its views share: one aiohttp session, the gates, the counters.

The session is created on first use, inside the running event loop, so a client can be
built at import time or application start-up; it then belongs to that loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import aiohttp
import attrs

from ._pacing import Pacer
from .errors import ClientClosedError, OryError

__all__ = ["Connection", "TransportStats"]


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


class Connection:
    """One aiohttp session (owned or borrowed), its loop, the concurrency gate and the pacer.

    Every request passes the ``max_concurrency`` semaphore; the pacer is created for the
    first transport that paces, and shared by every view that does.
    """

    __slots__ = (
        "_closed",
        "_closer",
        "_drained",
        "_ended",
        "_in_flight",
        "_keeper",
        "_loop",
        "_max_concurrency",
        "_owns_session",
        "_pacer",
        "_semaphore",
        "_session",
        "_timeout",
        "_trust_env",
        "stats",
    )

    def __init__(
        self,
        *,
        timeout: aiohttp.ClientTimeout,
        max_concurrency: int,
        trust_env: bool,
        session: aiohttp.ClientSession | None,
    ) -> None:
        self._timeout = timeout
        self._max_concurrency = max_concurrency
        self._trust_env = trust_env
        self._session = session
        self._owns_session = session is None
        self._pacer: Pacer | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._keeper: AsyncGenerator[None, None] | None = None
        self._closed = False
        # Tasks with a call under way, and those close() cancelled (they raise
        # ClientClosedError instead of CancelledError).
        self._in_flight: dict[asyncio.Task[object], int] = {}
        self._ended: set[asyncio.Task[object]] = set()
        self._drained: asyncio.Event | None = None
        self._closer: asyncio.Task[object] | None = None
        self.stats = TransportStats()

    @property
    def borrowed(self) -> bool:
        """True when the session was lent by the user (``OryClient(session=...)``)."""
        return not self._owns_session

    @property
    def session_timeout(self) -> aiohttp.ClientTimeout | None:
        """The timeout the owned session applies by itself (``None`` for a borrowed one)."""
        return self._timeout if self._owns_session else None

    @property
    def pacer(self) -> Pacer:
        """The rate-limit pacer every pacing view shares."""
        if self._pacer is None:
            self._pacer = Pacer()
        return self._pacer

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._closed

    def bind(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        """The session and semaphore for a request in the running loop.

        Raises:
            ClientClosedError: the client, or a borrowed session, was closed.
            OryError: the client was first used in another event loop.
        """
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
                # aiohttp silently resends an idempotent request once when its
                # connection drops; the transport retries instead, so that it knows an
                # answer was lost (a DELETE that then meets 404 did its job).
                if hasattr(self._session, "_retry_connection"):
                    self._session._retry_connection = False
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
        # Only a borrowed session can be closed behind our back: ours closes with us.
        if not self._owns_session and self._session.closed:
            msg = "The aiohttp session given to OryClient(session=...) has been closed"
            raise ClientClosedError(msg)
        return self._session, self._semaphore

    def enter(self) -> asyncio.Task[object] | None:
        """Count a call under way in the current task, for :meth:`close` to end."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight[task] = self._in_flight.get(task, 0) + 1
        return task

    def leave(self, task: asyncio.Task[object] | None) -> None:
        """The call :meth:`enter` counted is over."""
        if task is None:
            return
        left = self._in_flight.pop(task, 1) - 1
        if left > 0:
            self._in_flight[task] = left
        if self._drained is not None and all(t is self._closer for t in self._in_flight):
            self._drained.set()

    def ended_by_close(self, task: asyncio.Task[object] | None) -> bool:
        """Whether :meth:`close` cancelled ``task``; if so, that cancellation is withdrawn."""
        if task is None or task not in self._ended:
            return False
        self._ended.discard(task)
        task.uncancel()
        return True

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
        await self._end_in_flight()
        if self._owns_session and self._session is not None:
            await self._session.close()
        if self._keeper is not None:
            keeper, self._keeper = self._keeper, None
            await keeper.aclose()

    async def _end_in_flight(self) -> None:
        """Cancel every call under way in another task and wait until each has unwound.

        Each raises ``ClientClosedError`` (see :meth:`ended_by_close`) once its attempt
        has given back its connection, slot and pacing turn, so the session closes with
        nothing left open.
        """
        me = asyncio.current_task()
        others = [task for task in self._in_flight if task is not me and not task.done()]
        if not others:
            return
        for task in others:
            self._ended.add(task)
            task.cancel()
        self._closer, self._drained = me, asyncio.Event()
        try:
            await self._drained.wait()
        finally:
            self._closer = self._drained = None


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
