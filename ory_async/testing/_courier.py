"""Courier messages: what FakeOry "sent", and Kratos's keyset page tokens for listing them."""

from __future__ import annotations

import base64
import binascii
import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ._util import NIL_UUID, Clock, IdFactory, format_time, is_uuid

MESSAGE_STATUSES = ("queued", "sent", "processing", "abandoned")
MESSAGE_TYPES = ("email", "sms")
REDACTED = "<redacted-unless-dev-mode>"
# The default (first-page) token sorts before every message: created_at far in the future.
FIRST_CREATED_AT = datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)
TOKEN_LIFETIME = timedelta(hours=1)


class TokenError(ValueError):
    """A page token Kratos would refuse; ``str()`` is its error message."""


@dataclass
class MessageRecord:
    """One stored courier message and its dispatch attempts."""

    id: str
    status: str
    type: str
    recipient: str
    subject: str
    body: str
    template_type: str
    channel: str
    send_count: int
    created_at: datetime
    updated_at: datetime
    dispatches: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, *, with_dispatches: bool, redact: bool) -> dict[str, Any]:
        """The message as Kratos renders it (``dispatches`` only when loaded and non-empty)."""
        out: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "type": self.type,
            "recipient": self.recipient,
            "body": REDACTED if redact else self.body,
            "subject": REDACTED if redact else self.subject,
            "template_type": self.template_type,
            "channel": self.channel,
            "send_count": self.send_count,
        }
        if with_dispatches and self.dispatches:
            out["dispatches"] = copy.deepcopy(self.dispatches)
        out["created_at"] = format_time(self.created_at)
        out["updated_at"] = format_time(self.updated_at)
        return out


@dataclass
class CourierStore:
    """The messages of one FakeOry, newest first when listed."""

    ids: IdFactory
    clock: Clock
    messages: dict[str, MessageRecord] = field(default_factory=dict)

    def add(
        self,
        recipient: str,
        *,
        subject: str,
        body: str,
        template_type: str,
        type: str,  # Kratos's field name
        status: str,
        channel: str,
        send_count: int,
        dispatches: list[dict[str, Any]] | None,
    ) -> MessageRecord:
        """Store a message; ``dispatches`` entries get ``id``/``message_id``/times added."""
        if status not in MESSAGE_STATUSES:
            raise ValueError(f"status must be one of {MESSAGE_STATUSES}")
        if type not in MESSAGE_TYPES:
            raise ValueError(f"type must be one of {MESSAGE_TYPES}")
        now = self.clock.now()
        rec = MessageRecord(
            id=self.ids.uuid(),
            status=status,
            type=type,
            recipient=recipient,
            subject=subject,
            body=body,
            template_type=template_type,
            channel=channel,
            send_count=send_count,
            created_at=now,
            updated_at=now,
        )
        for raw in dispatches or []:
            entry: dict[str, Any] = {
                "id": self.ids.uuid(),
                "message_id": rec.id,
                "status": raw.get("status", "success"),
            }
            if raw.get("error") is not None:
                entry["error"] = raw["error"]
            entry["created_at"] = entry["updated_at"] = format_time(now)
            rec.dispatches.append(entry)
        self.messages[rec.id] = rec
        return rec

    def ordered(self) -> list[MessageRecord]:
        """Kratos's listing order: ``created_at`` descending, then ``id`` ascending."""
        by_id = sorted(self.messages.values(), key=lambda m: m.id)
        return sorted(by_id, key=lambda m: m.created_at, reverse=True)

    # --- page tokens ----------------------------------------------------------------------

    def encode_token(self, created_at: datetime, message_id: str) -> str:
        """An opaque token for the position after ``(created_at, id)``, valid for an hour.

        Kratos seals the same JSON with an AEAD; FakeOry only encodes it (base64url with
        padding, like Go's ``base64.URLEncoding``). Clients must treat both as opaque.
        """
        payload = {
            "e": format_time(self.clock.now() + TOKEN_LIFETIME),
            "c": [
                {"n": "created_at", "o": 1, "vt": format_time(created_at)},
                {"n": "id", "vu": message_id},
            ],
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode()

    def first_token(self) -> str:
        """The default token (before the newest message)."""
        return self.encode_token(FIRST_CREATED_AT, NIL_UUID)

    def decode_token(self, token: str) -> tuple[datetime, str]:
        """``(created_at, id)`` of a token; raises :class:`TokenError` like Kratos."""
        try:
            payload = json.loads(base64.urlsafe_b64decode(token.encode()))
            expires = _parse_time(payload["e"])
            cols = {c["n"]: c for c in payload["c"]}
            created = _parse_time(cols["created_at"]["vt"])
            message_id = str(cols["id"]["vu"])
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            raise TokenError("invalid pagination token") from None
        if not is_uuid(message_id) or len(payload["c"]) != 2:
            raise TokenError("invalid pagination token")
        if expires < self.clock.now():
            raise TokenError("page token expired, do not persist page tokens")
        return created, message_id


def _parse_time(text: Any) -> datetime:
    if not isinstance(text, str):
        raise TypeError(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
