"""Browser logout (``/self-service/logout/browser``, ``/self-service/logout``) and token exchange."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from ._errors import KratosError, json_response, no_content
from ._frontend_state import TokenExchange
from ._router import Ctx, Router
from ._routes_sessions import current_session, session_inactive
from ._state import SessionRecord


def start_token_exchange(ctx: Ctx, flow: dict[str, Any]) -> None:
    """Give a native flow its ``session_token_exchange_code`` when the app asked for one."""
    if ctx.q("return_session_token_exchange_code") != "true":
        return
    init_code = ctx.state.ids.token(32)
    ctx.state.frontend.exchanges[init_code] = TokenExchange(init_code)
    flow["session_token_exchange_code"] = init_code
    return_to = ctx.q("return_to")
    if return_to:
        flow["return_to"] = return_to


def logout_token(ctx: Ctx, rec: SessionRecord) -> str:
    """The session's logout token (one per session, as Kratos stores it)."""
    tokens = ctx.state.frontend.logout_tokens
    if rec.id not in tokens:
        tokens[rec.id] = ctx.state.ids.token(32, prefix="ory_lo_")
    return tokens[rec.id]


async def create_browser_logout_flow(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/logout/browser: ``{logout_url, logout_token}`` for the cookie's session."""
    rec = current_session(ctx)
    if rec is None:
        raise session_inactive()
    token = logout_token(ctx, rec)
    params = {"token": token}
    return_to = ctx.q("return_to")
    if return_to:
        params["return_to"] = return_to
    # Go's url.Values encodes its keys sorted: return_to before token.
    url = f"{ctx.state.public_url}/self-service/logout?{urlencode(sorted(params.items()))}"
    return json_response({"logout_url": url, "logout_token": token})


async def update_logout_flow(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/logout?token=: end the cookie's session when the token is its own.

    Kratos redirects browsers; a JSON request gets 204.
    """
    token = ctx.q("token") or ""
    if not token:
        raise KratosError(400, reason="Please include a token in the URL query.")
    rec = current_session(ctx)
    if rec is None:
        raise session_inactive()
    if ctx.state.frontend.logout_tokens.get(rec.id) != token:
        raise KratosError(
            403,
            reason=(
                "Unable to log out because the logout token in the URL query does not match "
                "the session cookie."
            ),
        )
    rec.active = False
    del ctx.state.frontend.logout_tokens[rec.id]
    return no_content()


async def exchange_session_token(ctx: Ctx) -> web.StreamResponse:
    """GET /sessions/token-exchange?init_code=&return_to_code=: the session and its token."""
    init_code = ctx.q("init_code") or ""
    return_to_code = ctx.q("return_to_code") or ""
    if not init_code or not return_to_code:
        raise KratosError(400, reason='"init_code" and "return_to_code" query params must be set')
    exchange = ctx.state.frontend.exchanges.get(init_code)
    if exchange is None or exchange.return_to_code != return_to_code or exchange.session_id is None:
        raise KratosError(404, reason='no session yet for this "code"')
    rec = ctx.state.sessions[exchange.session_id]
    body = {
        "session_token": rec.token,
        "session": ctx.state.session_json(rec, identity="public", devices=True),
    }
    return json_response(body)


def register(router: Router) -> None:
    """Add the routes (v1 public site)."""
    router.add("GET", "/self-service/logout/browser", create_browser_logout_flow)
    router.add("GET", "/self-service/logout", update_logout_flow)
    router.add("GET", "/sessions/token-exchange", exchange_session_token)
