"""Identity CRUD, JSON Patch, conflicts, schema validation, credentials, batch create."""

from __future__ import annotations

from typing import Any

import aiohttp

from ory_async.testing import FakeOry
from tests.kit.raw_http import call


async def create(
    fake: FakeOry, http: aiohttp.ClientSession, email: str = "Ann@Example.org", **extra: Any
) -> dict[str, Any]:
    body = {"schema_id": "default", "traits": {"email": email}, **extra}
    r = await call(http, "POST", f"{fake.url}/admin/identities", json=body)
    assert r.status == 201, r.raw
    created = r.json()
    assert isinstance(created, dict)
    return created


async def test_create_shape_and_location(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(
        http,
        "POST",
        f"{ory_fake.url}/admin/identities",
        json={"schema_id": "default", "traits": {"email": "Ann@Example.org"}},
    )
    assert r.status == 201
    ident = r.json()
    assert r.headers["Location"] == f"{ory_fake.url}/identities/{ident['id']}"
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert ident["schema_url"] == f"{ory_fake.public_url}/schemas/ZGVmYXVsdA"
    assert ident["state"] == "active"
    assert ident["metadata_public"] is None
    assert ident["organization_id"] is None
    assert "metadata_admin" not in ident  # absent on create when not sent
    assert ident["credentials"]["password"]["identifiers"] == ["ann@example.org"]
    assert "config" not in ident["credentials"]["password"]
    (addr,) = ident["verifiable_addresses"]
    assert addr["value"] == "ann@example.org"
    assert (addr["verified"], addr["via"], addr["status"]) == (False, "email", "pending")
    assert "verified_at" not in addr
    assert ident["recovery_addresses"][0]["value"] == "ann@example.org"
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities/{ident['id']}")
    got = r.json()
    assert got["metadata_admin"] is None  # null on GET
    assert got["traits"] == {"email": "Ann@Example.org"}


async def test_create_validation_errors(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    url = f"{ory_fake.url}/admin/identities"
    r = await call(
        http, "POST", url, json={"schema_id": "default", "traits": {}, "schema_url": "x"}
    )
    assert r.status == 400
    assert r.error["message"] == 'json: unknown field "schema_url"'
    r = await call(http, "POST", url, json={"schema_id": "nope", "traits": {}})
    assert r.error["reason"] == "Unable to find JSON Schema ID: nope"
    r = await call(http, "POST", url, json={"schema_id": "default", "traits": {"email": 3}})
    assert r.error["reason"] == (
        "I[#/traits/email] S[#/properties/traits/properties/email/type] "
        "expected string, but got number"
    )
    r = await call(http, "POST", url, json={"schema_id": "default", "traits": {}})
    assert r.error["reason"].startswith("I[#/traits] S[#/properties/traits/required]")
    r = await call(
        http, "POST", url, json={"schema_id": "default", "traits": {"email": "a@b.c"}, "state": "x"}
    )
    assert r.status == 400
    r = await call(http, "POST", url, data=b"")
    assert r.error["message"] == "unexpected end of JSON input"


async def test_conflicts(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    first = await create(ory_fake, http, "a@example.org")
    url = f"{ory_fake.url}/admin/identities"
    r = await call(
        http, "POST", url, json={"schema_id": "default", "traits": {"email": "A@example.org"}}
    )
    assert r.status == 409
    assert r.error == {
        "code": 409,
        "status": "Conflict",
        "reason": "This identity conflicts with another identity that already exists.",
        "message": "The resource could not be created due to a conflict",
    }
    second = await create(ory_fake, http, "b@example.org")
    r = await call(
        http,
        "PUT",
        f"{url}/{second['id']}",
        json={"schema_id": "default", "traits": {"email": "a@example.org"}, "state": "active"},
    )
    assert r.status == 409
    assert r.error["message"] == (
        "Unable to insert or update resource because a resource with that value exists already"
    )
    await create(ory_fake, http, "c@example.org", external_id="ext-1")
    r = await call(
        http,
        "POST",
        url,
        json={"schema_id": "default", "traits": {"email": "d@example.org"}, "external_id": "ext-1"},
    )
    assert r.status == 409
    assert first["id"] in ory_fake.identities


async def test_get_include_credential_and_404(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    ident = await create(
        ory_fake,
        http,
        credentials={
            "password": {"config": {"password": "s3cret-Pa55"}},
            "oidc": {"config": {"providers": [{"provider": "github", "subject": "42"}]}},
        },
    )
    url = f"{ory_fake.url}/admin/identities/{ident['id']}"
    r = await call(http, "GET", url)
    assert set(r.json()["credentials"]) == {"password", "oidc"}
    assert all("config" not in c for c in r.json()["credentials"].values())
    r = await call(http, "GET", f"{url}?include_credential=oidc")
    creds = r.json()["credentials"]
    assert "config" not in creds["password"]
    assert creds["oidc"]["identifiers"] == ["github:42"]
    assert creds["oidc"]["config"]["providers"][0] == {
        "subject": "42",
        "provider": "github",
        "initial_id_token": "",
        "initial_access_token": "",
        "initial_refresh_token": "",
    }
    r = await call(http, "GET", f"{url}?include_credential=password&include_credential=bad")
    assert r.error["reason"] == "Invalid value `[password]` for parameter `include_credential`."
    missing = "0b8a5a2c-1c4e-4b59-8f5e-0d7e6d0c1a11"
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities/{missing}")
    assert r.status == 404
    assert r.json() == {
        "error": {"code": 404, "status": "Not Found", "message": "Unable to locate the resource"}
    }
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Ory-Error-Id"] == ""
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities/not-a-uuid")
    assert r.status == 404


async def test_put_replaces_metadata_and_tracks_state(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    ident = await create(ory_fake, http, metadata_public={"a": 1}, metadata_admin={"b": 2})
    url = f"{ory_fake.url}/admin/identities/{ident['id']}"
    r = await call(
        http,
        "PUT",
        url,
        json={"schema_id": "default", "traits": {"email": "new@example.org"}, "state": "inactive"},
    )
    assert r.status == 200
    body = r.json()
    assert body["metadata_public"] is None
    assert "metadata_admin" not in body
    assert body["state"] == "inactive"
    assert body["verifiable_addresses"][0]["value"] == "new@example.org"
    assert body["credentials"]["password"]["identifiers"] == ["new@example.org"]
    r = await call(http, "PUT", url, json={"schema_id": "default", "traits": {}, "id": "x"})
    assert r.error["message"] == 'json: unknown field "id"'


async def test_json_patch(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    ident = await create(ory_fake, http)
    url = f"{ory_fake.url}/admin/identities/{ident['id']}"
    ops = [
        {"op": "replace", "path": "/traits/email", "value": "Z@example.org"},
        {"op": "replace", "path": "/metadata_public", "value": {"plan": "pro"}},
        {"op": "replace", "path": "/brand_new", "value": 1},  # replace→add quirk
        {"op": "add", "path": "/verifiable_addresses/0/verified", "value": True},
    ]
    r = await call(http, "PATCH", url, json=ops)
    assert r.status == 200, r.raw
    body = r.json()
    assert body["traits"]["email"] == "Z@example.org"
    assert body["metadata_public"] == {"plan": "pro"}
    assert body["verifiable_addresses"][0]["value"] == "z@example.org"
    r = await call(http, "PATCH", url, json=[{"op": "replace", "path": "/state", "value": "x"}])
    assert r.error["reason"] == (
        "The supplied state ('x') was not valid. Valid states are ('active', 'inactive')."
    )
    r = await call(http, "PATCH", url, json=[{"op": "add", "path": "/credentials", "value": {}}])
    assert r.error == {
        "code": 400,
        "status": "Bad Request",
        "reason": "failed to apply JSON patch",
        "message": "patch includes denied path: /credentials",
    }
    for path in ("/ID", "/credentials/oidc/config", "/stateChangedAt"):
        r = await call(http, "PATCH", url, json=[{"op": "remove", "path": path}])
        assert r.error["message"] == f"patch includes denied path: {path}"
    r = await call(http, "PATCH", url, json=[{"op": "move", "from": "/a", "path": "/b"}])
    assert r.error["message"] == "unsupported operation: move"
    r = await call(http, "PATCH", url, data=b"")
    assert r.error["message"] == "unexpected end of JSON input"
    r = await call(
        http, "PATCH", url, json=[{"op": "replace", "path": "/state", "value": "inactive"}]
    )
    assert r.json()["state"] == "inactive"
    r = await call(
        http,
        "PATCH",
        url,
        json=[{"op": "add", "path": "/verifiable_addresses/0/verified", "value": True}],
    )
    assert r.json()["verifiable_addresses"][0]["verified"] is True


async def test_delete_and_credentials_rules(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    ident = await create(
        ory_fake,
        http,
        credentials={
            "password": {"config": {"hashed_password": "$2a$10$abc"}},
            "oidc": {
                "config": {
                    "providers": [
                        {"provider": "github", "subject": "1"},
                        {"provider": "google", "subject": "2"},
                    ]
                }
            },
        },
    )
    base = f"{ory_fake.url}/admin/identities/{ident['id']}"
    r = await call(http, "DELETE", f"{base}/credentials/totp")
    assert r.status == 404
    assert r.error["reason"] == "You tried to remove a totp but this user have no totp set up."
    r = await call(http, "DELETE", f"{base}/credentials/oidc")
    assert r.error["reason"] == "You must provide an identifier to delete this credential."
    r = await call(http, "DELETE", f"{base}/credentials/oidc?identifier=github:9")
    assert r.status == 404
    r = await call(http, "DELETE", f"{base}/credentials/oidc?identifier=github:1")
    assert r.status == 204
    r = await call(http, "DELETE", f"{base}/credentials/password")
    assert r.status == 204
    r = await call(http, "DELETE", f"{base}/credentials/oidc?identifier=google:2")
    assert r.status == 400
    assert r.error["reason"] == "You cannot remove the last first factor credential."
    r = await call(http, "DELETE", f"{base}/credentials/code")
    assert r.status == 404
    ory_fake.identities[ident["id"]]["credentials"]["passkey"] = {"type": "passkey"}
    r = await call(http, "DELETE", f"{base}/credentials/passkey")
    assert r.error["reason"] == "Credentials type passkey cannot be deleted."
    r = await call(http, "DELETE", base)
    assert r.status == 204
    assert r.raw == b""
    r = await call(http, "DELETE", base)
    assert r.status == 404


async def test_batch_create(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    await create(ory_fake, http, "taken@example.org")
    pid = "5f2b4ccb-6b5c-4ab0-8e4e-2b7b3f9d2d31"
    body = {
        "identities": [
            {"create": {"schema_id": "default", "traits": {"email": "new@example.org"}}},
            {
                "create": {"schema_id": "default", "traits": {"email": "taken@example.org"}},
                "patch_id": pid,
            },
            {"patch_id": pid},
            {"create": {"schema_id": "default", "traits": {"email": 1}}},
        ]
    }
    r = await call(http, "PATCH", f"{ory_fake.url}/admin/identities", json=body)
    assert r.status == 200
    out = r.json()["identities"]
    assert out[0]["action"] == "create"
    assert out[0]["identity"] in ory_fake.identities
    assert "patch_id" not in out[0]
    assert out[1] == {
        "action": "error",
        "patch_id": pid,
        "error": {
            "code": 409,
            "status": "Conflict",
            "reason": "This identity conflicts with another identity that already exists.",
            "message": "The resource could not be created due to a conflict",
        },
    }
    assert out[2] is None
    assert out[3]["action"] == "error"
    assert out[3]["error"]["code"] == 400
    # A structurally invalid entry fails the whole request.
    bad = {"identities": [body["identities"][0], {"create": {"traits": {}, "state": "nope"}}]}
    r = await call(http, "PATCH", f"{ory_fake.url}/admin/identities", json=bad)
    assert r.status == 400
    too_many: dict[str, Any] = {"identities": [{"create": {"traits": {}}}] * 1001}
    r = await call(http, "PATCH", f"{ory_fake.url}/admin/identities", json=too_many)
    assert r.status == 400
    assert "1000" in r.error["reason"]
    pw = {"create": {"traits": {}, "credentials": {"password": {"config": {"password": "x"}}}}}
    r = await call(
        http, "PATCH", f"{ory_fake.url}/admin/identities", json={"identities": [pw] * 201}
    )
    assert r.status == 400
    assert "200" in r.error["reason"]
