"""Calling Ory's blocking SDK (``ory-client``) from async tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a blocking SDK method without blocking the loop FakeOry serves on."""
    return await asyncio.to_thread(fn, *args, **kwargs)
