from __future__ import annotations

from datetime import UTC, datetime

import orjson

from ory_async import _serde
from ory_async.models import (
    AuthenticatorAssuranceLevel,
    BatchPatchIdentitiesResponse,
    CredentialType,
    IdentityPatchAction,
    Session,
    SessionAuthenticationMethod,
)


def test_unexpanded_session_has_null_identity_and_devices() -> None:
    session = _serde.decode(
        b'{"id":"s","active":true,"identity":null,"devices":null,"authentication_methods":null}',
        Session,
        strict=True,
    )
    assert session.identity is None
    assert session.devices == []
    assert session.authentication_methods == []


def test_migrated_amr_with_empty_aal_and_zero_time_decodes() -> None:
    amr = _serde.decode(
        b'{"method":"v0.6_legacy_session","aal":"","completed_at":"0001-01-01T00:00:00Z"}',
        SessionAuthenticationMethod,
    )
    assert amr.aal == ""
    assert type(amr.aal) is str
    assert amr.method == "v0.6_legacy_session"
    assert amr.completed_at == datetime(1, 1, 1, tzinfo=UTC)
    assert _serde.decode(_serde.encode(amr), SessionAuthenticationMethod) == amr


def test_known_aal_and_method_are_enum_members() -> None:
    amr = _serde.decode(
        b'{"method":"password","aal":"aal1","completed_at":"2023-01-25T13:26:48.479019279Z"}',
        SessionAuthenticationMethod,
    )
    assert amr.aal is AuthenticatorAssuranceLevel.AAL1
    assert amr.method is CredentialType.PASSWORD
    assert amr.completed_at == datetime(2023, 1, 25, 13, 26, 48, 479019, tzinfo=UTC)


def test_v0_session_decodes_with_the_same_model() -> None:
    session = _serde.decode(
        orjson.dumps(
            {
                "id": "s",
                "active": True,
                "expires_at": "2013-10-07T08:23:19Z",
                "identity": {"id": "i", "schema_id": "default", "traits": {}},
            }
        ),
        Session,
    )
    assert session.authenticator_assurance_level is None
    assert session.identity is not None
    assert session.identity.id == "i"


def test_batch_response_may_hold_null_entries() -> None:
    result = _serde.decode(
        orjson.dumps(
            {
                "identities": [
                    {"action": "create", "identity": "i1", "patch_id": "p1"},
                    None,
                    {
                        "action": "error",
                        "patch_id": "p3",
                        "error": {"code": 409, "status": "Conflict", "reason": "dup"},
                    },
                    {"action": "skip"},
                ]
            }
        ),
        BatchPatchIdentitiesResponse,
        strict=True,
    )
    first, second, third, fourth = result.identities
    assert first is not None
    assert first.action is IdentityPatchAction.CREATE
    assert second is None
    assert third is not None
    assert third.error is not None
    assert third.error.code == 409
    assert fourth is not None
    assert fourth.action == "skip"
