"""``ory_async.webhooks``: replies as Kratos reads them, the secret check, payload decoding,
and the FastAPI, Starlette and aiohttp handlers (in process, no network)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.routing import Route

from ory_async.errors import DecodeError
from ory_async.webhooks import (
    ApiKeyAuth,
    BasicAuth,
    PasswordMigrationRequest,
    WebhookMessage,
    WebhookPayload,
    WebhookReply,
    interrupt,
    modify,
    parse_password_migration,
    parse_payload,
    password_match,
    password_mismatch,
    proceed,
)
from ory_async.webhooks import aiohttp as hooks_aiohttp
from ory_async.webhooks import fastapi as hooks_fastapi
from ory_async.webhooks import starlette as hooks_starlette

SECRET = "hook-secret-abcdef"

# What Kratos sends with the Jsonnet ``function(ctx) ctx`` after a native registration.
PAYLOAD: dict[str, Any] = {
    "flow": {
        "id": "1f4f6b0e-0000-4000-8000-000000000001",
        "type": "api",
        "active": "password",
        "request_url": "http://127.0.0.1:4433/self-service/registration/api",
        "transient_payload": {"invite": "abc"},
        "ui": {"action": "http://x", "method": "POST", "nodes": []},
    },
    "identity": {
        "id": "2f4f6b0e-0000-4000-8000-000000000002",
        "schema_id": "default",
        "traits": {"email": "ada@example.com"},
        "state": "active",
    },
    "request_headers": {"User-Agent": ["app/1.0"], "Accept": ["application/json"]},
    "request_method": "POST",
    "request_url": "http://127.0.0.1:4433/self-service/registration?flow=1f4f",
    "request_cookies": {},
}


# --- replies ----------------------------------------------------------------------------------


def test_interrupt_is_the_shape_kratos_reads() -> None:
    reply = interrupt(
        {
            "#/traits/email": [
                "Not allowed",
                WebhookMessage(text="Try another", id=77, type="info"),
            ],
            "": WebhookMessage(text="Refused", context={"why": "policy"}),
        }
    )
    assert reply.status == 400
    assert orjson.loads(reply.content()) == {
        "messages": [
            {
                "instance_ptr": "#/traits/email",
                "messages": [
                    {"id": 4000001, "text": "Not allowed", "type": "error"},
                    {"id": 77, "text": "Try another", "type": "info"},
                ],
            },
            {
                "instance_ptr": "#/",
                "messages": [
                    {
                        "id": 4000001,
                        "text": "Refused",
                        "type": "error",
                        "context": {"why": "policy"},
                    }
                ],
            },
        ]
    }


@pytest.mark.parametrize(
    ("messages", "status"),
    [({}, 400), ({"traits/email": "x"}, 400), ({"#/": []}, 400), ({"#/": "x"}, 200)],
)
def test_interrupt_refuses_what_kratos_would_not_read(messages: Any, status: int) -> None:
    with pytest.raises(ValueError, match="message|pointer|status"):
        interrupt(messages, status=status)


def test_modify_sends_only_what_changes() -> None:
    reply = modify(traits={"email": "b@example.com"}, metadata_admin={"crm": 1})
    assert reply == WebhookReply(
        200, {"identity": {"traits": {"email": "b@example.com"}, "metadata_admin": {"crm": 1}}}
    )
    with pytest.raises(ValueError, match="at least one field"):
        modify()


def test_proceed_and_password_verdicts() -> None:
    assert proceed() == WebhookReply(204)
    assert proceed().content() == b""
    assert password_match() == WebhookReply(200, {"status": "password_match"})
    assert password_mismatch().status == 403


# --- auth -------------------------------------------------------------------------------------


def test_api_key_in_a_header_any_case() -> None:
    auth = ApiKeyAuth("X-Hook-Key", SECRET)
    assert auth.check({"x-hook-key": SECRET}, {}) is True
    assert auth.check({"X-Hook-Key": SECRET + "x"}, {}) is False
    assert auth.check({"X-Hook-Key": SECRET[:-1]}, {}) is False
    assert auth.check({}, {"X-Hook-Key": SECRET}) is False
    assert SECRET not in repr(auth)


def test_api_key_in_a_cookie() -> None:
    auth = ApiKeyAuth("hook", SECRET, in_="cookie")
    assert auth.check({}, {"hook": SECRET}) is True
    assert auth.check({"hook": SECRET}, {}) is False


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (basic("kratos", SECRET), True),
        (basic("kratos", SECRET).replace("Basic", "basic"), True),
        (basic("kratos", "wrong"), False),
        (basic("other", SECRET), False),
        ("Bearer " + SECRET, False),
        ("Basic !!!not-base64", False),
        ("", False),
    ],
)
def test_basic_auth(header: str, ok: bool) -> None:
    auth = BasicAuth("kratos", SECRET)
    assert auth.check({"Authorization": header}, {}) is ok
    assert SECRET not in repr(auth)


def test_auth_needs_values() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        ApiKeyAuth("", SECRET)
    with pytest.raises(ValueError, match="non-empty"):
        BasicAuth("kratos", "")


# --- payloads ---------------------------------------------------------------------------------


def test_payload_decodes_typed() -> None:
    payload = parse_payload(orjson.dumps(PAYLOAD))
    assert payload.flow is not None
    assert payload.flow.type == "api"
    assert payload.flow.transient_payload == {"invite": "abc"}
    assert payload.identity is not None
    assert payload.identity.traits == {"email": "ada@example.com"}
    assert payload.header("user-agent") == "app/1.0"
    assert payload.header("X-Missing") is None
    assert payload.session is None


def test_payload_repr_leaves_out_the_users_headers_and_cookies() -> None:
    body = dict(
        PAYLOAD,
        request_headers={"Cookie": ["ory_kratos_session=SECRETCOOKIE"]},
        request_cookies={"ory_kratos_session": "SECRETCOOKIE"},
    )
    payload = parse_payload(orjson.dumps(body))
    assert payload.request_cookies == {"ory_kratos_session": "SECRETCOOKIE"}
    assert "SECRETCOOKIE" not in repr(payload)


def test_password_migration_request_keeps_the_password_out_of_repr() -> None:
    request = parse_password_migration(b'{"identifier": "a@example.com", "password": "hunter22"}')
    assert request == PasswordMigrationRequest(identifier="a@example.com", password="hunter22")
    assert "hunter22" not in repr(request)
    with pytest.raises(DecodeError):
        parse_password_migration(b'{"identifier": "a"}')


# --- framework handlers -----------------------------------------------------------------------


async def refuse_blocked(payload: WebhookPayload) -> WebhookReply | None:
    assert payload.identity is not None
    if payload.identity.traits["email"].endswith("@blocked.example"):
        return interrupt({"#/traits/email": "blocked"})
    return None


async def legacy_check(request: PasswordMigrationRequest) -> bool:
    return request.password == "old-password"


def asgi_apps() -> list[Any]:
    auth = ApiKeyAuth("X-Hook-Key", SECRET)
    fast = FastAPI()
    fast.post("/hook")(hooks_fastapi.webhook_endpoint(refuse_blocked, auth=auth))
    fast.post("/password")(hooks_fastapi.password_migration_endpoint(legacy_check, auth=auth))
    star = Starlette(
        routes=[
            Route(
                "/hook",
                hooks_starlette.webhook_endpoint(refuse_blocked, auth=auth),
                methods=["POST"],
            ),
            Route(
                "/password",
                hooks_starlette.password_migration_endpoint(legacy_check, auth=auth),
                methods=["POST"],
            ),
        ]
    )
    return [fast, star]


@pytest.mark.parametrize("app", asgi_apps(), ids=["fastapi", "starlette"])
async def test_asgi_handlers(app: Any) -> None:
    transport = httpx.ASGITransport(app=app)
    headers = {"X-Hook-Key": SECRET}
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as http:
        ok = await http.post("/hook", content=orjson.dumps(PAYLOAD), headers=headers)
        assert ok.status_code == 204
        assert ok.content == b""
        blocked = dict(
            PAYLOAD, identity=dict(PAYLOAD["identity"], traits={"email": "e@blocked.example"})
        )
        refused = await http.post("/hook", content=orjson.dumps(blocked), headers=headers)
        assert refused.status_code == 400
        assert refused.json()["messages"][0]["instance_ptr"] == "#/traits/email"
        assert refused.headers["content-type"] == "application/json"
        anonymous = await http.post("/hook", content=orjson.dumps(PAYLOAD))
        assert anonymous.status_code == 401
        garbage = await http.post("/hook", content=b"[1, 2]", headers=headers)
        assert garbage.status_code == 400
        match = await http.post(
            "/password", json={"identifier": "a", "password": "old-password"}, headers=headers
        )
        assert (match.status_code, match.json()) == (200, {"status": "password_match"})
        mismatch = await http.post(
            "/password", json={"identifier": "a", "password": "nope"}, headers=headers
        )
        assert mismatch.status_code == 403


async def test_aiohttp_handlers(aiohttp_client: Callable[..., Any]) -> None:
    auth = BasicAuth("kratos", SECRET)
    app = web.Application()
    app.router.add_post("/hook", hooks_aiohttp.webhook_handler(refuse_blocked, auth=auth))
    app.router.add_post(
        "/password", hooks_aiohttp.password_migration_handler(legacy_check, auth=auth)
    )
    client: TestClient[Any, Any] = await aiohttp_client(app)
    headers = {"Authorization": basic("kratos", SECRET)}
    ok = await client.post("/hook", data=orjson.dumps(PAYLOAD), headers=headers)
    assert ok.status == 204
    wrong = await client.post(
        "/hook", data=orjson.dumps(PAYLOAD), headers={"Authorization": basic("kratos", "x")}
    )
    assert wrong.status == 401
    match = await client.post(
        "/password", json={"identifier": "a", "password": "old-password"}, headers=headers
    )
    assert match.status == 200
    assert await match.json() == {"status": "password_match"}
    assert match.content_type == "application/json"
