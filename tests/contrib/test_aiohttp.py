"""The aiohttp setup and session check, through a running app against FakeOry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ory_async.contrib import SessionVerifier
from ory_async.contrib import aiohttp as ory_web
from ory_async.testing import FakeOry
from tests.kit.apps import Factory, Users

AiohttpClient = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]


@ory_web.require_session
async def me(request: web.Request) -> web.Response:
    session = await ory_web.current_session(request)  # the decorator's answer, reused
    assert session.identity is not None
    return web.json_response({"session": session.id, "identity": session.identity.id})


async def ping(request: web.Request) -> web.Response:
    await ory_web.get_ory(request).ping()
    return web.json_response({"ok": True})


def make_app(factory: Factory, verifier: SessionVerifier | None = None) -> web.Application:
    app = web.Application()
    ory_web.setup(app, factory, verifier=verifier)
    app.router.add_get("/me", me)
    app.router.add_get("/ping", ping)
    return app


async def test_sessions_are_checked(
    aiohttp_client: AiohttpClient, factory: Factory, users: Users, ory_fake: FakeOry
) -> None:
    http = await aiohttp_client(make_app(factory))
    ok = await http.get("/me", headers={"X-Session-Token": users.token})
    assert ok.status == 200
    assert await ok.json() == {"session": users.session["id"], "identity": users.ada}
    assert len(ory_fake.requests.matching("GET", "/sessions/whoami")) == 1  # once per request

    browser = await http.get(
        "/me", headers={"Cookie": f"theme=dark; ory_kratos_session={users.token}"}
    )
    assert browser.status == 200
    assert ory_fake.requests[-1].headers["Cookie"] == f"ory_kratos_session={users.token}"

    missing = await http.get("/me")
    assert missing.status == 401
    assert (await missing.json())["detail"]["reason"]
    assert missing.headers["WWW-Authenticate"] == 'X-Session-Token realm="ory"'

    for token in (users.expired, users.revoked, "not-a-token"):
        denied = await http.get("/me", headers={"X-Session-Token": token})
        assert denied.status == 401, token

    aal = await http.get("/me", headers={"X-Session-Token": users.aal1})
    assert aal.status == 403
    assert (await aal.json())["detail"]["error_id"] == "session_aal2_required"

    assert await (await http.get("/ping")).json() == {"ok": True}
    (client,) = factory.made
    assert not client.closed
    await http.close()  # runs the app's cleanup
    assert client.closed


@pytest.mark.parametrize(
    ("fault", "retry_after"),
    [
        ({"status": 503}, "5"),
        ({"status": 429, "retry_after": 3}, "3"),
        ({"status": 500}, "5"),
        ({"status": None, "drop_connection": "before_headers"}, "5"),
    ],
)
async def test_ory_trouble_is_503_not_401(
    aiohttp_client: AiohttpClient,
    factory: Factory,
    users: Users,
    ory_fake: FakeOry,
    fault: dict[str, Any],
    retry_after: str,
) -> None:
    ory_fake.faults.add("/sessions/whoami", times=None, **fault)
    http = await aiohttp_client(make_app(factory))
    response = await http.get("/me", headers={"X-Session-Token": users.token})
    assert response.status == 503
    assert response.headers["Retry-After"] == retry_after


async def test_cache_and_custom_cookie_names(
    aiohttp_client: AiohttpClient, factory: Factory, users: Users, ory_fake: FakeOry
) -> None:
    verifier = SessionVerifier(cache_ttl=60, cookie_names=("ory_kratos_session", "sid"))
    http = await aiohttp_client(make_app(factory, verifier))
    for _ in range(3):
        response = await http.get("/me", headers={"X-Session-Token": users.token})
        assert response.status == 200
    assert len(ory_fake.requests.matching("GET", "/sessions/whoami")) == 1
    await http.get("/me", headers={"Cookie": "sid=xyz"})
    assert ory_fake.requests[-1].headers["Cookie"] == "sid=xyz"


async def test_setup_is_required() -> None:
    app = web.Application()
    request: Any = type("Request", (), {"config_dict": app})()
    with pytest.raises(RuntimeError, match="setup"):
        ory_web.get_ory(request)
