"""Ory Actions web hooks: what Kratos sends, what to answer, and who may call.

Kratos calls your app before or after registration, login and settings (``web_hook``
actions), and to check the passwords of identities imported with
``use_password_migration_hook``. This package reads those calls and builds the answers::

    from ory_async.webhooks import WebhookPayload, interrupt, modify, ApiKeyAuth
    from ory_async.webhooks.fastapi import webhook_endpoint

    async def on_registration(payload: WebhookPayload):
        email = payload.identity.traits["email"] if payload.identity else ""
        if email.endswith("@blocked.example"):
            return interrupt({"#/traits/email": "This address is not allowed"})
        return modify(metadata_public={"plan": "free"})

    app.post("/hooks/registration")(
        webhook_endpoint(on_registration, auth=ApiKeyAuth("X-Hook-Key", secret))
    )

Ready handlers exist for FastAPI (:mod:`ory_async.webhooks.fastapi`), Starlette
(:mod:`ory_async.webhooks.starlette`) and aiohttp (:mod:`ory_async.webhooks.aiohttp`);
:func:`answer_webhook` serves any other framework.
"""

from ._auth import ApiKeyAuth, BasicAuth, WebhookAuth
from ._core import PasswordCheck, WebhookHandler, answer_password_migration, answer_webhook
from ._payloads import (
    PasswordMigrationRequest,
    WebhookFlow,
    WebhookPayload,
    parse_password_migration,
    parse_payload,
)
from ._replies import (
    WebhookMessage,
    WebhookReply,
    interrupt,
    modify,
    password_match,
    password_mismatch,
    proceed,
)

__all__ = [
    "ApiKeyAuth",
    "BasicAuth",
    "PasswordCheck",
    "PasswordMigrationRequest",
    "WebhookAuth",
    "WebhookFlow",
    "WebhookHandler",
    "WebhookMessage",
    "WebhookPayload",
    "WebhookReply",
    "answer_password_migration",
    "answer_webhook",
    "interrupt",
    "modify",
    "parse_password_migration",
    "parse_payload",
    "password_match",
    "password_mismatch",
    "proceed",
]
