"""The signed-in user's own sessions (v1 public): list, revoke one, revoke all others."""

from __future__ import annotations

from aiohttp import web

from ._errors import KratosError, bad_request, json_response, no_content, not_found
from ._router import Ctx, Router
from ._routes_sessions import current_session, migration_page, whoami
from ._state import SessionRecord
from ._util import parse_uuid


def _me(ctx: Ctx) -> SessionRecord:
    rec = current_session(ctx)
    if rec is None:
        raise KratosError(401, reason="No valid session cookie found.")
    return rec


async def list_my_sessions(ctx: Ctx) -> web.StreamResponse:
    """GET /sessions: the identity's other active sessions (migration pagination)."""
    state = ctx.state
    me = _me(ctx)
    now = state.clock.now()
    rows = [
        r
        for r in state.sessions.values()
        if r.identity_id == me.identity_id and r.id != me.id and r.is_active(now)
    ]
    rows.sort(key=lambda r: r.id)
    rows.sort(key=lambda r: r.created_at, reverse=True)
    return migration_page(ctx, rows, identity="public")


async def disable_my_other_sessions(ctx: Ctx) -> web.StreamResponse:
    """DELETE /sessions: revoke every other session; 200 ``{"count": N}``.

    Like Kratos, ``count`` is every other session of the identity the update touched,
    those revoked before included.
    """
    me = _me(ctx)
    count = 0
    for rec in ctx.state.sessions.values():
        if rec.identity_id == me.identity_id and rec.id != me.id:
            rec.active = False
            count += 1
    return json_response({"count": count})


async def disable_my_session(ctx: Ctx) -> web.StreamResponse:
    """DELETE /sessions/{id}: revoke one of the identity's other sessions; 204."""
    if ctx.params["id"] == "whoami":
        return await whoami(ctx)
    me = _me(ctx)
    try:
        session_id = parse_uuid(ctx.params["id"])
    except ValueError as exc:
        raise bad_request(message=str(exc)) from None
    if session_id == me.id:
        raise bad_request(message="cannot revoke current session")
    rec = ctx.state.sessions.get(session_id)
    if rec is None or rec.identity_id != me.identity_id:
        raise not_found()
    rec.active = False
    return no_content(json_type=True)


def register(router: Router) -> None:
    """Add the routes (v1 public site)."""
    router.add("GET", "/sessions", list_my_sessions)
    router.add("DELETE", "/sessions", disable_my_other_sessions)
    router.add("DELETE", "/sessions/{id}", disable_my_session)
