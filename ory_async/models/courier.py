"""Courier messages: the emails and SMS the server sends (recovery, verification, codes).

Outside development mode the server replaces ``body`` and ``subject`` with
``<redacted-unless-dev-mode>``.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from .._serde import OpenEnum
from .common import JsonValue

__all__ = [
    "CourierMessageStatus",
    "CourierMessageTemplateType",
    "CourierMessageType",
    "Message",
    "MessageChannel",
    "MessageDispatch",
    "MessageDispatchStatus",
]


class CourierMessageStatus(OpenEnum):
    """Where a message is in its delivery; also the ``status`` filter of ``courier.list``."""

    QUEUED = "queued"
    SENT = "sent"
    PROCESSING = "processing"
    ABANDONED = "abandoned"


class CourierMessageType(OpenEnum):
    """How a message travels.

    The server sends ``email`` or ``sms``; the API spec names the second ``phone``, which
    no server sends (it decodes as a plain ``str``).
    """

    EMAIL = "email"
    SMS = "sms"


class MessageChannel(OpenEnum):
    """The courier channel a message went out on.

    ``email``, ``sms``, or the id of a channel configured on the server (a plain ``str``).
    """

    EMAIL = "email"
    SMS = "sms"


class CourierMessageTemplateType(OpenEnum):
    """The template a message was rendered from."""

    RECOVERY_INVALID = "recovery_invalid"
    RECOVERY_VALID = "recovery_valid"
    RECOVERY_CODE_INVALID = "recovery_code_invalid"
    RECOVERY_CODE_VALID = "recovery_code_valid"
    VERIFICATION_INVALID = "verification_invalid"
    VERIFICATION_VALID = "verification_valid"
    VERIFICATION_CODE_INVALID = "verification_code_invalid"
    VERIFICATION_CODE_VALID = "verification_code_valid"
    STUB = "stub"
    LOGIN_CODE_VALID = "login_code_valid"
    REGISTRATION_CODE_VALID = "registration_code_valid"
    VERIFIABLE_ADDRESS_CHANGED = "verifiable_address_changed"
    AUTHENTICATOR_KEY_ADDED = "authenticator_key_added"


class MessageDispatchStatus(OpenEnum):
    """The outcome of one delivery attempt."""

    FAILED = "failed"
    SUCCESS = "success"


@attrs.frozen(kw_only=True, slots=True)
class MessageDispatch:
    """One attempt to deliver a message.

    ``error`` is the delivery error as the server stored it (any JSON), present only when
    the attempt failed.
    """

    id: str
    message_id: str | None = None
    status: MessageDispatchStatus | str | None = None
    error: JsonValue = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class Message:
    """A courier message and its delivery attempts (newest first).

    ``dispatches`` is ``[]`` when the server has not tried to deliver it yet (it omits the
    key then). ``channel`` is ``None`` for messages queued before channels existed.
    """

    id: str
    status: CourierMessageStatus | str | None = None
    type: CourierMessageType | str | None = None
    recipient: str | None = None
    body: str | None = None
    subject: str | None = None
    template_type: CourierMessageTemplateType | str | None = None
    channel: MessageChannel | str | None = None
    send_count: int | None = None
    dispatches: list[MessageDispatch] = attrs.field(factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
