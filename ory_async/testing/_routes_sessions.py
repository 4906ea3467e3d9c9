"""Session routes: admin listing/get/disable/extend, an identity's sessions, and whoami."""

from __future__ import annotations

from typing import Literal

from aiohttp import web

from ._errors import KratosError, bad_request, json_response, no_content, not_found
from ._paging import (
    SESSION_FIRST_TIME,
    decode_session_token,
    header_links,
    keyset_links,
    migration_formatter,
    parse_migration,
    session_token,
)
from ._router import Ctx, Router
from ._state import SessionRecord
from ._tokenizer import cache_headers, refresh_cookie
from ._util import NIL_UUID, go_atoi, go_parse_bool, parse_uuid

SESSION_COOKIE = "ory_kratos_session"


def no_session() -> KratosError:
    """The whoami 401 when no valid session credentials were sent."""
    return KratosError(401, reason="No valid session credentials found in the request.")


def session_inactive() -> KratosError:
    """Kratos's ``session_inactive`` 401."""
    return KratosError(
        401,
        error_id="session_inactive",
        reason="No active session was found in this request.",
        message="request does not have a valid authentication session",
    )


def aal2_required(ctx: Ctx) -> KratosError:
    """Kratos's ``session_aal2_required`` 403."""
    redirect = f"{ctx.state.public_url}/self-service/login/browser?aal=aal2"
    return KratosError(
        403,
        error_id="session_aal2_required",
        reason=(
            "An active session was found but it does not fulfill the requested Authenticator "
            "Assurance Level. Please verify yourself with a second factor to resolve this issue."
        ),
        message="Session does not fulfill the requested Authenticator Assurance Level",
        extra={"redirect_browser_to": redirect},
    )


def request_token(ctx: Ctx) -> str | None:
    """The session token, looked up like Kratos: header, then cookie, then bearer."""
    headers = ctx.request.headers
    token = headers.get("X-Session-Token", "")
    if token:
        return token
    cookie = ctx.request.cookies.get(SESSION_COOKIE, "")
    if cookie:
        return cookie
    auth = headers.get("Authorization", "")
    if auth[:7].lower() == "bearer " and auth[7:].strip():
        return auth[7:].strip()
    return None


def current_session(ctx: Ctx) -> SessionRecord | None:
    """The active session the request authenticates with, or None."""
    token = request_token(ctx)
    if token is None:
        return None
    rec = ctx.state.session_by_token(token)
    if rec is None or not rec.is_active(ctx.state.clock.now()):
        return None
    return rec


def _active(ctx: Ctx) -> bool | None:
    raw = ctx.q("active")
    if raw is None:
        return None
    try:
        return go_parse_bool(raw)
    except ValueError:
        raise bad_request(message="could not parse parameter active") from None


def _expand(ctx: Ctx) -> tuple[bool, bool]:
    options = set()
    for raw in ctx.q_all("expand"):
        value = raw.lower()
        if value not in ("identity", "devices"):
            raise bad_request(f"Could not parse expand option: {raw}")
        options.add(value)
    return "identity" in options, "devices" in options


def _session_id(ctx: Ctx) -> str:
    try:
        return parse_uuid(ctx.params["id"])
    except ValueError as exc:
        raise bad_request(message=str(exc)) from None


def _matches(rec: SessionRecord, active: bool | None, ctx: Ctx) -> bool:
    if active is None:
        return True
    return rec.is_active(ctx.state.clock.now()) == active


def _ordered(records: list[SessionRecord]) -> list[SessionRecord]:
    by_id = sorted(records, key=lambda r: r.id)
    return sorted(by_id, key=lambda r: r.created_at, reverse=True)


