"""A clock for the pacer that moves only when the pacer sleeps (virtual time)."""

from __future__ import annotations

import asyncio


class FakeTime:
    """A clock that moves only when the pacer sleeps; ``sleeps`` lists every wait asked for."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)
