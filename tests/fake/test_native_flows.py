"""Native (api) registration, login and logout with the password method."""

from __future__ import annotations

from typing import Any

import aiohttp

from ory_async.testing import FakeOry, ManualClock
from tests.kit.native_flows import PASSWORD, register
from tests.kit.raw_http import Reply, call


async def login(
    fake: FakeOry, http: aiohttp.ClientSession, identifier: str, password: str = PASSWORD
) -> Reply:
    r = await call(http, "GET", f"{fake.public_url}/self-service/login/api")
    return await call(
        http,
        "POST",
        r.json()["ui"]["action"],
        json={"method": "password", "identifier": identifier, "password": password},
    )


def node_names(flow: dict[str, Any]) -> list[str]:
    return [n["attributes"]["name"] for n in flow["ui"]["nodes"]]


async def test_registration_flow_shape(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "GET", f"{ory_fake.public_url}/self-service/registration/api")
    flow = r.json()
    assert flow["type"] == "api"
    assert flow["state"] == "choose_method"
    assert flow["request_url"] == f"{ory_fake.public_url}/self-service/registration/api"
    assert flow["ui"]["action"] == (
        f"{ory_fake.public_url}/self-service/registration?flow={flow['id']}"
    )
    assert flow["ui"]["method"] == "POST"
    assert node_names(flow) == [
        "csrf_token",
        "traits.email",
        "traits.name.first",
        "traits.name.last",
        "password",
        "method",
    ]
    email = flow["ui"]["nodes"][1]["attributes"]
    assert email["type"] == "email"
    assert email["required"] is True
    r = await call(
        http, "GET", f"{ory_fake.public_url}/self-service/registration/flows?id={flow['id']}"
    )
    assert r.json() == flow


