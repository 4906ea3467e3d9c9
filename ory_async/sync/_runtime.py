"""The one event loop every synchronous client of a process runs on, in a background thread.

Blocking calls hand their coroutine to this loop and wait on a plain lock, so all threads
share one connection pool and one pacer per client, and retries, pacing, decoding and
errors stay in the asyncio implementation. The loop thread starts with the first call
and stops when the last open client closes, at interpreter exit, or (in a forked
child) is simply forgotten: a child starts its own on first use and never touches the
parent's loop or sockets.
"""

from __future__ import annotations

import _thread
import asyncio
import atexit
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from ..errors import ClientClosedError, OryError

__all__ = ["BlockingCallInEventLoopError", "Runtime", "runtime"]

T = TypeVar("T")

THREAD_NAME = "ory_async-sync"
STOP_TIMEOUT = 10.0
"""Seconds ``close()`` and interpreter exit wait for the loop to finish closing clients."""


class BlockingCallInEventLoopError(OryError, RuntimeError):
    """A blocking call was made from a thread that runs an event loop.

    It would stall that loop (or, on the client's own loop, wait forever). In async
    code use :class:`ory_async.OryClient` and ``await`` its methods.
    """


_IN_LOOP = (
    "ory_async.sync.OryClient blocks, and this thread runs an event loop; in async code "
    "use ory_async.OryClient and await its methods (or call the blocking client through "
    "asyncio.to_thread)"
)


_NO_LOOP = (
    "This OryClient is closed (no open client keeps the event loop running); create a new one"
)


