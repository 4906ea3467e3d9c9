"""Courier routes: list messages (keyset, encrypted-style tokens) and get one message."""

from __future__ import annotations

from aiohttp import web

from ._courier import MESSAGE_STATUSES, TokenError
from ._errors import KratosError, bad_request, json_response, not_found
from ._router import Ctx, Router
from ._util import go_atoi, go_encode_query, parse_uuid, set_query

DEFAULT_SIZE = 10
MAX_SIZE = 500


def _page_size(raw: str) -> int:
    try:
        size = go_atoi(raw)
    except ValueError as exc:
        # Kratos hands the bare strconv error to its error writer, which keeps the HTTP
        # status 400 but fills the body's code as 500 and leaves out the status text.
        raise KratosError(500, message=str(exc), http_status=400) from None
    if size <= 0:
        return DEFAULT_SIZE
    return min(size, MAX_SIZE)


async def list_messages(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/courier/messages: ``status``/``recipient`` filters, newest first."""
    courier = ctx.state.courier
    status = None
    if ctx.has("status"):
        status = ctx.q("status") or ""
        if status not in MESSAGE_STATUSES:
            raise bad_request("Message status is not valid")
    token = next((v for v in ctx.q_all("page_token") if v), "")
    after = None
    if token:
        try:
            after = courier.decode_token(token)
        except TokenError as exc:
            raise bad_request(message=str(exc)) from None
    raw_size = next((v for v in ctx.q_all("page_size") if v), "")
    size = _page_size(raw_size) if raw_size else DEFAULT_SIZE
    recipient = ctx.q("recipient") or ""
    rows = [
        m
        for m in courier.ordered()
        if (status is None or m.status == status) and (not recipient or m.recipient == recipient)
    ]
    if after is not None:
        created, mid = after
        rows = [
            m for m in rows if m.created_at < created or (m.created_at == created and m.id > mid)
        ]
    page, more = rows[:size], len(rows) > size
    parts = [_link(ctx, "first", courier.first_token(), size)]
    if more:
        parts.append(
            _link(ctx, "next", courier.encode_token(page[-1].created_at, page[-1].id), size)
        )
    redact = not ctx.state.dev_mode
    body = [m.to_json(with_dispatches=False, redact=redact) for m in page]
    return json_response(body, headers={"Link": ",".join(parts)})


def _link(ctx: Ctx, rel: str, token: str, size: int) -> str:
    query = set_query(list(ctx.query), page_token=token, page_size=str(size))
    return f'<{ctx.path}?{go_encode_query(query)}>; rel="{rel}"'


async def get_message(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/courier/messages/{id}: the message with its dispatches."""
    try:
        message_id = parse_uuid(ctx.params["id"])
    except ValueError as exc:
        raise KratosError(400, message=str(exc)) from None
    rec = ctx.state.courier.messages.get(message_id)
    if rec is None:
        raise not_found()
    return json_response(rec.to_json(with_dispatches=True, redact=not ctx.state.dev_mode))


def register(router: Router) -> None:
    """Add the v1 admin courier routes."""
    router.add("GET", "/admin/courier/messages", list_messages)
    router.add("GET", "/admin/courier/messages/{id}", get_message)
