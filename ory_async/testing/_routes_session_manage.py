"""POST /admin/sessions: disable or delete sessions in bulk (by identity, by id, or all)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ._errors import bad_request, json_response
from ._router import Ctx, Router
from ._state import FakeState, SessionRecord
from ._util import go_quote, parse_uuid

MAX_IDS = 500
WILDCARD = "*"
_GO_TYPES = {bool: "bool", int: "number", float: "number", str: "string", list: "array"}


def _go_kind(value: Any) -> str:
    return _GO_TYPES.get(type(value), "object")


def _decode(raw: bytes) -> tuple[str, list[str], list[str]]:
    """Decode the body as Go's ``json.Decoder`` would into ``ManageSessionsBody``."""

    def invalid(message: str) -> Exception:
        return bad_request("Invalid JSON body.", message=message)

    if not raw.strip():
        raise invalid("EOF")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("invalid character looking for beginning of value") from None
    if body is None:
        return "", [], []
    if not isinstance(body, dict):
        raise invalid(
            f"json: cannot unmarshal {_go_kind(body)} into Go value of type "
            "session.ManageSessionsBody"
        )
    action = body.get("action")
    if action is not None and not isinstance(action, str):
        raise invalid(
            f"json: cannot unmarshal {_go_kind(action)} into Go struct field "
            "ManageSessionsBody.action of type session.ManageSessionsAction"
        )
    lists: list[list[str]] = []
    for key in ("identities", "sessions"):
        value = body.get(key)
        if value is None:
            lists.append([])
            continue
        if not isinstance(value, list):
            raise invalid(
                f"json: cannot unmarshal {_go_kind(value)} into Go struct field "
                f"ManageSessionsBody.{key} of type []string"
            )
        for item in value:
            if not isinstance(item, str):
                raise invalid(
                    f"json: cannot unmarshal {_go_kind(item)} into Go struct field "
                    f"ManageSessionsBody.{key} of type string"
                )
        lists.append(value)
    return action or "", lists[0], lists[1]


def _parse_ids(raw: list[str]) -> set[str]:
    """Explicit UUIDs; raises ``ValueError`` with Kratos's text."""
    if len(raw) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} IDs may be provided per call")
    out = set()
    for item in raw:
        if item == WILDCARD:
            raise ValueError("the wildcard '*' is not accepted here")
        try:
            out.add(parse_uuid(item))
        except ValueError as exc:
            raise ValueError(f"could not parse {go_quote(item)} as UUID: {exc}") from None
    return out


def _apply(state: FakeState, action: str, rows: list[SessionRecord]) -> int:
    """Disable (only active ones count) or delete ``rows``; the number processed."""
    if action == "disable":
        rows = [r for r in rows if r.active]
        for rec in rows:
            rec.active = False
    else:
        for rec in rows:
            del state.sessions[rec.id]
    return len(rows)


async def manage_sessions(ctx: Ctx) -> web.StreamResponse:
    """POST /admin/sessions: 200 ``{"processed": N, "more": bool}``."""
    state = ctx.state
    action, identities, sessions = _decode(await ctx.request.read())
    if action not in ("disable", "delete"):
        raise bad_request("The 'action' field must be one of 'disable' or 'delete'.")
    if bool(identities) == bool(sessions):
        raise bad_request("Exactly one of 'identities' or 'sessions' must be a non-empty array.")
    if identities == [WILDCARD]:
        limit = state.manage_sessions_batch_size
        pool = [r for r in state.sessions.values() if action == "delete" or r.active]
        processed = _apply(state, action, pool[:limit])
        return json_response({"processed": processed, "more": processed == limit})
    field = "identities" if identities else "sessions"
    try:
        wanted = _parse_ids(identities or sessions)
    except ValueError as exc:
        raise bad_request(f"Could not parse '{field}' field: {exc}") from None
    if identities:
        rows = [r for r in state.sessions.values() if r.identity_id in wanted]
    else:
        rows = [r for r in state.sessions.values() if r.id in wanted]
    return json_response({"processed": _apply(state, action, rows), "more": False})


def register(router: Router) -> None:
    """Add the bulk route."""
    router.add("POST", "/admin/sessions", manage_sessions)
