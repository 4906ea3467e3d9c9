"""``AsyncPager.prefetch()``: read-ahead that overlaps the network, and leaves nothing behind."""

from __future__ import annotations

import asyncio
import gc
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from ory_async import OryClient, RetryPolicy
from ory_async._readahead import TASK_PREFIX, ReadAhead
from ory_async.errors import BadRequestError
from tests.kit.keys import SECRET
from tests.kit.kratos_paging import PagingServer
from tests.kit.pagers import make_ids, pager

GUARD = 10  # seconds: only a guard against a hang, never a measurement


@attrs.define
class GatedServer:
    """Keyset pages of ``ids``; chosen requests fail, or wait until ``release`` is set."""

    ids: list[str]
    size: int = 10
    fail: dict[int, int] = attrs.field(factory=dict)  # request number -> status, once
    hold: set[int] = attrs.field(factory=set)  # request numbers answered after release
    requests: list[str] = attrs.field(factory=list)
    arrived: defaultdict[int, asyncio.Event] = attrs.field(
        factory=lambda: defaultdict(asyncio.Event)
    )
    release: asyncio.Event = attrs.field(factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.query_string)
        number = len(self.requests)
        self.arrived[number].set()
        if number in self.hold:
            await self.release.wait()
        status = self.fail.pop(number, None)
        if status is not None:
            return web.json_response({"error": {"code": status, "message": "no"}}, status=status)
        after = request.query.get("page_token", "")
        rows = [i for i in self.ids if i > after][: self.size + 1]
        headers = {}
        if len(rows) > self.size:
            rows = rows[: self.size]
            headers["Link"] = (
                f'</admin/identities?page_size={self.size}&page_token={rows[-1]}>; rel="next"'
            )
        body = orjson.dumps([{"id": i, "schema_id": "d", "traits": {}} for i in rows])
        return web.Response(body=body, headers=headers, content_type="application/json")


Serve = Callable[[Any], Awaitable[OryClient]]


@pytest.fixture
async def serve(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[Serve]:
    """Start a paging server (gated or Kratos-like); fail the test on any loop error."""
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: errors.append(context))
    clients: list[OryClient] = []
    gated: list[GatedServer] = []

    async def run(paging: Any) -> OryClient:
        if isinstance(paging, GatedServer):
            app = web.Application()
            app.router.add_get("/admin/identities", paging.handle)
            gated.append(paging)
        else:
            app = paging.app()
        server = await aiohttp_server(app)
        client = OryClient(str(server.make_url("/")), access_token=SECRET, retry=RetryPolicy())
        clients.append(client)
        return client

    yield run
    for paging in gated:
        paging.release.set()
    for client in clients:
        await client.close()
    gc.collect()  # an abandoned, still pending task would be reported now
    await asyncio.sleep(0)
    loop.set_exception_handler(None)
    assert errors == []
    assert read_aheads() == []


def read_aheads() -> list[asyncio.Task[Any]]:
    """The read-ahead tasks still running."""
    return [t for t in asyncio.all_tasks() if t.get_name().startswith(TASK_PREFIX)]


def ids_of(pages: list[Any]) -> list[str]:
    return [item.id for page in pages for item in page.items]


async def test_next_page_is_in_flight_while_the_consumer_holds_this_one(serve: Serve) -> None:
    ids = make_ids(30)
    server = GatedServer(ids, hold={2})
    ory = await serve(server)
    pages = pager(ory, page_size=10).prefetch().pages()
    first = await anext(pages)
    async with asyncio.timeout(GUARD):
        await server.arrived[2].wait()  # asked for before the consumer wants it
    assert server.requests == ["page_size=10", f"page_size=10&page_token={ids[9]}"]
    server.release.set()
    rest = [page async for page in pages]
    assert ids_of([first, *rest]) == ids
    assert len(server.requests) == 3
    assert read_aheads() == []


async def test_without_prefetch_nothing_is_fetched_ahead(serve: Serve) -> None:
    server = GatedServer(make_ids(30))
    ory = await serve(server)
    pages = pager(ory, page_size=10).pages()
    await anext(pages)
    assert read_aheads() == []
    assert len(server.requests) == 1
    async for _ in pager(ory, page_size=10):
        break
    assert len(server.requests) == 2


async def test_break_cancels_the_read_ahead(serve: Serve) -> None:
    server = GatedServer(make_ids(30), hold={2})
    ory = await serve(server)
    items = aiter(pager(ory, page_size=10).prefetch())
    async for _ in items:
        break
    async with asyncio.timeout(GUARD):
        await server.arrived[2].wait()
    [task] = read_aheads()
    del items  # what leaving the loop does to the iterator of `async for x in pager`
    assert task.cancelling() == 1
    async with asyncio.timeout(GUARD):
        await asyncio.wait({task})
    assert task.cancelled()
    assert len(server.requests) == 2


async def test_break_from_a_bare_loop_leaves_no_task(serve: Serve) -> None:
    server = GatedServer(make_ids(30))
    ory = await serve(server)
    async for _ in pager(ory, page_size=10).prefetch():
        break
    pending = read_aheads()
    assert all(task.cancelling() for task in pending)  # cancelled as the loop was left
    for task in pending:
        async with asyncio.timeout(GUARD):
            await asyncio.wait({task})
    assert read_aheads() == []
    assert len(server.requests) <= 2


