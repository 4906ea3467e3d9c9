"""Read-ahead for a walk: the next pages are fetched while the consumer works on this one.

One task fetches the pages in order, at most ``depth`` ahead of the page the consumer
last took, and hands each over, or the error that fetching it raised, in that order:
an error surfaces when the consumer reaches that page, not earlier. Closing (or
cancelling the consumer while it waits) cancels the task and waits for it, so no task,
request or connection outlives the walk.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Final, Generic, TypeVar

import attrs

__all__ = ["TASK_PREFIX", "ReadAhead"]

S = TypeVar("S")
P = TypeVar("P")


@attrs.frozen
class _Failed:
    error: BaseException


_END: Final = object()

TASK_PREFIX: Final = "ory_async read-ahead "
"""How the read-ahead tasks are named (for debugging and ``asyncio.all_tasks()``)."""


class ReadAhead(Generic[S, P]):
    """Fetch pages ahead of their consumer, starting at ``first``.

    ``fetch`` turns a step into a page, ``next_of`` names the step after a page (``None``
    after the last). The task is named ``name`` (prefixed with :data:`TASK_PREFIX`).
    Must be created inside the running loop.
    """

    __slots__ = ("_queue", "_slots", "_task")

    def __init__(
        self,
        fetch: Callable[[S], Awaitable[P]],
        next_of: Callable[[P], S | None],
        first: S,
        depth: int,
        name: str = "",
    ) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._slots = asyncio.Semaphore(depth)
        self._task: asyncio.Task[None] | None = asyncio.get_running_loop().create_task(
            _produce(fetch, next_of, first, self._slots, self._queue),
            name=f"{TASK_PREFIX}{name}",
        )

    async def get(self) -> P | None:
        """The next page, ``None`` after the last; raises the error of a page that failed.

        If the caller is cancelled while waiting, the read-ahead is cancelled and awaited
        before the cancellation goes on.
        """
        try:
            outcome = await self._queue.get()
        except asyncio.CancelledError:
            await self.aclose()
            raise
        self._slots.release()
        if outcome is _END:
            return None
        if isinstance(outcome, _Failed):
            raise outcome.error
        return outcome  # type: ignore[return-value]

    async def aclose(self) -> None:
        """Cancel the read-ahead and wait until it has stopped. Idempotent."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        await asyncio.wait({task})  # unlike awaiting the task, never raises its cancellation

    def cancel(self) -> None:
        """Cancel the read-ahead without waiting (for a walk abandoned by ``break``)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                task.cancel()


async def _produce(
    fetch: Callable[[S], Awaitable[P]],
    next_of: Callable[[P], S | None],
    step: S | None,
    slots: asyncio.Semaphore,
    queue: asyncio.Queue[object],
) -> None:
    # Holds no reference to the iterator, so an abandoned iterator can be collected
    # (and cancel this task) while a request is in flight.
    while step is not None:
        await slots.acquire()
        try:
            page = await fetch(step)
        except Exception as exc:  # handed to the consumer, raised when it gets there
            queue.put_nowait(_Failed(exc))
            return
        queue.put_nowait(page)
        step = next_of(page)
    queue.put_nowait(_END)
