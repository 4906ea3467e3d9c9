"""The FastAPI lifespan and session dependency, through the ASGI app against FakeOry."""

# No ``from __future__ import annotations``: FastAPI resolves route annotations at runtime,
# and some here name local variables.

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI

from ory_async import OryClient
from ory_async.contrib import SessionVerifier
from ory_async.contrib.fastapi import (
    OryClientDep,
    OrySession,
    SessionDependency,
    ory_lifespan,
)
from ory_async.models import Session
from ory_async.testing import FakeOry
from tests.kit.apps import Factory, Users


def make_app(factory: Factory, cached: SessionDependency | None = None) -> FastAPI:
    app = FastAPI(lifespan=ory_lifespan(factory))

    @app.get("/me")
    async def me(session: OrySession) -> dict[str, Any]:
        assert session.identity is not None
        return {"session": session.id, "identity": session.identity.id}

    if cached is not None:

        @app.get("/cached")
        async def cached_me(session: Annotated[Session, Depends(cached)]) -> dict[str, str]:
            return {"session": session.id}

    @app.get("/ping")
    async def ping(ory: OryClientDep) -> dict[str, bool]:
        await ory.ping()
        return {"ok": True}

    return app


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://app.test"
        ) as http,
    ):
        yield http


async def test_sessions_are_checked(factory: Factory, users: Users, ory_fake: FakeOry) -> None:
    app = make_app(factory)
    async with running(app) as http:
        ok = await http.get("/me", headers={"X-Session-Token": users.token})
        assert ok.status_code == 200
        assert ok.json() == {"session": users.session["id"], "identity": users.ada}

        # A browser: the cookie goes to Ory as a cookie, alone.
        browser = await http.get(
            "/me", headers={"Cookie": f"theme=dark; ory_kratos_session={users.token}"}
        )
        assert browser.status_code == 200
        assert ory_fake.requests[-1].headers["Cookie"] == f"ory_kratos_session={users.token}"

        missing = await http.get("/me")
        assert missing.status_code == 401
        assert missing.json()["detail"]["reason"]
        assert missing.headers["WWW-Authenticate"] == 'X-Session-Token realm="ory"'

        for token in (users.expired, users.revoked, "not-a-token"):
            denied = await http.get("/me", headers={"X-Session-Token": token})
            assert denied.status_code == 401, token
            assert denied.headers["WWW-Authenticate"] == 'X-Session-Token realm="ory"'

        aal = await http.get("/me", headers={"X-Session-Token": users.aal1})
        assert aal.status_code == 403
        assert aal.json()["detail"]["error_id"] == "session_aal2_required"
        assert "aal=aal2" in aal.json()["detail"]["redirect_browser_to"]

        assert (await http.get("/ping")).json() == {"ok": True}
    (client,) = factory.made
    assert client.closed


async def test_ory_network_cookies_are_forwarded(factory: Factory, ory_fake: FakeOry) -> None:
    async with running(make_app(factory)) as http:
        response = await http.get(
            "/me", headers={"Cookie": "ory_session_brave-slug=abc123; other=secret"}
        )
    assert response.status_code == 401  # the fake knows only ory_kratos_session
    assert ory_fake.requests[-1].headers["Cookie"] == "ory_session_brave-slug=abc123"


@pytest.mark.parametrize(
    ("fault", "retry_after"),
    [
        ({"status": 503}, "5"),
        ({"status": 503, "retry_after": 7}, "7"),
        ({"status": 429, "retry_after": 3}, "3"),
        ({"status": 502}, "5"),
        ({"status": None, "drop_connection": "before_headers"}, "5"),
    ],
)
async def test_ory_trouble_is_503_not_401(
    factory: Factory, users: Users, ory_fake: FakeOry, fault: dict[str, Any], retry_after: str
) -> None:
    ory_fake.faults.add("/sessions/whoami", times=None, **fault)
    async with running(make_app(factory)) as http:
        response = await http.get("/me", headers={"X-Session-Token": users.token})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == retry_after


async def test_cache_reuses_answers_until_ttl(
    factory: Factory, users: Users, ory_fake: FakeOry
) -> None:
    now = [1000.0]
    cached = SessionDependency(SessionVerifier(cache_ttl=30, clock=lambda: now[0]))
    async with running(make_app(factory, cached)) as http:
        headers = {"X-Session-Token": users.token}
        assert (await http.get("/cached", headers=headers)).status_code == 200
        assert (await http.get("/cached", headers=headers)).status_code == 200
        assert len(ory_fake.requests.matching("GET", "/sessions/whoami")) == 1
        # While cached, an Ory outage does not disturb the user ...
        ory_fake.faults.add("/sessions/whoami", status=503, times=None)
        assert (await http.get("/cached", headers=headers)).status_code == 200
        # ... and after the TTL the session is checked again.
        now[0] += 31
        assert (await http.get("/cached", headers=headers)).status_code == 503
        # Failures are never cached.
        ory_fake.faults.clear()
        assert (await http.get("/cached", headers={"X-Session-Token": "bad"})).status_code == 401
        assert (await http.get("/cached", headers=headers)).status_code == 200


def test_importing_ory_async_does_not_import_the_frameworks() -> None:
    code = (
        "import sys, ory_async, ory_async.contrib; "
        "assert 'fastapi' not in sys.modules and 'starlette' not in sys.modules; "
        "assert 'aiohttp.web' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_a_missing_lifespan_is_explained() -> None:
    app = FastAPI()

    @app.get("/me")
    async def me(session: OrySession) -> dict[str, str]:
        return {}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as http:
        with pytest.raises(RuntimeError, match="ory_lifespan"):
            await http.get("/me", headers={"X-Session-Token": "t"})


async def test_lifespans_nest() -> None:
    order: list[str] = []

    @asynccontextmanager
    async def mine(app: FastAPI) -> AsyncIterator[None]:
        assert isinstance(app.state.ory, OryClient)
        order.append("start")
        yield
        order.append("stop")

    made: list[OryClient] = []

    def factory() -> OryClient:
        made.append(OryClient("http://127.0.0.1:9"))
        return made[-1]

    app = FastAPI(lifespan=ory_lifespan(factory, then=mine))
    async with app.router.lifespan_context(app):
        assert not made[0].closed
    assert order == ["start", "stop"]
    assert made[0].closed


async def test_behind_the_asgi_middleware_ory_is_asked_once(
    factory: Factory, users: Users, ory_fake: FakeOry
) -> None:
    from ory_async.contrib.asgi import OrySessionMiddleware

    app = make_app(factory)
    app.add_middleware(OrySessionMiddleware, exclude=["/ping"])
    async with running(app) as http:
        ok = await http.get("/me", headers={"X-Session-Token": users.token})
        assert ok.status_code == 200
        assert len(ory_fake.requests.matching("GET", "/sessions/whoami")) == 1
        assert (await http.get("/ping")).status_code == 200  # excluded: no session needed
        assert (await http.get("/me")).status_code == 401
