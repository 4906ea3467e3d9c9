"""Drive the blocking client from the async test suites, so one suite checks both clients.

``facade(sync_client)`` looks like an async :class:`ory_async.OryClient`: every method the
async client awaits runs the blocking method in a worker thread (``asyncio.to_thread``),
and pagers, pages and bulk streams are wrapped the same way. Which calls block is read
off the async client (a coroutine function there blocks here), so new services and
methods are mirrored without a line here.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any, cast

from ory_async import OryClient as AsyncOryClient
from ory_async.sync import OryClient, Page, Pager, ResultStream

_END = object()


def _next(iterator: Iterator[Any]) -> Any:
    return next(iterator, _END)


def _is_service(value: Any) -> bool:
    """A blocking service (``ory.identities``...): an object of the blocking client's own
    making that is neither a method nor one of its public result types."""
    return (
        not callable(value)
        and type(value).__module__.startswith("ory_async.sync.")
        and not isinstance(value, Page | Pager | ResultStream)
    )


def _wrap(value: Any) -> Any:
    if isinstance(value, OryClient):
        return ClientFacade(value)
    if isinstance(value, Pager):
        return PagerFacade(value)
    if isinstance(value, ResultStream):
        return StreamFacade(value)
    if isinstance(value, Page):
        return PageFacade(value)
    return value


def _method(blocking: bool, method: Callable[..., Any]) -> Callable[..., Any]:
    if blocking:

        async def call(*args: Any, **kwargs: Any) -> Any:
            return _wrap(await asyncio.to_thread(method, *args, **kwargs))

        return call

    def plain(*args: Any, **kwargs: Any) -> Any:
        return _wrap(method(*args, **kwargs))

    return plain


class _Facade:
    def __init__(self, target: Any, twin: Any) -> None:
        self._target = target
        self._twin = twin  # the async object of the same role, to tell what blocks

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if _is_service(value):
            return _Facade(value, getattr(self._twin, name))
        if callable(value):
            blocking = inspect.iscoroutinefunction(getattr(self._twin, name, None))
            return _method(blocking, value)
        return value


class ClientFacade(_Facade):
    """A blocking client dressed as an async one."""

    def __init__(self, target: OryClient) -> None:
        super().__init__(target, target._async())

    @property
    def sync(self) -> OryClient:
        """The blocking client behind the facade."""
        return cast(OryClient, self._target)

    async def close(self) -> None:
        await asyncio.to_thread(self._target.close)

    async def __aenter__(self) -> ClientFacade:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class PageFacade:
    """A blocking page dressed as an async one."""

    def __init__(self, page: Page[Any]) -> None:
        self._page = page
        self.items = page.items
        self.total_count = page.total_count
        self.headers = page.headers

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)

    def __len__(self) -> int:
        return len(self._page)

    async def next_page(self) -> PageFacade | None:
        page = await asyncio.to_thread(self._page.next_page)
        return None if page is None else PageFacade(page)


class _Iter:
    def __init__(self, make: Callable[[], Iterator[Any]]) -> None:
        self._make = make
        self._it: Iterator[Any] | None = None

    def __aiter__(self) -> _Iter:
        return self

    async def __anext__(self) -> Any:
        if self._it is None:
            self._it = await asyncio.to_thread(self._make)
        item = await asyncio.to_thread(_next, self._it)
        if item is _END:
            raise StopAsyncIteration
        return _wrap(item)

    async def aclose(self) -> None:
        close = getattr(self._it, "close", None)
        if close is not None:
            await asyncio.to_thread(close)


class PagerFacade:
    """A blocking pager dressed as an async one."""

    def __init__(self, pager: Pager[Any]) -> None:
        self._pager = pager

    def __await__(self) -> Any:
        return self._first().__await__()

    async def _first(self) -> PageFacade:
        return PageFacade(await asyncio.to_thread(self._pager.first_page))

    def __aiter__(self) -> _Iter:
        return _Iter(lambda: iter(self._pager))

    def pages(self) -> _Iter:
        return _Iter(self._pager.pages)

    def prefetch(self, pages: int = 1) -> PagerFacade:
        return PagerFacade(self._pager.prefetch(pages))

    async def collect(self, limit: int | None = None) -> list[Any]:
        return await asyncio.to_thread(self._pager.collect, limit)


class StreamFacade:
    """A blocking bulk stream dressed as an async one."""

    def __init__(self, stream: ResultStream[Any]) -> None:
        self._stream = stream

    def __aiter__(self) -> StreamFacade:
        return self

    def __getattr__(self, name: str) -> Any:  # plain attributes, such as get_many's chunk_size
        return getattr(self._stream._stream, name)

    async def __anext__(self) -> Any:
        item = await asyncio.to_thread(_next, self._stream)
        if item is _END:
            raise StopAsyncIteration
        return item

    async def __aenter__(self) -> StreamFacade:
        await asyncio.to_thread(self._stream.__enter__)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await asyncio.to_thread(self._stream.close)

    async def collect(self) -> list[Any]:
        return await asyncio.to_thread(self._stream.collect)


def facade(client: OryClient) -> AsyncOryClient:
    """``client`` as the async suites see an :class:`ory_async.OryClient`."""
    return cast(AsyncOryClient, ClientFacade(client))
