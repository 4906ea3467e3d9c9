"""Native (api) recovery and verification flows with the ``code`` method.

``GET /self-service/{recovery,verification}/api`` create a flow; ``POST
/self-service/{recovery,verification}?flow=<id>`` first takes ``email`` (a six-digit code
goes to the address, if an identity has it; the answer is the same either way), then
``code``. Recovery then signs the user in: the flow's ``continue_with`` holds the session
token and a settings flow to set a new password (Kratos with ``continue_with``
transitions, as on Ory Network). Verification marks the address verified. A wrong code
answers 200 with message 4060006 or 4070006, as Kratos does.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ._errors import KratosError, json_response
from ._flow_start import FLOW_LIFESPAN, api_flow
from ._flow_ui import (
    CONTINUE,
    RECOVERY_CODE_INVALID,
    RECOVERY_CODE_SENT,
    VERIFICATION_CODE_INVALID,
    VERIFICATION_CODE_SENT,
    VERIFIED,
    code_nodes,
    email_nodes,
    missing,
    no_strategy,
    recovered,
)
from ._frontend_state import OneTimeCode
from ._native_ui import csrf_node, validation_error
from ._router import Ctx, Router
from ._routes_native_flows import _body as flow_body
from ._routes_native_flows import _failed as rejected
from ._routes_native_flows import _flow as open_flow
from ._routes_settings import PRIVILEGED_SESSION_MAX_AGE, new_settings_flow
from ._state import FlowRecord
from ._util import format_time

# Kratos's default when no settings UI URL is configured.
SETTINGS_UI = "https://www.ory.sh/kratos/docs/fallback/settings"


_TEMPLATES = {
    "recovery": (
        "recovery_code_valid",
        "Recover access to your account",
        "Hi,\n\nplease recover access to your account by entering the following code:\n\n{code}\n",
    ),
    "verification": (
        "verification_code_valid",
        "Please verify your email address",
        "Hi,\n\nplease verify your account by entering the following code:\n\n{code}\n",
    ),
}


def _new_flow(ctx: Ctx, kind: str) -> dict[str, Any]:
    state = ctx.state
    flow_id = state.ids.uuid()
    now = state.clock.now()
    flow = api_flow(state.public_url, kind, flow_id, now, {"nodes": email_nodes(kind)})
    flow["active"] = "code"
    flow["state"] = "choose_method"
    state.flows[flow_id] = FlowRecord(kind, flow, expires_at=now + FLOW_LIFESPAN)
    return flow


async def init_recovery(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/recovery/api: a new api recovery flow."""
    return json_response(_new_flow(ctx, "recovery"))


