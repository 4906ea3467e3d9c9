"""A server-side client never keeps cookies: one user's cookie must not reach another's request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestServer

from ory_async import OryClient, SessionCookie


async def test_cookies_set_by_a_response_are_not_replayed(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    seen: list[str] = []

    async def whoami(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Cookie", ""))
        response = web.json_response({"id": "s1", "active": True})
        response.set_cookie("ory_kratos_session", "refreshed-for-alice")
        return response

    app = web.Application()
    app.router.add_get("/sessions/whoami", whoami)
    server = await aiohttp_server(app)
    # A host name, not an IP: aiohttp's default jar would keep cookies for it.
    async with OryClient(f"http://localhost:{server.port}") as ory:
        await ory.sessions.whoami(auth=SessionCookie("ory_kratos_session=alice"))
        await ory.sessions.whoami(auth=SessionCookie("ory_kratos_session=bob"))
    assert seen == ["ory_kratos_session=alice", "ory_kratos_session=bob"]
