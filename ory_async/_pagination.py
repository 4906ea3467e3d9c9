"""Walking Ory's two pagination styles: :class:`AsyncPager` and :class:`Page`.

Ory names the next page in a ``Link`` header. The pager takes only that link's query
parameters and re-issues the original request path against the configured base URL,
so a link can never send a request (or a credential) to another host. On top of
that it copes with the paging bugs real Kratos servers have:

* pages that overlap or repeat (one walk yields each item, by ``id``, once; the memory
  that takes is bounded by the page size, see :mod:`._dedupe`);
* a last page that is never linked (``X-Total-Count`` tells the walk to go on by
  page number until it has every item, or a page brings nothing new);
* no ``Link`` header at all (page numbers, until a short or empty page);
* a server whose legacy ``page``/``per_page`` mode stops at 1,000 items (the walk
  switches to the token form, starting after the last id it has);
* a next link that repeats one already followed (:class:`PaginationError`, not a loop).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any, Final, Generic, Literal, TypeVar

import attrs
from yarl import URL

from ._dedupe import Dedupe, Order
from ._readahead import ReadAhead
from ._transport import Request, Response, Transport
from .auth import Auth
from .errors import PaginationError

__all__ = ["AsyncPager", "Page", "PageSpec", "parse_link_header"]

T = TypeVar("T")
Query = tuple[tuple[str, str], ...]
Style = Literal["page", "token"]

_PAGING_KEYS: Final = frozenset({"page", "per_page", "page_size", "page_token"})
_LINK_SPLIT: Final = re.compile(r",\s*(?=<)")
_REL: Final = re.compile(r"""(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)
# One walk yields each item, told apart by its id, at most once.
_item_id: Final = operator.attrgetter("id")
# Pages in a row that bring nothing new before the walk is declared stuck.
_STUCK_AFTER: Final = 3


def parse_link_header(values: Iterable[str]) -> dict[str, str]:
    """Map each ``rel`` of RFC 8288 ``Link`` header values to its URL.

    Accepts several headers or several comma-separated entries, with or without
    spaces, any parameter order, quoted or bare ``rel``, and several rels per entry.
    The first entry for a rel wins.
    """
    links: dict[str, str] = {}
    for value in values:
        for entry in _LINK_SPLIT.split(value.strip()):
            entry = entry.strip()
            if not entry.startswith("<"):
                continue
            end = entry.find(">")
            if end < 0:
                continue
            target = entry[1:end].strip()
            match = _REL.search(entry[end + 1 :])
            if not match:
                continue
            for rel in (match.group(1) or match.group(2) or "").split():
                links.setdefault(rel.lower(), target)
    return links


_COUNT: Final = re.compile(r"\s*([0-9]{1,18})\s*")


def _int_or_none(value: str | None) -> int | None:
    """A count or page number the server sent: digits only, else ``None`` (unknown).

    A negative, signed, fractional, non-numeric or absurdly long value means the
    server did not say anything usable.
    """
    if value is None:
        return None
    match = _COUNT.fullmatch(value)
    return int(match.group(1)) if match else None


@attrs.frozen(kw_only=True)
class PageSpec(Generic[T]):
    """How to fetch the pages of one listing (built by a service, read by the pager).

    Attributes:
        transport: sends each page request (with its own retries).
        url: the listing URL, without a query.
        query: the caller's parameters, paging parameters included.
        auth: credentials for every page.
        item_type: the model of one item.
        style: ``"page"`` (page/per_page) or ``"token"`` (page_token/page_size).
        per_page: the page size in the page style.
        legacy_cap: the server refuses page-style offsets beyond this many items.
        token_after: query parameters that continue in the token style after an id
            (used past ``legacy_cap``).
        order: the listing comes sorted by ``id`` in this direction (``None``: no
            order to rely on), which lets de-duplication remember one id, not a window.
        timeout: seconds for each page request, instead of the client's timeout.
    """

    transport: Transport
    url: URL
    query: Query
    auth: Auth | None
    item_type: Any
    style: Style
    per_page: int = 250
    legacy_cap: int | None = None
    token_after: Callable[[str, int], Mapping[str, str]] | None = None
    order: Order | None = None
    timeout: float | None = None


