"""Sessions: admin listing tokens, identity sessions paging (and its bug), whoami."""

from __future__ import annotations

import base64
from datetime import timedelta

import aiohttp

from ory_async.testing import FakeOry, ManualClock
from tests.kit.raw_http import call

FIRST_TOKENS = {
    "aWQ9MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwL2NyZWF0ZWRfYXQ9MjIwMC0xMi0zMSAyMzo1OTo1OQ",
    "Y3JlYXRlZF9hdD0yMjAwLTEyLTMxIDIzOjU5OjU5L2lkPTAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA",
}


def links(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(","):
        target, rel = part.split(">; rel=")
        out[rel.strip('"')] = target[1:]
    return out


async def test_admin_list_keyset_tokens(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(seed=3, clock=clock) as fake:
        (iid,) = fake.seed_identities(1)
        made = []
        for _ in range(5):
            made.append(fake.create_session(iid)[0]["id"])
            clock.advance(1.5)
        r = await call(http, "GET", f"{fake.url}/admin/sessions?page_size=2")
        assert r.status == 200
        page = r.json()
        assert [s["id"] for s in page] == made[::-1][:2]  # created_at DESC
        assert page[0]["identity"] is None
        assert page[0]["devices"] is None
        assert "X-Total-Count" not in r.headers
        rels = links(r.headers["Link"])
        assert set(rels) == {"first", "next"}
        first_token = rels["first"].split("page_token=")[1]
        assert first_token in FIRST_TOKENS
        assert rels["first"].startswith("/admin/sessions?page_size=2&page_token=")
        seen = [s["id"] for s in page]
        while "next" in rels:
            token = rels["next"].split("page_token=")[1]
            decoded = base64.b64decode(token + "=" * (-len(token) % 4)).decode()
            assert sorted(p.split("=")[0] for p in decoded.split("/")) == ["created_at", "id"]
            r = await call(http, "GET", fake.url + rels["next"])
            seen += [s["id"] for s in r.json()]
            rels = links(r.headers["Link"])
        assert seen == made[::-1]


async def test_admin_list_params(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = ory_fake.seed_identities(1)
    live, _ = ory_fake.create_session(iid)
    dead, _ = ory_fake.create_session(iid, active=False)
    base = f"{ory_fake.url}/admin/sessions"
    r = await call(http, "GET", f"{base}?active=true&expand=Identity&expand=devices")
    (item,) = r.json()
    assert item["id"] == live["id"]
    assert item["identity"]["id"] == iid
    assert "metadata_admin" in item["identity"]
    assert item["devices"][0]["ip_address"] == "127.0.0.1"
    r = await call(http, "GET", f"{base}?active=f")
    assert [s["id"] for s in r.json()] == [dead["id"]]
    r = await call(http, "GET", f"{base}?active=maybe")
    assert r.error["message"] == "could not parse parameter active"
    r = await call(http, "GET", f"{base}?expand=x")
    assert r.error["reason"] == "Could not parse expand option: x"
    r = await call(http, "GET", f"{base}?page_token=%21%21")
    assert r.error["message"] == "could not parse parameter page_size"
    bogus = base64.b64encode(b"id=nope/created_at=2020-01-01 00:00:00").decode().rstrip("=")
    r = await call(http, "GET", f"{base}?page_token={bogus}")
    assert r.error["reason"] == "The page token is invalid, do not craft your own page tokens"
    r = await call(http, "GET", f"{base}?page_size=5000")
    assert "page_size=1000" in r.headers["Link"]


async def test_get_disable_extend(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = ory_fake.seed_identities(1)
    sess, _ = ory_fake.create_session(iid)
    url = f"{ory_fake.url}/admin/sessions/{sess['id']}"
    r = await call(http, "GET", url)
    assert r.json()["identity"] is None
    r = await call(http, "GET", f"{url}?expand=identity")
    assert r.json()["identity"]["id"] == iid
    r = await call(http, "PATCH", f"{url}/extend")
    assert r.status == 204
    r = await call(http, "DELETE", url)
    assert (r.status, r.raw) == (204, b"")
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    r = await call(http, "DELETE", url)
    assert r.status == 204
    r = await call(http, "GET", url)
    assert r.json()["active"] is False
    r = await call(http, "GET", f"{ory_fake.url}/admin/sessions/not-a-uuid")
    assert r.status == 400
    assert r.error["message"] == 'uuid: incorrect UUID length 10 in string "not-a-uuid"'
    r = await call(http, "GET", f"{ory_fake.url}/admin/sessions/{iid}")
    assert r.status == 404


async def test_extend_can_return_session(http: aiohttp.ClientSession) -> None:
    async with FakeOry(extend_returns_session=True) as fake:
        (iid,) = fake.seed_identities(1)
        sess, _ = fake.create_session(iid, expires_in=timedelta(minutes=1))
        r = await call(http, "PATCH", f"{fake.url}/admin/sessions/{sess['id']}/extend")
        assert r.status == 200
        assert r.json()["expires_at"] > sess["expires_at"]


async def _identity_sessions(fake: FakeOry, http: aiohttp.ClientSession) -> tuple[str, list[str]]:
    clock = fake.clock
    assert isinstance(clock, ManualClock)
    (iid,) = fake.seed_identities(1)
    made = []
    for _ in range(5):
        made.append(fake.create_session(iid)[0]["id"])
        clock.advance(1)
    return iid, made[::-1]


async def test_identity_sessions_links(http: aiohttp.ClientSession) -> None:
    async with FakeOry(clock=ManualClock()) as fake:
        iid, newest_first = await _identity_sessions(fake, http)
        path = f"/admin/identities/{iid}/sessions"
        r = await call(http, "GET", f"{fake.url}{path}?per_page=2")
        assert r.headers["X-Total-Count"] == "5"
        assert r.headers["Link"] == (
            f"<{path}?page=1&page_size=2&page_token=eyJvZmZzZXQiOiIyIiwidiI6Mn0&per_page=2>; "
            f'rel="next",<{path}?page=2&page_size=2&page_token=eyJvZmZzZXQiOiI0IiwidiI6Mn0'
            '&per_page=2>; rel="last"'
        )
        body = r.json()
        assert [s["id"] for s in body] == newest_first[:2]
        assert body[0]["identity"]["id"] == iid
        assert isinstance(body[0]["devices"], list)
        pages = []
        for page in range(3):
            r = await call(http, "GET", f"{fake.url}{path}?page={page}&per_page=2")
            pages.append([s["id"] for s in r.json()])
        assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
        r = await call(
            http, "GET", f"{fake.url}{path}?page_token=eyJvZmZzZXQiOiI0IiwidiI6Mn0&page_size=2"
        )
        assert [s["id"] for s in r.json()] == newest_first[4:]
        r = await call(http, "GET", f"{fake.url}/admin/identities/{fake.state.ids.uuid()}/sessions")
        assert (r.status, r.json()) == (200, [])
        r = await call(http, "GET", f"{fake.url}/admin/identities/nope/sessions")
        assert r.status == 400


async def test_identity_sessions_off_by_one_bug(http: aiohttp.ClientSession) -> None:
    async with FakeOry(clock=ManualClock(), kratos_paging_bugs=True) as fake:
        iid, newest_first = await _identity_sessions(fake, http)
        path = f"{fake.url}/admin/identities/{iid}/sessions"
        pages = []
        for page in range(4):
            r = await call(http, "GET", f"{path}?page={page}&per_page=2")
            pages.append([s["id"] for s in r.json()])
        assert pages[0] == pages[1] == newest_first[0:2]
        assert pages[2] == newest_first[2:4]
        assert pages[3] == newest_first[4:]


async def test_delete_identity_sessions(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = ory_fake.seed_identities(1)
    url = f"{ory_fake.url}/admin/identities/{iid}/sessions"
    r = await call(http, "DELETE", url)
    assert r.status == 404
    ory_fake.create_session(iid)
    r = await call(http, "DELETE", url)
    assert r.status == 204
    assert ory_fake.state.sessions == {}


async def test_whoami_token_sources(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    a, b, c = ory_fake.seed_identities(3)
    _, tok_a = ory_fake.create_session(a)
    _, tok_b = ory_fake.create_session(b)
    _, tok_c = ory_fake.create_session(c)
    url = f"{ory_fake.public_url}/sessions/whoami"
    r = await call(http, "GET", url, headers={"X-Session-Token": tok_a})
    assert r.status == 200
    assert r.headers["X-Kratos-Authenticated-Identity-Id"] == a
    assert "metadata_admin" not in r.json()["identity"]
    assert "credentials" not in r.json()["identity"]
    both = {
        "X-Session-Token": tok_a,
        "Authorization": f"Bearer {tok_b}",
        "Cookie": f"ory_kratos_session={tok_c}",
    }
    r = await call(http, "GET", url, headers=both)
    assert r.headers["X-Kratos-Authenticated-Identity-Id"] == a
    del both["X-Session-Token"]
    r = await call(http, "GET", url, headers=both)  # cookie before bearer
    assert r.headers["X-Kratos-Authenticated-Identity-Id"] == c
    r = await call(http, "GET", url, headers={"Authorization": f"Bearer {tok_b}"})
    assert r.headers["X-Kratos-Authenticated-Identity-Id"] == b
    r = await call(http, "GET", url, headers={"X-Session-Token": "nope"})
    assert r.status == 401
    assert r.json() == {
        "error": {
            "code": 401,
            "status": "Unauthorized",
            "reason": "No valid session credentials found in the request.",
            "message": "The request could not be authorized",
        }
    }


async def test_whoami_expiry_and_aal2(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        a, b = fake.seed_identities(2)
        _, short = fake.create_session(a, expires_in=timedelta(minutes=5))
        _, weak = fake.create_session(b, aal_required="aal2")
        url = f"{fake.public_url}/sessions/whoami"
        assert (await call(http, "GET", url, headers={"X-Session-Token": short})).status == 200
        clock.advance(301)
        assert (await call(http, "GET", url, headers={"X-Session-Token": short})).status == 401
        r = await call(http, "GET", url, headers={"X-Session-Token": weak})
        assert r.status == 403
        assert r.error["id"] == "session_aal2_required"
        assert r.headers["Ory-Error-Id"] == "session_aal2_required"
        # The admin port redirects whoami to the public port.
        r = await call(http, "GET", f"{fake.url}/admin/sessions/whoami")
        assert r.status == 307
        assert r.headers["Location"] == f"{fake.public_url}/sessions/whoami"
