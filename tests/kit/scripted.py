"""A real loopback HTTP server that answers from a script and records what it received.

Unit tests that must go through aiohttp's connector (retries, timeouts, redirects,
connection drops, quoting as seen on the wire) use this instead of aioresponses.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import orjson
from aiohttp import web
from multidict import CIMultiDict

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.frozen
class Seen:
    """One request as the server received it."""

    method: str
    raw_path: str
    query_string: str
    headers: CIMultiDict[str]
    body: bytes


def reply(
    status: int = 200,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    content_type: str = "application/json",
) -> Handler:
    """A handler that answers once with ``status`` and a JSON (or raw) body."""

    async def handler(_: web.Request) -> web.StreamResponse:
        data = raw if raw is not None else (b"" if body is None else orjson.dumps(body))
        return web.Response(status=status, body=data, headers=headers, content_type=content_type)

    return handler


def drop() -> Handler:
    """A handler that closes the connection without answering."""

    async def handler(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=200)

    return handler


def hang(event: asyncio.Event) -> Handler:
    """A handler that answers only once ``event`` is set (never, for timeout tests)."""

    async def handler(_: web.Request) -> web.StreamResponse:
        await event.wait()
        return web.Response(status=204)

    return handler


class ScriptedServer:
    """Answers each request with the next scripted handler (the last one repeats)."""

    def __init__(self) -> None:
        self.script: deque[Handler] = deque()
        self.seen: list[Seen] = []
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:[\\s\\S]*}", self._handle)

    def then(self, *handlers: Handler) -> ScriptedServer:
        """Append handlers to the script."""
        self.script.extend(handlers)
        return self

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(
            Seen(
                method=request.method,
                raw_path=request.raw_path.split("?", 1)[0],
                query_string=request.query_string,
                headers=CIMultiDict(request.headers),
                body=await request.read(),
            )
        )
        handler = self.script.popleft() if len(self.script) > 1 else self.script[0]
        return await handler(request)
