"""Redirect, 401, 403 or 503 by what the client accepts, and the re-issued cookie passed on:
the same behaviour through the ASGI middleware (Starlette), the FastAPI dependency and aiohttp.
"""

# No ``from __future__ import annotations``: FastAPI resolves route annotations at runtime.

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fastapi import Depends, FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ory_async.contrib import aiohttp as ory_web
from ory_async.contrib.asgi import OrySessionMiddleware
from ory_async.contrib.fastapi import SessionDependency, ory_lifespan
from ory_async.models import Session
from ory_async.testing import FakeOry
from tests.kit.apps import Factory, Users

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}


class Http:
    """The one interface the tests use, whatever the framework: get(path, headers)."""

    def __init__(self, get: Callable[[str, dict[str, str]], Awaitable["Answer"]]) -> None:
        self._get = get

    async def get(self, path: str, headers: dict[str, str] | None = None) -> "Answer":
        return await self._get(path, headers or {})


class Answer:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def starlette_app(factory: Factory) -> Starlette:
    async def me(request: Request) -> JSONResponse:
        return JSONResponse({"session": request.state.ory_session.id})

    async def maybe(request: Request) -> JSONResponse:
        session = request.state.ory_session
        return JSONResponse({"session": session.id if session else None})

    def guard(**options: Any) -> list[Middleware]:
        # Per route: the client is the app's (app.state.ory, set by the lifespan).
        return [Middleware(OrySessionMiddleware, **options)]

    return Starlette(
        lifespan=ory_lifespan(factory),  # type: ignore[arg-type]
        routes=[
            Route("/me", me, middleware=guard()),
            Route("/strong", me, middleware=guard(aal="aal2")),
            Route("/maybe", maybe, middleware=guard(required=False)),
        ],
    )


def fastapi_app(factory: Factory) -> FastAPI:
    app = FastAPI(lifespan=ory_lifespan(factory))
    required = SessionDependency()
    strong = SessionDependency(aal="aal2")
    optional = SessionDependency(required=False)

    @app.get("/me")
    async def me(session: Annotated[Session, Depends(required)]) -> dict[str, Any]:
        return {"session": session.id}

    @app.get("/strong")
    async def strong_me(session: Annotated[Session, Depends(strong)]) -> dict[str, Any]:
        return {"session": session.id}

    @app.get("/maybe")
    async def maybe(session: Annotated[Session | None, Depends(optional)]) -> dict[str, Any]:
        return {"session": session.id if session else None}

    return app


def aiohttp_app(factory: Factory) -> web.Application:
    async def me(request: web.Request) -> web.Response:
        session = await ory_web.current_session(request)
        return web.json_response({"session": session.id})

    async def maybe(request: web.Request) -> web.Response:
        session = await ory_web.optional_session(request)
        return web.json_response({"session": session.id if session else None})

    app = web.Application()
    ory_web.setup(app, factory)
    app.router.add_get("/me", ory_web.require_session(me))
    app.router.add_get("/strong", ory_web.require_session(aal="aal2")(me))
    app.router.add_get("/maybe", maybe)
    return app


@asynccontextmanager
async def asgi(app: Any) -> AsyncIterator[Http]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:

            async def get(path: str, headers: dict[str, str]) -> Answer:
                r = await client.get(path, headers=headers)
                return Answer(r.status_code, r.headers, r.content)

            yield Http(get)


@asynccontextmanager
async def aiohttp_http(app: web.Application) -> AsyncIterator[Http]:
    async with TestClient(TestServer(app)) as client:

        async def get(path: str, headers: dict[str, str]) -> Answer:
            r = await client.get(path, headers=headers, allow_redirects=False)
            return Answer(r.status, r.headers, await r.read())

        yield Http(get)


Runner = Callable[[Factory], AbstractAsyncContextManager[Http]]
RUNNERS: dict[str, Runner] = {
    "starlette": lambda factory: asgi(starlette_app(factory)),
    "fastapi": lambda factory: asgi(fastapi_app(factory)),
    "aiohttp": lambda factory: aiohttp_http(aiohttp_app(factory)),
}


@pytest.fixture(params=list(RUNNERS))
async def http(request: pytest.FixtureRequest, factory: Factory) -> AsyncIterator[Http]:
    async with RUNNERS[request.param](factory) as client:
        yield client


def login_query(answer: Answer, ory_fake: FakeOry) -> dict[str, list[str]]:
    location = answer.headers["Location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == ory_fake.public_url
    assert parts.path == "/self-service/login/browser"
    return parse_qs(parts.query)


async def test_a_browser_without_a_session_goes_to_login(http: Http, ory_fake: FakeOry) -> None:
    answer = await http.get("/me?tab=2", HTML)
    assert answer.status == 303
    query = login_query(answer, ory_fake)
    assert query["return_to"][0].endswith("/me?tab=2")
    assert "aal" not in query


async def test_api_clients_get_json_401(http: Http, users: Users) -> None:
    for headers in ({}, JSON, {"Accept": "*/*"}, {**JSON, "X-Session-Token": users.expired}):
        answer = await http.get("/me", headers)
        assert answer.status == 401, headers
        assert "Location" not in answer.headers
        assert answer.headers["Content-Type"].startswith("application/json")


async def test_too_low_an_assurance_level(http: Http, users: Users, ory_fake: FakeOry) -> None:
    # The route asks for aal2; ada's session is aal1.
    browser = await http.get("/strong", {**HTML, "X-Session-Token": users.token})
    assert browser.status == 303
    assert login_query(browser, ory_fake)["aal"] == ["aal2"]
    api = await http.get("/strong", {**JSON, "X-Session-Token": users.token})
    assert api.status == 403
    # Ory itself refusing (the project requires aal2 for bob) is the same.
    ory_says = await http.get("/me", {**HTML, "X-Session-Token": users.aal1})
    assert ory_says.status == 303
    assert login_query(ory_says, ory_fake)["aal"] == ["aal2"]
    assert (await http.get("/me", {**JSON, "X-Session-Token": users.aal1})).status == 403


async def test_ory_trouble_is_503_for_browsers_too(
    http: Http, users: Users, ory_fake: FakeOry
) -> None:
    ory_fake.faults.add("/sessions/whoami", status=429, retry_after=4, times=None)
    for headers in (HTML, JSON):
        answer = await http.get("/me", {**headers, "X-Session-Token": users.token})
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "4"
    # Optional routes too: a user is never treated as logged out because Ory was slow.
    assert (await http.get("/maybe", {"X-Session-Token": users.token})).status == 503


async def test_optional_sessions(http: Http, users: Users) -> None:
    for headers in ({}, HTML, {"X-Session-Token": users.expired}):
        answer = await http.get("/maybe", headers)
        assert answer.status == 200
        assert answer.body == b'{"session":null}' or b'"session": null' in answer.body
    known = await http.get("/maybe", {"X-Session-Token": users.token})
    assert users.session["id"].encode() in known.body


async def test_a_reissued_cookie_reaches_the_browser(
    http: Http, users: Users, ory_fake: FakeOry, factory: Factory
) -> None:
    cookie = {"Cookie": f"ory_kratos_session={users.token}"}
    first = await http.get("/me", cookie)
    assert first.status == 200
    assert "Set-Cookie" not in first.headers
    async with factory() as ory:
        await ory.sessions.extend(users.session["id"])
    renewed = await http.get("/me", cookie)
    assert renewed.status == 200
    set_cookie = renewed.headers["Set-Cookie"]
    assert set_cookie.startswith(f"ory_kratos_session={users.token};")
    assert "HttpOnly" in set_cookie
    assert "Max-Age=" in set_cookie
