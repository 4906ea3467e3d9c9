"""Recovery (admin), health and Prometheus metrics routes."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from ._errors import bad_request, json_response, not_found
from ._identity_fields import check_keys
from ._router import Ctx, Router
from ._state import FlowRecord
from ._util import format_go_duration, format_time, go_quote, parse_go_duration, parse_uuid

DEFAULT_LIFESPAN_NS = 3_600_000_000_000


def _duration(raw: object, *, link: bool, v0: bool = False) -> int:
    """``expires_in`` in nanoseconds, with Kratos's (or Kratos v0.5's) error texts."""
    if raw is None or raw == "":
        return DEFAULT_LIFESPAN_NS
    text = str(raw)
    try:
        nanos = parse_go_duration(text)
    except ValueError:
        if v0:
            raise bad_request(
                'Unable to parse "expires_in" whose format should match '
                f'"[0-9]+(ns|us|ms|s|m|h)" but did not: {text}'
            ) from None
        raise bad_request(
            'Unable to parse "expires_in" as a duration string (e.g. "1h", "1m30s", "500ms"): '
            + text
        ) from None
    if v0 and nanos < 0:
        # v0.5 only refuses a time in the past; a zero duration passes.
        raise bad_request(f'Value from "expires_in" must be result to a future time: {text}')
    if nanos <= 0 and not v0:
        if link:
            raise bad_request(f'Value from "expires_in" must be result to a future time: {text}')
        raise bad_request(
            f'Value from "expires_in" must result to a future time: {format_go_duration(nanos)}'
        )
    return nanos


def _identity_id(body: dict[str, object]) -> str:
    try:
        return parse_uuid(str(body.get("identity_id") or ""))
    except ValueError as exc:
        raise bad_request(message=str(exc)) from None


def _recovery_flow(ctx: Ctx, flow_type: str, expires: str) -> str:
    state = ctx.state
    flow_id = state.ids.uuid()
    now = format_time(state.clock.now())
    flow = {
        "id": flow_id,
        "type": flow_type,
        "expires_at": expires,
        "issued_at": now,
        "request_url": f"{state.public_url}/self-service/recovery/{flow_type}",
        "active": "code",
        "ui": {
            "action": f"{state.public_url}/self-service/recovery?flow={flow_id}",
            "method": "POST",
            "nodes": [],
        },
        "state": "sent_email",
    }
    state.flows[flow_id] = FlowRecord("recovery", flow)
    return flow_id


async def create_recovery_code(ctx: Ctx) -> web.StreamResponse:
    """POST /admin/recovery/code: 201 with link, 6-digit code and expiry."""
    body = check_keys(await ctx.json(), ("identity_id", "expires_in", "flow_type"), "body")
    identity_id = _identity_id(body)
    nanos = _duration(body.get("expires_in"), link=False)
    flow_type = str(body.get("flow_type") or "browser")
    if flow_type not in ("browser", "api"):
        raise bad_request(f'Value from "flow_type" is not valid: {go_quote(flow_type)}')
    if identity_id not in ctx.state.store.identities:
        raise not_found("could not find identity")
    expires = format_time(ctx.state.clock.now() + timedelta(microseconds=nanos // 1000))
    flow_id = _recovery_flow(ctx, flow_type, expires)
    result = {
        "recovery_link": f"{ctx.state.public_url}/ui/recovery?flow={flow_id}",
        "recovery_code": ctx.state.ids.digits(6),
        "expires_at": expires,
    }
    return json_response(result, status=201)


async def create_recovery_link(ctx: Ctx) -> web.StreamResponse:
    """POST /admin/recovery/link (v1: 400 for unknown identity) or /recovery/link (v0: 404)."""
    state = ctx.state
    body = check_keys(await ctx.json(), ("identity_id", "expires_in"), "body")
    identity_id = _identity_id(body)
    v0 = state.api == "v0"
    nanos = _duration(body.get("expires_in"), link=True, v0=v0)
    ident = state.store.identities.get(identity_id)
    if ident is None:
        # v0.5 looks the identity up like any row (plain 404); v1 says what is wrong.
        raise not_found() if v0 else bad_request("The requested identity id does not exist.")
    if v0 and not ident.get("recovery_addresses"):
        raise bad_request("The identity does not have any recovery addresses set.")
    expires = format_time(state.clock.now() + timedelta(microseconds=nanos // 1000))
    # Kratos v0.5.0-v0.5.5 never store the flow behind the link: fetching it is a 404.
    flow_id = state.ids.uuid() if v0 else _recovery_flow(ctx, "browser", expires)
    token = state.ids.token(32)
    path = "/self-service/recovery/methods/link" if state.api == "v0" else "/self-service/recovery"
    link = f"{state.public_url}{path}?flow={flow_id}&token={token}"
    return json_response({"recovery_link": link, "expires_at": expires})


async def health(ctx: Ctx) -> web.StreamResponse:
    """GET /health/alive and /health/ready."""
    return json_response({"status": "ok"})


async def version(ctx: Ctx) -> web.StreamResponse:
    """GET /version: ``{"version": ...}`` (v1: admin URL only; v0: both ports)."""
    return json_response({"version": ctx.state.version})


async def prometheus(ctx: Ctx) -> web.StreamResponse:
    """GET /metrics/prometheus: request counters in the Prometheus text format."""
    lines = [
        "# HELP http_requests_total Number of HTTP requests answered, by status, method and route.",
        "# TYPE http_requests_total counter",
    ]
    for (method, route, status), count in sorted(ctx.state.metrics.items()):
        lines.append(
            f'http_requests_total{{code="{status}",handler="{route}",method="{method}"}} {count}'
        )
    lines += [
        "# HELP kratos_identities Number of identities stored.",
        "# TYPE kratos_identities gauge",
        f"kratos_identities {len(ctx.state.store.identities)}",
        "# HELP kratos_sessions Number of sessions stored.",
        "# TYPE kratos_sessions gauge",
        f"kratos_sessions {len(ctx.state.sessions)}",
    ]
    return web.Response(
        text="\n".join(lines) + "\n",
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )


def register_recovery(router: Router, *, v0: bool = False) -> None:
    """Add the recovery routes."""
    if v0:
        router.add("POST", "/recovery/link", create_recovery_link)
        return
    router.add("POST", "/admin/recovery/code", create_recovery_code)
    router.add("POST", "/admin/recovery/link", create_recovery_link)


def register_health(
    router: Router, prefix: str = "", *, metrics: bool = False, with_version: bool = False
) -> None:
    """Add health routes (and metrics, and ``/version``) under ``prefix``."""
    router.add("GET", f"{prefix}/health/alive", health)
    router.add("GET", f"{prefix}/health/ready", health)
    if with_version:
        router.add("GET", f"{prefix}/version", version)
    if metrics:
        router.add("GET", f"{prefix}/metrics/prometheus", prometheus)
