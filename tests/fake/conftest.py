from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest_asyncio
from multidict import CIMultiDictProxy

__all__ = ["Reply", "call", "http"]


class Reply:
    """A finished response: status, headers and decoded body."""

    def __init__(self, status: int, headers: CIMultiDictProxy[str], raw: bytes) -> None:
        self.status = status
        self.headers = headers
        self.raw = raw

    def json(self) -> Any:
        import json

        return json.loads(self.raw)

    @property
    def error(self) -> dict[str, Any]:
        body = self.json()
        assert isinstance(body, dict)
        err = body["error"]
        assert isinstance(err, dict)
        return err


async def call(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Reply:
    async with http.request(method, url, allow_redirects=False, **kwargs) as resp:
        return Reply(resp.status, resp.headers, await resp.read())


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
