"""Kratos v0.5 mode: bare admin paths, v0 shapes, absolute links with page 0 == page 1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio

from ory_async.testing import FakeOry
from tests.kit.raw_http import call


@pytest_asyncio.fixture
async def v0() -> AsyncIterator[FakeOry]:
    async with FakeOry(api="v0") as fake:
        yield fake


async def test_v0_identity_shape(v0: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(
        http,
        "POST",
        f"{v0.url}/identities",
        json={"schema_id": "default", "traits": {"email": "Old@Example.org"}},
    )
    assert r.status == 201
    ident = r.json()
    assert set(ident) == {
        "id",
        "schema_id",
        "schema_url",
        "traits",
        "verifiable_addresses",
        "recovery_addresses",
    }
    assert ident["schema_url"] == f"{v0.public_url}/schemas/default"
    assert ident["verifiable_addresses"][0]["verified_at"] is None
    assert set(ident["recovery_addresses"][0]) == {"id", "value", "via"}
    r = await call(
        http,
        "POST",
        f"{v0.url}/identities",
        json={"schema_id": "default", "traits": {"email": "x@y.z"}, "state": "active"},
    )
    assert r.error["message"] == 'json: unknown field "state"'
    r = await call(http, "GET", f"{v0.url}/identities/{ident['id']}")
    assert r.json() == ident
    r = await call(
        http,
        "PUT",
        f"{v0.url}/identities/{ident['id']}",
        json={"traits": {"email": "new@example.org"}},
    )
    assert r.json()["traits"] == {"email": "new@example.org"}
    r = await call(http, "DELETE", f"{v0.url}/identities/{ident['id']}")
    assert r.status == 204


async def test_v0_list_links(v0: FakeOry, http: aiohttp.ClientSession) -> None:
    v0.seed_identities(5)
    desc = sorted(v0.identities, reverse=True)
    pages = {}
    for page in range(4):
        r = await call(http, "GET", f"{v0.url}/identities?page={page}&per_page=2&foo=bar")
        assert "X-Total-Count" not in r.headers
        pages[page] = ([i["id"] for i in r.json()], r.headers["Link"])
    assert pages[0][0] == pages[1][0] == desc[:2]
    assert pages[2][0] == desc[2:4]
    assert pages[3][0] == desc[4:]
    assert pages[0][1] == (
        f'<{v0.url}/identities?page=1&per_page=2>; rel="next",'
        f'<{v0.url}/identities?page=2&per_page=2>; rel="last"'
    )
    r = await call(http, "GET", f"{v0.url}/identities")
    assert r.headers["Link"] == f'<{v0.url}/identities?page=0&per_page=5>; rel="first"'


async def test_v0_missing_routes_and_recovery(v0: FakeOry, http: aiohttp.ClientSession) -> None:
    for method, path in (
        ("GET", "/admin/identities"),
        ("GET", "/sessions"),
        ("POST", "/recovery/code"),
        ("PATCH", "/identities"),
    ):
        r = await call(http, method, f"{v0.url}{path}")
        assert r.status in (404, 405), path
    r = await call(
        http, "POST", f"{v0.url}/recovery/link", json={"identity_id": v0.state.ids.uuid()}
    )
    assert r.status == 404
    (iid,) = v0.seed_identities(1)
    r = await call(http, "POST", f"{v0.url}/recovery/link", json={"identity_id": iid})
    assert r.status == 200
    assert "/self-service/recovery/methods/link?flow=" in r.json()["recovery_link"]
    eid = v0.add_error()
    r = await call(http, "GET", f"{v0.url}/self-service/errors?error={eid}")
    body = r.json()
    assert set(body) == {"id", "errors"}
    assert body["errors"][0]["code"] == 500
    r = await call(http, "GET", f"{v0.url}/schemas/default")
    assert r.status == 200
    _, token = v0.create_session(iid)
    r = await call(
        http, "GET", f"{v0.public_url}/sessions/whoami", headers={"X-Session-Token": token}
    )
    assert set(r.json()) == {
        "id",
        "active",
        "expires_at",
        "authenticated_at",
        "issued_at",
        "identity",
    }