class Runtime:
    """The process's loop thread, counted by the clients that use it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._users = 0
        self._closers: dict[int, Callable[[], Coroutine[Any, Any, None]]] = {}
        # What a forked child inherited: kept referenced so that it is never garbage
        # collected (its finalizers would touch the parent's loop and sockets).
        self._abandoned: list[object] = []

    @property
    def thread(self) -> threading.Thread | None:
        """The loop thread, while one runs."""
        return self._thread

    def acquire(self, owner: int, closer: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Count client ``owner`` (an id) as a user of the loop (starting it), closed by ``closer``."""
        with self._lock:
            if owner in self._closers:
                return
            if self._loop is None:
                self._start()
            self._closers[owner] = closer
            self._users += 1

    def release(self, owner: int, *, wait: bool = True) -> None:
        """Close client ``owner`` on the loop and stop counting it; the last user stops the loop.

        With ``wait=False`` (a client garbage collected without ``close()``) nothing
        blocks: the closing is scheduled and the loop stops after it.
        """
        with self._lock:
            closer = self._closers.pop(owner, None)
            if closer is None:
                return
            self._users -= 1
            last = self._users == 0
            loop, thread = self._loop, self._thread
            if last:
                self._loop = self._thread = None
        if loop is None or thread is None:  # pragma: no cover - counted users imply a loop
            return
        if not wait or threading.current_thread() is thread:
            # From a finalizer or the loop's own thread: schedule, never wait.
            self._close_later(loop, closer, stop=last)
            return
        with contextlib.suppress(Exception):  # best effort: the loop stops regardless
            asyncio.run_coroutine_threadsafe(closer(), loop).result(STOP_TIMEOUT)
        if last:
            self._stop(loop, thread)

    @staticmethod
    def _close_later(
        loop: asyncio.AbstractEventLoop,
        closer: Callable[[], Coroutine[Any, Any, None]],
        *,
        stop: bool,
    ) -> None:
        async def close_then_stop() -> None:
            try:
                await closer()
            finally:
                if stop:
                    asyncio.get_running_loop().stop()

        try:
            loop.call_soon_threadsafe(loop.create_task, close_then_stop())
        except RuntimeError:  # pragma: no cover - the loop already closed
            return

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and block until it ends; its result or its error.

        Ctrl-C (``KeyboardInterrupt``) while waiting cancels the coroutine, waits for it
        to unwind, and is raised; the client stays usable.

        Raises:
            BlockingCallInEventLoopError: this thread runs an event loop.
        """
        if asyncio._get_running_loop() is not None:
            coro.close()
            raise BlockingCallInEventLoopError(_IN_LOOP)
        loop = self._loop
        if loop is None:
            coro.close()
            raise ClientClosedError(_NO_LOOP)
        done = _thread.allocate_lock()
        done.acquire()
        outcome: list[Any] = []
        holder: list[asyncio.Task[Any]] = []

        async def runner() -> None:
            try:
                outcome.append(await coro)
            except BaseException as exc:
                outcome.append(_Failure(exc))
            finally:
                done.release()

        def start() -> None:
            holder.append(loop.create_task(runner()))

        loop.call_soon_threadsafe(start)
        try:
            done.acquire()
        except BaseException:  # Ctrl-C (or another signal's exception) while blocked
            loop.call_soon_threadsafe(_cancel, holder)
            done.acquire()  # the coroutine unwinds quickly once cancelled
            raise
        result = outcome[0]
        if isinstance(result, _Failure):
            raise result.exc.with_traceback(result.exc.__traceback__)
        return result  # type: ignore[no-any-return]

    def submit(self, coro: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Schedule ``coro`` on the loop from an event loop in another thread; await the result."""
        loop = self._loop
        if loop is None:
            coro.close()
            raise ClientClosedError(_NO_LOOP)
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))

    def spawn(self, make: Callable[[], Awaitable[object]]) -> None:
        """Start ``make()`` on the loop without waiting (cleanup from any thread)."""
        loop = self._loop
        if loop is None:
            return

        async def wrapper() -> None:
            with contextlib.suppress(Exception):  # cleanup of an abandoned iteration
                await make()

        try:
            loop.call_soon_threadsafe(loop.create_task, wrapper())
        except RuntimeError:  # pragma: no cover - closed between the check and the call
            return

    def shutdown(self) -> None:
        """Close every client still open and stop the loop (interpreter exit)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            closers = list(self._closers.values())
            self._closers.clear()
            self._users = 0
            self._loop = self._thread = None
        if loop is None or thread is None:
            return

        async def close_all() -> None:
            await asyncio.gather(*(c() for c in closers), return_exceptions=True)

        with contextlib.suppress(Exception):  # exit goes on regardless
            asyncio.run_coroutine_threadsafe(close_all(), loop).result(STOP_TIMEOUT)
        self._stop(loop, thread)

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's loop (its thread does not exist here)."""
        self._lock = threading.Lock()
        if self._loop is not None:
            self._abandoned.append(self._loop)
        self._closers = {}
        self._loop = self._thread = None
        self._users = 0

    def forget_after_fork_object(self, obj: object) -> None:
        """Keep what a forked child inherited referenced, never used nor collected."""
        self._abandoned.append(obj)

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        started = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(started.set)
            try:
                loop.run_forever()
            finally:
                _drain(loop)

        # Daemon, so that a process never hangs on it; the atexit hook stops it first.
        thread = threading.Thread(target=main, name=THREAD_NAME, daemon=True)
        thread.start()
        started.wait()
        self._loop, self._thread = loop, thread

    @staticmethod
    def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        try:
            loop.call_soon_threadsafe(loop.stop)
        except RuntimeError:  # pragma: no cover - already closed
            return
        if threading.current_thread() is not thread:
            thread.join(STOP_TIMEOUT)


class _Failure:
    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _cancel(holder: list[asyncio.Task[Any]]) -> None:
    for task in holder:
        task.cancel()


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Let cancelled tasks unwind, then close the loop (in the loop thread, after it stops)."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


runtime = Runtime()
"""The process's runtime (replaced state in a forked child)."""

atexit.register(runtime.shutdown)
if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=runtime.forget_after_fork)
