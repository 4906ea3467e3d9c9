"""One way to answer a hook request, whatever the web framework: check, decode, ask, reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeAlias

from ..errors import DecodeError
from ._auth import WebhookAuth
from ._payloads import (
    PasswordMigrationRequest,
    WebhookPayload,
    parse_password_migration,
    parse_payload,
)
from ._replies import WebhookReply, password_match, password_mismatch, proceed

__all__ = [
    "PasswordCheck",
    "WebhookHandler",
    "answer_password_migration",
    "answer_webhook",
]

WebhookHandler: TypeAlias = Callable[[WebhookPayload], Awaitable[WebhookReply | None]]
"""Your code for a hook: gets the payload, returns a reply (``None``: go on unchanged)."""
PasswordCheck: TypeAlias = Callable[[PasswordMigrationRequest], Awaitable[bool | WebhookReply]]
"""Your code for password migration: ``True`` when the password is right."""

UNAUTHORIZED = WebhookReply(401, {"error": "the request does not carry the web hook's secret"})


def _bad_body(exc: DecodeError) -> WebhookReply:
    return WebhookReply(400, {"error": f"the body is not a web hook payload: {exc}"})


async def answer_webhook(
    body: bytes,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    handler: WebhookHandler,
    auth: WebhookAuth | None,
) -> WebhookReply:
    """Check ``auth``, decode the payload and return what ``handler`` says (401/400 before)."""
    if auth is not None and not auth.check(headers, cookies):
        return UNAUTHORIZED
    try:
        payload = parse_payload(body)
    except DecodeError as exc:
        return _bad_body(exc)
    reply = await handler(payload)
    return proceed() if reply is None else reply


async def answer_password_migration(
    body: bytes,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    check: PasswordCheck,
    auth: WebhookAuth | None,
) -> WebhookReply:
    """Check ``auth``, decode ``{identifier, password}`` and answer match or mismatch."""
    if auth is not None and not auth.check(headers, cookies):
        return UNAUTHORIZED
    try:
        request = parse_password_migration(body)
    except DecodeError as exc:
        return _bad_body(exc)
    verdict = await check(request)
    if isinstance(verdict, WebhookReply):
        return verdict
    return password_match() if verdict is True else password_mismatch()
