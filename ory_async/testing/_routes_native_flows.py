"""Native (api) registration and login with the password method, and api logout.

``GET /self-service/{registration,login}/api`` create a flow, ``POST
/self-service/{registration,login}?flow=<id>`` submit it, and ``DELETE
/self-service/logout/api`` revokes a session token. Successful submissions answer
like Kratos: ``{"session_token", "session", "continue_with"}`` (registration also
``identity``); failed ones answer 400 with the flow, its ``ui.messages`` set.

Passwords log in whether FakeOry hashed them (registration, or an admin create or update
with a plain-text password) or they were imported as a hash of any format Kratos reads
(``_hashes``). An inactive identity with the right password gets ``identity_disabled``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from . import _hashes as hashes
from ._errors import KratosError, json_response, no_content, not_found
from ._flow_start import FLOW_LIFESPAN, api_flow
from ._flow_ui import no_strategy
from ._identity_fields import Identity
from ._native_ui import (
    DUPLICATE_CREDENTIALS,
    INVALID_CREDENTIALS,
    MIN_PASSWORD_LENGTH,
    login_nodes,
    password_policy,
    password_too_long,
    registration_nodes,
    validation_error,
)
from ._router import Ctx, Router
from ._routes_frontend import expired_error
from ._routes_logout import start_token_exchange
from ._routes_second_factor import new_aal2_flow, submit_totp
from ._routes_sessions import current_session
from ._state import FlowRecord, SessionRecord
from ._util import format_time
from ._webhooks import migrated_password_ok, run_hooks


def _already_logged_in(kind: str) -> KratosError:
    reason = {
        "login": (
            "A valid session was detected and thus login is not possible. "
            "Did you forget to set `?refresh=true`?"
        ),
        "registration": "A valid session was detected and thus registration is not possible.",
    }[kind]
    return KratosError(
        400,
        error_id="session_already_available",
        message="you are already logged in",
        reason=reason,
    )


def _new_flow(ctx: Ctx, kind: str) -> dict[str, Any]:
    state = ctx.state
    if kind == "login" and ctx.q("aal") == "aal2":
        now = state.clock.now()
        return new_aal2_flow(ctx, state.ids.uuid(), now + FLOW_LIFESPAN)
    if current_session(ctx) is not None and not (kind == "login" and ctx.q("refresh") == "true"):
        raise _already_logged_in(kind)
    flow_id = state.ids.uuid()
    now = state.clock.now()
    nodes = login_nodes() if kind == "login" else _registration_nodes(ctx)
    flow = api_flow(state.public_url, kind, flow_id, now, {"nodes": nodes})
    flow["created_at"] = flow["updated_at"] = format_time(now)
    if kind == "login":
        flow["refresh"] = ctx.q("refresh") == "true"
        flow["requested_aal"] = "aal1"
    flow["state"] = "choose_method"
    start_token_exchange(ctx, flow)
    state.flows[flow_id] = FlowRecord(kind, flow, expires_at=now + FLOW_LIFESPAN)
    return flow


def _registration_nodes(ctx: Ctx, traits: Any = None) -> list[dict[str, Any]]:
    store = ctx.state.store
    schema = ctx.state.schemas.get(store.default_schema_id) or {}
    return registration_nodes(schema, traits if isinstance(traits, dict) else None)


async def init_login(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/login/api: a new api login flow."""
    return json_response(_new_flow(ctx, "login"))


