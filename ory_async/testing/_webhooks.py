"""FakeOry calling web hooks as Kratos's ``web_hook`` action and password-migration hook do.

A hook configured for ``"registration"`` runs before the new identity is stored (Kratos's
``response.parse: true`` placement): it may change the identity (200 ``{"identity": ...}``)
or, with ``can_interrupt``, stop the flow with messages (4xx ``{"messages": [...]}``), which
the user gets as the flow with those messages. A ``"login"`` hook runs after the password
was checked, with the new session. The password-migration hook is asked
``{"identifier", "password"}`` when an identity imported with
``use_password_migration_hook`` signs in; on ``password_match`` the password's hash is
stored and the hook is never asked again for that identity.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import aiohttp
from aiohttp import web

from ._errors import KratosError, json_response
from ._frontend_state import Webhook
from ._identity_fields import Identity
from ._router import Ctx
from ._state import FlowRecord, SessionRecord
from ._util import format_time

EVENTS = frozenset({"registration", "login"})
_MODIFIABLE = (
    "traits",
    "schema_id",
    "state",
    "verifiable_addresses",
    "recovery_addresses",
    "metadata_public",
    "metadata_admin",
)


def auth_headers(auth: dict[str, Any] | None) -> tuple[dict[str, str], dict[str, str]]:
    """The headers and cookies a Kratos ``auth`` config sends (api_key or basic_auth)."""
    if not auth:
        return {}, {}
    config = auth.get("config") or {}
    if auth.get("type") == "api_key":
        if config.get("in", "header") == "cookie":
            return {}, {str(config["name"]): str(config["value"])}
        return {str(config["name"]): str(config["value"])}, {}
    if auth.get("type") == "basic_auth":
        raw = f"{config['user']}:{config['password']}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}, {}
    raise ValueError(f"unknown web hook auth type {auth.get('type')!r}")


async def _post(hook: Webhook, body: Any) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    extra, cookies = hook.auth_header or ({}, {})
    headers.update(extra)
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.post(hook.url, json=body, headers=headers) as resp,
    ):
        raw = await resp.read()
        try:
            parsed = await resp.json(content_type=None) if raw.strip() else None
        except ValueError:
            parsed = None
        return resp.status, parsed


def _context(
    ctx: Ctx, rec: FlowRecord, ident: Identity, session: SessionRecord | None
) -> dict[str, Any]:
    request = ctx.request
    headers: dict[str, list[str]] = {}
    for key, value in request.headers.items():
        headers.setdefault(key, []).append(value)
    body: dict[str, Any] = {
        "flow": copy.deepcopy(rec.flow),
        "identity": ctx.state.store.view(ident, admin=True),
        "request_headers": headers,
        "request_method": request.method,
        "request_url": f"{ctx.state.public_url}{request.path_qs}",
        "request_cookies": dict(request.cookies),
    }
    if session is not None:
        body["session"] = ctx.state.session_json(session, identity="admin", devices=True)
    return body


def _messages_on(nodes: list[dict[str, Any]], reply: Any) -> tuple[list[Any], list[Any]]:
    """Put each ``{instance_ptr, messages}`` on its node; ``#/`` and unknown pointers on the form."""
    flow_messages: list[Any] = []
    entries = reply.get("messages") if isinstance(reply, dict) else None
    if not isinstance(entries, list) or not entries:
        raise KratosError(
            500, reason="error while parsing webhook response: got no validation errors"
        )
    for entry in entries:
        pointer = str(entry.get("instance_ptr") or "#/")
        name = pointer.removeprefix("#/").replace("/", ".")
        detailed = [
            {
                "id": m.get("id"),
                "text": m.get("text"),
                "type": "error" if m.get("type") == "error" else "info",
                **({"context": m["context"]} if m.get("context") is not None else {}),
            }
            for m in entry.get("messages") or []
        ]
        target = next((n for n in nodes if n["attributes"].get("name") == name), None)
        if target is None or not name:
            flow_messages += detailed
        else:
            target["messages"] = [*target.get("messages", []), *detailed]
    return nodes, flow_messages


def _apply(ctx: Ctx, ident: Identity, reply: Any) -> None:
    changed = reply.get("identity") if isinstance(reply, dict) else None
    if not isinstance(changed, dict):
        return
    for key in _MODIFIABLE:
        if changed.get(key):  # Kratos ignores empty values
            ident[key] = copy.deepcopy(changed[key])
    ctx.state.store.finish(ident, None, None)


async def run_hooks(
    ctx: Ctx,
    event: str,
    rec: FlowRecord,
    nodes: list[dict[str, Any]],
    ident: Identity,
    session: SessionRecord | None = None,
) -> web.Response | None:
    """Call the hooks of ``event``; the 400 flow answer when one interrupts, else None."""
    for hook in ctx.state.frontend.webhooks:
        if event not in hook.events:
            continue
        body = _context(ctx, rec, ident, session)
        try:
            status, reply = await _post(hook, body)
        except (aiohttp.ClientError, TimeoutError):
            if hook.can_interrupt:
                raise KratosError(
                    502, reason="A third-party upstream service could not be reached."
                ) from None
            continue
        if not hook.parse_response and not hook.can_interrupt:
            continue
        if status >= 400 and hook.can_interrupt:
            refilled, flow_messages = _messages_on(copy.deepcopy(nodes), reply)
            rec.flow["ui"]["nodes"] = refilled
            rec.flow["ui"]["messages"] = flow_messages
            return json_response(rec.flow, status=400)
        if status == 200 and hook.parse_response and event == "registration":
            _apply(ctx, ident, reply)
    return None


async def migrated_password_ok(
    ctx: Ctx, ident: Identity, identifier: str, password: str
) -> bool | None:
    """Ask the password-migration hook, when the identity waits for one (None: it does not).

    On ``password_match`` the password's hash is stored, as Kratos does.
    """
    creds = ident.get("credentials") or {}
    config = (creds.get("password") or {}).get("config") or {}
    hook = ctx.state.frontend.password_migration_hook
    if not config.get("use_password_migration_hook") or config.get("hashed_password"):
        return None
    if hook is None:
        return False
    try:
        status, reply = await _post(hook, {"identifier": identifier, "password": password})
    except (aiohttp.ClientError, TimeoutError):
        raise KratosError(
            502,
            reason="A third-party upstream service could not be reached. Please try again later.",
        ) from None
    if status == 403:
        return False
    if status != 200:
        raise KratosError(
            502,
            reason="A third-party upstream service responded improperly. Please try again later.",
        )
    if not isinstance(reply, dict) or reply.get("status") != "password_match":
        return False
    store = ctx.state.store
    identifiers = list((creds.get("password") or {}).get("identifiers") or [])
    store.import_credentials(
        ident, {"password": {"config": {"password": password}}}, format_time(ctx.state.clock.now())
    )
    ident["credentials"]["password"]["identifiers"] = identifiers
    return True


def new_webhook(
    url: str,
    events: tuple[str, ...],
    auth: dict[str, Any] | None,
    *,
    can_interrupt: bool,
    parse_response: bool,
) -> Webhook:
    """A validated hook configuration."""
    unknown = set(events) - EVENTS
    if unknown:
        raise ValueError(f"unknown web hook events {sorted(unknown)}; known: {sorted(EVENTS)}")
    headers, cookies = auth_headers(auth)
    return Webhook(
        url=url,
        events=frozenset(events),
        auth_header=(headers, cookies),
        can_interrupt=can_interrupt,
        parse_response=parse_response,
    )