async def list_sessions(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/sessions (keyset pagination with base64 tokens)."""
    state = ctx.state
    raw_size = ctx.q("page_size")
    size = 250
    if raw_size:
        try:
            size = go_atoi(raw_size)
        except ValueError:
            raise bad_request(message="could not parse parameter page_size") from None
        size = 250 if size <= 0 else min(size, 1000)
    after_id, after_time = NIL_UUID, SESSION_FIRST_TIME
    if ctx.q("page_token"):
        after_id, after_time = decode_session_token(ctx.q("page_token") or "")
    active = _active(ctx)
    with_identity, with_devices = _expand(ctx)
    rows = [
        r
        for r in _ordered([r for r in state.sessions.values() if _matches(r, active, ctx)])
        if r.created_at < after_time or (r.created_at == after_time and r.id > after_id)
    ]
    page = rows[: size + 1]
    more = len(page) > size
    page = page[:size]
    rng = state.ids.rng
    first = session_token(NIL_UUID, SESSION_FIRST_TIME, rng.random() < 0.5)
    nxt = session_token(page[-1].id, page[-1].created_at, rng.random() < 0.5) if more else None
    link = keyset_links(ctx.path, list(ctx.query), size, first, nxt)
    ident_mode = "admin" if with_identity else None
    body = [state.session_json(r, identity=ident_mode, devices=with_devices) for r in page]
    return json_response(body, headers={"Link": link})


async def get_session(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/sessions/{id}."""
    sid = _session_id(ctx)
    with_identity, with_devices = _expand(ctx)
    rec = ctx.state.sessions.get(sid)
    if rec is None:
        raise not_found()
    ident_mode = "admin" if with_identity else None
    return json_response(ctx.state.session_json(rec, identity=ident_mode, devices=with_devices))


async def disable_session(ctx: Ctx) -> web.StreamResponse:
    """DELETE /admin/sessions/{id}: revoke (204 even when already inactive)."""
    rec = ctx.state.sessions.get(_session_id(ctx))
    if rec is None:
        raise not_found()
    rec.active = False
    return no_content(json_type=True)


async def extend_session(ctx: Ctx) -> web.StreamResponse:
    """PATCH /admin/sessions/{id}/extend: 204 (or 200 with the session if configured)."""
    state = ctx.state
    rec = state.sessions.get(_session_id(ctx))
    if rec is None:
        raise not_found()
    rec.expires_at = state.clock.now() + state.session_lifespan
    if state.extend_returns_session:
        return json_response(state.session_json(rec, identity="public", devices=True))
    return no_content()


def _identity_param(ctx: Ctx) -> str:
    try:
        return parse_uuid(ctx.params["id"])
    except ValueError as exc:
        raise bad_request(message=str(exc)) from None


async def list_identity_sessions(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/identities/{id}/sessions (migration pagination, optional off-by-one bug)."""
    state = ctx.state
    identity_id = _identity_param(ctx)
    active = _active(ctx)
    parse_migration(list(ctx.query))  # a malformed page or per_page is refused first
    rows = _ordered(
        [
            r
            for r in state.sessions.values()
            if r.identity_id == identity_id and _matches(r, active, ctx)
        ]
    )
    return migration_page(ctx, rows, identity="admin")


def migration_page(
    ctx: Ctx, rows: list[SessionRecord], *, identity: Literal["admin", "public"]
) -> web.StreamResponse:
    """One page of ``rows`` in the migration form, with ``Link`` and ``X-Total-Count``.

    With ``kratos_paging_bugs`` on, page N serves what page N-1 would (facts §2.2).
    """
    state = ctx.state
    pp = parse_migration(list(ctx.query))
    page_index = max(pp.page - 1, 0) if state.kratos_paging_bugs else pp.page
    offset = page_index * pp.per_page
    page = rows[offset : offset + pp.per_page]
    link = header_links(
        len(rows), pp.page, pp.per_page, migration_formatter(ctx.path, list(ctx.query))
    )
    body = [state.session_json(r, identity=identity, devices=True) for r in page]
    return json_response(body, headers={"Link": link, "X-Total-Count": str(len(rows))})


async def delete_identity_sessions(ctx: Ctx) -> web.StreamResponse:
    """DELETE /admin/identities/{id}/sessions: 204, or 404 when there were none."""
    identity_id = _identity_param(ctx)
    doomed = [s.id for s in ctx.state.sessions.values() if s.identity_id == identity_id]
    if not doomed:
        raise not_found()
    for sid in doomed:
        del ctx.state.sessions[sid]
    return no_content()


async def whoami(ctx: Ctx) -> web.StreamResponse:
    """GET /sessions/whoami on the public site."""
    state = ctx.state
    rec = current_session(ctx)
    if rec is None:
        if state.api == "v0":
            raise KratosError(401, reason="No valid session cookie found.")
        raise no_session()
    if rec.aal_required == "aal2" and rec.aal != "aal2":
        raise aal2_required(ctx)
    body = state.session_json(rec, identity="public", devices=True)
    headers = {"X-Kratos-Authenticated-Identity-Id": rec.identity_id}
    now = state.clock.now()
    template = ctx.q("tokenize_as") if state.api == "v1" else None
    if template:
        body["tokenized"] = state.tokens.tokenize(
            template, body, state.public_url, now, state.ids.uuid()
        )
    else:
        headers.update(cache_headers(state.tokens, rec.expires_at, now))
    response = json_response(body, headers=headers)
    if ctx.request.cookies.get(SESSION_COOKIE):
        refresh_cookie(
            state.tokens,
            response,
            cookie_name=SESSION_COOKIE,
            token=rec.token,
            session_id=rec.id,
            expires_at=rec.expires_at,
            now=now,
        )
    return response


def register_admin(router: Router) -> None:
    """Add the v1 admin session routes."""
    router.add("GET", "/admin/sessions", list_sessions)
    router.add("GET", "/admin/sessions/{id}", get_session)
    router.add("DELETE", "/admin/sessions/{id}", disable_session)
    router.add("PATCH", "/admin/sessions/{id}/extend", extend_session)
    router.add("GET", "/admin/identities/{id}/sessions", list_identity_sessions)
    router.add("DELETE", "/admin/identities/{id}/sessions", delete_identity_sessions)


async def revoke_session_v0(ctx: Ctx) -> web.StreamResponse:
    """DELETE /sessions (Kratos v0.5): revoke the session of ``session_token``; always 204."""
    body = await ctx.json()
    token = body.get("session_token") if isinstance(body, dict) else None
    if token is not None and not isinstance(token, str):
        raise bad_request("Unable to decode JSON payload: session_token must be a string.")
    rec = ctx.state.session_by_token(token or "")
    if rec is not None:
        rec.active = False
    return no_content()


def register_public(router: Router, *, v0: bool = False) -> None:
    """Add whoami (and v0.5's session revocation)."""
    router.add("GET", "/sessions/whoami", whoami)
    if v0:
        # Kratos v0.5 answers whoami for every method.
        for method in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            router.add(method, "/sessions/whoami", whoami)
        router.add("DELETE", "/sessions", revoke_session_v0)
