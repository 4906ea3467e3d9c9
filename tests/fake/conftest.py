from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio

__all__ = ["http"]


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
