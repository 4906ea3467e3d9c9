"""Places where FakeOry once answered unlike Kratos for code written against Ory's SDKs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio

from ory_async.testing import FakeOry
from tests.kit.raw_http import call

CSRF_ERROR = {
    "code": 403,
    "status": "Forbidden",
    "reason": "A request failed due to a missing or invalid csrf_token value.",
    "message": "The requested action was forbidden",
}


@pytest_asyncio.fixture
async def v0() -> AsyncIterator[FakeOry]:
    async with FakeOry(api="v0") as fake:
        yield fake


async def test_frontend_routes_on_admin_url_need_no_key(http: aiohttp.ClientSession) -> None:
    async with FakeOry(api_key="ory_pat_k") as fake:
        for path in ("/schemas", "/schemas/default", "/sessions/whoami", "/admin/schemas"):
            r = await call(http, "GET", f"{fake.url}{path}?x=1")
            assert r.status == 307, path
            public_path = path.removeprefix("/admin")
            assert r.headers["Location"] == f"{fake.public_url}{public_path}?x=1"
        r = await call(http, "DELETE", f"{fake.url}/sessions")
        assert r.status == 307
        assert r.headers["Location"] == f"{fake.public_url}/sessions"
        # Admin routes still want the key.
        r = await call(http, "GET", f"{fake.url}/admin/identities")
        assert r.status == 401
        r = await call(http, "GET", f"{fake.url}/admin/courier/messages")
        assert r.status == 401


async def test_v0_admin_settings_flow_without_session(
    v0: FakeOry, http: aiohttp.ClientSession
) -> None:
    flow = v0.add_flow("settings", {"type": "api", "methods": {}})
    r = await call(http, "GET", f"{v0.url}/self-service/settings/flows?id={flow['id']}")
    assert r.status == 200
    assert r.json()["id"] == flow["id"]
    # The public getter still needs a session.
    r = await call(http, "GET", f"{v0.public_url}/self-service/settings/flows?id={flow['id']}")
    assert r.status == 401


async def test_v0_recovery_link_flow_is_not_stored(
    v0: FakeOry, http: aiohttp.ClientSession
) -> None:
    (iid,) = v0.seed_identities(1)
    v0.identities[iid]["recovery_addresses"] = [{"value": "user0@example.org", "via": "email"}]
    r = await call(http, "POST", f"{v0.url}/recovery/link", json={"identity_id": iid})
    assert r.status == 200
    link = r.json()["recovery_link"]
    flow_id = link.split("flow=")[1].split("&")[0]
    assert v0.state.flows == {}
    r = await call(http, "GET", f"{v0.public_url}/self-service/recovery/flows?id={flow_id}")
    assert r.status == 404


async def test_v0_revoke_session(v0: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = v0.seed_identities(1)
    session, token = v0.create_session(iid)
    url = f"{v0.public_url}/sessions"
    r = await call(http, "DELETE", url, json={"session_token": token})
    assert r.status == 204
    assert r.raw == b""
    assert v0.state.sessions[session["id"]].active is False
    headers = {"X-Session-Token": token}
    r = await call(http, "GET", f"{v0.public_url}/sessions/whoami", headers=headers)
    assert r.status == 401
    # An unknown token is no error either.
    r = await call(http, "DELETE", url, json={"session_token": "nope"})
    assert r.status == 204


async def test_v1_delete_sessions_is_disable_my_other_sessions(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    r = await call(http, "DELETE", f"{ory_fake.public_url}/sessions", json={"session_token": "x"})
    assert r.status == 401
    assert r.error["reason"] == "No valid session cookie found."


async def test_v0_public_unknown_error_is_csrf_403(
    v0: FakeOry, http: aiohttp.ClientSession
) -> None:
    r = await call(http, "GET", f"{v0.public_url}/self-service/errors?error=unknown")
    assert r.status == 403
    assert r.error == CSRF_ERROR
    r = await call(http, "GET", f"{v0.url}/self-service/errors?error=unknown")
    assert r.status == 404
    eid = v0.add_error()
    r = await call(http, "GET", f"{v0.public_url}/self-service/errors?error={eid}")
    assert r.status == 200


async def test_v1_unknown_error_is_404(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "GET", f"{ory_fake.public_url}/self-service/errors?id=unknown")
    assert r.status == 404


async def test_v0_error_texts(v0: FakeOry, http: aiohttp.ClientSession) -> None:
    url = f"{v0.url}/recovery/link"
    r = await call(http, "POST", url, json={"identity_id": v0.state.ids.uuid()})
    assert r.status == 404
    assert r.error == {
        "code": 404,
        "status": "Not Found",
        "message": "Unable to locate the resource",
    }
    (iid,) = v0.seed_identities(1)
    v0.identities[iid]["recovery_addresses"] = [{"value": "user0@example.org", "via": "email"}]
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "1d"})
    assert r.status == 400
    assert r.error["reason"] == (
        'Unable to parse "expires_in" whose format should match "[0-9]+(ns|us|ms|s|m|h)" '
        "but did not: 1d"
    )
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "-1h"})
    assert r.error["reason"] == 'Value from "expires_in" must be result to a future time: -1h'
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "0s"})
    assert r.status == 200
    (iid,) = v0.seed_identities(1)
    _, token = v0.create_session(iid)
    for method in ("POST", "PUT", "DELETE"):
        r = await call(
            http, method, f"{v0.public_url}/sessions/whoami", headers={"X-Session-Token": token}
        )
        assert r.json()["identity"]["id"] == iid, method
    r = await call(http, "GET", f"{v0.public_url}/sessions/whoami")
    assert r.status == 401
    assert r.error == {
        "code": 401,
        "status": "Unauthorized",
        "reason": "No valid session cookie found.",
        "message": "The request could not be authorized",
    }


async def test_v1_error_texts_unchanged(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    url = f"{ory_fake.url}/admin/recovery/link"
    r = await call(http, "POST", url, json={"identity_id": ory_fake.state.ids.uuid()})
    assert r.status == 400
    assert r.error["reason"] == "The requested identity id does not exist."
    (iid,) = ory_fake.seed_identities(1)
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "1d"})
    assert r.error["reason"].startswith('Unable to parse "expires_in" as a duration string')
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "0s"})
    assert r.status == 400
    r = await call(http, "GET", f"{ory_fake.public_url}/sessions/whoami")
    assert r.error["reason"] == "No valid session credentials found in the request."


async def test_texts_checked_against_kratos(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = ory_fake.seed_identities(1)
    r = await call(
        http,
        "POST",
        f"{ory_fake.url}/admin/recovery/code",
        json={"identity_id": iid, "flow_type": "native"},
    )
    assert r.status == 400
    assert r.error["reason"] == 'Value from "flow_type" is not valid: "native"'
    r = await call(
        http,
        "POST",
        f"{ory_fake.url}/admin/identities",
        json={"schema_id": "default", "traits": {"email": "r@example.org"}, "region": "mars"},
    )
    assert r.status == 400
    assert r.error["reason"] == "the provided region is not a valid Ory region"
    patch = [{"op": "add", "path": "/credentials/totp", "value": {"type": "password"}}]
    r = await call(http, "PATCH", f"{ory_fake.url}/admin/identities/{iid}", json=patch)
    assert r.status == 400
    assert r.error["reason"] == 'credentials.totp.type must equal "totp", got "password"'
