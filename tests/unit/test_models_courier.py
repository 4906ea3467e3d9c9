"""Courier messages and bulk session management decode as the server sends them."""

from __future__ import annotations

from datetime import UTC, datetime

from ory_async import _serde
from ory_async.models import (
    CourierMessageStatus,
    CourierMessageTemplateType,
    CourierMessageType,
    ManageSessionsAction,
    ManageSessionsBody,
    ManageSessionsResponse,
    Message,
    MessageChannel,
    MessageDispatch,
    MessageDispatchStatus,
)

MESSAGE = b"""{
  "id": "a5d8a5d8-0a3b-4f1e-9d4c-3a1e2b3c4d5e",
  "status": "abandoned",
  "type": "email",
  "recipient": "user@example.com",
  "body": "<redacted-unless-dev-mode>",
  "subject": "<redacted-unless-dev-mode>",
  "template_type": "recovery_code_valid",
  "channel": "email",
  "send_count": 3,
  "dispatches": [
    {"id": "d1", "message_id": "a5d8a5d8-0a3b-4f1e-9d4c-3a1e2b3c4d5e", "status": "failed",
     "error": {"reason": "dial tcp: connection refused"},
     "created_at": "2024-05-01T10:00:01.123456789Z", "updated_at": "2024-05-01T10:00:01Z"}
  ],
  "created_at": "2024-05-01T10:00:00Z",
  "updated_at": "2024-05-01T10:00:02Z"
}"""


def test_message_with_a_failed_dispatch() -> None:
    message = _serde.decode(MESSAGE, Message, strict=True)
    assert message.status is CourierMessageStatus.ABANDONED
    assert message.type is CourierMessageType.EMAIL
    assert message.template_type is CourierMessageTemplateType.RECOVERY_CODE_VALID
    assert message.channel is MessageChannel.EMAIL
    assert message.send_count == 3
    assert message.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    [dispatch] = message.dispatches
    assert isinstance(dispatch, MessageDispatch)
    assert dispatch.status is MessageDispatchStatus.FAILED
    assert dispatch.error == {"reason": "dial tcp: connection refused"}
    assert dispatch.created_at == datetime(2024, 5, 1, 10, 0, 1, 123456, tzinfo=UTC)


def test_message_without_dispatches_and_with_values_from_a_newer_server() -> None:
    message = _serde.decode(
        b'{"id":"m","status":"held","type":"phone","template_type":"login_code_valid_sms",'
        b'"channel":null}',
        Message,
    )
    assert message.dispatches == []
    assert message.channel is None
    for value, expected in ((message.status, "held"), (message.type, "phone")):
        assert type(value) is str
        assert value == expected
    assert message.template_type == "login_code_valid_sms"


def test_manage_sessions_body_leaves_out_the_unused_field() -> None:
    body = ManageSessionsBody(action=ManageSessionsAction.DELETE, identities=["*"])
    assert _serde.unstructure(body) == {"action": "delete", "identities": ["*"]}


def test_manage_sessions_response_defaults() -> None:
    assert _serde.decode(b'{"processed":7}', ManageSessionsResponse) == ManageSessionsResponse(
        processed=7, more=False
    )
