"""Schemas, flows, self-service errors, recovery, health and metrics."""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from ory_async.testing import FakeOry
from tests.kit.raw_http import call


def _schema(n: int) -> dict[str, Any]:
    return {"$id": f"s{n}", "type": "object", "properties": {"traits": {"type": "object"}}}


async def test_schemas(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "GET", f"{ory_fake.public_url}/schemas")
    assert r.headers["X-Total-Count"] == "1"
    assert r.headers["Link"] == (
        "</schemas?page=0&page_size=1&page_token=eyJvZmZzZXQiOiIwIiwidiI6Mn0&per_page=1>; "
        'rel="first"'
    )
    (item,) = r.json()
    assert item["id"] == "default"
    assert item["schema"]["title"] == "Person"
    for sid in ("default", "ZGVmYXVsdA"):
        r = await call(http, "GET", f"{ory_fake.public_url}/schemas/{sid}")
        assert r.json()["title"] == "Person"
    r = await call(http, "GET", f"{ory_fake.public_url}/schemas/unknown")
    assert r.status == 404
    assert r.error["reason"] == "Identity schema `unknown` could not be found."
    r = await call(http, "GET", f"{ory_fake.url}/schemas?page=1")
    assert r.status == 307
    assert r.headers["Location"] == f"{ory_fake.public_url}/schemas?page=1"


async def test_schema_overlap_bug_switch(http: aiohttp.ClientSession) -> None:
    for bugs, expected in ((False, [2, 2, 2]), (True, [2, 4, 6])):
        async with FakeOry(kratos_paging_bugs=bugs) as fake:
            for n in range(9):
                fake.add_schema(f"s{n}", _schema(n))
            sizes = []
            for page in range(3):
                r = await call(http, "GET", f"{fake.public_url}/schemas?page={page}&per_page=2")
                sizes.append(len(r.json()))
            assert sizes == expected


async def test_flows(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    login = ory_fake.add_flow("login", {"type": "api", "ui": {"nodes": []}})
    old = ory_fake.add_flow("registration", {"id": "r-1", "type": "browser"}, expired=True)
    base = f"{ory_fake.public_url}/self-service"
    r = await call(http, "GET", f"{base}/login/flows?id={login['id']}")
    assert r.json()["ui"] == {"nodes": []}
    r = await call(http, "GET", f"{base}/recovery/flows?id={login['id']}")
    assert r.status == 404
    r = await call(http, "GET", f"{base}/registration/flows?id={old['id']}")
    assert r.status == 410
    assert r.error["id"] == "self_service_flow_expired"
    assert r.error["reason"].startswith("The registration flow has expired.")
    assert r.error["details"]["redirect_to"] == f"{base}/registration/browser"
    (iid,) = ory_fake.seed_identities(1)
    _, token = ory_fake.create_session(iid)
    settings = ory_fake.add_flow("settings", {"type": "api"})
    url = f"{base}/settings/flows?id={settings['id']}"
    r = await call(http, "GET", url)
    assert r.status == 401
    # Kratos v1.3.1's settings getter: no error id, its own reason.
    assert r.error["reason"] == "A valid Ory Session Cookie or Ory Session Token is missing."
    r = await call(http, "GET", url, headers={"X-Session-Token": token})
    assert r.status == 200
    _, weak = ory_fake.create_session(iid, aal_required="aal2")
    r = await call(http, "GET", url, headers={"X-Session-Token": weak})
    assert r.status == 403


async def test_self_service_errors(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    eid = ory_fake.add_error({"code": 400, "status": "Bad Request", "message": "nope"})
    base = f"{ory_fake.public_url}/self-service/errors"
    r = await call(http, "GET", f"{base}?id={eid}")
    body = r.json()
    assert set(body) == {"id", "error", "created_at", "updated_at"}
    assert body["error"]["message"] == "nope"
    r = await call(http, "GET", f"{base}?id=stub:500")
    assert r.json()["error"]["reason"] == "This is a stub error."
    r = await call(http, "GET", f"{base}?id=unknown")
    assert r.status == 404


async def test_recovery_code_and_link(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    (iid,) = ory_fake.seed_identities(1)
    url = f"{ory_fake.url}/admin/recovery/code"
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "1h30m"})
    assert r.status == 201
    body = r.json()
    assert re.fullmatch(r"[0-9]{6}", body["recovery_code"])
    assert body["recovery_link"].startswith(ory_fake.public_url)
    assert body["expires_at"].endswith("Z")
    flow_id = body["recovery_link"].split("flow=")[1]
    r = await call(http, "GET", f"{ory_fake.public_url}/self-service/recovery/flows?id={flow_id}")
    assert r.status == 200
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "not-a-valid-value"})
    assert r.error["reason"] == (
        'Unable to parse "expires_in" as a duration string (e.g. "1h", "1m30s", "500ms"): '
        "not-a-valid-value"
    )
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "-1h"})
    assert r.error["reason"] == 'Value from "expires_in" must result to a future time: -1h0m0s'
    r = await call(http, "POST", url, json={"identity_id": iid, "expires_in": "1d"})
    assert r.status == 400
    r = await call(http, "POST", url, json={"identity_id": ory_fake.state.ids.uuid()})
    assert r.status == 404
    assert r.error == {
        "code": 404,
        "status": "Not Found",
        "reason": "could not find identity",
        "message": "Unable to locate the resource",
    }
    link_url = f"{ory_fake.url}/admin/recovery/link"
    r = await call(http, "POST", link_url, json={"identity_id": iid, "expires_in": "15m"})
    assert r.status == 200
    assert r.json()["recovery_link"].startswith(
        f"{ory_fake.public_url}/self-service/recovery?flow="
    )
    assert "&token=" in r.json()["recovery_link"]
    r = await call(http, "POST", link_url, json={"identity_id": ory_fake.state.ids.uuid()})
    assert r.status == 400
    assert r.error["reason"] == "The requested identity id does not exist."
    r = await call(http, "POST", link_url, json={"identity_id": iid, "expires_in": "-5m"})
    assert r.error["reason"] == 'Value from "expires_in" must be result to a future time: -5m'


async def test_health_metrics_and_unknown_routes(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    for url in (
        f"{ory_fake.url}/health/ready",
        f"{ory_fake.url}/admin/health/alive",
        f"{ory_fake.public_url}/health/ready",
    ):
        r = await call(http, "GET", url)
        assert r.json() == {"status": "ok"}
    await call(http, "GET", f"{ory_fake.url}/admin/identities")
    r = await call(http, "GET", f"{ory_fake.url}/metrics/prometheus")
    assert r.headers["Content-Type"].startswith("text/plain")
    text = r.raw.decode()
    assert "# TYPE http_requests_total counter" in text
    assert 'http_requests_total{code="200",handler="/admin/identities",method="GET"} 1' in text
    r = await call(http, "GET", f"{ory_fake.url}/admin/nothing-here")
    assert (r.status, r.raw) == (404, b"404 page not found\n")
    r = await call(http, "POST", f"{ory_fake.url}/admin/sessions/whatever/extend")
    assert r.status == 405
    r = await call(http, "GET", f"{ory_fake.public_url}/admin/identities?page_size=1")
    assert r.status == 307
    assert r.headers["Location"] == f"{ory_fake.url}/admin/identities?page_size=1"