@attrs.frozen
class _Next:
    query: Query
    page: int | None
    via: Literal["first", "link", "number"]
    style: Style
    error: str | None = None
    """Why this step cannot be taken: raised as PaginationError only when it is asked for."""


def _broken(why: str) -> _Next:
    return _Next(query=(), page=None, via="link", style="token", error=why)


class _Walk(Generic[T]):
    """The state of one walk: what was yielded, which links were followed."""

    def __init__(self, spec: PageSpec[T]) -> None:
        self.spec = spec
        self.list_type: type[list[T]] = list[spec.item_type]  # type: ignore[name-defined]
        self.seen = Dedupe(spec.order)
        # Hashes of the queries already fetched: a few dozen bytes a page, not a page.
        self.followed: set[int] = set()
        self.highest_page = -1
        self.stuck = 0

    def first(self) -> _Next:
        page = (
            _int_or_none(dict(self.spec.query).get("page")) if self.spec.style == "page" else None
        )
        return _Next(query=self.spec.query, page=page, via="first", style=self.spec.style)

    async def fetch(self, step: _Next) -> Page[T]:
        if step.error is not None:
            raise PaginationError(step.error)
        url = self.spec.url.with_query(list(step.query)) if step.query else self.spec.url
        items, response = await self.spec.transport.call_with_response(
            Request(method="GET", url=url, auth=self.spec.auth, timeout=self.spec.timeout),
            self.list_type,
        )
        self.followed.add(_query_hash(step.query))
        if step.page is not None:
            self.highest_page = max(self.highest_page, step.page)
        fresh = self.seen.fresh(items, _item_id)
        total = _int_or_none(response.headers.get("X-Total-Count"))
        following = self._next(step, response, items, fresh, total)
        if following is not None:
            following = self._maybe_switch_to_tokens(following)
        return Page(
            items=fresh, total_count=total, headers=response.headers, walk=self, next_step=following
        )

    def _next(
        self, step: _Next, response: Response, items: list[T], fresh: list[T], total: int | None
    ) -> _Next | None:
        if not items:
            return None  # an empty page ends every walk, whatever its links say
        # A page that arrived is always returned; what is wrong with the way on is
        # raised only when the next page is asked for.
        self.stuck = 0 if fresh else self.stuck + 1
        if self.stuck >= _STUCK_AFTER:
            return _broken(
                f"The server returned {self.stuck} pages in a row with nothing new for "
                f"GET {self.spec.url.raw_path}; stopping instead of looping"
            )
        link_values = response.headers.getall("Link", [])
        target = parse_link_header(link_values).get("next")
        if target is not None:
            try:
                query = tuple((k, v) for k, v in URL(target).query.items())
            except (ValueError, TypeError, UnicodeError):
                return _broken(
                    f"The server's next link for GET {self.spec.url.raw_path} is not a valid "
                    "URL; the pages before it were returned"
                )
            if _query_hash(query) in self.followed:
                return _broken(
                    f"The server's next link for GET {self.spec.url.raw_path} repeats a page "
                    "already fetched; stopping instead of looping"
                )
            page = _int_or_none(dict(query).get("page")) if step.style == "page" else None
            return _Next(query=query, page=page, via="link", style=step.style)
        if step.style != "page":
            return None
        if total is not None:
            if self.seen.count >= total or (step.via == "number" and not fresh):
                return None
        elif len(items) < self.spec.per_page or (step.via == "number" and not fresh):
            return None
        number = max(self.highest_page, step.page if step.page is not None else 0) + 1
        query = (
            *_without_paging(self.spec.query),
            ("page", str(number)),
            ("per_page", str(self.spec.per_page)),
        )
        return _Next(query=query, page=number, via="number", style="page")

    def _maybe_switch_to_tokens(self, step: _Next) -> _Next:
        spec = self.spec
        if (
            step.style != "page"
            or spec.legacy_cap is None
            or spec.token_after is None
            or step.page is None
            or step.page * spec.per_page <= spec.legacy_cap
            or self.seen.largest is None
        ):
            return step
        # Both forms order by id, so the walk goes on after the largest id it has.
        params = spec.token_after(self.seen.largest, spec.per_page)
        query = _without_paging(spec.query) + tuple(params.items())
        return _Next(query=query, page=None, via="link", style="token")


