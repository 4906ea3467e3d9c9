"""Cookies never cross users: no cookie an answer sets is ever sent with another call.

The server here sets a fresh cookie (with the name of Kratos's session cookie, and
another) on every answer, for every path; the Cookie header each request carried is
the judge. A ``SessionCookie`` is the only cookie ory_async ever sends, on the session
it owns and on a borrowed one; a borrowed session whose jar would keep cookies is
refused when the client is made.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from ory_async import NotFoundError, OryClient, SessionCookie, SessionToken
from tests.kit.keys import TOKEN

ID = "00000000-0000-4000-8000-00000000000a"
IDENTITY = {"id": ID, "schema_id": "default", "traits": {}}


class CookieSetter:
    """Answers like Kratos would, and sets cookies on every answer, recording what came in."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str | None]] = []
        self._count = itertools.count()
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        cookies = request.headers.getall("Cookie", [])
        self.received.append((request.path, "; ".join(cookies) if cookies else None))
        path = request.path
        response: web.StreamResponse
        if path == "/sessions/whoami":
            response = web.json_response({"id": "s1", "active": True})
        elif path == "/admin/identities" and "page_token" not in request.query:
            response = web.json_response(
                [IDENTITY],
                headers={"Link": '</admin/identities?page_token=p2&page_size=1>; rel="next"'},
            )
        elif path == "/admin/identities":
            response = web.json_response([{**IDENTITY, "id": ID[:-1] + "b"}])
        elif path == f"/admin/identities/{ID}":
            response = web.json_response(IDENTITY)
        elif path == "/health/ready":
            response = web.json_response({"status": "ok"})
        else:
            response = web.json_response(
                {"error": {"code": 404, "status": "Not Found", "message": "nope"}}, status=404
            )
        n = next(self._count)
        # Host-only and domain cookies both, under the name Kratos uses for its session.
        response.set_cookie("ory_kratos_session", f"user-A-refreshed-{n}", path="/")
        response.set_cookie("tracker", f"t{n}", path="/", domain="localhost")
        return response


Start = Callable[..., Awaitable[OryClient]]


@pytest.fixture
async def setter() -> CookieSetter:
    return CookieSetter()


@pytest.fixture
async def start(
    aiohttp_server: Callable[..., Awaitable[TestServer]], setter: CookieSetter
) -> AsyncIterator[Start]:
    stack = AsyncExitStack()

    async def run(*, borrowed: bool) -> OryClient:
        server = await aiohttp_server(setter.app)
        # A host name, not an IP address: aiohttp's ordinary jar keeps cookies for it.
        url = f"http://localhost:{server.port}"
        session = None
        if borrowed:
            session = await stack.enter_async_context(
                aiohttp.ClientSession(
                    cookie_jar=aiohttp.DummyCookieJar(), cookies={"preloaded": "from-app"}
                )
            )
        return await stack.enter_async_context(OryClient(url, access_token=TOKEN, session=session))

    yield run
    await stack.aclose()


@pytest.mark.parametrize("borrowed", [False, True], ids=["owned", "borrowed"])
async def test_no_cookie_an_answer_set_is_sent_with_any_later_call(
    start: Start, setter: CookieSetter, borrowed: bool
) -> None:
    ory = await start(borrowed=borrowed)
    alice = ory.with_auth(SessionToken("ory_st_alice_token_123"))
    carol = SessionCookie("ory_kratos_session=carol-own-cookie")

    await alice.sessions.whoami()  # the answer sets user A's refreshed cookie
    await alice.sessions.whoami()
    await ory.sessions.whoami(auth=carol)
    await ory.identities.get(ID)
    await ory.identities.list(page_size=1).collect()
    await ory.ping()
    with pytest.raises(NotFoundError):
        await ory.flows.get_settings("f1", session_token="ory_st_bob_token_456")
    await ory.with_auth(carol).sessions.whoami()

    assert [path for path, _ in setter.received] == [
        "/sessions/whoami",
        "/sessions/whoami",
        "/sessions/whoami",
        f"/admin/identities/{ID}",
        "/admin/identities",
        "/admin/identities",
        "/health/ready",
        "/self-service/settings/flows",
        "/sessions/whoami",
    ]
    sent = [cookie for _, cookie in setter.received]
    assert sent == [
        None,
        None,
        "ory_kratos_session=carol-own-cookie",
        None,
        None,
        None,
        None,
        None,
        "ory_kratos_session=carol-own-cookie",
    ]


@pytest.mark.parametrize(
    "jar",
    [
        lambda: aiohttp.CookieJar(),
        lambda: aiohttp.CookieJar(unsafe=True),
        lambda: aiohttp.CookieJar(quote_cookie=False),
    ],
    ids=["default", "unsafe", "unquoted"],
)
async def test_a_borrowed_session_that_keeps_cookies_is_refused(
    jar: Callable[[], aiohttp.abc.AbstractCookieJar], setter: CookieSetter
) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as session:
        with pytest.raises(ValueError, match=r"DummyCookieJar\(\)") as info:
            OryClient("http://localhost:9", access_token=TOKEN, session=session)
    assert "keeps no cookies" in str(info.value)
    assert TOKEN not in str(info.value)
    assert setter.received == []


async def test_the_ordinary_session_is_refused_before_any_request() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="would send a cookie one user's answer set"):
            OryClient("http://localhost:9", session=session)


class _KeepingJar(aiohttp.CookieJar):
    """A home-made jar: ory_async cannot know what it keeps, so refuses it."""


async def test_a_home_made_jar_is_refused() -> None:
    async with aiohttp.ClientSession(cookie_jar=_KeepingJar()) as session:
        with pytest.raises(ValueError, match="_KeepingJar would send a cookie"):
            OryClient("http://localhost:9", session=session)


@pytest.mark.parametrize(
    "options",
    [
        {"headers": {"Cookie": "ory_kratos_session=someone"}},
        {"headers": {"X-Session-Token": "ory_st_someone"}},
        {"headers": {"Authorization": "Bearer someone"}},
    ],
    ids=["cookie", "session-token", "authorization"],
)
async def test_a_borrowed_session_with_default_credentials_is_refused(
    options: dict[str, object],
) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), **options) as session:  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="the session's default headers set"):
            OryClient("http://localhost:9", session=session)
