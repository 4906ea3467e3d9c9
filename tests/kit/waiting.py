"""Waiting, without sleeping for a fixed time, for what a subprocess does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_until(condition: Callable[[], bool]) -> None:
    """Yield to the loop (which serves the fake) until ``condition`` holds."""
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def yield_until(condition: Callable[[], bool]) -> None:
    """Yield to the loop until ``condition`` holds, with no wall-clock waiting at all."""
    for _ in range(100_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never became true")
