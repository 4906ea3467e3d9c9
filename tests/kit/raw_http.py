"""Raw HTTP against FakeOry, for the tests of FakeOry itself: a finished response, read whole."""

from __future__ import annotations

from typing import Any

import aiohttp
from multidict import CIMultiDictProxy


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
