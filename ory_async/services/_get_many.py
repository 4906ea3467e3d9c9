"""Many identities by id: the list endpoint's ``ids`` filter, in URL-sized chunks.

Ids are read lazily, checked and de-duplicated, and cut into chunks that keep every
request URL within :data:`MAX_URL` (about 190 UUIDs with a short base URL; the server
takes at most 500). A bounded number of chunks is in flight; each yields the identities
the server found, so memory holds at most ``concurrency`` chunks of identities plus the
set of ids already asked for (about 150 bytes per id).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Final

from ._inflight import ChunkStream

if TYPE_CHECKING:
    from ..models import Identity

__all__ = ["MAX_URL", "GetMany", "canonical_id"]

MAX_URL: Final = 8192
"""The longest request URL sent: aiohttp's and common proxies' request-line limit (8 KB)."""

ID_COST: Final = len("&ids=") + 36
"""What one UUID adds to the URL."""

_CANONICAL: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

FetchChunk = Callable[[list[str]], Awaitable[list["Identity"]]]


def canonical_id(value: object) -> str:
    """The canonical (lower-case, hyphenated) form of an identity id.

    Raises:
        TypeError: not a string.
        ValueError: not a UUID (no identity can have it, and the server would refuse
            the whole chunk it travels in).
    """
    if not isinstance(value, str):
        msg = f"identity ids must be str, not {type(value).__name__}"
        raise TypeError(msg)
    if _CANONICAL.fullmatch(value):
        return value  # the usual spelling, as the server writes ids: no parsing
    try:
        return str(uuid.UUID(value))
    except ValueError:
        msg = f"identity ids are UUIDs; {value[:64]!r} is not one (filter such ids out first)"
        raise ValueError(msg) from None


class GetMany(ChunkStream["Identity"]):
    """The async iterable ``identities.get_many`` returns; see there.

    Use it in ``async with`` (or call :meth:`aclose`) when you may stop early, so chunks
    still in flight are cancelled.
    """

    def __init__(
        self,
        ids: Iterable[str] | AsyncIterable[str],
        *,
        fetch: FetchChunk,
        chunk_size: int,
        concurrency: int,
        deadline: float | None = None,
    ) -> None:
        super().__init__(concurrency=concurrency, deadline=deadline)
        self._ids = ids
        self._fetch = fetch
        self.chunk_size = chunk_size
        """Ids per request (what fits the URL limit, at most 500)."""
        self.requested = 0
        """Distinct ids asked for so far."""

    async def _run(self) -> AsyncIterator[Identity]:
        try:
            async for chunk in self._chunks():
                self._pending.append(asyncio.create_task(self._one(chunk)))
                while len(self._pending) >= self._concurrency:
                    for identity in await self._pending.popleft():
                        yield identity
            while self._pending:
                for identity in await self._pending.popleft():
                    yield identity
        finally:
            for task in self._pending:  # an error or an early stop: nothing left running
                task.cancel()

    async def _one(self, chunk: list[str]) -> list[Identity]:
        asked = set(chunk)
        found = await self._fetch(chunk)
        # Only what was asked, once each (a server that ignored the filter is not trusted).
        result = []
        for identity in found:
            if identity.id in asked:
                asked.discard(identity.id)
                result.append(identity)
        return result

    async def _chunks(self) -> AsyncIterator[list[str]]:
        seen: set[str] = set()
        chunk: list[str] = []
        async for raw in _aiter(self._ids):
            ident = canonical_id(raw)
            if ident in seen:
                continue
            seen.add(ident)
            self.requested += 1
            chunk.append(ident)
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


async def _aiter(ids: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[object]:
    if isinstance(ids, str | bytes):
        msg = "get_many takes an iterable of ids, not a single string; wrap it: [id]"
        raise TypeError(msg)
    if isinstance(ids, AsyncIterable):
        async for item in ids:
            yield item
    else:
        for item in ids:
            yield item
