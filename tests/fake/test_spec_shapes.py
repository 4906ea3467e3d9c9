"""Response bodies validate against the Kratos v1 OpenAPI schemas (with the facts' nullables)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from ory_async.testing import FakeOry
from tests.kit.raw_http import call

SPEC = json.loads((Path(__file__).parent / "data" / "kratos-v1-schemas.json").read_text())


def _openapi_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` → JSON Schema ``type: [t, "null"]``."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi_to_jsonschema(v) for k, v in node.items()}
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def validator(name: str) -> jsonschema.protocols.Validator:
    components = _openapi_to_jsonschema(copy.deepcopy(SPEC["components"]))
    # kratos-facts §2.1/§10: without expand, a session's identity and devices are null.
    props = components["schemas"]["session"]["properties"]
    props["identity"] = {"anyOf": [{"$ref": "#/components/schemas/identity"}, {"type": "null"}]}
    props["devices"] = {"anyOf": [props["devices"], {"type": "null"}]}
    schema = {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "components": components}
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def shapes() -> dict[str, jsonschema.protocols.Validator]:
    names = [
        "identity",
        "session",
        "errorGeneric",
        "identitySchemaContainer",
        "recoveryCodeForIdentity",
        "recoveryLinkForIdentity",
        "batchPatchIdentitiesResponse",
    ]
    return {name: validator(name) for name in names}


async def test_bodies_match_spec(
    ory_fake: FakeOry, http: aiohttp.ClientSession, shapes: dict[str, Any]
) -> None:
    url = ory_fake.url
    r = await call(
        http,
        "POST",
        f"{url}/admin/identities",
        json={
            "traits": {"email": "spec@example.org"},
            "metadata_admin": {"a": 1},
            "credentials": {"password": {"config": {"password": "pw-123456"}}},
        },
    )
    shapes["identity"].validate(r.json())
    iid = r.json()["id"]
    shapes["identity"].validate((await call(http, "GET", f"{url}/admin/identities/{iid}")).json())
    for item in (
        await call(http, "GET", f"{url}/admin/identities?include_credential=password")
    ).json():
        shapes["identity"].validate(item)
    sess, token = ory_fake.create_session(iid)
    shapes["session"].validate(sess)
    for query in ("", "?expand=identity&expand=devices"):
        for item in (await call(http, "GET", f"{url}/admin/sessions{query}")).json():
            shapes["session"].validate(item)
    for item in (await call(http, "GET", f"{url}/admin/identities/{iid}/sessions")).json():
        shapes["session"].validate(item)
    r = await call(
        http, "GET", f"{ory_fake.public_url}/sessions/whoami", headers={"X-Session-Token": token}
    )
    shapes["session"].validate(r.json())
    for item in (await call(http, "GET", f"{ory_fake.public_url}/schemas")).json():
        shapes["identitySchemaContainer"].validate(item)
    r = await call(http, "POST", f"{url}/admin/recovery/code", json={"identity_id": iid})
    shapes["recoveryCodeForIdentity"].validate(r.json())
    r = await call(http, "POST", f"{url}/admin/recovery/link", json={"identity_id": iid})
    shapes["recoveryLinkForIdentity"].validate(r.json())
    r = await call(
        http,
        "PATCH",
        f"{url}/admin/identities",
        json={"identities": [{"create": {"traits": {"email": "spec@example.org"}}}]},
    )
    shapes["batchPatchIdentitiesResponse"].validate(r.json())
    r = await call(http, "GET", f"{url}/admin/identities/{ory_fake.state.ids.uuid()}")
    shapes["errorGeneric"].validate(r.json())


async def test_new_bodies_match_spec(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    shape = {
        name: validator(name)
        for name in (
            "message",
            "manageSessionsResponse",
            "successfulNativeLogin",
            "successfulNativeRegistration",
            "loginFlow",
            "registrationFlow",
            "deleteMySessionsCount",
        )
    }
    msg = ory_fake.add_message("a@example.org", dispatches=[{"status": "failed", "error": {}}])
    url, public = ory_fake.url, ory_fake.public_url
    for item in (await call(http, "GET", f"{url}/admin/courier/messages")).json():
        shape["message"].validate(item)
    shape["message"].validate(
        (await call(http, "GET", f"{url}/admin/courier/messages/{msg['id']}")).json()
    )
    flow = (await call(http, "GET", f"{public}/self-service/registration/api")).json()
    shape["registrationFlow"].validate(flow)
    body = {"method": "password", "traits": {"email": "s@example.org"}, "password": "long enough"}
    r = await call(http, "POST", flow["ui"]["action"], json=body)
    shape["successfulNativeRegistration"].validate(r.json())
    flow = (await call(http, "GET", f"{public}/self-service/login/api")).json()
    shape["loginFlow"].validate(flow)
    body = {"method": "password", "identifier": "s@example.org", "password": "wrong password"}
    failed = await call(http, "POST", flow["ui"]["action"], json=body)
    shape["loginFlow"].validate(failed.json())
    body["password"] = "long enough"
    r = await call(http, "POST", flow["ui"]["action"], json=body)
    login = r.json()
    # Kratos's Go struct has no omitempty on continue_with: a login without follow-up
    # actions sends null, which the spec (array) does not allow.
    assert login.pop("continue_with") is None
    shape["successfulNativeLogin"].validate(login)
    headers = {"X-Session-Token": login["session_token"]}
    r = await call(http, "DELETE", f"{public}/sessions", headers=headers)
    shape["deleteMySessionsCount"].validate(r.json())
    r = await call(
        http, "POST", f"{url}/admin/sessions", json={"action": "delete", "identities": ["*"]}
    )
    shape["manageSessionsResponse"].validate(r.json())
