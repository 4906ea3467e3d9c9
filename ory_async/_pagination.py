"""Walking Ory's two pagination styles: :class:`AsyncPager` and :class:`Page`.

Ory names the next page in a ``Link`` header. The pager takes only that link's query
parameters and re-issues the original request path against the configured base URL,
so a link can never send a request (or a credential) to another host. On top of
that it copes with the paging bugs real Kratos servers have:

* pages that overlap or repeat (one walk yields each item, by ``id``, at most once);
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
        self.seen: set[str] = set()
        self.followed: set[Query] = set()
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
        step = self._maybe_switch_to_tokens(step)
        url = self.spec.url.with_query(list(step.query)) if step.query else self.spec.url
        items, response = await self.spec.transport.call_with_response(
            Request(method="GET", url=url, auth=self.spec.auth, timeout=self.spec.timeout),
            self.list_type,
        )
        self.followed.add(_normalized(step.query))
        if step.page is not None:
            self.highest_page = max(self.highest_page, step.page)
        fresh = self._dedupe(items)
        total = _int_or_none(response.headers.get("X-Total-Count"))
        following = self._next(step, response, items, fresh, total)
        return Page(
            items=fresh, total_count=total, headers=response.headers, walk=self, next_step=following
        )

    def _dedupe(self, items: list[T]) -> list[T]:
        seen = self.seen
        keys = list(map(_item_id, items))
        if seen.isdisjoint(keys) and len(set(keys)) == len(keys):
            seen.update(keys)  # the usual page: nothing seen before, no repeats
            return items
        fresh: list[T] = []
        for item, k in zip(items, keys, strict=True):
            if k not in seen:
                seen.add(k)
                fresh.append(item)
        return fresh

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
            if _normalized(query) in self.followed:
                return _broken(
                    f"The server's next link for GET {self.spec.url.raw_path} repeats a page "
                    "already fetched; stopping instead of looping"
                )
            page = _int_or_none(dict(query).get("page")) if step.style == "page" else None
            return _Next(query=query, page=page, via="link", style=step.style)
        if step.style != "page":
            return None
        if total is not None:
            if len(self.seen) >= total or (step.via == "number" and not fresh):
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
            or not self.seen
        ):
            return step
        # Both forms order by id, so the walk goes on after the largest id it has.
        params = spec.token_after(max(self.seen), spec.per_page)
        query = _without_paging(spec.query) + tuple(params.items())
        return _Next(query=query, page=None, via="link", style="token")


def _normalized(query: Query) -> Query:
    return tuple(sorted(query))


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


class _PageIterator(Generic[T]):
    def __init__(self, spec: PageSpec[T]) -> None:
        self._walk = _Walk(spec)
        self._step: _Next | None = self._walk.first()

    def __aiter__(self) -> _PageIterator[T]:
        return self

    async def __anext__(self) -> Page[T]:
        if self._step is None:
            raise StopAsyncIteration
        page = await self._walk.fetch(self._step)  # on failure, calling again retries it
        self._step = page._next_step
        return page


class _ItemIterator(Generic[T]):
    def __init__(self, spec: PageSpec[T]) -> None:
        self._pages = _PageIterator(spec)
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


class AsyncPager(Generic[T]):
    """What every ``list(...)`` returns: await it, iterate it, or walk its pages.

    * ``await pager`` gives the first :class:`Page`;
    * ``async for item in pager`` yields every item across pages, each once;
    * ``async for page in pager.pages()`` yields page by page;
    * ``await pager.collect(limit=None)`` gives a list.

    Each of these starts a fresh walk. The pager holds one page at a time, so walking a
    million identities needs the memory of one page (plus the ids seen, to de-duplicate).
    Breaking out of a loop early sends no further request and leaves nothing to close.
    """

    __slots__ = ("_spec",)

    def __init__(self, spec: PageSpec[T]) -> None:
        self._spec = spec

    def __await__(self) -> Generator[Any, None, Page[T]]:
        walk = _Walk(self._spec)
        return walk.fetch(walk.first()).__await__()

    def __aiter__(self) -> _ItemIterator[T]:
        return _ItemIterator(self._spec)

    def pages(self) -> _PageIterator[T]:
        """Iterate page by page (each page minus items already yielded)."""
        return _PageIterator(self._spec)

    async def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit``) in a list; stops fetching once it has them."""
        if limit is not None and limit < 0:
            msg = f"limit must be >= 0 or None, got {limit}"
            raise ValueError(msg)
        result: list[T] = []
        if limit == 0:
            return result
        async for item in self:
            result.append(item)
            if limit is not None and len(result) >= limit:
                break
        return result

    def __repr__(self) -> str:
        return f"AsyncPager(GET {self._spec.url.raw_path}, style={self._spec.style!r})"
