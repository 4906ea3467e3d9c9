"""Starlette endpoints for Ory Actions web hooks.

::

    from starlette.applications import Starlette
    from starlette.routing import Route
    from ory_async.webhooks.starlette import webhook_endpoint

    app = Starlette(routes=[Route("/hooks/login", webhook_endpoint(on_login), methods=["POST"])])

Needs Starlette (``pip install 'ory-async[fastapi]'`` brings it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

try:
    from starlette.requests import Request
    from starlette.responses import Response
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "ory_async.webhooks.starlette needs Starlette: pip install 'ory-async[fastapi]'"
    raise ImportError(msg) from exc

from ._auth import WebhookAuth
from ._core import (
    Answer,
    PasswordCheck,
    WebhookHandler,
    answer_password_migration,
    answer_webhook,
)
from ._replies import WebhookReply

__all__ = ["password_migration_endpoint", "to_response", "webhook_endpoint"]

Endpoint = Callable[[Request], Awaitable[Response]]


def to_response(reply: WebhookReply) -> Response:
    """The Starlette response for a reply."""
    if reply.body is None:
        return Response(status_code=reply.status)
    return Response(reply.content(), status_code=reply.status, media_type="application/json")


def webhook_endpoint(handler: WebhookHandler, *, auth: WebhookAuth | None = None) -> Endpoint:
    """An endpoint that checks ``auth``, decodes the payload and answers with ``handler``'s reply.

    A request without the secret gets 401 and a body that is not a payload 400, before
    ``handler`` runs.
    """
    return _serving(partial(answer_webhook, handler=handler, auth=auth))


def password_migration_endpoint(
    check: PasswordCheck, *, auth: WebhookAuth | None = None
) -> Endpoint:
    """An endpoint for Kratos's password-migration hook: ``check`` says whether it matches."""
    return _serving(partial(answer_password_migration, check=check, auth=auth))


def _serving(answer: Answer) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        return to_response(await answer(await request.body(), request.headers, request.cookies))

    return endpoint