def _query_hash(query: Query) -> int:
    return hash(tuple(sorted(query)))


def _without_paging(query: Query) -> Query:
    return tuple((k, v) for k, v in query if k not in _PAGING_KEYS)


class Page(Generic[T]):
    """One page of a listing.

    Attributes:
        items: the page's items, minus any the same walk already returned.
        total_count: the server's ``X-Total-Count``, or ``None`` when it sent none.
        headers: the response headers (rate-limit headers, ``Link``, ...).
    """

    __slots__ = ("_next", "_next_step", "_walk", "headers", "items", "total_count")

    def __init__(
        self,
        *,
        items: list[T],
        total_count: int | None,
        headers: Mapping[str, str],
        walk: _Walk[T],
        next_step: _Next | None,
    ) -> None:
        self.items = items
        self.total_count = total_count
        self.headers = headers
        self._walk = walk
        self._next_step = next_step
        self._next: Page[T] | None = None

    @property
    def has_next(self) -> bool:
        """Whether another page follows this one."""
        return self._next_step is not None

    @property
    def next_token(self) -> str | None:
        """The ``page_token`` of the next page, to resume a token-form walk there later.

        ``None`` on the last page and in the page/per_page form. Pass it back as
        ``list(page_token=...)`` with the same filters.
        """
        step = self._next_step
        if step is None or step.style != "token":
            return None
        return dict(step.query).get("page_token")

    @property
    def next_page_number(self) -> int | None:
        """The number of the next page in the page/per_page form, to resume there later.

        ``None`` on the last page and in the token form. Pass it back as
        ``list(page=..., per_page=...)`` with the same page size and filters.
        """
        step = self._next_step
        if step is None or step.style != "page":
            return None
        return step.page

    async def next_page(self) -> Page[T] | None:
        """Fetch the page after this one (``None`` after the last). Repeated calls reuse it.

        Raises:
            PaginationError: the server's paging would loop.
            ApiError, TransportError: the page request failed (after retries).
        """
        if self._next_step is None:
            return None
        if self._next is None:
            self._next = await self._walk.fetch(self._next_step)
        return self._next

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Page(items={len(self.items)}, total_count={self.total_count}, has_next={self.has_next})"


def _step_after(page: Page[Any]) -> _Next | None:
    return page._next_step


class _PageIterator(Generic[T]):
    """Page by page; with ``depth`` > 0, that many pages are fetched ahead of the consumer."""

    def __init__(self, spec: PageSpec[T], depth: int = 0) -> None:
        self._walk = _Walk(spec)
        self._step: _Next | None = self._walk.first()  # after the last page handed out
        self._depth = depth
        self._ahead: ReadAhead[_Next, Page[T]] | None = None

    def __aiter__(self) -> _PageIterator[T]:
        return self

    async def __anext__(self) -> Page[T]:
        if self._depth:
            return await self._next_read_ahead()
        if self._step is None:
            raise StopAsyncIteration
        page = await self._walk.fetch(self._step)  # on failure, calling again retries it
        self._step = page._next_step
        return page

    async def _next_read_ahead(self) -> Page[T]:
        if self._ahead is None:
            if self._step is None:
                raise StopAsyncIteration
            self._ahead = ReadAhead(
                self._walk.fetch,
                _step_after,
                self._step,
                self._depth,
                name=f"GET {self._walk.spec.url.raw_path}",
            )
        try:
            page = await self._ahead.get()
        except BaseException:
            # A failed page (or a cancelled wait) ends this read-ahead; calling again
            # starts a new one at the page that was not handed out.
            await self._ahead.aclose()
            self._ahead = None
            raise
        if page is None:
            self._ahead = None
            self._step = None
            raise StopAsyncIteration
        self._step = page._next_step
        return page

    async def aclose(self) -> None:
        """Stop the walk: cancel any read-ahead and wait for it. Later calls end at once."""
        self._step = None
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            await ahead.aclose()

    def __del__(self) -> None:
        # A loop left by ``break`` drops the iterator: stop what it still fetches.
        ahead = getattr(self, "_ahead", None)
        if ahead is not None:
            ahead.cancel()