async def test_register_login_whoami_logout(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await register(ory_fake, http, "New@Example.org")
    assert r.status == 200
    body = r.json()
    assert list(body) == ["session_token", "session", "identity", "continue_with"]
    token = body["session_token"]
    assert body["continue_with"] == [
        {"action": "set_ory_session_token", "ory_session_token": token}
    ]
    identity = body["identity"]
    assert identity["traits"] == {"email": "New@Example.org"}
    assert "credentials" not in identity
    assert "metadata_admin" not in identity
    assert identity["verifiable_addresses"][0]["status"] == "sent"
    assert body["session"]["identity"]["id"] == identity["id"]
    assert body["session"]["authentication_methods"][0]["method"] == "password"
    # The stored identity has a password credential keyed by the lower-cased email.
    stored = ory_fake.identities[identity["id"]]
    assert stored["credentials"]["password"]["identifiers"] == ["new@example.org"]
    # Kratos sends a verification email: it is in the courier.
    (message,) = ory_fake.messages
    assert message["recipient"] == "new@example.org"
    assert message["template_type"] == "verification_code_valid"

    headers = {"X-Session-Token": token}
    r = await call(http, "GET", f"{ory_fake.public_url}/sessions/whoami", headers=headers)
    assert r.status == 200
    assert r.json()["identity"]["id"] == identity["id"]

    r = await login(ory_fake, http, "new@example.org")
    assert r.status == 200
    logged_in = r.json()
    assert list(logged_in) == ["session_token", "session", "continue_with"]
    assert logged_in["session_token"] != token
    assert logged_in["session"]["identity"]["id"] == identity["id"]
    assert logged_in["continue_with"] is None

    url = f"{ory_fake.public_url}/self-service/logout/api"
    r = await call(http, "DELETE", url, json={"session_token": logged_in["session_token"]})
    assert r.status == 204
    headers = {"X-Session-Token": logged_in["session_token"]}
    r = await call(http, "GET", f"{ory_fake.public_url}/sessions/whoami", headers=headers)
    assert r.status == 401
    r = await call(http, "DELETE", url, json={"session_token": "unknown"})
    assert r.status == 403
    assert r.error["reason"] == (
        "The provided Ory Session Token could not be found, is invalid, or otherwise malformed."
    )


async def test_login_wrong_password(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    assert (await register(ory_fake, http, "a@example.org")).status == 200
    for identifier, password in (("a@example.org", "wrong-password"), ("b@example.org", PASSWORD)):
        r = await login(ory_fake, http, identifier, password)
        assert r.status == 400
        flow = r.json()
        assert flow["ui"]["messages"] == [
            {
                "id": 4000006,
                "text": (
                    "The provided credentials are invalid, check for spelling mistakes in your "
                    "password or username, email address, or phone number."
                ),
                "type": "error",
            }
        ]
        assert flow["ui"]["nodes"][1]["attributes"]["value"] == identifier
        assert len(ory_fake.state.sessions) == 1  # only the registration's


async def test_registration_failures(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    assert (await register(ory_fake, http, "dup@example.org")).status == 200
    r = await register(ory_fake, http, "DUP@example.org")
    assert r.status == 400
    assert r.json()["ui"]["messages"][0]["id"] == 4000007
    r = await call(http, "GET", f"{ory_fake.public_url}/self-service/registration/api")
    action = r.json()["ui"]["action"]
    body = {"method": "password", "traits": {"email": "x@example.org"}, "password": "short"}
    r = await call(http, "POST", action, json=body)
    assert r.status == 400
    password_node = next(
        n for n in r.json()["ui"]["nodes"] if n["attributes"]["name"] == "password"
    )
    assert password_node["messages"][0]["id"] == 4000032
    assert "but got 5." in password_node["messages"][0]["text"]
    body = {"method": "password", "traits": {"email": 42}, "password": PASSWORD}
    r = await call(http, "POST", action, json=body)
    assert r.status == 400
    assert r.json()["ui"]["messages"][0]["id"] == 4000001
    assert len(ory_fake.identities) == 1


async def test_form_encoded_registration(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "GET", f"{ory_fake.public_url}/self-service/registration/api")
    form = {"method": "password", "traits.email": "form@example.org", "password": PASSWORD}
    r = await call(http, "POST", r.json()["ui"]["action"], data=form)
    assert r.status == 200
    assert r.json()["identity"]["traits"] == {"email": "form@example.org"}


async def test_flow_errors(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        base = fake.public_url
        r = await call(http, "POST", f"{base}/self-service/login?flow=nope", json={})
        assert r.status == 404
        r = await call(http, "GET", f"{base}/self-service/login/api")
        flow = r.json()
        r = await call(http, "POST", flow["ui"]["action"], json={"method": "totp"})
        assert r.status == 400
        clock.advance(3601)
        r = await call(http, "POST", flow["ui"]["action"], json={"method": "password"})
        assert r.status == 410
        assert r.error["id"] == "self_service_flow_expired"
        r = await call(http, "GET", f"{base}/self-service/login/flows?id={flow['id']}")
        assert r.status == 410


async def test_api_flow_with_a_session_is_refused(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    (iid,) = ory_fake.seed_identities(1)
    _, token = ory_fake.create_session(iid)
    headers = {"X-Session-Token": token}
    for kind in ("login", "registration"):
        url = f"{ory_fake.public_url}/self-service/{kind}/api"
        r = await call(http, "GET", url, headers=headers)
        assert r.status == 400
        assert r.error["id"] == "session_already_available"
        assert r.error["message"] == "you are already logged in"
    r = await call(
        http, "GET", f"{url.replace('registration', 'login')}?refresh=true", headers=headers
    )
    assert r.status == 200
    assert r.json()["refresh"] is True


async def test_native_flows_through_admin_url_redirect(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    r = await call(http, "GET", f"{ory_fake.url}/self-service/login/api")
    assert r.status == 307
    assert r.headers["Location"] == f"{ory_fake.public_url}/self-service/login/api"


async def test_login_with_an_admin_created_password(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    body = {
        "schema_id": "default",
        "traits": {"email": "admin-made@example.org"},
        "credentials": {"password": {"config": {"password": PASSWORD}}},
    }
    r = await call(http, "POST", f"{ory_fake.url}/admin/identities", json=body)
    iid = r.json()["id"]
    r = await login(ory_fake, http, "ADMIN-MADE@example.org")
    assert r.status == 200
    assert r.json()["session"]["identity"]["id"] == iid
    patch = [{"op": "replace", "path": "/state", "value": "inactive"}]
    await call(http, "PATCH", f"{ory_fake.url}/admin/identities/{iid}", json=patch)
    r = await login(ory_fake, http, "admin-made@example.org")
    assert r.status == 400
    assert r.error == {
        "id": "identity_disabled",
        "code": 400,
        "status": "Bad Request",
        "reason": "This account was disabled.",
        "details": {"identity_id": iid},
        "message": "identity is disabled",
    }
    r = await login(ory_fake, http, "admin-made@example.org", "wrong password")
    assert r.json()["ui"]["messages"][0]["id"] == 4000006
