"""Blocking forms of the async listings and bulk streams: ordinary iterators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import Generic, Self, TypeVar

from .._pagination import AsyncPager
from .._pagination import Page as AsyncPage
from ..services._inflight import ChunkStream
from ._runtime import runtime

__all__ = ["Page", "Pager", "ResultStream"]

T = TypeVar("T")


class _End:
    """The end of an async iterator, as a value (a task cannot raise StopAsyncIteration)."""


_END = _End()


async def _next(iterator: AsyncIterator[T]) -> T | _End:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _END


class Page(Generic[T]):
    """One page of a listing (the blocking form of :class:`ory_async.Page`).

    Attributes:
        items: the page's items, minus any the same walk already returned.
        total_count: the server's ``X-Total-Count``, or ``None`` when it sent none.
        headers: the response headers (rate-limit headers, ``Link``, ...).
    """

    __slots__ = ("_page", "headers", "items", "total_count")

    def __init__(self, page: AsyncPage[T]) -> None:
        self._page = page
        self.items: list[T] = page.items
        self.total_count: int | None = page.total_count
        self.headers: Mapping[str, str] = page.headers

    @property
    def has_next(self) -> bool:
        """Whether another page follows this one."""
        return self._page.has_next

    @property
    def next_token(self) -> str | None:
        """The ``page_token`` of the next page (token form), to resume a walk there later."""
        return self._page.next_token

    @property
    def next_page_number(self) -> int | None:
        """The number of the next page (page/per_page form), to resume a walk there later."""
        return self._page.next_page_number

    def next_page(self) -> Page[T] | None:
        """Fetch the page after this one (``None`` after the last). Repeated calls reuse it.

        Raises:
            PaginationError: the server's paging would loop.
            ApiError, TransportError: the page request failed (after retries).
        """
        if not self._page.has_next:
            return None
        page = runtime.run(self._page.next_page())
        return None if page is None else Page(page)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Page(items={len(self.items)}, total_count={self.total_count}, has_next={self.has_next})"


class Pager(Generic[T]):
    """What every ``list(...)`` of the blocking client returns.

    * ``for item in pager`` yields every item across pages, each once;
    * ``for page in pager.pages()`` yields page by page;
    * ``pager.first_page()`` gives the first :class:`Page` (``await pager`` in async code);
    * ``pager.collect(limit=None)`` gives a list;
    * ``pager.prefetch(pages=1)`` is the same pager with read-ahead for the loops above.

    Each of these starts a fresh walk, one request per page. Breaking out of a loop
    early sends no further request.
    """

    __slots__ = ("_pager",)

    def __init__(self, pager: AsyncPager[T]) -> None:
        self._pager = pager

    def first_page(self) -> Page[T]:
        """The first page of the listing."""
        return Page(runtime.run(_first(self._pager)))

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """Iterate page by page (each page minus items already yielded)."""
        pages = self._pager.pages()
        try:
            while True:
                page = runtime.run(_next(pages))
                if isinstance(page, _End):
                    return
                yield Page(page)
        finally:
            # Stops any read-ahead; from whichever thread drops the iterator, never blocking.
            runtime.spawn(pages.aclose)

    def prefetch(self, pages: int = 1) -> Pager[T]:
        """The same listing with up to ``pages`` pages fetched ahead of the loop.

        Raises:
            TypeError: ``pages`` is not an int.
            ValueError: ``pages`` is below 1.
        """
        return Pager(self._pager.prefetch(pages))

    def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit``) in a list; stops fetching once it has them."""
        return runtime.run(self._pager.collect(limit))

    def __repr__(self) -> str:
        return repr(self._pager).replace("AsyncPager", "Pager", 1)


async def _first(pager: AsyncPager[T]) -> AsyncPage[T]:
    return await pager


class ResultStream(Generic[T]):
    """The blocking form of ``get_many`` and ``batch_create``: an iterator of results.

    Use it as ``with ory.identities.get_many(ids) as found: for identity in found: ...``;
    leaving the ``with`` block (or ``close()``) cancels the chunks still in flight.
    """

    __slots__ = ("_stream",)

    def __init__(self, stream: ChunkStream[T]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        item = runtime.run(_next(self._stream))
        if isinstance(item, _End):
            raise StopIteration
        return item

    def __enter__(self) -> Self:
        runtime.run(self._stream.__aenter__())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop: cancel the chunks in flight (a write may or may not have been applied)."""
        runtime.run(self._stream.aclose())

    def collect(self) -> list[T]:
        """Every result, in order (use only when they fit in memory)."""
        return runtime.run(self._stream.collect())
