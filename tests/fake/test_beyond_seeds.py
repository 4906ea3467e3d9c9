"""Endpoints beyond the seed operations: external id, bulk sessions, courier, version."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from ory_async.testing import FakeOry, ManualClock
from tests.kit.raw_http import call

NIL = "00000000-0000-0000-0000-000000000000"
NOT_FOUND = {"code": 404, "status": "Not Found", "message": "Unable to locate the resource"}


def links(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(","):
        target, rel = part.split(">; rel=")
        out[rel.strip('"')] = target[1:]
    return out


async def _create(fake: FakeOry, http: aiohttp.ClientSession, body: dict[str, Any]) -> str:
    r = await call(http, "POST", f"{fake.url}/admin/identities", json=body)
    assert r.status == 201, r.raw
    ident_id = r.json()["id"]
    assert isinstance(ident_id, str)
    return ident_id


# --- identity by external id ----------------------------------------------------------------


async def test_get_by_external_id(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    iid = await _create(
        ory_fake,
        http,
        {
            "schema_id": "default",
            "traits": {"email": "ext@example.org"},
            "external_id": "crm/42 a",
            "credentials": {"password": {"config": {"password": "s3cret-Passw0rd"}}},
        },
    )
    await _create(ory_fake, http, {"schema_id": "default", "traits": {"email": "o@example.org"}})
    base = f"{ory_fake.url}/admin/identities/by/external"
    r = await call(http, "GET", f"{base}/crm%2F42%20a")
    assert r.status == 200
    body = r.json()
    assert body["id"] == iid
    assert body["external_id"] == "crm/42 a"
    assert "metadata_admin" in body
    assert "config" not in body["credentials"]["password"]
    r = await call(http, "GET", f"{base}/crm%2F42%20a?include_credential=password")
    assert r.json()["credentials"]["password"]["config"]["hashed_password"]
    # Without the /admin prefix the admin port answers the same.
    r = await call(http, "GET", f"{ory_fake.url}/identities/by/external/crm%2F42%20a")
    assert r.json()["id"] == iid


async def test_get_by_external_id_errors(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    await _create(
        ory_fake,
        http,
        {"schema_id": "default", "traits": {"email": "e@example.org"}, "external_id": "x1"},
    )
    base = f"{ory_fake.url}/admin/identities/by/external"
    r = await call(http, "GET", f"{base}/X1")  # exact match only
    assert r.status == 404
    assert r.json() == {"error": NOT_FOUND}
    r = await call(http, "GET", f"{base}/x1?include_credential=nope")
    assert r.status == 400
    assert r.error["reason"] == "Invalid value `[]` for parameter `include_credential`."
    r = await call(http, "GET", f"{ory_fake.public_url}/admin/identities/by/external/x1")
    assert r.status == 307
    assert r.headers["Location"] == f"{base}/x1"


# --- POST /admin/sessions -------------------------------------------------------------------


async def _manage(fake: FakeOry, http: aiohttp.ClientSession, body: Any) -> Any:
    return await call(http, "POST", f"{fake.url}/admin/sessions", json=body)


async def test_manage_sessions_disable_by_identity(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    a, b = ory_fake.seed_identities(2)
    s1, _ = ory_fake.create_session(a)
    s2, _ = ory_fake.create_session(a, active=False)
    s3, _ = ory_fake.create_session(b)
    r = await _manage(ory_fake, http, {"action": "disable", "identities": [a]})
    assert r.status == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    # Already-inactive sessions are not counted.
    assert r.raw == b'{"processed":1,"more":false}'
    sessions = ory_fake.state.sessions
    assert sessions[s1["id"]].active is False
    assert sessions[s3["id"]].active is True
    assert s2["id"] in sessions  # disabled, not deleted
    r = await _manage(ory_fake, http, {"action": "disable", "identities": [a]})
    assert r.json() == {"processed": 0, "more": False}


async def test_manage_sessions_delete_by_session(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    (a,) = ory_fake.seed_identities(1)
    made = [ory_fake.create_session(a, active=i % 2 == 0)[0]["id"] for i in range(3)]
    unknown = "5a9d6bc1-0000-4000-8000-000000000000"
    body = {"action": "delete", "sessions": [made[0], made[1], unknown]}
    r = await _manage(ory_fake, http, body)
    assert r.json() == {"processed": 2, "more": False}
    assert list(ory_fake.state.sessions) == [made[2]]


async def test_manage_sessions_wildcard_batches(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    (a,) = ory_fake.seed_identities(1)
    for _ in range(5):
        ory_fake.create_session(a)
    assert ory_fake.manage_sessions_batch_size == 5000
    ory_fake.manage_sessions_batch_size = 2
    answers = []
    while True:
        r = await _manage(ory_fake, http, {"action": "delete", "identities": ["*"]})
        answers.append(r.json())
        if not r.json()["more"]:
            break
    assert answers == [
        {"processed": 2, "more": True},
        {"processed": 2, "more": True},
        {"processed": 1, "more": False},
    ]
    assert ory_fake.state.sessions == {}
    with pytest.raises(ValueError, match="at least 1"):
        ory_fake.manage_sessions_batch_size = 0


async def test_manage_sessions_wildcard_disable_counts_active(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    (a,) = ory_fake.seed_identities(1)
    ory_fake.create_session(a, active=False)
    ory_fake.create_session(a)
    ory_fake.manage_sessions_batch_size = 1
    r = await _manage(ory_fake, http, {"action": "disable", "identities": ["*"]})
    assert r.json() == {"processed": 1, "more": True}
    r = await _manage(ory_fake, http, {"action": "disable", "identities": ["*"]})
    assert r.json() == {"processed": 0, "more": False}
    assert len(ory_fake.state.sessions) == 2


@pytest.mark.parametrize(
    ("body", "message", "reason"),
    [
        (
            {"action": "revoke", "identities": ["*"]},
            None,
            "The 'action' field must be one of 'disable' or 'delete'.",
        ),
        (
            {"action": "delete"},
            None,
            "Exactly one of 'identities' or 'sessions' must be a non-empty array.",
        ),
        (
            {"action": "delete", "identities": [], "sessions": []},
            None,
            "Exactly one of 'identities' or 'sessions' must be a non-empty array.",
        ),
        (
            {"action": "delete", "identities": ["*"], "sessions": ["*"]},
            None,
            "Exactly one of 'identities' or 'sessions' must be a non-empty array.",
        ),
        (
            {"action": "delete", "sessions": ["*"]},
            None,
            "Could not parse 'sessions' field: the wildcard '*' is not accepted here",
        ),
        (
            {"action": "delete", "identities": ["*", "*"]},
            None,
            "Could not parse 'identities' field: the wildcard '*' is not accepted here",
        ),
        (
            {"action": "disable", "identities": ["abc"]},
            None,
            "Could not parse 'identities' field: could not parse \"abc\" as UUID: "
            'uuid: incorrect UUID length 3 in string "abc"',
        ),
        (
            {"action": "delete", "sessions": [NIL] * 501},
            None,
            "Could not parse 'sessions' field: at most 500 IDs may be provided per call",
        ),
        (
            {"action": "delete", "identities": "*"},
            "json: cannot unmarshal string into Go struct field ManageSessionsBody.identities "
            "of type []string",
            "Invalid JSON body.",
        ),
        (
            [1],
            "json: cannot unmarshal array into Go value of type session.ManageSessionsBody",
            "Invalid JSON body.",
        ),
    ],
)
async def test_manage_sessions_errors(
    ory_fake: FakeOry,
    http: aiohttp.ClientSession,
    body: Any,
    message: str | None,
    reason: str,
) -> None:
    r = await _manage(ory_fake, http, body)
    assert r.status == 400
    assert r.error["reason"] == reason
    assert r.error["message"] == (
        message or "The request was malformed or contained invalid parameters"
    )


async def test_manage_sessions_empty_body(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "POST", f"{ory_fake.url}/admin/sessions", data=b"")
    assert r.status == 400
    assert r.error == {
        "code": 400,
        "status": "Bad Request",
        "reason": "Invalid JSON body.",
        "message": "EOF",
    }


# --- courier --------------------------------------------------------------------------------


def _decode_token(token: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(token))


async def test_courier_list_order_filters_and_links(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock, dev_mode=True) as fake:
        made = []
        for i in range(5):
            msg = fake.add_message(
                "a@example.org" if i % 2 else "b@example.org",
                subject=f"s{i}",
                body=f"b{i}",
                status="sent" if i < 2 else "queued",
            )
            made.append(msg["id"])
            clock.advance(1)
        base = f"{fake.url}/admin/courier/messages"
        r = await call(http, "GET", base)
        assert r.status == 200
        page = r.json()
        assert [m["id"] for m in page] == made[::-1]
        assert page[0]["subject"] == "s4"
        assert page[0]["body"] == "b4"
        assert "dispatches" not in page[0]
        assert set(page[0]) == {
            "id",
            "status",
            "type",
            "recipient",
            "body",
            "subject",
            "template_type",
            "channel",
            "send_count",
            "created_at",
            "updated_at",
        }
        rels = links(r.headers["Link"])
        assert set(rels) == {"first"}
        assert rels["first"].startswith("/admin/courier/messages?page_size=10&page_token=")
        first = parse_qs(urlsplit(rels["first"]).query)["page_token"][0]
        assert first.endswith("=")  # padded base64url, sent as %3D
        assert "%3D" in rels["first"]
        assert _decode_token(first)["c"][1] == {"n": "id", "vu": NIL}

        r = await call(http, "GET", f"{base}?status=sent")
        assert [m["id"] for m in r.json()] == made[1::-1]
        r = await call(http, "GET", f"{base}?recipient=a%40example.org&status=queued")
        assert [m["id"] for m in r.json()] == [made[3]]

        seen: list[str] = []
        url = f"{base}?page_size=2&recipient=&status=queued"
        while True:
            r = await call(http, "GET", url)
            seen += [m["id"] for m in r.json()]
            rels = links(r.headers["Link"])
            query = parse_qs(urlsplit(rels["first"]).query, keep_blank_values=True)
            assert query["status"] == ["queued"]
            assert query["page_size"] == ["2"]
            if "next" not in rels:
                break
            url = fake.url + rels["next"]
        assert seen == made[:1:-1]


async def test_courier_redacted_unless_dev_mode(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    msg = ory_fake.add_message("a@example.org", subject="Hi", body="code 123456")
    r = await call(http, "GET", f"{ory_fake.url}/admin/courier/messages")
    assert r.json()[0]["body"] == "<redacted-unless-dev-mode>"
    assert r.json()[0]["subject"] == "<redacted-unless-dev-mode>"
    r = await call(http, "GET", f"{ory_fake.url}/admin/courier/messages/{msg['id']}")
    assert r.json()["body"] == "<redacted-unless-dev-mode>"
    assert ory_fake.messages[0]["body"] == "code 123456"


async def test_courier_list_errors(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        for _ in range(3):
            fake.add_message("a@example.org")
        base = f"{fake.url}/admin/courier/messages"
        r = await call(http, "GET", f"{base}?status=bogus")
        assert r.status == 400
        assert r.error == {
            "code": 400,
            "status": "Bad Request",
            "reason": "Message status is not valid",
            "message": "The request was malformed or contained invalid parameters",
        }
        r = await call(http, "GET", f"{base}?page_token={NIL}")
        assert r.status == 400
        assert r.error == {
            "code": 400,
            "status": "Bad Request",
            "message": "invalid pagination token",
        }
        r = await call(http, "GET", f"{base}?page_size=abc")
        assert r.status == 400
        assert r.error == {"code": 500, "message": 'strconv.Atoi: parsing "abc": invalid syntax'}
        r = await call(http, "GET", f"{base}?page_size=1")
        nxt = links(r.headers["Link"])["next"]
        r = await call(http, "GET", fake.url + nxt)
        assert r.status == 200
        clock.advance(3601)
        r = await call(http, "GET", fake.url + nxt)
        assert r.status == 400
        assert r.error["message"] == "page token expired, do not persist page tokens"
        r = await call(http, "GET", f"{base}?page_size=9999")
        assert "page_size=500" in r.headers["Link"]


async def test_courier_get(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    msg = ory_fake.add_message(
        "+15550100",
        type="sms",
        template_type="login_code_valid",
        status="abandoned",
        send_count=3,
        dispatches=[{"status": "failed", "error": {"message": "boom"}}],
    )
    base = f"{ory_fake.url}/admin/courier/messages"
    r = await call(http, "GET", f"{base}/{msg['id']}")
    assert r.status == 200
    body = r.json()
    assert body["type"] == "sms"
    assert body["status"] == "abandoned"
    assert body["send_count"] == 3
    (dispatch,) = body["dispatches"]
    assert dispatch["message_id"] == msg["id"]
    assert dispatch["status"] == "failed"
    assert dispatch["error"] == {"message": "boom"}
    r = await call(http, "GET", f"{base}/{NIL}")
    assert r.status == 404
    assert r.json() == {"error": NOT_FOUND}
    r = await call(http, "GET", f"{base}/not-a-uuid")
    assert r.status == 400
    assert r.error == {
        "code": 400,
        "status": "Bad Request",
        "message": 'uuid: incorrect UUID length 10 in string "not-a-uuid"',
    }
    with pytest.raises(ValueError, match="status"):
        ory_fake.add_message("x@example.org", status="delivered")


# --- version and health ---------------------------------------------------------------------


async def test_version_v1_admin_only(http: aiohttp.ClientSession) -> None:
    async with FakeOry(api_key="ory_pat_k") as fake:
        for path in ("/version", "/admin/version"):
            r = await call(http, "GET", fake.url + path)  # no key needed
            assert r.status == 200
            assert r.json() == {"version": "v26.2.0"}
        r = await call(http, "GET", f"{fake.public_url}/version")
        assert r.status == 404
        for url in (fake.url, fake.public_url):
            r = await call(http, "GET", f"{url}/health/alive")
            assert r.json() == {"status": "ok"}


async def test_version_v0_both_ports(http: aiohttp.ClientSession) -> None:
    async with FakeOry(api="v0") as fake:
        for url in (fake.url, fake.public_url):
            r = await call(http, "GET", f"{url}/version")
            assert r.status == 200
            assert r.json() == {"version": "v0.5.5-alpha.1"}


# --- token-form listing parameters ----------------------------------------------------------


async def test_identity_sessions_token_form(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = ory_fake.seed_identities(1)
    made = [ory_fake.create_session(iid)[0]["id"] for _ in range(3)]
    base = f"{ory_fake.url}/admin/identities/{iid}/sessions"
    r = await call(http, "GET", f"{base}?page_size=2")
    assert len(r.json()) == 2
    rels = links(r.headers["Link"])
    token = parse_qs(urlsplit(rels["next"]).query)["page_token"][0]
    r = await call(http, "GET", f"{base}?page_size=2&page_token={token}")
    assert len(r.json()) == 1
    assert r.headers["X-Total-Count"] == "3"
    assert {s["id"] for s in r.json()} < set(made)


async def test_schemas_token_form(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    for name in ("a", "b"):
        ory_fake.add_schema(name, {"type": "object"})
    base = f"{ory_fake.public_url}/schemas"
    r = await call(http, "GET", f"{base}?page_size=2")
    assert [s["id"] for s in r.json()] == ["default", "a"]
    token = parse_qs(urlsplit(links(r.headers["Link"])["next"]).query)["page_token"][0]
    r = await call(http, "GET", f"{base}?page_size=2&page_token={token}")
    assert [s["id"] for s in r.json()] == ["b"]
