"""Native (api) settings flows: change the password or the traits of a signed-in user.

``GET /self-service/settings/api`` (with ``X-Session-Token``) creates a flow and ``POST
/self-service/settings?flow=<id>`` submits the ``password`` or ``profile`` method. A saved
change answers 200 with the flow in ``success`` and message 1050001; a refused one 400 with
the flow and its messages. A password change needs a privileged session (signed in within
the last 15 minutes, Kratos's default): otherwise 403 ``session_refresh_required``.
"""

from __future__ import annotations

import base64
import copy
from datetime import timedelta
from typing import Any

from aiohttp import web

from ._errors import KratosError, json_response
from ._flow_start import FLOW_LIFESPAN, api_flow
from ._flow_ui import SETTINGS_SAVED, missing, no_strategy, settings_nodes
from ._native_ui import (
    DUPLICATE_CREDENTIALS,
    MIN_PASSWORD_LENGTH,
    password_policy,
    validation_error,
)
from ._router import Ctx, Router
from ._routes_native_flows import _body as flow_body
from ._routes_native_flows import _failed as rejected
from ._routes_native_flows import _flow as open_flow
from ._routes_native_flows import _traits_from_form as traits_from_form
from ._routes_sessions import current_session
from ._state import FlowRecord, SessionRecord
from ._totp import WRONG_CODE, code_matches, link_nodes, totp_url, unlink_nodes
from ._util import format_time

PRIVILEGED_SESSION_MAX_AGE = timedelta(minutes=15)


def _session(ctx: Ctx) -> SessionRecord:
    rec = current_session(ctx)
    if rec is None:
        raise KratosError(
            401,
            error_id="session_inactive",
            reason=(
                "This endpoint can only be accessed with a valid session. Please log in and "
                "try again."
            ),
            message="request does not have a valid authentication session",
        )
    if rec.aal_required == "aal2" and rec.aal != "aal2":
        raise KratosError(
            403,
            error_id="session_aal2_required",
            reason="You must use a second factor to complete this action.",
        )
    return rec


def _nodes(ctx: Ctx, identity: dict[str, Any], flow_id: str) -> list[dict[str, Any]]:
    schema = ctx.state.schemas.get(identity["schema_id"]) or {}
    traits = identity.get("traits")
    nodes = settings_nodes(schema, traits if isinstance(traits, dict) else {})
    return nodes + _totp_nodes(ctx, identity, flow_id)


def _totp_nodes(ctx: Ctx, identity: dict[str, Any], flow_id: str) -> list[dict[str, Any]]:
    """Unlink the linked app, or offer a new secret (one per flow) to link one."""
    if "totp" in (identity.get("credentials") or {}):
        ctx.state.frontend.totp_secrets.pop(flow_id, None)
        return unlink_nodes()
    secrets = ctx.state.frontend.totp_secrets
    if flow_id not in secrets:
        raw = ctx.state.ids.token(20).encode()[:20]
        secrets[flow_id] = base64.b32encode(raw).decode().rstrip("=")
    account = str((identity.get("traits") or {}).get("email") or identity["id"])
    return link_nodes(secrets[flow_id], totp_url(secrets[flow_id], account))


def new_settings_flow(ctx: Ctx, session: SessionRecord) -> dict[str, Any]:
    """Store and return a new api settings flow for the session's identity."""
    state = ctx.state
    ident = state.store.identities[session.identity_id]
    flow_id = state.ids.uuid()
    now = state.clock.now()
    flow = api_flow(
        state.public_url, "settings", flow_id, now, {"nodes": _nodes(ctx, ident, flow_id)}
    )
    flow["identity"] = state.store.view(ident, admin=False)
    flow["state"] = "show_form"
    state.flows[flow_id] = FlowRecord(
        "settings", flow, expires_at=now + FLOW_LIFESPAN, requires_session_token=session.token
    )
    return flow


