"""What Kratos sends to a web hook: the flow's context, or a password to check."""

from __future__ import annotations

import attrs

from .. import _serde
from ..models import Identity, Session
from ..models.common import JsonObject, JsonValue
from ..models.ui import UiContainer

__all__ = ["PasswordMigrationRequest", "WebhookFlow", "WebhookPayload", "parse_payload"]


@attrs.frozen(kw_only=True, slots=True)
class WebhookFlow:
    """The flow a hook runs in (login, registration, settings, recovery or verification).

    ``type`` is ``"api"`` or ``"browser"``; ``active`` the method in use (``password``,
    ``oidc``, ``code``, ...); ``transient_payload`` what the app sent along with the
    submission for its hooks.
    """

    id: str
    type: str | None = None
    active: str | None = None
    state: str | None = None
    request_url: str | None = None
    return_to: str | None = None
    organization_id: str | None = None
    identity_schema: str | None = None
    transient_payload: JsonValue = None
    ui: UiContainer | None = None


@attrs.frozen(kw_only=True, slots=True)
class WebhookPayload:
    """The body of Kratos's ``web_hook`` action with the Jsonnet ``function(ctx) ctx``.

    ``identity`` is the identity the flow is about (before it is stored, in a
    registration hook that may still change it); ``session`` is set in the hooks that run
    after a sign-in. ``request_headers`` maps each header of the user's request to its
    values; ``request_cookies`` maps cookie names to values. A Jsonnet body of your own
    may send other keys: read them with :func:`parse_payload` into your own model.
    """

    flow: WebhookFlow | None = None
    identity: Identity | None = None
    session: Session | None = None
    # The user's headers and cookies carry their session: never in a repr or a log line.
    request_headers: dict[str, list[str]] = attrs.field(factory=dict, repr=False)
    request_method: str | None = None
    request_url: str | None = None
    request_cookies: dict[str, str] = attrs.field(factory=dict, repr=False)
    transient_payload: JsonObject | None = None

    def header(self, name: str) -> str | None:
        """The first value of a header of the user's request (case-insensitive), or None."""
        wanted = name.lower()
        for key, values in self.request_headers.items():
            if key.lower() == wanted and values:
                return values[0]
        return None


@attrs.frozen(kw_only=True, slots=True)
class PasswordMigrationRequest:
    """What Kratos's password-migration hook asks: does ``password`` belong to ``identifier``?

    Kratos sends it when an identity imported with ``use_password_migration_hook`` signs
    in for the first time; answer with :func:`~ory_async.webhooks.password_match` (Kratos
    stores the password's hash and never asks again) or
    :func:`~ory_async.webhooks.password_mismatch`.
    """

    identifier: str
    password: str = attrs.field(repr=False)


def parse_payload(body: bytes, into: type[WebhookPayload] = WebhookPayload) -> WebhookPayload:
    """Decode a hook's JSON body (``DecodeError`` when it is not what ``into`` expects)."""
    return _serde.decode(body, into, context="web hook payload")


def parse_password_migration(body: bytes) -> PasswordMigrationRequest:
    """Decode a password-migration hook's body ``{"identifier", "password"}``."""
    return _serde.decode(body, PasswordMigrationRequest, context="password migration payload")
