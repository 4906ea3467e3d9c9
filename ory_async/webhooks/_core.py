"""One way to answer a hook request, whatever the web framework: check, decode, ask, reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeAlias, TypeVar

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

T = TypeVar("T")

WebhookHandler: TypeAlias = Callable[[WebhookPayload], Awaitable[WebhookReply | None]]
"""Your code for a hook: gets the payload, returns a reply (``None``: go on unchanged)."""
PasswordCheck: TypeAlias = Callable[[PasswordMigrationRequest], Awaitable[bool | WebhookReply]]
"""Your code for password migration: ``True`` when the password is right."""

Answer: TypeAlias = Callable[[bytes, Mapping[str, str], Mapping[str, str]], Awaitable[WebhookReply]]
"""A hook answered from a request's body, headers and cookies (what each framework reads)."""

UNAUTHORIZED = WebhookReply(401, {"error": "the request does not carry the web hook's secret"})


def _checked(
    parse: Callable[[bytes], T],
    body: bytes,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    auth: WebhookAuth | None,
) -> T | WebhookReply:
    """The decoded request, or the 401 or 400 that is answered before any of your code runs."""
    if auth is not None and not auth.check(headers, cookies):
        return UNAUTHORIZED
    try:
        return parse(body)
    except DecodeError as exc:
        return WebhookReply(400, {"error": f"the body is not a web hook payload: {exc}"})


async def answer_webhook(
    body: bytes,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    handler: WebhookHandler,
    auth: WebhookAuth | None,
) -> WebhookReply:
    """Check ``auth``, decode the payload and return what ``handler`` says (401/400 before)."""
    payload = _checked(parse_payload, body, headers, cookies, auth)
    if isinstance(payload, WebhookReply):
        return payload
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
    request = _checked(parse_password_migration, body, headers, cookies, auth)
    if isinstance(request, WebhookReply):
        return request
    verdict = await check(request)
    if isinstance(verdict, WebhookReply):
        return verdict
    return password_match() if verdict is True else password_mismatch()
