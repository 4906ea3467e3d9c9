"""Misbehaving servers: every bad answer becomes a specific OryError, nothing hangs, and
nothing is followed to another host with credentials."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from ory_async import (
    DecodeError,
    OryClient,
    RedirectError,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
)
from tests.kit.keys import SECRET
from tests.kit.scripted import ScriptedServer, reply

Serve = Callable[[ScriptedServer], Awaitable[TestServer]]
ID = "5ff66179-c240-4703-b0d8-494592cefff5"


@pytest.fixture
async def serve(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Serve:
    async def start(scripted: ScriptedServer) -> TestServer:
        return await aiohttp_server(scripted.app)

    return start


@pytest.fixture
async def client(serve: Serve) -> AsyncIterator[Callable[[ScriptedServer], Awaitable[OryClient]]]:
    clients: list[OryClient] = []

    async def make(scripted: ScriptedServer) -> OryClient:
        server = await serve(scripted)
        ory = OryClient(
            str(server.make_url("/")), access_token=SECRET, retry=RetryPolicy.none(), timeouts=5
        )
        clients.append(ory)
        return ory

    yield make
    for ory in clients:
        await ory.close()


async def test_truncated_json(client: Callable[[ScriptedServer], Awaitable[OryClient]]) -> None:
    ory = await client(
        ScriptedServer().then(reply(200, raw=b'{"id": "x", "schema_id": "default", "tra'))
    )
    with pytest.raises(
        DecodeError, match=f"of 200 GET /admin/identities/{ID} is not valid JSON"
    ) as info:
        await ory.identities.get(ID)
    assert info.value.body.startswith(b'{"id"')


async def test_html_error_page_from_a_proxy(
    client: Callable[[ScriptedServer], Awaitable[OryClient]],
) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
    ory = await client(ScriptedServer().then(reply(502, raw=page, content_type="text/html")))
    with pytest.raises(ServerError) as info:
        await ory.identities.get(ID)
    message = str(info.value)
    assert message.startswith(
        f"502 Bad Gateway on GET /admin/identities/{ID}: unexpected response body: <html>"
    )
    assert info.value.error is None
    assert info.value.body == page


async def test_200_with_empty_body(
    client: Callable[[ScriptedServer], Awaitable[OryClient]],
) -> None:
    ory = await client(ScriptedServer().then(reply(200, raw=b"")))
    with pytest.raises(DecodeError, match="is not valid JSON"):
        await ory.identities.get(ID)


async def test_huge_body_of_the_wrong_shape(
    client: Callable[[ScriptedServer], Awaitable[OryClient]],
) -> None:
    huge = orjson.dumps([{"id": i, "blob": "x" * 1000} for i in range(20_000)])  # ~20 MB
    ory = await client(ScriptedServer().then(reply(200, raw=huge)))
    with pytest.raises(DecodeError) as info:
        await ory.identities.list().collect()
    assert len(str(info.value)) < 500
    assert info.value.field == "$[0].id"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"id": ID, "schema_id": "default", "traits": {}, "state_changed_at": 12345},
            "$.state_changed_at",
        ),
        (
            {
                "id": ID,
                "schema_id": "default",
                "traits": {},
                "verifiable_addresses": [{"value": "a", "verified": "yes"}],
            },
            "$.verifiable_addresses[0].verified",
        ),
        ({"id": ID, "schema_id": 7, "traits": {}}, "$.schema_id"),
        ({"id": ID, "schema_id": "default", "traits": {}, "credentials": []}, "$.credentials"),
        ({"schema_id": "default", "traits": {}}, "$.id"),
    ],
)
async def test_wrong_types_in_fields(
    client: Callable[[ScriptedServer], Awaitable[OryClient]], payload: dict[str, object], field: str
) -> None:
    ory = await client(ScriptedServer().then(reply(200, payload)))
    with pytest.raises(DecodeError) as info:
        await ory.identities.get(ID)
    assert info.value.field == field
    assert info.value.target == "Identity"


async def test_redirect_to_another_host_is_not_followed(serve: Serve) -> None:
    other = ScriptedServer().then(reply(200, {}))
    elsewhere = await serve(other)
    here = ScriptedServer().then(
        reply(302, headers={"Location": str(elsewhere.make_url("/steal"))})
    )
    server = await serve(here)
    async with OryClient(str(server.make_url("/")), access_token=SECRET) as ory:
        with pytest.raises(RedirectError) as info:
            await ory.identities.get(ID)
    assert other.seen == []
    assert "does not follow redirects" in str(info.value)
    assert SECRET not in str(info.value)


async def test_endless_body_hits_the_timeout(serve: Serve) -> None:
    never = asyncio.Event()

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b"[")
        await never.wait()
        return response

    server = await serve(ScriptedServer().then(trickle))
    async with OryClient(str(server.make_url("/")), timeouts=0.2, retry=RetryPolicy.none()) as ory:
        with pytest.raises(RequestTimeoutError):
            await ory.identities.list().collect()
    never.set()
