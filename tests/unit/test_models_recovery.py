from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest

from ory_async import _serde
from ory_async.models import (
    UNSET,
    CreateRecoveryCodeForIdentityBody,
    CreateRecoveryLinkForIdentityBody,
    FlowType,
    RecoveryCodeForIdentity,
    RecoveryLinkForIdentity,
)

IDENT = "a251ebc2-880c-4f76-a8f3-38e6940eab0e"


def body(obj: Any) -> Any:
    return orjson.loads(_serde.encode(obj))


def test_code_body_without_options_sends_only_the_identity() -> None:
    assert body(CreateRecoveryCodeForIdentityBody(identity_id=IDENT)) == {"identity_id": IDENT}


def test_code_body_renders_timedelta_as_go_duration() -> None:
    b = CreateRecoveryCodeForIdentityBody(
        identity_id=IDENT, expires_in=timedelta(minutes=90), flow_type=FlowType.API
    )
    assert b.expires_in == "1h30m0s"
    assert body(b) == {"identity_id": IDENT, "expires_in": "1h30m0s", "flow_type": "api"}


@pytest.mark.parametrize("value", ["1h", "1.5h", "500ms", "1m30s"])
def test_link_body_passes_go_duration_strings(value: str) -> None:
    b = CreateRecoveryLinkForIdentityBody(identity_id=IDENT, expires_in=value)
    assert body(b) == {"identity_id": IDENT, "expires_in": value}


@pytest.mark.parametrize("value", ["1d", "h", "", timedelta(0), timedelta(hours=-1)])
def test_bad_durations_fail_at_construction(value: timedelta | str) -> None:
    with pytest.raises(ValueError, match="duration"):
        CreateRecoveryCodeForIdentityBody(identity_id=IDENT, expires_in=value)
    with pytest.raises(ValueError, match="duration"):
        CreateRecoveryLinkForIdentityBody(identity_id=IDENT, expires_in=value)


def test_unset_expires_in_stays_unset() -> None:
    assert CreateRecoveryLinkForIdentityBody(identity_id=IDENT).expires_in is UNSET


def test_recovery_answers_decode() -> None:
    code = _serde.decode(
        b'{"recovery_link":"https://x/ui/recovery?flow=f","recovery_code":"123456",'
        b'"expires_at":"2024-01-01T00:00:00.123456789Z"}',
        RecoveryCodeForIdentity,
    )
    assert code.recovery_code == "123456"
    assert code.expires_at is not None
    assert code.expires_at.tzinfo is not None
    link = _serde.decode(b'{"recovery_link":"https://x/l"}', RecoveryLinkForIdentity)
    assert link.expires_at is None
