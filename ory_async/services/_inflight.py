"""What the bulk helpers share: results streamed from a bounded number of chunks in flight."""

from __future__ import annotations

import abc
import asyncio
from collections import deque
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Generic, Self, TypeVar

from .._timeouts import whole_call

__all__ = ["ChunkStream"]

T = TypeVar("T")


class ChunkStream(abc.ABC, Generic[T]):
    """An async iterator of ``T`` produced by chunk tasks, at most ``concurrency`` at once.

    Subclasses implement :meth:`_run` (starting tasks in ``self._pending``) and may
    override :meth:`_check_open`. Closing the stream (``aclose()``, ``async with``)
    cancels the chunks still in flight and waits for them.
    """

    def __init__(self, *, concurrency: int, deadline: float | None = None) -> None:
        self._concurrency = concurrency
        self._deadline = deadline
        self._ends: float | None = None
        self._pending: deque[asyncio.Task[list[T]]] = deque()
        self._results: AsyncIterator[T] | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        if self._results is None:
            self._check_open()
            self._results = self._run()
        # ``Timeouts.deadline`` bounds the whole job: each step (and each chunk task it
        # starts) runs with the end fixed at the first step.
        with whole_call(self._deadline, ends=self._ends) as ends:
            self._ends = ends
            return await self._results.__anext__()

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _check_open(self) -> None:
        """Raise when the stream cannot start (e.g. its client is closed)."""

    @abc.abstractmethod
    def _run(self) -> AsyncIterator[T]:
        """The results, starting chunk tasks in ``self._pending`` as it goes."""

    async def aclose(self) -> None:
        """Stop: cancel the chunks in flight (a write may or may not have been applied)."""
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        self._pending.clear()
        if self._results is not None:
            await self._results.aclose()  # type: ignore[attr-defined]

    async def collect(self) -> list[T]:
        """Every result, in order (use only when they fit in memory)."""
        async with self:
            return [item async for item in self]
