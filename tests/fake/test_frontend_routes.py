"""FakeOry's user-facing routes over raw HTTP: the refusals a client never sends itself."""

from __future__ import annotations

import aiohttp
import pytest

from ory_async.testing import FakeOry
from tests.kit.native_flows import register
from tests.kit.raw_http import call


async def test_test_login_flow_refuses_bad_bodies_like_kratos(http: aiohttp.ClientSession) -> None:
    async with FakeOry() as fake:
        fake.add_oidc_provider("google")
        url = f"{fake.url}/admin/test-login-flows"
        garbage = await call(http, "POST", url, data=b"{not json")
        assert (garbage.status, garbage.error["reason"]) == (400, "could not parse request body")
        empty = await call(http, "POST", url, json={"provider_id": ""})
        assert (empty.status, empty.error["reason"]) == (400, "provider_id is required")
        long = await call(http, "POST", url, json={"provider_id": "x" * 256})
        assert long.error["reason"] == "provider_id must be at most 255 characters"
        made = await call(http, "POST", url, json={"provider_id": "google"})
        assert made.status == 201
        flow = made.json()
        csrf = next(n for n in flow["ui"]["nodes"] if n["attributes"]["name"] == "csrf_token")
        assert csrf["attributes"]["value"]  # the bearer the admin passes on
        assert flow["test_context"] == {"provider_id": "google"}


async def test_logout_link_needs_its_token(http: aiohttp.ClientSession) -> None:
    async with FakeOry() as fake:
        r = await call(http, "GET", f"{fake.public_url}/self-service/logout")
        assert (r.status, r.error["reason"]) == (400, "Please include a token in the URL query.")


async def test_token_exchange_needs_both_codes(http: aiohttp.ClientSession) -> None:
    async with FakeOry() as fake:
        r = await call(http, "GET", f"{fake.public_url}/sessions/token-exchange?init_code=x")
        assert r.status == 400
        assert r.error["reason"] == '"init_code" and "return_to_code" query params must be set'


async def test_unknown_method_is_the_flow_with_a_message(http: aiohttp.ClientSession) -> None:
    async with FakeOry() as fake:
        for kind, message_id in (("recovery", 4010005), ("verification", 4010006)):
            flow = (await call(http, "GET", f"{fake.public_url}/self-service/{kind}/api")).json()
            r = await call(http, "POST", flow["ui"]["action"], json={"method": "link"})
            assert r.status == 400
            assert [m["id"] for m in r.json()["ui"]["messages"]] == [message_id]


async def test_settings_refuses_another_users_flow(http: aiohttp.ClientSession) -> None:
    async with FakeOry() as fake:
        alice = (await register(fake, http, "alice@example.com")).json()["session_token"]
        bob = (await register(fake, http, "bob@example.com")).json()["session_token"]
        url = f"{fake.public_url}/self-service/settings/api"
        flow = (await call(http, "GET", url, headers={"X-Session-Token": alice})).json()
        r = await call(
            http,
            "POST",
            flow["ui"]["action"],
            json={"method": "profile", "traits": {"email": "x@example.com"}},
            headers={"X-Session-Token": bob},
        )
        assert (r.status, r.error["id"]) == (403, "security_identity_mismatch")


def test_webhook_configuration_is_checked() -> None:
    fake = FakeOry()
    with pytest.raises(ValueError, match="unknown web hook events"):
        fake.add_webhook("http://127.0.0.1:1/", events=("recovery",))
    with pytest.raises(ValueError, match="unknown web hook auth type"):
        fake.add_webhook("http://127.0.0.1:1/", auth={"type": "oauth2"})