async def test_aclose_cancels_and_awaits_the_read_ahead(serve: Serve) -> None:
    server = GatedServer(make_ids(30), hold={2})
    ory = await serve(server)
    pages = pager(ory, page_size=10).prefetch().pages()
    await anext(pages)
    async with asyncio.timeout(GUARD):
        await server.arrived[2].wait()
    assert len(read_aheads()) == 1
    await pages.aclose()
    assert read_aheads() == []  # stopped before aclose() returned
    with pytest.raises(StopAsyncIteration):
        await anext(pages)
    await pages.aclose()  # idempotent
    assert len(server.requests) == 2


async def test_cancelling_the_consumer_mid_walk_cancels_and_awaits_the_read_ahead(
    serve: Serve,
) -> None:
    server = GatedServer(make_ids(50), hold={3})
    ory = await serve(server)
    seen: list[Any] = []
    left_behind: list[asyncio.Task[Any]] = []
    second_page = asyncio.Event()

    async def consume() -> None:
        try:
            async for page in pager(ory, page_size=10).prefetch().pages():
                seen.append(page)
                if len(seen) == 2:
                    second_page.set()  # the loop then waits for page 3, held by the server
        except asyncio.CancelledError:
            left_behind.extend(read_aheads())  # as the cancellation leaves the loop
            raise

    consumer = asyncio.create_task(consume())
    async with asyncio.timeout(GUARD):
        await second_page.wait()
        await server.arrived[3].wait()
    assert len(read_aheads()) == 1
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert left_behind == []  # awaited before the cancellation went on
    assert read_aheads() == []
    assert len(seen) == 2
    assert len(server.requests) == 3


async def test_error_of_a_read_ahead_page_surfaces_when_that_page_is_reached(
    serve: Serve,
) -> None:
    ids = make_ids(30)
    server = GatedServer(ids, fail={2: 400})
    ory = await serve(server)
    pages = pager(ory, page_size=10).prefetch().pages()
    first = await anext(pages)
    ahead = pages._ahead
    assert ahead is not None
    assert ahead._task is not None
    async with asyncio.timeout(GUARD):
        await asyncio.wait({ahead._task})  # page 2 has failed, ahead of the consumer
    assert [i.id for i in first.items] == ids[:10]  # page 1 is whole, no error yet
    with pytest.raises(BadRequestError):
        await anext(pages)
    # Calling again retries the failed page, and the walk goes on from there.
    rest = [page async for page in pages]
    assert ids_of([first, *rest]) == ids
    assert server.requests[1] == server.requests[2]
    assert len(server.requests) == 4


async def test_collect_with_limit_stops_the_read_ahead(serve: Serve) -> None:
    server = GatedServer(make_ids(100))
    ory = await serve(server)
    got = await pager(ory, page_size=10).prefetch(pages=3).collect(limit=15)
    assert len(got) == 15
    assert read_aheads() == []  # collect() closes its walk before it returns
    assert len(server.requests) <= 5  # 2 pages consumed, at most 3 ahead


@pytest.mark.parametrize(
    ("mode", "path", "query"),
    [
        ("keyset", "/admin/identities", {"page_size": 250}),
        ("legacy", "/admin/identities", {"page": 0, "per_page": 250}),
        ("migration", "/admin/identities/x/sessions", {"page": 0, "per_page": 100}),
        ("overlap", "/schemas", {"page": 0, "per_page": 2}),
        ("v0", "/identities", {"page": 0, "per_page": 100}),
    ],
)
async def test_prefetch_walks_every_paging_bug_like_a_plain_walk(
    serve: Serve, mode: str, path: str, query: dict[str, Any]
) -> None:
    ids = make_ids(3000 if mode == "legacy" else 1203 if mode != "overlap" else 10)
    plain_server = PagingServer(ids, mode, path=path)  # type: ignore[arg-type]
    cap = 1000 if mode == "legacy" else None
    plain = [i.id async for i in pager(await serve(plain_server), path, legacy_cap=cap, **query)]
    ahead_server = PagingServer(ids, mode, path=path)  # type: ignore[arg-type]
    ory = await serve(ahead_server)
    ahead = [i.id async for i in pager(ory, path, legacy_cap=cap, **query).prefetch(2)]
    assert ahead == plain
    assert sorted(ahead) == ids  # each item exactly once
    assert ahead_server.requests == plain_server.requests


async def test_prefetch_rejects_bad_depths(serve: Serve) -> None:
    ory = await serve(GatedServer([]))
    with pytest.raises(ValueError, match="pages must be >= 1"):
        _ = pager(ory).prefetch(0)
    with pytest.raises(TypeError, match="pages must be an int"):
        _ = pager(ory).prefetch(True)
    assert "prefetch=2" in repr(pager(ory).prefetch(2))


async def settle() -> None:
    """Let every runnable task run (pure asyncio: no I/O is awaited)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_read_ahead_keeps_at_most_depth_pages_ahead() -> None:
    loop = asyncio.get_running_loop()
    gates = {step: loop.create_future() for step in range(1, 6)}
    started: list[int] = []

    async def fetch(step: int) -> int:
        started.append(step)
        await gates[step]
        return step

    ahead: ReadAhead[int, int] = ReadAhead(fetch, lambda p: p + 1 if p < 5 else None, 1, 2)
    await settle()
    assert started == [1]  # one request at a time: the next step comes from this page
    gates[1].set_result(None)
    await settle()
    assert started == [1, 2]
    gates[2].set_result(None)
    await settle()
    assert started == [1, 2]  # two pages ready, none taken: the third waits
    assert await ahead.get() == 1
    await settle()
    assert started == [1, 2, 3]
    for step in (3, 4, 5):
        gates[step].set_result(None)
    assert [await ahead.get() for _ in range(4)] == [2, 3, 4, 5]
    assert await ahead.get() is None
    await ahead.aclose()
