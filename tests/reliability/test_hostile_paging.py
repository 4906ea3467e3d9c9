"""Hostile paging headers: a page that arrived is never lost to a bad header after it.

A malformed ``Link`` is a :class:`PaginationError`, raised only when the next page is
asked for; a nonsensical ``X-Total-Count`` means "unknown" (``None``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Any, Literal

import pytest
from aiohttp.test_utils import TestServer

from ory_async import OryClient, PaginationError, RetryPolicy
from tests.kit.keys import TOKEN
from tests.kit.scripted import ScriptedServer, reply

A = {"id": "00000000-0000-4000-8000-00000000000a", "schema_id": "default", "traits": {}}
B = {"id": "00000000-0000-4000-8000-00000000000b", "schema_id": "default", "traits": {}}

BAD_LINKS = [
    '<http://[::1>; rel="next"',
    '<http://[::1/admin/identities?page_token=x>; rel="next"',
    '<http://127.0.0.1:99999/admin/identities?page_token=x>; rel="next"',
    '<http://[zz]/admin/identities?page_token=x>; rel="next"',
    '<http://\u2028/admin/identities?page_token=x>; rel="next"',
    '<//[/admin/identities?page_token=x>; rel="next"',
]

Make = Callable[..., Awaitable[OryClient]]


async def drain(items: AsyncIterable[Any], into: list[Any]) -> None:
    async for item in items:
        into.append(item)


@pytest.fixture
async def make(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[Make]:
    clients: list[OryClient] = []

    async def start(scripted: ScriptedServer, api: Literal["v1", "v0"] = "v1") -> OryClient:
        server = await aiohttp_server(scripted.app)
        ory = OryClient(
            str(server.make_url("/")), access_token=TOKEN, retry=RetryPolicy.none(), api=api
        )
        clients.append(ory)
        return ory

    yield start
    for ory in clients:
        await ory.close()


@pytest.mark.parametrize("link", BAD_LINKS)
async def test_a_malformed_next_link_keeps_the_first_page(make: Make, link: str) -> None:
    scripted = ScriptedServer().then(reply(200, [A], headers={"Link": link}))
    ory = await make(scripted)
    page = await ory.identities.list(page_size=1)
    assert [i.id for i in page.items] == [A["id"]]
    assert page.has_next  # the server said there is more; it only said it badly
    with pytest.raises(PaginationError, match="next link .* is not a valid URL") as info:
        await page.next_page()
    assert TOKEN not in str(info.value)
    assert len(scripted.seen) == 1  # nothing was sent for the bad link


@pytest.mark.parametrize("link", BAD_LINKS)
async def test_iterating_yields_what_arrived_then_raises(make: Make, link: str) -> None:
    ory = await make(ScriptedServer().then(reply(200, [A, B], headers={"Link": link})))
    got: list[Any] = []
    with pytest.raises(PaginationError):
        await drain(ory.identities.list(page_size=2), got)
    assert [i.id for i in got] == [A["id"], B["id"]]
    pages: list[Any] = []
    with pytest.raises(PaginationError):
        await drain(ory.identities.list(page_size=2).pages(), pages)
    assert [len(p.items) for p in pages] == [2]


async def test_a_bad_link_on_a_later_page_keeps_the_earlier_pages(make: Make) -> None:
    scripted = ScriptedServer().then(
        reply(
            200, [A], headers={"Link": '</admin/identities?page_token=n2&page_size=1>; rel="next"'}
        ),
        reply(200, [B], headers={"Link": BAD_LINKS[0]}),
    )
    ory = await make(scripted)
    first = await ory.identities.list(page_size=1)
    second = await first.next_page()
    assert second is not None
    assert [i.id for i in second.items] == [B["id"]]
    with pytest.raises(PaginationError):
        await second.next_page()
    assert [s.query_string for s in scripted.seen] == [
        "page_size=1",
        "page_token=n2&page_size=1",
    ]


async def test_a_repeated_link_keeps_the_page_it_came_with(make: Make) -> None:
    loop = '</admin/identities?page_token=n2&page_size=1>; rel="next"'
    scripted = ScriptedServer().then(
        reply(200, [A], headers={"Link": loop}),
        reply(200, [B], headers={"Link": loop}),
    )
    ory = await make(scripted)
    got: list[Any] = []
    with pytest.raises(PaginationError, match="repeats a page already fetched"):
        await drain(ory.identities.list(page_size=1), got)
    assert [i.id for i in got] == [A["id"], B["id"]]
    assert len(scripted.seen) == 2


@pytest.mark.parametrize(
    "value",
    ["-5", "-0", "+5", "abc", "1e3", "5.0", "5_000", "", " ", "0x10", "٣", "9" * 40, "5, 6"],
)
async def test_a_nonsensical_total_count_is_unknown(make: Make, value: str) -> None:
    ory = await make(ScriptedServer().then(reply(200, [A], headers={"X-Total-Count": value})))
    page = await ory.identities.list(page_size=5)
    assert page.total_count is None
    assert [i.id for i in page.items] == [A["id"]]


@pytest.mark.parametrize(("value", "expected"), [("7", 7), (" 7 ", 7), ("0", 0), ("007", 7)])
async def test_a_plain_total_count_is_read(make: Make, value: str, expected: int) -> None:
    ory = await make(ScriptedServer().then(reply(200, [A], headers={"X-Total-Count": value})))
    page = await ory.identities.list(page_size=5)
    assert page.total_count == expected


async def test_a_negative_total_count_does_not_end_a_page_walk(make: Make) -> None:
    # In the page/per_page form a count steers the walk; a negative one must not stop
    # it after the first page as if every item had been seen.
    scripted = ScriptedServer().then(
        reply(200, [A], headers={"X-Total-Count": "-5"}),
        reply(200, [B], headers={"X-Total-Count": "-5"}),
        reply(200, [], headers={"X-Total-Count": "-5"}),
    )
    ory = await make(scripted, api="v0")
    got = await ory.identities.list(per_page=1).collect()
    assert [i.id for i in got] == [A["id"], B["id"]]
    assert [s.query_string for s in scripted.seen] == [
        "page=0&per_page=1",
        "page=1&per_page=1",
        "page=2&per_page=1",
    ]