class _ItemIterator(Generic[T]):
    def __init__(self, spec: PageSpec[T], depth: int = 0) -> None:
        self._pages = _PageIterator(spec, depth)
        self._buffer: list[T] = []
        self._index = 0

    def __aiter__(self) -> _ItemIterator[T]:
        return self

    async def __anext__(self) -> T:
        while self._index >= len(self._buffer):
            page = await self._pages.__anext__()
            self._buffer = page.items  # only the current page is held
            self._index = 0
        item = self._buffer[self._index]
        self._index += 1
        return item

    async def aclose(self) -> None:
        """Stop the walk: cancel any read-ahead and wait for it. Later calls end at once."""
        self._buffer = []
        self._index = 0
        await self._pages.aclose()


class AsyncPager(Generic[T]):
    """What every ``list(...)`` returns: await it, iterate it, or walk its pages.

    * ``await pager`` gives the first :class:`Page`;
    * ``async for item in pager`` yields every item across pages, each once;
    * ``async for page in pager.pages()`` yields page by page;
    * ``await pager.collect(limit=None)`` gives a list;
    * ``pager.prefetch(pages=1)`` is the same pager with read-ahead for the loops above.

    Each of these starts a fresh walk. The pager holds one page at a time, so walking a
    million identities needs the memory of one page (de-duplication included).
    Breaking out of a loop early sends no further request and leaves nothing to close.
    """

    __slots__ = ("_depth", "_spec")

    def __init__(self, spec: PageSpec[T], *, prefetch: int = 0) -> None:
        self._spec = spec
        self._depth = prefetch

    def __await__(self) -> Generator[Any, None, Page[T]]:
        walk = _Walk(self._spec)
        return walk.fetch(walk.first()).__await__()

    def __aiter__(self) -> _ItemIterator[T]:
        return _ItemIterator(self._spec, self._depth)

    def pages(self) -> _PageIterator[T]:
        """Iterate page by page (each page minus items already yielded)."""
        return _PageIterator(self._spec, self._depth)

    def prefetch(self, pages: int = 1) -> AsyncPager[T]:
        """The same listing, with up to ``pages`` pages in flight ahead of the consumer.

        While the loop works on page N, page N+1 is already being fetched, so a consumer
        that spends time on each page no longer waits for the server in between. Pages
        still arrive in order, each page is still retried on its own, and the error of a
        page fetched ahead is raised when the loop reaches that page, not earlier.

        ``break`` cancels the read-ahead (the abandoned iterator stops it as it is
        dropped); ``await iterator.aclose()`` (or ``contextlib.aclosing``) cancels it and
        waits until it has stopped, and so does cancelling the task while it waits for a
        page. ``await pager.prefetch()`` gives the first page, as without read-ahead.

        Raises:
            TypeError: ``pages`` is not an int.
            ValueError: ``pages`` is below 1.
        """
        if isinstance(pages, bool) or not isinstance(pages, int):
            msg = f"pages must be an int, not {type(pages).__name__}"
            raise TypeError(msg)
        if pages < 1:
            msg = f"pages must be >= 1, got {pages}"
            raise ValueError(msg)
        return AsyncPager(self._spec, prefetch=pages)

    async def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit``) in a list; stops fetching once it has them."""
        if limit is not None and limit < 0:
            msg = f"limit must be >= 0 or None, got {limit}"
            raise ValueError(msg)
        result: list[T] = []
        if limit == 0:
            return result
        items = self.__aiter__()
        with self._spec.transport.whole_call():  # the deadline bounds every page together
            try:
                async for item in items:
                    result.append(item)
                    if limit is not None and len(result) >= limit:
                        break
            finally:
                await items.aclose()
        return result

    def __repr__(self) -> str:
        ahead = f", prefetch={self._depth}" if self._depth else ""
        return f"AsyncPager(GET {self._spec.url.raw_path}, style={self._spec.style!r}{ahead})"
