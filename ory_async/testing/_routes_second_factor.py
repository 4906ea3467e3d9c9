"""The second factor of a native login: an ``aal2`` flow and the ``totp`` method.

``GET /self-service/login/api?aal=aal2`` with the user's session token starts it; a right
code upgrades that same session to ``aal2`` (its token stays the same), as Kratos does.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ._errors import KratosError, json_response
from ._flow_start import api_flow
from ._flow_ui import no_strategy
from ._router import Ctx
from ._routes_sessions import current_session, session_inactive
from ._state import FlowRecord
from ._totp import WRONG_CODE, code_matches, login_nodes, secret_of
from ._util import format_time

MFA_NEEDED = {
    "id": 1010004,
    "text": "Please complete the second authentication challenge.",
    "type": "info",
}


def new_aal2_flow(ctx: Ctx, flow_id: str, lifespan_end: Any) -> dict[str, Any]:
    """Store and return an api login flow for the second factor of the token's session."""
    state = ctx.state
    session = current_session(ctx)
    if session is None:
        raise session_inactive()
    now = state.clock.now()
    ui = {"nodes": login_nodes(), "messages": [MFA_NEEDED]}
    flow = api_flow(
        state.public_url, "login", flow_id, now, ui, expires_at=lifespan_end, query="?aal=aal2"
    )
    flow["created_at"] = flow["updated_at"] = format_time(now)
    flow["refresh"] = False
    flow["requested_aal"] = "aal2"
    flow["state"] = "choose_method"
    state.flows[flow_id] = FlowRecord(
        "login", flow, expires_at=lifespan_end, requires_session_token=session.token
    )
    return flow


def _reject(rec: FlowRecord, message: dict[str, Any]) -> web.Response:
    """400 with the flow; Kratos puts a wrong code's message on the form, not the field."""
    rec.flow["ui"]["nodes"] = login_nodes()
    rec.flow["ui"]["messages"] = [message]
    return json_response(rec.flow, status=400)


async def submit_totp(ctx: Ctx, rec: FlowRecord, body: dict[str, Any]) -> web.StreamResponse:
    """The ``totp`` method of an ``aal2`` login flow."""
    if rec.flow.get("requested_aal") != "aal2":
        rec.flow["ui"]["messages"] = [no_strategy("login")]
        return json_response(rec.flow, status=400)
    session = current_session(ctx)
    if session is None:
        raise session_inactive()
    if session.token != rec.requires_session_token:
        raise KratosError(
            403,
            error_id="security_identity_mismatch",
            reason="The flow was started by another session.",
        )
    ident = ctx.state.store.identities.get(session.identity_id) or {}
    url = (((ident.get("credentials") or {}).get("totp") or {}).get("config") or {}).get("totp_url")
    secret = secret_of(str(url)) if url else None
    if secret is None:
        return _reject(
            rec, {"id": 4000011, "text": "You have no TOTP device set up.", "type": "error"}
        )
    now = ctx.state.clock.now()
    if not code_matches(secret, str(body.get("totp_code") or ""), now):
        return _reject(rec, WRONG_CODE)
    session.aal = "aal2"
    session.authentication_methods.append(
        {"method": "totp", "aal": "aal2", "completed_at": format_time(now)}
    )
    del ctx.state.flows[rec.flow["id"]]
    return json_response(
        {
            "session_token": session.token,
            # Kratos answers the upgrade with the session alone: its identity is null.
            "session": ctx.state.session_json(session, identity=None, devices=True),
            "continue_with": None,
        }
    )