async def init_registration(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/registration/api: a new api registration flow."""
    return json_response(_new_flow(ctx, "registration"))


async def _body(ctx: Ctx) -> dict[str, Any]:
    """The submitted form, JSON or url-encoded, as Kratos's decoder accepts both."""
    content_type = ctx.request.headers.get("Content-Type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        raw = (await ctx.request.read()).decode()
        return dict(parse_qsl(raw, keep_blank_values=True))
    body = await ctx.json()
    if not isinstance(body, dict):
        raise KratosError(400, reason="The request body must be a JSON object.")
    return body


def _flow(ctx: Ctx, kind: str) -> FlowRecord:
    rec = ctx.state.flows.get(ctx.q("flow") or "")
    if rec is None or rec.kind != kind:
        raise not_found()
    if rec.expired or (rec.expires_at is not None and rec.expires_at <= ctx.state.clock.now()):
        raise expired_error(ctx, rec)
    return rec


def _failed(rec: FlowRecord, nodes: list[dict[str, Any]], messages: list[Any]) -> web.Response:
    """400 with the flow, its nodes refilled and ``ui.messages`` set (as Kratos answers)."""
    rec.flow["ui"]["nodes"] = nodes
    rec.flow["ui"]["messages"] = messages
    return json_response(rec.flow, status=400)


def _new_session(ctx: Ctx, identity_id: str) -> SessionRecord:
    device = {
        "ip_address": ctx.request.remote or "",
        "user_agent": ctx.request.headers.get("User-Agent", ""),
        "location": "",
    }
    return ctx.state.new_session(
        identity_id,
        active=True,
        aal="aal1",
        expires_in=ctx.state.session_lifespan,
        devices=[device],
        aal_required=None,
        authentication_methods=None,
    )


def check_password(ident: Identity, password: str) -> bool:
    """True when ``password`` matches the identity's password hash, whatever its format.

    Like Kratos, a match against a hash FakeOry would not write (an imported argon2 or
    pbkdf2 hash, say) replaces it with FakeOry's own (bcrypt) hash of the password.
    """
    config = ((ident.get("credentials") or {}).get("password") or {}).get("config") or {}
    hashed = str(config.get("hashed_password") or "")
    if not hashes.matches(password, hashed):
        return False
    if not hashes.is_own_format(hashed) and len(password.encode()) <= hashes.BCRYPT_MAX_BYTES:
        config["hashed_password"] = hashes.generate(password)
    return True


async def submit_login(ctx: Ctx) -> web.StreamResponse:
    """POST /self-service/login?flow=<id>: password login."""
    rec = _flow(ctx, "login")
    body = await _body(ctx)
    method = body.get("method")
    if method == "totp":
        return await submit_totp(ctx, rec, body)
    if method != "password":
        return _failed(rec, login_nodes(), [no_strategy("login")])
    identifier = str(body.get("identifier") or body.get("password_identifier") or "")
    password = str(body.get("password") or "")
    store = ctx.state.store
    owners = store.find_by_identifier(identifier) if identifier else set()
    ident = store.identities.get(next(iter(owners))) if len(owners) == 1 else None
    migrated = await migrated_password_ok(ctx, ident, identifier, password) if ident else None
    if ident is None or not (migrated if migrated is not None else check_password(ident, password)):
        return _failed(rec, login_nodes(identifier), [INVALID_CREDENTIALS])
    if ident.get("state") != "active":
        raise KratosError(
            400,
            error_id="identity_disabled",
            message="identity is disabled",
            reason="This account was disabled.",
            details={"identity_id": ident["id"]},
        )
    session = _new_session(ctx, ident["id"])
    interrupted = await run_hooks(ctx, "login", rec, login_nodes(identifier), ident, session)
    if interrupted is not None:
        del ctx.state.sessions[session.id]
        return interrupted
    del ctx.state.flows[rec.flow["id"]]
    body_out = {
        "session_token": session.token,
        "session": ctx.state.session_json(session, identity="public", devices=True),
        "continue_with": None,
    }
    return json_response(body_out)


async def submit_registration(ctx: Ctx) -> web.StreamResponse:
    """POST /self-service/registration?flow=<id>: password registration and a session."""
    rec = _flow(ctx, "registration")
    body = await _body(ctx)
    if body.get("method") != "password":
        return _failed(rec, _registration_nodes(ctx), [no_strategy("registration")])
    traits = body.get("traits")
    if traits is None:
        traits = _traits_from_form(body)
    password = str(body.get("password") or "")
    nodes = _registration_nodes(ctx, traits)
    problem = _password_problem(password)
    if problem is not None:
        for node in nodes:
            if node["attributes"]["name"] == "password":
                node["messages"] = [problem]
        return _failed(rec, nodes, [])
    store = ctx.state.store
    create = {
        "schema_id": store.default_schema_id,
        "traits": traits,
        "credentials": {"password": {"config": {"password": password}}},
    }
    try:
        ident = store.from_create_body(create)
    except KratosError as exc:
        return _failed(rec, nodes, [validation_error(exc.reason or exc.message)])
    if store.conflicts(ident):
        return _failed(rec, nodes, [DUPLICATE_CREDENTIALS])
    interrupted = await run_hooks(ctx, "registration", rec, nodes, ident)
    if interrupted is not None:
        return interrupted
    store.put(ident)
    _queue_verification(ctx, ident)
    session = _new_session(ctx, ident["id"])
    del ctx.state.flows[rec.flow["id"]]
    public = store.view(ident, admin=False)
    body_out = {
        "session_token": session.token,
        "session": ctx.state.session_json(session, identity="public", devices=True),
        "identity": public,
        "continue_with": [{"action": "set_ory_session_token", "ory_session_token": session.token}],
    }
    return json_response(body_out)


def _password_problem(password: str) -> dict[str, Any] | None:
    """The message Kratos puts on the password node, or None for a usable password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return password_policy(len(password))
    size = len(password.encode())
    if size > hashes.BCRYPT_MAX_BYTES:
        return password_too_long(hashes.BCRYPT_MAX_BYTES, size)
    return None


def _traits_from_form(body: dict[str, Any]) -> dict[str, Any]:
    """``traits.a.b`` form keys as a nested object."""
    traits: dict[str, Any] = {}
    for key, value in body.items():
        if not key.startswith("traits."):
            continue
        node = traits
        parts = key.split(".")[1:]
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return traits


def _queue_verification(ctx: Ctx, ident: Identity) -> None:
    """Queue the verification email Kratos sends after registration (one per address)."""
    for address in ident.get("verifiable_addresses") or []:
        if address.get("via") != "email":
            continue
        code = ctx.state.ids.digits(6)
        address["status"] = "sent"
        ctx.state.courier.add(
            address["value"],
            subject="Please verify your email address",
            body=f"Please verify your account by entering the following code: {code}",
            template_type="verification_code_valid",
            type="email",
            status="queued",
            channel="email",
            send_count=0,
            dispatches=None,
        )


async def native_logout(ctx: Ctx) -> web.StreamResponse:
    """DELETE /self-service/logout/api: revoke ``session_token``; 204, or 403 if unknown."""
    body = await ctx.json()
    token = body.get("session_token") if isinstance(body, dict) else None
    rec = ctx.state.session_by_token(token) if isinstance(token, str) and token else None
    if rec is None:
        raise KratosError(
            403,
            reason=(
                "The provided Ory Session Token could not be found, is invalid, or otherwise "
                "malformed."
            ),
        )
    rec.active = False
    return no_content()


def register(router: Router) -> None:
    """Add the native flow routes (v1 public site)."""
    router.add("GET", "/self-service/login/api", init_login)
    router.add("POST", "/self-service/login", submit_login)
    router.add("GET", "/self-service/registration/api", init_registration)
    router.add("POST", "/self-service/registration", submit_registration)
    router.add("DELETE", "/self-service/logout/api", native_logout)
