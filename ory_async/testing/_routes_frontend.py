"""Frontend routes: identity schemas, self-service flows and self-service errors."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ._errors import KratosError, json_response, not_found
from ._paging import header_links, migration_formatter, parse_migration
from ._router import Ctx, Handler, Router
from ._routes_sessions import aal2_required, current_session, session_inactive
from ._state import FLOW_KINDS, FlowRecord

CSRF_REASON = "A request failed due to a missing or invalid csrf_token value."

STUB_ERROR: dict[str, Any] = {
    "id": "9f900efa-a5ea-4dfd-8311-a8c7448ffeec",
    "error": {
        "code": 500,
        "status": "Internal Server Error",
        "reason": "This is a stub error.",
        "message": "An internal server error occurred, please contact the system administrator",
    },
    "created_at": "0001-01-01T00:00:00Z",
    "updated_at": "0001-01-01T00:00:00Z",
}


async def list_schemas(ctx: Ctx) -> web.StreamResponse:
    """GET /schemas: ``[{id, schema}]`` with migration-style links (optional overlap bug)."""
    items = ctx.state.schemas.items()
    total = len(items)
    pp = parse_migration(list(ctx.query))
    start = pp.page * pp.per_page
    if ctx.state.kratos_paging_bugs:
        end = min(start + (pp.page + 1) * pp.per_page, total)
    else:
        end = min(start + pp.per_page, total)
    body = [{"id": sid, "schema": schema} for sid, schema in items[start:end]]
    link = header_links(total, pp.page, pp.per_page, migration_formatter(ctx.path, list(ctx.query)))
    return json_response(body, headers={"Link": link, "X-Total-Count": str(total)})


async def get_schema(ctx: Ctx) -> web.StreamResponse:
    """GET /schemas/{id}: the raw schema; the id may be raw or base64url-encoded."""
    raw = ctx.params["id"]
    schema_id = ctx.state.schemas.resolve(raw)
    if schema_id is None:
        raise KratosError(404, reason=f"Identity schema `{raw}` could not be found.")
    return json_response(ctx.state.schemas.get(schema_id))


def expired_error(ctx: Ctx, rec: FlowRecord) -> KratosError:
    """Kratos's 410 for an expired flow of ``rec``'s kind and type."""
    kind = rec.kind
    public = ctx.state.public_url
    error_id = None if ctx.state.api == "v0" else "self_service_flow_expired"
    if rec.flow.get("type", "browser") == "browser":
        details: dict[str, Any] = {"redirect_to": f"{public}/self-service/{kind}/browser"}
        if error_id is not None:
            details["return_to"] = rec.flow.get("return_to", "")
        reason = (
            f"The {kind} flow has expired. Redirect the user to the {kind} flow init endpoint "
            f"to initialize a new {kind} flow."
        )
    else:
        details = {"api": f"{public}/self-service/{kind}/api"}
        reason = (
            f"The {kind} flow has expired. Call the {kind} flow init API endpoint to "
            f"initialize a new {kind} flow."
        )
    return KratosError(410, error_id=error_id, reason=reason, details=details)


def _flow_handler(kind: str) -> Handler:
    async def get_flow(ctx: Ctx) -> web.StreamResponse:
        rec = ctx.state.flows.get(ctx.q("id") or "")
        if rec is None or rec.kind != kind:
            raise not_found()
        # Kratos v0.5's admin getter skips the session check (its spec: no credentials
        # needed on the admin API); v1 has no admin getter, so every site checks.
        v0_admin = ctx.state.api == "v0" and ctx.site == "admin"
        needs_session = kind == "settings" or rec.requires_session_token is not None
        if needs_session and not v0_admin:
            session = current_session(ctx)
            if session is None:
                if kind == "settings" and ctx.state.api == "v1":
                    # Kratos's settings getter words both refusals its own way.
                    raise KratosError(
                        401,
                        message="The request could not be authorized",
                        reason="A valid Ory Session Cookie or Ory Session Token is missing.",
                    )
                raise session_inactive()
            wanted = rec.requires_session_token
            if wanted is not None and session.token != wanted:
                if kind == "settings" and ctx.state.api == "v1":
                    owner = ctx.state.session_by_token(wanted)
                    if owner is None or owner.identity_id != session.identity_id:
                        raise KratosError(
                            403,
                            error_id="security_identity_mismatch",
                            reason=(
                                "The request was made for another identity and has been "
                                "blocked for security reasons."
                            ),
                        )
                else:
                    raise KratosError(
                        403,
                        error_id="security_identity_mismatch",
                        reason=(
                            "You must restart the flow because the resumable session was "
                            "initiated by another person."
                        ),
                    )
            if session.aal_required == "aal2" and session.aal != "aal2":
                raise aal2_required(ctx)
        now = ctx.state.clock.now()
        if rec.expired or (rec.expires_at is not None and rec.expires_at <= now):
            raise expired_error(ctx, rec)
        return json_response(rec.flow)

    get_flow.__doc__ = f"GET /self-service/{kind}/flows?id=<flow id>."
    return get_flow


async def get_error(ctx: Ctx) -> web.StreamResponse:
    """GET /self-service/errors: v1 ``?id=`` (or ``?error=``), v0 ``?error=``."""
    v0 = ctx.state.api == "v0"
    error_id = (ctx.q("error") if v0 else (ctx.q("id") or ctx.q("error"))) or ""
    container = STUB_ERROR if error_id == "stub:500" else ctx.state.errors.get(error_id)
    if container is None:
        if v0 and ctx.site == "public":
            # v0.5's public getter answers every lookup failure as a CSRF problem.
            raise KratosError(403, reason=CSRF_REASON)
        raise not_found()
    if v0:
        return json_response({"id": container["id"], "errors": [container["error"]]})
    return json_response(container)


def register(router: Router, *, with_list: bool = True) -> None:
    """Add schema, flow and error routes (v0 had no schema list)."""
    if with_list:
        router.add("GET", "/schemas", list_schemas)
    router.add("GET", "/schemas/{id}", get_schema)
    for kind in FLOW_KINDS:
        router.add("GET", f"/self-service/{kind}/flows", _flow_handler(kind))
    router.add("GET", "/self-service/errors", get_error)
