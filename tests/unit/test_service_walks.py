"""Whole walks through the services' pagers, against the Kratos-paging loopback server."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs

import pytest
from aiohttp.test_utils import TestServer

from ory_async import AsyncPager, OryClient, Page, RetryPolicy
from ory_async._pagination import _ItemIterator
from ory_async.models import Identity, IdentitySchemaContainer, Session
from tests.kit.keys import SECRET
from tests.kit.kratos_paging import PagingServer
from tests.kit.pagers import make_ids

Start = Callable[..., Awaitable[OryClient]]


@pytest.fixture
async def start(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[Start]:
    clients: list[OryClient] = []

    async def run(paging: PagingServer, api: str = "v1") -> OryClient:
        server = await aiohttp_server(paging.app())
        url = str(server.make_url("/"))
        client = OryClient(url, public_url=url, access_token=SECRET, api=api, retry=RetryPolicy())  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield run
    for client in clients:
        await client.close()


async def test_walk_10000_identities_in_pages_of_500(start: Start) -> None:
    ids = make_ids(10_000)
    server = PagingServer(ids, "keyset")
    ory = await start(server)
    pager: AsyncPager[Identity] = ory.identities.list(page_size=500)
    iterator = pager.__aiter__()
    assert isinstance(iterator, _ItemIterator)
    seen: list[str] = []
    peak = 0
    async for identity in iterator:
        seen.append(identity.id)
        peak = max(peak, len(iterator._buffer))
    assert len(seen) == len(set(seen)) == 10_000
    assert peak == 500  # one page held at a time
    assert len(server.requests) == 20


async def test_legacy_form_walks_past_the_cap_on_v1(start: Start) -> None:
    ids = make_ids(2600)
    server = PagingServer(ids, "legacy")
    ory = await start(server)
    got = [i.id async for i in ory.identities.list(per_page=250)]
    assert got == ids
    assert [parse_qs(q).get("page_token") is not None for q in server.requests].count(True) == 6


async def test_v0_walk_with_absolute_links(start: Start) -> None:
    ids = make_ids(9)
    server = PagingServer(
        ids, "v0", path="/identities", absolute_base="http://other-kratos.invalid:4434"
    )
    ory = await start(server, "v0")
    got = await ory.identities.list(per_page=2).collect()
    assert sorted(i.id for i in got) == ids


async def test_sessions_keyset_walk_with_varying_tokens(start: Start) -> None:
    ids = make_ids(1200)
    server = PagingServer(ids, "sessions", path="/admin/sessions")
    ory = await start(server)
    got = [s.id async for s in ory.sessions.list(page_size=100, expand=["identity"])]
    assert got == ids
    tokens = [parse_qs(q)["page_token"][0] for q in server.requests[1:]]
    decoded = [base64.b64decode(t + "=" * (-len(t) % 4)).decode() for t in tokens]
    assert any(d.startswith("id=") for d in decoded)
    assert any(d.startswith("created_at=") for d in decoded)
    assert all(parse_qs(q)["expand"] == ["identity"] for q in server.requests)


async def test_identity_sessions_with_kratos_paging_bug(start: Start) -> None:
    ids = make_ids(45)
    server = PagingServer(ids, "migration", path="/admin/identities/ident-1/sessions")
    ory = await start(server)
    pager: AsyncPager[Session] = ory.sessions.list_for_identity("ident-1", per_page=10)
    got = [s.id async for s in pager]
    assert got == ids
    first: Page[Session] = await pager
    assert first.total_count == 45


async def test_schemas_with_overlapping_pages(start: Start) -> None:
    ids = make_ids(10)
    server = PagingServer(ids, "overlap", path="/schemas")
    ory = await start(server)
    got: list[IdentitySchemaContainer] = []
    async for page in ory.schemas.list(per_page=2).pages():
        got.extend(page.items)
    assert [s.id for s in got] == ids
