"""A loopback TCP server that answers with raw bytes: for answers no HTTP library would send.

Each connection's request head is read and recorded, then the scripted answer is
written byte for byte (a broken status line, a bad header, a lying Content-Length,
a body that never ends, ...).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

__all__ = ["Answer", "RawServer", "raw_server"]

Answer = Callable[[asyncio.StreamWriter], Awaitable[None]]
"""Writes the answer to one request; the connection is closed after it returns."""


def fixed(data: bytes) -> Answer:
    """An answer of exactly these bytes."""

    async def write(writer: asyncio.StreamWriter) -> None:
        writer.write(data)
        await writer.drain()

    return write


class RawServer:
    """Answers every request with ``answer``; ``heads`` holds each request head received.

    With ``keep_alive`` the connection stays open after each answer for the next
    request, until the client closes it (counted in ``closed_by_client``).
    """

    def __init__(self, answer: Answer, *, keep_alive: bool = False) -> None:
        self.answer = answer
        self.keep_alive = keep_alive
        self.closed_by_client = 0
        self.hung_up = threading.Event()
        """Set each time a client closes a kept-alive connection (usable from any thread)."""
        self.heads: list[bytes] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open[task] = writer
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    if self.keep_alive:  # the client hung up on a kept-alive connection
                        self.closed_by_client += 1
                        self.hung_up.set()
                    break
                self.heads.append(head)
                await self.answer(writer)
                if not self.keep_alive:
                    break
        except (ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self._open.pop(task, None)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def stop(self) -> None:
        """Stop listening and end every open connection."""
        assert self._server is not None
        self._server.close()
        # Hang up on every client still connected (an endless body, a kept-alive
        # connection): each handler then ends on its own.
        for writer in list(self._open.values()):
            writer.transport.abort()
        for task in list(self._open):
            await task
        await self._server.wait_closed()


@contextlib.asynccontextmanager
async def raw_server(answer: Answer, *, keep_alive: bool = False) -> AsyncIterator[RawServer]:
    """A started :class:`RawServer`, stopped on exit."""
    server = RawServer(answer, keep_alive=keep_alive)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
