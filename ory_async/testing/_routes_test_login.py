"""Dry-run OIDC login flows (``POST /admin/test-login-flows``), as Kratos creates them.

The flow is a browser login flow pre-scoped to one configured provider: its UI holds the
``csrf_token`` (a random UUID the admin passes on) and one submit button for the provider.
FakeOry runs no OIDC round-trip; :meth:`FakeOry.capture_test_login` records the debug data
a completed round-trip would have left in ``test_context``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from ._errors import KratosError, json_response
from ._native_ui import csrf_node, input_node
from ._router import Ctx, Router
from ._state import FakeState, FlowRecord
from ._util import format_time

MAX_PROVIDER_ID = 255
LIFESPAN_HOURS = 1


def provider_node(provider_id: str, label: str | None) -> dict[str, Any]:
    """The OIDC submit button Kratos renders for one provider (label 1010002)."""
    shown = label or provider_id
    return input_node(
        "provider",
        "oidc",
        type="submit",
        value=provider_id,
        label={
            "id": 1010002,
            "text": f"Sign in with {shown}",
            "type": "info",
            "context": {"provider": shown, "provider_id": provider_id},
        },
    )


def new_test_flow(state: FakeState, provider_id: str, request_url: str) -> dict[str, Any]:
    """Store and return a test login flow for a configured provider."""
    flow_id = state.ids.uuid()
    now = state.clock.now()
    expires = now + timedelta(hours=LIFESPAN_HOURS)
    csrf = csrf_node()
    csrf["attributes"]["value"] = state.ids.uuid()
    flow: dict[str, Any] = {
        "id": flow_id,
        "type": "browser",
        "expires_at": format_time(expires),
        "issued_at": format_time(now),
        "request_url": request_url,
        "ui": {
            "action": f"{state.public_url}/self-service/login?flow={flow_id}",
            "method": "POST",
            "nodes": [csrf, provider_node(provider_id, state.frontend.oidc_providers[provider_id])],
        },
        "created_at": format_time(now),
        "updated_at": format_time(now),
        "refresh": True,
        "requested_aal": "aal1",
        "state": "choose_method",
        "test_context": {"provider_id": provider_id},
    }
    state.flows[flow_id] = FlowRecord("login", flow, expires_at=expires)
    return flow


async def create_test_login_flow(ctx: Ctx) -> web.StreamResponse:
    """POST /admin/test-login-flows: 201 with the flow; 400 bad body; 404 unknown provider."""
    try:
        body = await ctx.json()
    except KratosError:
        raise KratosError(400, reason="could not parse request body") from None
    provider_id = body.get("provider_id") if isinstance(body, dict) else None
    if not isinstance(provider_id, str):
        raise KratosError(400, reason="could not parse request body")
    if not provider_id:
        raise KratosError(400, reason="provider_id is required")
    if len(provider_id) > MAX_PROVIDER_ID:
        raise KratosError(400, reason=f"provider_id must be at most {MAX_PROVIDER_ID} characters")
    if provider_id not in ctx.state.frontend.oidc_providers:
        raise KratosError(404, reason=f'OpenID Connect provider "{provider_id}" is not configured')
    request_url = f"{ctx.state.admin_url}/admin/test-login-flows"
    return json_response(new_test_flow(ctx.state, provider_id, request_url), status=201)


def register(router: Router) -> None:
    """Add the route (v1 admin site)."""
    router.add("POST", "/admin/test-login-flows", create_test_login_flow)
