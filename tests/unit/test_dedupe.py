"""De-duplication in bounded memory, and where a page says to resume."""

from __future__ import annotations

from typing import Any

import attrs

from ory_async._dedupe import WINDOW, Dedupe
from ory_async._pagination import Page, _ItemIterator
from tests.kit.kratos_paging import PagingServer
from tests.kit.mocked import Start
from tests.kit.pagers import Item, make_ids, pager


@attrs.frozen
class Row:
    id: str


def rows(*keys: str) -> list[Row]:
    return [Row(k) for k in keys]


def keys(items: list[Row]) -> list[str]:
    return [r.id for r in items]


def key(row: Row) -> str:
    return row.id


def test_ordered_walk_drops_a_repeat_from_any_earlier_page() -> None:
    seen = Dedupe("asc")
    assert keys(seen.fresh(rows("a", "b"), key)) == ["a", "b"]
    for page in (("c", "d"), ("e", "f"), ("g", "h")):
        assert keys(seen.fresh(rows(*page), key)) == list(page)
    # Far older than any window: the id order alone says these were yielded.
    assert keys(seen.fresh(rows("a", "b", "i"), key)) == ["i"]
    assert keys(seen.fresh(rows("i", "i", "j", "j"), key)) == ["j"]
    assert seen.ordered
    assert seen.count == 10
    assert seen.largest == "j"


def test_descending_walk() -> None:
    seen = Dedupe("desc")
    assert keys(seen.fresh(rows("z", "y"), key)) == ["z", "y"]
    assert keys(seen.fresh(rows("z", "y"), key)) == []  # v0: page 0 served twice
    assert keys(seen.fresh(rows("y", "x"), key)) == ["x"]
    assert seen.largest == "z"


def test_a_page_out_of_order_falls_back_to_the_window() -> None:
    seen = Dedupe("asc")
    assert keys(seen.fresh(rows("m", "n"), key)) == ["m", "n"]
    # Not sorted: the order cannot be trusted, so "a" (before the edge) is new.
    assert keys(seen.fresh(rows("b", "a", "n"), key)) == ["b", "a"]
    assert not seen.ordered
    assert keys(seen.fresh(rows("a", "c"), key)) == ["c"]


def test_unordered_walk_remembers_the_last_pages_only() -> None:
    seen = Dedupe(None)
    assert keys(seen.fresh(rows("q", "a"), key)) == ["q", "a"]
    assert keys(seen.fresh(rows("q", "a"), key)) == []  # page served twice (§2.2)
    assert keys(seen.fresh(rows("a", "z", "z"), key)) == ["z"]  # overlap, and a repeat
    assert seen.count == 3
    for page in (("b",), ("c",)):
        seen.fresh(rows(*page), key)
    # WINDOW pages later, a page is forgotten: that is the bound on memory.
    assert len(seen._recent) == WINDOW
    assert keys(seen.fresh(rows("q"), key)) == ["q"]


async def test_memory_of_a_walk_is_one_page_not_the_walk(start: Start) -> None:
    ids = make_ids(10_000)
    ory = await start(PagingServer(ids, "keyset"))
    iterator = aiter(pager(ory, page_size=500, order="asc"))
    assert isinstance(iterator, _ItemIterator)
    count = 0
    async for _ in iterator:
        count += 1
    seen = iterator._pages._walk.seen
    assert count == 10_000
    assert seen.count == 10_000
    assert len(seen._recent) == WINDOW
    assert all(len(page) == 500 for page in seen._recent)  # two pages' keys, not 10,000


async def test_unordered_walk_of_the_sessions_bug_yields_each_once(start: Start) -> None:
    ids = make_ids(1203)
    server = PagingServer(ids, "migration", path="/admin/identities/x/sessions")
    ory = await start(server)
    walk = pager(ory, "/admin/identities/x/sessions", page=0, per_page=100)
    got = [i.id async for i in walk]
    assert got == ids
    assert len(server.requests) == 14  # 12 linked pages, the repeat, the unlinked last page


async def test_token_form_page_says_where_to_resume(start: Start) -> None:
    ids = make_ids(25)
    ory = await start(PagingServer(ids, "keyset"))
    first: Page[Item] = await pager(ory, page_size=10)
    assert first.next_token == ids[9]
    assert first.next_page_number is None
    resumed: Page[Item] = await pager(ory, page_size=10, page_token=first.next_token)
    assert [i.id for i in resumed.items] == ids[10:20]
    assert resumed.next_token == ids[19]
    last = await resumed.next_page()
    assert last is not None
    assert last.next_token is None
    assert not last.has_next


async def test_page_form_page_says_which_number_comes_next(start: Start) -> None:
    ids = make_ids(5)
    ory = await start(PagingServer(ids, "legacy"))
    first: Page[Item] = await pager(ory, page=0, per_page=2)
    assert first.next_page_number == 1
    assert first.next_token is None
    second = await first.next_page()
    assert second is not None
    assert second.next_page_number == 2
    resumed: Page[Item] = await pager(ory, page=second.next_page_number, per_page=2)
    assert [i.id for i in resumed.items] == ids[4:]
    # A resumed walk has not seen X-Total-Count's five items, so it looks one page on.
    assert resumed.next_page_number == 3
    beyond = await resumed.next_page()
    assert beyond is not None
    assert beyond.items == []
    assert beyond.next_page_number is None


async def test_unlinked_page_number_is_named_too(start: Start) -> None:
    server = PagingServer(make_ids(5), "nolink")
    ory = await start(server)
    first: Page[Item] = await pager(ory, page=0, per_page=2)
    assert first.next_page_number == 1


async def test_past_the_legacy_cap_the_next_page_is_a_token(start: Start) -> None:
    ids = make_ids(1500)
    ory = await start(PagingServer(ids, "legacy"))
    pages: list[Page[Any]] = [
        p async for p in pager(ory, legacy_cap=1000, page=0, per_page=250).pages()
    ]
    assert [p.next_page_number for p in pages[:4]] == [1, 2, 3, 4]
    assert pages[4].next_page_number is None
    assert pages[4].next_token == ids[1249]  # the walk goes on in the token form from here
    assert [i.id for p in pages for i in p.items] == ids
