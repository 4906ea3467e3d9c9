"""What a web hook answers Kratos: go on, change the identity, stop, or judge a password.

Kratos reads a hook's answer only when the hook is configured with
``response.parse: true`` (and, to stop a flow, ``can_interrupt: true``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import orjson

from .._markers import UNSET, Unset
from ..models.common import JsonObject, JsonValue

__all__ = [
    "WebhookMessage",
    "WebhookReply",
    "interrupt",
    "modify",
    "password_match",
    "password_mismatch",
    "proceed",
]

GENERIC_VALIDATION_ID: Final = 4000001
"""Kratos's id for a validation message without a catalogue entry of its own."""


@attrs.frozen(kw_only=True, slots=True)
class WebhookMessage:
    """One message shown to the user.

    ``text`` is what it says, ``id`` its catalogue number (for translations), ``type``
    ``"error"`` or ``"info"``, ``context`` the values filled into it.
    """

    text: str
    id: int = GENERIC_VALIDATION_ID
    type: str = "error"
    context: JsonObject | None = None

    def to_json(self) -> dict[str, Any]:
        """The message as Kratos reads it."""
        out: dict[str, Any] = {"id": self.id, "text": self.text, "type": self.type}
        if self.context is not None:
            out["context"] = dict(self.context)
        return out


@attrs.frozen(slots=True)
class WebhookReply:
    """An HTTP answer for Kratos: ``status`` and the JSON ``body`` (``None``: no body)."""

    status: int
    body: JsonValue = None

    def content(self) -> bytes:
        """The body as bytes (empty when there is none)."""
        return b"" if self.body is None else orjson.dumps(self.body)


def proceed() -> WebhookReply:
    """Let the flow go on unchanged (204)."""
    return WebhookReply(204)


def interrupt(
    messages: Mapping[str, str | WebhookMessage | Sequence[str | WebhookMessage]],
    *,
    status: int = 400,
) -> WebhookReply:
    """Stop the flow and show messages, by field (a hook with ``can_interrupt: true``).

    ``messages`` maps a JSON pointer into the submitted form to what to say there:
    ``{"#/traits/email": "This address is not allowed"}``; ``"#/"`` (or ``""``) is the
    form as a whole. A plain string is an error message with the generic id 4000001.
    Kratos answers the user with the flow and these messages, as for any validation
    error.

    Raises:
        ValueError: no messages, a pointer that does not start with ``#``, or a status
            below 400 (Kratos reads only 4xx and 5xx answers as an interruption).
    """
    if not messages:
        msg = "interrupt() needs at least one message"
        raise ValueError(msg)
    if status < 400 or status > 599:
        msg = f"an interrupting reply needs a 4xx or 5xx status, got {status}"
        raise ValueError(msg)
    entries = []
    for pointer, value in messages.items():
        ptr = pointer or "#/"
        if not ptr.startswith("#"):
            msg = f'instance pointers start with "#" (e.g. "#/traits/email"), got {pointer!r}'
            raise ValueError(msg)
        items = [value] if isinstance(value, str | WebhookMessage) else list(value)
        if not items:
            msg = f"no message for {pointer!r}"
            raise ValueError(msg)
        detailed = [
            (WebhookMessage(text=item) if isinstance(item, str) else item).to_json()
            for item in items
        ]
        entries.append({"instance_ptr": ptr, "messages": detailed})
    return WebhookReply(status, {"messages": entries})


def modify(
    *,
    traits: JsonObject | Unset = UNSET,
    metadata_public: JsonValue | Unset = UNSET,
    metadata_admin: JsonValue | Unset = UNSET,
    state: str | Unset = UNSET,
    schema_id: str | Unset = UNSET,
    verifiable_addresses: list[JsonObject] | Unset = UNSET,
    recovery_addresses: list[JsonObject] | Unset = UNSET,
) -> WebhookReply:
    """Change the identity before Kratos stores it.

    For a registration or settings hook that runs before persisting, with
    ``response.parse: true``. Only what is given is sent; Kratos replaces each of these fields whole and keeps the
    rest. Empty values are ignored by Kratos, so a field cannot be cleared this way.

    Raises:
        ValueError: nothing to change.
    """
    given = {
        "traits": traits,
        "metadata_public": metadata_public,
        "metadata_admin": metadata_admin,
        "state": state,
        "schema_id": schema_id,
        "verifiable_addresses": verifiable_addresses,
        "recovery_addresses": recovery_addresses,
    }
    identity = {k: v for k, v in given.items() if not isinstance(v, Unset)}
    if not identity:
        msg = "modify() needs at least one field to change"
        raise ValueError(msg)
    return WebhookReply(200, {"identity": identity})


def password_match() -> WebhookReply:
    """The migrated password is right: Kratos stores its hash and signs the user in."""
    return WebhookReply(200, {"status": "password_match"})


def password_mismatch() -> WebhookReply:
    """The migrated password is wrong: Kratos answers "invalid credentials" (403 here)."""
    return WebhookReply(403, {"status": "password_mismatch"})