async def init_settings(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/settings/api: a new api settings flow for the token's user."""
    return json_response(new_settings_flow(ctx, _session(ctx)))


def _refresh_required() -> KratosError:
    return KratosError(
        403,
        error_id="session_refresh_required",
        reason=(
            "The login session is too old and thus not allowed to update these fields. "
            "Please re-authenticate."
        ),
    )


async def submit_settings(ctx: Ctx) -> web.StreamResponse:
    """POST /self-service/settings?flow=<id>: the ``password`` or ``profile`` method."""
    rec = open_flow(ctx, "settings")
    session = _session(ctx)
    flow_identity = rec.flow["identity"]["id"]
    if flow_identity != session.identity_id:
        raise KratosError(
            403,
            error_id="security_identity_mismatch",
            reason="The request was initiated by someone else and has been blocked for security reasons. Please go back and try again.",
        )
    body = await flow_body(ctx)
    method = body.get("method")
    store = ctx.state.store
    ident = copy.deepcopy(store.identities[session.identity_id])
    flow_id = rec.flow["id"]
    nodes = _nodes(ctx, ident, flow_id)
    now = ctx.state.clock.now()
    if method == "password":
        password = str(body.get("password") or "")
        if not password:
            return _refused(rec, _with_node_message(nodes, "password", missing("password")))
        if len(password) < MIN_PASSWORD_LENGTH:
            return _refused(
                rec, _with_node_message(nodes, "password", password_policy(len(password)))
            )
        if session.authenticated_at + PRIVILEGED_SESSION_MAX_AGE < now:
            raise _refresh_required()
        store.import_credentials(
            ident, {"password": {"config": {"password": password}}}, format_time(now)
        )
    elif method == "profile":
        traits = body.get("traits")
        if traits is None:
            traits = traits_from_form(body)
        ident["traits"] = traits
        nodes = settings_nodes(ctx.state.schemas.get(ident["schema_id"]) or {}, traits)
    elif method == "totp":
        if session.authenticated_at + PRIVILEGED_SESSION_MAX_AGE < now:
            raise _refresh_required()
        if body.get("totp_unlink") in (True, "true"):
            ident.get("credentials", {}).pop("totp", None)
        else:
            secret = ctx.state.frontend.totp_secrets.get(flow_id)
            code = str(body.get("totp_code") or "")
            if secret is None or not code_matches(secret, code, now):
                return _refused(rec, _with_node_message(nodes, "totp_code", WRONG_CODE))
            account = str((ident.get("traits") or {}).get("email") or ident["id"])
            store.import_credentials(
                ident,
                {"totp": {"config": {"totp_url": totp_url(secret, account)}}},
                format_time(now),
            )
            # Linking the app authenticates it: the session now has its second factor.
            session.aal = "aal2"
            session.authentication_methods.append(
                {"method": "totp", "aal": "aal2", "completed_at": format_time(now)}
            )
            ctx.state.frontend.totp_secrets.pop(flow_id, None)
    else:
        return rejected(rec, nodes, [no_strategy("settings")])
    try:
        store.finish(ident, None, None)
    except KratosError as exc:
        return rejected(rec, nodes, [validation_error(exc.reason or exc.message)])
    if store.conflicts(ident):
        return rejected(rec, nodes, [DUPLICATE_CREDENTIALS])
    store.put(ident)
    rec.flow["state"] = "success"
    rec.flow["identity"] = store.view(ident, admin=False)
    rec.flow["ui"]["nodes"] = _nodes(ctx, ident, flow_id)
    rec.flow["ui"]["messages"] = [SETTINGS_SAVED]
    return json_response(rec.flow)


def _refused(rec: FlowRecord, nodes: list[dict[str, Any]]) -> web.Response:
    """400 with the flow, the field's message on its node and none on the form (left out)."""
    rec.flow["ui"]["nodes"] = nodes
    rec.flow["ui"].pop("messages", None)
    return json_response(rec.flow, status=400)


def _with_node_message(
    nodes: list[dict[str, Any]], name: str, message: dict[str, Any]
) -> list[dict[str, Any]]:
    for node in nodes:
        if node["attributes"].get("name") == name:
            node["messages"] = [message]
    return nodes


def register(router: Router) -> None:
    """Add the routes (v1 public site)."""
    router.add("GET", "/self-service/settings/api", init_settings)
    router.add("POST", "/self-service/settings", submit_settings)
