"""The pager against a loopback server that pages exactly like Kratos, bugs included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from ory_async import OryClient, PaginationError
from ory_async._pagination import (
    Page,
    _ItemIterator,
    parse_link_header,
)
from ory_async.testing import RetryWaits
from tests.kit.keys import SECRET
from tests.kit.kratos_paging import PagingServer, legacy_links, legacy_query, migration_query
from tests.kit.mocked import Start
from tests.kit.pagers import Item, make_ids, pager

# --- Link header parsing -------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        '</a?page=1>; rel="next",</a?page=0>; rel="first"',
        '</a?page=0>; rel="first", </a?page=1>; rel="next"',
        "</a?page=0>;rel=first,</a?page=1>;rel=next",
        '</a?page=1>; title="x"; rel="next"',
        '</a?page=1>; rel="next last"',
    ],
)
def test_link_header_variants(header: str) -> None:
    assert parse_link_header([header])["next"] == "/a?page=1"


def test_link_header_multiple_values_and_absolute_urls() -> None:
    links = parse_link_header(
        [
            '<http://other.example.com:4434/identities?page=1&per_page=2>; rel="next"',
            '</x>; rel="last"',
        ]
    )
    assert links == {
        "next": "http://other.example.com:4434/identities?page=1&per_page=2",
        "last": "/x",
    }
    assert parse_link_header(["garbage", "<unterminated; rel=next", ""]) == {}


def test_legacy_link_port_matches_kratos_examples() -> None:
    path = "/admin/identities"
    assert ",".join(legacy_links(path, 0, 2, 5, legacy_query)) == (
        '</admin/identities?page=1&per_page=2>; rel="next",</admin/identities?page=2&per_page=2>; rel="last"'
    )
    assert ",".join(legacy_links(path, 1, 2, 5, legacy_query)) == (
        '</admin/identities?page=0&per_page=2>; rel="first",</admin/identities?page=2&per_page=2>; rel="next",'
        '</admin/identities?page=0&per_page=2>; rel="prev",</admin/identities?page=2&per_page=2>; rel="last"'
    )
    for page in (2, 3):
        assert ",".join(legacy_links(path, page, 2, 5, legacy_query)) == (
            '</admin/identities?page=0&per_page=2>; rel="first",</admin/identities?page=1&per_page=2>; rel="prev"'
        )
    assert ",".join(legacy_links(path, 0, 250, 0, legacy_query)) == (
        '</admin/identities?page=0&per_page=250>; rel="first",</admin/identities?page=1&per_page=250>; rel="next",'
        '</admin/identities?page=-1&per_page=250>; rel="prev"'
    )
    assert ",".join(legacy_links("/admin/identities/i/sessions", 0, 2, 5, migration_query)) == (
        '</admin/identities/i/sessions?page=1&page_size=2&page_token=eyJvZmZzZXQiOiIyIiwidiI6Mn0&per_page=2>; rel="next",'
        '</admin/identities/i/sessions?page=2&page_size=2&page_token=eyJvZmZzZXQiOiI0IiwidiI6Mn0&per_page=2>; rel="last"'
    )


# --- Walks ----------------------------------------------------------------------


async def test_keyset_walk(start: Start) -> None:
    ids = make_ids(1234)
    server = PagingServer(ids, "keyset")
    ory = await start(server)
    got = [item.id async for item in pager(ory, page_size=250)]
    assert got == ids
    assert len(server.requests) == 5
    assert server.requests[0] == "page_size=250"
    assert server.requests[1] == f"page_size=250&page_token={ids[249]}"


async def test_exactly_full_last_page_needs_no_extra_request(start: Start) -> None:
    server = PagingServer(make_ids(500), "keyset")
    ory = await start(server)
    assert len(await pager(ory, page_size=10).collect()) == 500
    assert len(server.requests) == 50


async def test_filters_are_kept_across_pages(start: Start) -> None:
    server = PagingServer(make_ids(30), "keyset")
    ory = await start(server)
    got = await pager(ory, page_size=10, credentials_identifier="a@example.com").collect()
    assert len(got) == 30
    assert len(server.requests) == 3
    assert all(parse_qs(q)["credentials_identifier"] == ["a@example.com"] for q in server.requests)


async def test_legacy_walk_with_every_link_shape(start: Start) -> None:
    ids = make_ids(5)
    server = PagingServer(ids, "legacy")
    ory = await start(server)
    got = [i.id async for i in pager(ory, page=0, per_page=2)]
    assert got == ids
    # page 0 links next+last, page 1 first/next/prev/last, page 2 first+prev: three requests
    assert server.requests == ["page=0&per_page=2", "page=1&per_page=2", "page=2&per_page=2"]


async def test_legacy_single_page_with_per_page_equal_total(start: Start) -> None:
    server = PagingServer(make_ids(3), "legacy")
    ory = await start(server)
    first = await pager(ory, page=0, per_page=250)
    assert isinstance(first, Page)
    assert len(first.items) == 3
    assert first.total_count == 3
    assert not first.has_next
    assert await first.next_page() is None
    assert len(server.requests) == 1


async def test_legacy_empty_list_with_page_minus_one_prev(start: Start) -> None:
    server = PagingServer([], "legacy")
    ory = await start(server)
    assert await pager(ory, page=0, per_page=250).collect() == []
    assert len(server.requests) == 1  # the next link to page 1 of nothing is not followed


async def test_legacy_walk_switches_to_tokens_past_the_1000_cap(start: Start) -> None:
    ids = make_ids(3000)
    server = PagingServer(ids, "legacy")
    ory = await start(server)
    got = [i.id async for i in pager(ory, legacy_cap=1000, page=0, per_page=250)]
    assert got == ids
    assert server.requests[4] == "page=4&per_page=250"
    assert server.requests[5] == f"page_size=250&page_token={ids[1249]}"


async def test_v0_absolute_links_never_leave_the_configured_host(start: Start) -> None:
    ids = make_ids(7)
    server = PagingServer(
        ids, "v0", path="/identities", absolute_base="http://other-kratos.invalid:4434"
    )
    ory = await start(server)
    got = [i.id async for i in pager(ory, "/identities", page=0, per_page=2)]
    assert sorted(got) == ids  # page 0 == page 1 duplicates removed, unlinked last page probed
    assert len(got) == 7
    assert all(h == f"Bearer {SECRET}" for h in server.auth_headers)


async def test_identity_sessions_bug_uses_total_count(start: Start) -> None:
    ids = make_ids(5)
    server = PagingServer(ids, "migration", path="/admin/identities/x/sessions")
    ory = await start(server)
    p = pager(ory, "/admin/identities/x/sessions", page=0, per_page=2)
    got = [i.id async for i in p]
    assert got == ids
    pages = [len(page.items) async for page in p.pages()]
    assert pages == [2, 0, 2, 1]  # page 1 repeats page 0; page 3 is never linked


async def test_identity_sessions_bug_large(start: Start) -> None:
    ids = make_ids(1203)
    server = PagingServer(ids, "migration", path="/admin/identities/x/sessions")
    ory = await start(server)
    got = await pager(ory, "/admin/identities/x/sessions", page=0, per_page=100).collect()
    assert [i.id for i in got] == ids


async def test_overlapping_pages_yield_each_id_once(start: Start) -> None:
    ids = make_ids(10)
    server = PagingServer(ids, "overlap", path="/schemas")
    ory = await start(server)
    got = [i.id async for i in pager(ory, "/schemas", page=0, per_page=2)]
    assert got == ids


async def test_no_link_header_steps_by_page_number(start: Start) -> None:
    ids = make_ids(5)
    server = PagingServer(ids, "nolink")
    ory = await start(server)
    got = [i.id async for i in pager(ory, page=0, per_page=2)]
    assert got == ids
    assert server.requests == ["page=0&per_page=2", "page=1&per_page=2", "page=2&per_page=2"]


async def test_repeating_next_link_raises(start: Start) -> None:
    server = PagingServer(make_ids(10), "loop")
    ory = await start(server)
    with pytest.raises(PaginationError, match="repeats a page already fetched"):
        await pager(ory, page=0, per_page=2).collect()
    assert len(server.requests) == 2


async def test_break_after_first_item_sends_nothing_more(start: Start) -> None:
    server = PagingServer(make_ids(100), "keyset")
    ory = await start(server)
    async for _ in pager(ory, page_size=10):
        break
    assert len(server.requests) == 1
    assert await pager(ory, page_size=10).collect(limit=15) != []
    assert len(server.requests) == 3


async def test_failed_page_is_retried_on_its_own(start: Start, fake_sleep: RetryWaits) -> None:
    ids = make_ids(40 * 25)
    server = PagingServer(ids, "keyset", fail_on={37: 503})
    ory = await start(server)
    got = [i.id async for i in pager(ory, page_size=25)]
    assert got == ids
    assert len(server.requests) == 41
    assert server.requests[36] == server.requests[37]  # page 37 sent twice, nothing else
    assert len(fake_sleep.delays) == 1


async def test_walk_of_10000_holds_one_page(start: Start) -> None:
    ids = make_ids(10_000)
    server = PagingServer(ids, "keyset")
    ory = await start(server)
    iterator = pager(ory, page_size=500).__aiter__()
    assert isinstance(iterator, _ItemIterator)
    seen: set[str] = set()
    largest_buffer = 0
    async for item in iterator:
        seen.add(item.id)
        largest_buffer = max(largest_buffer, len(iterator._buffer))
    assert len(seen) == 10_000
    assert largest_buffer == 500
    assert len(server.requests) == 20


async def test_page_navigation_by_hand(start: Start) -> None:
    ids = make_ids(25)
    server = PagingServer(ids, "keyset")
    ory = await start(server)
    page: Page[Item] | None = await pager(ory, page_size=10)
    sizes = []
    while page is not None:
        sizes.append(len(page.items))
        again = await page.next_page()
        assert again is await page.next_page()  # cached, not re-fetched
        page = again
    assert sizes == [10, 10, 5]
    assert len(server.requests) == 3


async def test_collect_rejects_negative_limit(start: Start) -> None:
    ory = await start(PagingServer([], "keyset"))
    with pytest.raises(ValueError, match="limit must be >= 0"):
        await pager(ory).collect(limit=-1)
    assert await pager(ory).collect(limit=0) == []


async def test_stuck_server_is_detected(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    # Distinct next links, but the same rows every time (like rotating page tokens).
    calls = 0

    async def handler(_: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        return web.json_response(
            [{"id": "same", "schema_id": "d", "traits": {}}],
            headers={"Link": f'</admin/sessions?page_size=1&page_token=t{calls}>; rel="next"'},
        )

    app = web.Application()
    app.router.add_get("/admin/sessions", handler)
    server = await aiohttp_server(app)
    async with OryClient(str(server.make_url("/"))) as ory:
        with pytest.raises(PaginationError, match="3 pages in a row with nothing new"):
            await pager(ory, "/admin/sessions").collect()
    assert calls == 4


def test_url_helpers() -> None:
    assert URL("/a?x=1").query["x"] == "1"