async def init_verification(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/verification/api: a new api verification flow."""
    return json_response(_new_flow(ctx, "verification"))


def _owner(ctx: Ctx, kind: str, email: str) -> tuple[str, dict[str, Any]] | None:
    """The identity and address (recovery or verifiable) that ``email`` names."""
    key = "recovery_addresses" if kind == "recovery" else "verifiable_addresses"
    wanted = email.strip().lower()
    for ident in ctx.state.store.identities.values():
        for address in ident.get(key) or []:
            if address.get("via") == "email" and str(address.get("value", "")).lower() == wanted:
                return ident["id"], address
    return None


def _send_code(ctx: Ctx, kind: str, flow_id: str, email: str) -> None:
    front = ctx.state.frontend
    # A new request replaces the codes sent for this flow before.
    front.codes = [c for c in front.codes if c.flow_id != flow_id]
    owner = _owner(ctx, kind, email)
    if owner is None:
        return
    identity_id, address = owner
    code = ctx.state.ids.digits(6)
    front.codes.append(
        OneTimeCode(
            flow_id=flow_id,
            code=code,
            address=str(address["value"]),
            identity_id=identity_id,
            expires_at=ctx.state.clock.now() + FLOW_LIFESPAN,
        )
    )
    if kind == "verification":
        address["status"] = "sent"
    template, subject, body = _TEMPLATES[kind]
    ctx.state.courier.add(
        str(address["value"]),
        subject=subject,
        body=body.format(code=code),
        template_type=template,
        type="email",
        status="queued",
        channel="email",
        send_count=0,
        dispatches=None,
    )


def _use_code(ctx: Ctx, flow_id: str, code: str) -> OneTimeCode | None:
    now = ctx.state.clock.now()
    for entry in ctx.state.frontend.codes:
        if entry.flow_id == flow_id and entry.code == code and not entry.used:
            if entry.expires_at <= now:
                return None
            entry.used = True
            return entry
    return None


async def _submit(ctx: Ctx, kind: str) -> web.StreamResponse:
    rec = open_flow(ctx, kind)
    body = await flow_body(ctx)
    if body.get("method") != "code":
        return rejected(rec, rec.flow["ui"]["nodes"], [no_strategy(kind)])
    code = str(body.get("code") or "")
    email = str(body.get("email") or "")
    done = rec.flow["state"] == "passed_challenge"
    if done and (kind == "verification" or email):
        raise _replaced(ctx, kind)
    if code and not email:
        return _complete(ctx, kind, rec, code)
    if not email:
        nodes = email_nodes(kind)
        nodes[-2]["messages"] = [missing("email")]
        return _refused(rec, nodes)
    if "@" not in email:
        nodes = email_nodes(kind)
        nodes[-2]["attributes"]["value"] = email
        nodes[-2]["messages"] = [validation_error(f'"{email}" is not valid "email"')]
        return _refused(rec, nodes)
    rec.flow["transient_payload"] = body.get("transient_payload") or {}
    _send_code(ctx, kind, rec.flow["id"], email)
    rec.flow["state"] = "sent_email"
    rec.flow["ui"]["nodes"] = code_nodes(kind, email)
    rec.flow["ui"]["messages"] = [
        RECOVERY_CODE_SENT if kind == "recovery" else VERIFICATION_CODE_SENT
    ]
    return json_response(rec.flow)


def _refused(rec: FlowRecord, nodes: list[dict[str, Any]]) -> web.Response:
    """400 with the flow, the field's message on its node and none on the form (left out)."""
    rec.flow["ui"]["nodes"] = nodes
    rec.flow["ui"].pop("messages", None)
    return json_response(rec.flow, status=400)


def _replaced(ctx: Ctx, kind: str) -> KratosError:
    """410 ``self_service_flow_replaced``: a finished flow was submitted again.

    Kratos starts a new flow carrying the message and names it in ``use_flow_id``.
    """
    text = "The request was already completed successfully and can not be retried."
    fresh = _new_flow(ctx, kind)
    fresh["ui"]["messages"] = [
        {"id": 4060001 if kind == "recovery" else 4070002, "text": text, "type": "error"}
    ]
    return KratosError(
        410,
        error_id="self_service_flow_replaced",
        message="self-service flow replaced",
        reason="An error occured, please use the new flow.",
        extra={"use_flow_id": fresh["id"]},
    )


def _complete(ctx: Ctx, kind: str, rec: FlowRecord, code: str) -> web.StreamResponse:
    rec.flow["transient_payload"] = rec.flow.get("transient_payload") or {}
    used = _use_code(ctx, rec.flow["id"], code)
    if used is None:
        rec.flow["ui"]["messages"] = [
            RECOVERY_CODE_INVALID if kind == "recovery" else VERIFICATION_CODE_INVALID
        ]
        return json_response(rec.flow)
    store = ctx.state.store
    ident = store.identities.get(used.identity_id)
    if ident is None:
        raise KratosError(404, reason="The identity of this code no longer exists.")
    now = ctx.state.clock.now()
    for address in ident.get("verifiable_addresses") or []:
        if str(address.get("value", "")).lower() == used.address.lower():
            address.update(verified=True, status="completed", verified_at=format_time(now))
            address["updated_at"] = format_time(now)
    rec.flow["state"] = "passed_challenge"
    if kind == "verification":
        # Kratos continues to its default return URL; FakeOry has no UI, so its own root.
        back = f"{ctx.state.public_url}/"
        rec.flow["ui"] = {
            "action": back,
            "method": "GET",
            # Kratos sets the flow's CSRF token again here, which adds its node.
            "nodes": [csrf_node(), _anchor("continue", back)],
            "messages": [VERIFIED],
        }
        return json_response(rec.flow)
    session = ctx.state.new_session(
        ident["id"],
        active=True,
        aal="aal1",
        expires_in=ctx.state.session_lifespan,
        devices=[
            {
                "ip_address": ctx.request.remote or "",
                "user_agent": ctx.request.headers.get("User-Agent", ""),
                "location": "",
            }
        ],
        aal_required=None,
        authentication_methods=[
            {"method": "code_recovery", "aal": "aal1", "completed_at": format_time(now)}
        ],
    )
    settings = new_settings_flow(ctx, session)
    until = now + PRIVILEGED_SESSION_MAX_AGE
    settings["ui"]["messages"] = [recovered(until, PRIVILEGED_SESSION_MAX_AGE.total_seconds() / 60)]
    rec.flow["ui"].pop("messages", None)  # Kratos clears them: the key is left out
    rec.flow["continue_with"] = [
        {"action": "set_ory_session_token", "ory_session_token": session.token},
        {
            "action": "show_settings_ui",
            "flow": {"id": settings["id"], "url": f"{SETTINGS_UI}?flow={settings['id']}"},
        },
    ]
    return json_response(rec.flow)


def _anchor(node_id: str, href: str) -> dict[str, Any]:
    return {
        "type": "a",
        "group": "code",
        "attributes": {"href": href, "title": CONTINUE, "id": node_id, "node_type": "a"},
        "messages": [],
        "meta": {"label": CONTINUE},
    }


async def submit_recovery(ctx: Ctx) -> web.StreamResponse:
    """POST /self-service/recovery?flow=<id>: the ``code`` method, email then code."""
    return await _submit(ctx, "recovery")


async def submit_verification(ctx: Ctx) -> web.StreamResponse:
    """POST /self-service/verification?flow=<id>: the ``code`` method, email then code."""
    return await _submit(ctx, "verification")


def register(router: Router) -> None:
    """Add the routes (v1 public site)."""
    router.add("GET", "/self-service/recovery/api", init_recovery)
    router.add("POST", "/self-service/recovery", submit_recovery)
    router.add("GET", "/self-service/verification/api", init_verification)
    router.add("POST", "/self-service/verification", submit_verification)
