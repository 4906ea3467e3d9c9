"""The signed-in user's own sessions: list others, revoke one, revoke all others."""

from __future__ import annotations

import aiohttp

from ory_async.testing import FakeOry
from tests.kit.raw_http import call


async def test_list_and_revoke_my_sessions(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    a, b = ory_fake.seed_identities(2)
    me, token = ory_fake.create_session(a)
    other1, _ = ory_fake.create_session(a)
    other2, _ = ory_fake.create_session(a)
    ory_fake.create_session(a, active=False)
    stranger, _ = ory_fake.create_session(b)
    headers = {"X-Session-Token": token}
    base = f"{ory_fake.public_url}/sessions"

    r = await call(http, "GET", base, headers=headers)
    assert r.status == 200
    assert {s["id"] for s in r.json()} == {other1["id"], other2["id"]}  # current excluded
    assert r.headers["X-Total-Count"] == "2"
    assert "metadata_admin" not in r.json()[0]["identity"]

    r = await call(http, "DELETE", f"{base}/{me['id']}", headers=headers)
    assert r.status == 400
    assert r.error["message"] == "cannot revoke current session"
    r = await call(http, "DELETE", f"{base}/{stranger['id']}", headers=headers)
    assert r.status == 404
    assert ory_fake.state.sessions[stranger["id"]].active is True
    r = await call(http, "DELETE", f"{base}/not-a-uuid", headers=headers)
    assert r.status == 400
    r = await call(http, "DELETE", f"{base}/{other1['id']}", headers=headers)
    assert r.status == 204
    assert ory_fake.state.sessions[other1["id"]].active is False

    r = await call(http, "DELETE", base, headers=headers)
    assert r.status == 200
    # Kratos's UPDATE counts every other session of the identity, revoked ones included.
    assert r.json() == {"count": 3}
    assert ory_fake.state.sessions[other2["id"]].active is False
    assert ory_fake.state.sessions[me["id"]].active is True
    assert ory_fake.state.sessions[stranger["id"]].active is True

    r = await call(http, "GET", base)
    assert r.status == 401
    assert r.error["reason"] == "No valid session cookie found."
