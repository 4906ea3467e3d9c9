"""aiohttp handlers for Ory Actions web hooks.

::

    from aiohttp import web
    from ory_async.webhooks.aiohttp import webhook_handler

    app = web.Application()
    app.router.add_post("/hooks/login", webhook_handler(on_login, auth=auth))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from aiohttp import web

from ._auth import WebhookAuth
from ._core import (
    Answer,
    PasswordCheck,
    WebhookHandler,
    answer_password_migration,
    answer_webhook,
)
from ._replies import WebhookReply

__all__ = ["password_migration_handler", "to_response", "webhook_handler"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def to_response(reply: WebhookReply) -> web.Response:
    """The aiohttp response for a reply."""
    if reply.body is None:
        return web.Response(status=reply.status)
    return web.Response(status=reply.status, body=reply.content(), content_type="application/json")


def webhook_handler(handler: WebhookHandler, *, auth: WebhookAuth | None = None) -> Handler:
    """A handler that checks ``auth``, decodes the payload and answers with ``handler``'s reply."""
    return _serving(partial(answer_webhook, handler=handler, auth=auth))


def password_migration_handler(check: PasswordCheck, *, auth: WebhookAuth | None = None) -> Handler:
    """A handler for Kratos's password-migration hook: ``check`` says whether it matches."""
    return _serving(partial(answer_password_migration, check=check, auth=auth))


def _serving(answer: Answer) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return to_response(await answer(await request.read(), request.headers, request.cookies))

    return handle
