from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from ory_async import _serde
from ory_async.errors import DecodeError
from ory_async.models import (
    UNSET,
    BatchPatchIdentitiesBody,
    CreateIdentityBody,
    CredentialType,
    Identity,
    IdentityCredentials,
    IdentityPatch,
    IdentityState,
    IdentityWithCredentials,
    IdentityWithCredentialsOidc,
    IdentityWithCredentialsOidcConfig,
    IdentityWithCredentialsOidcConfigProvider,
    IdentityWithCredentialsPassword,
    IdentityWithCredentialsPasswordConfig,
    JsonPatch,
    UpdateIdentityBody,
    VerifiableAddressStatus,
    VerifiableIdentityAddress,
)


def body(obj: Any) -> Any:
    return orjson.loads(_serde.encode(obj))


# --- JsonPatch ---------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["add", "replace"])
def test_json_patch_add_and_replace_send_value(op: str) -> None:
    assert body(JsonPatch(op=op, path="/state", value="inactive")) == {
        "op": op,
        "path": "/state",
        "value": "inactive",
    }


def test_json_patch_value_none_sends_null() -> None:
    assert body(JsonPatch(op="replace", path="/metadata_public", value=None)) == {
        "op": "replace",
        "path": "/metadata_public",
        "value": None,
    }


def test_json_patch_remove_has_no_value() -> None:
    assert body(JsonPatch(op="remove", path="/traits/nickname")) == {
        "op": "remove",
        "path": "/traits/nickname",
    }


@pytest.mark.parametrize("op", ["move", "copy", "test", "ADD", ""])
def test_json_patch_rejects_ops_the_server_refuses(op: str) -> None:
    with pytest.raises(ValueError, match="not supported"):
        JsonPatch(op=op, path="/state", value="x")


@pytest.mark.parametrize("path", ["state", "", "traits/email", " /state"])
def test_json_patch_path_must_be_a_pointer(path: str) -> None:
    with pytest.raises(ValueError, match="start"):
        JsonPatch(op="replace", path=path, value="x")


def test_json_patch_value_rules() -> None:
    with pytest.raises(ValueError, match="needs a value"):
        JsonPatch(op="add", path="/traits/x")
    with pytest.raises(ValueError, match="takes no value"):
        JsonPatch(op="remove", path="/traits/x", value=1)


# --- request bodies ------------------------------------------------------------------------


def test_create_body_sends_only_what_was_set() -> None:
    assert body(CreateIdentityBody(schema_id="default", traits={"email": "a@example.com"})) == {
        "schema_id": "default",
        "traits": {"email": "a@example.com"},
    }


def test_create_body_keeps_explicit_nulls_and_nested_credentials() -> None:
    create = CreateIdentityBody(
        schema_id="default",
        traits={"email": "a@example.com"},
        state=IdentityState.INACTIVE,
        metadata_public=None,
        organization_id=None,
        credentials=IdentityWithCredentials(
            password=IdentityWithCredentialsPassword(
                config=IdentityWithCredentialsPasswordConfig(hashed_password="$2a$10$x")
            ),
            oidc=IdentityWithCredentialsOidc(
                config=IdentityWithCredentialsOidcConfig(
                    providers=[
                        IdentityWithCredentialsOidcConfigProvider(provider="google", subject="1")
                    ]
                )
            ),
        ),
        verifiable_addresses=[
            VerifiableIdentityAddress(
                value="a@example.com", verified=True, via="email", status="completed"
            )
        ],
    )
    assert body(create) == {
        "schema_id": "default",
        "traits": {"email": "a@example.com"},
        "state": "inactive",
        "metadata_public": None,
        "organization_id": None,
        "credentials": {
            "password": {"config": {"hashed_password": "$2a$10$x"}},
            "oidc": {"config": {"providers": [{"provider": "google", "subject": "1"}]}},
        },
        "verifiable_addresses": [
            {"value": "a@example.com", "verified": True, "via": "email", "status": "completed"}
        ],
    }


# --- UpdateIdentityBody.from_identity -------------------------------------------------------

FULL = Identity(
    id="9f5a1c52-7e0c-4b6e-8a1e-2f0e3c1d4b5a",
    schema_id="customer",
    traits={"email": "a@example.com"},
    state=IdentityState.ACTIVE,
    metadata_public={"plan": "pro"},
    metadata_admin={"crm": 42},
    external_id="ext-1",
    organization_id="b8c3f0a2-0000-4000-8000-000000000001",
    created_at=datetime(2024, 1, 1, tzinfo=UTC),
)


def test_from_identity_keeps_what_a_put_would_otherwise_clear() -> None:
    update = UpdateIdentityBody.from_identity(FULL)
    assert body(update) == {
        "schema_id": "customer",
        "traits": {"email": "a@example.com"},
        "state": "active",
        "metadata_public": {"plan": "pro"},
        "metadata_admin": {"crm": 42},
        "external_id": "ext-1",
    }


def test_from_identity_applies_changes_on_top() -> None:
    update = UpdateIdentityBody.from_identity(
        FULL, state="inactive", metadata_admin=None, traits={"email": "b@example.com"}
    )
    assert update.state == "inactive"
    assert update.metadata_admin is None
    assert update.metadata_public == {"plan": "pro"}
    assert body(update)["metadata_admin"] is None
    assert body(update)["traits"] == {"email": "b@example.com"}


def test_from_identity_leaves_missing_values_unset() -> None:
    v0 = Identity(id="x", schema_id="default", traits={"email": "a@example.com"})
    update = UpdateIdentityBody.from_identity(v0)
    assert update.state is UNSET
    assert update.metadata_public is UNSET
    assert body(update) == {"schema_id": "default", "traits": {"email": "a@example.com"}}


def test_from_identity_rejects_unknown_change_names() -> None:
    with pytest.raises(TypeError, match="metadata"):
        UpdateIdentityBody.from_identity(FULL, metadata={"a": 1})
    with pytest.raises(TypeError, match="id"):
        UpdateIdentityBody.from_identity(FULL, id="other")


# --- responses -------------------------------------------------------------------------------


def test_identity_needs_only_id_schema_id_and_traits() -> None:
    ident = _serde.decode(b'{"id":"x","schema_id":"default","traits":{}}', Identity)
    assert ident.credentials is None
    assert ident.verifiable_addresses == []
    assert ident.recovery_addresses == []
    assert ident.state is None
    assert ident.metadata_admin is None


@pytest.mark.parametrize("missing", ["id", "schema_id", "traits"])
def test_identity_without_a_required_field_is_a_decode_error(missing: str) -> None:
    data = {"id": "x", "schema_id": "default", "traits": {}}
    del data[missing]
    with pytest.raises(DecodeError, match=missing):
        _serde.decode(orjson.dumps(data), Identity)


def test_open_enums_keep_new_values_as_str() -> None:
    ident = _serde.decode(
        orjson.dumps(
            {
                "id": "x",
                "schema_id": "default",
                "traits": {},
                "state": "suspended",
                "verifiable_addresses": [
                    {"value": "a@b.c", "via": "carrier_pigeon", "status": "completed"}
                ],
                "credentials": {"magic": {"type": "magic"}, "password": {"type": "password"}},
            }
        ),
        Identity,
    )
    assert ident.state == "suspended"
    assert type(ident.state) is str
    address = ident.verifiable_addresses[0]
    assert address.via == "carrier_pigeon"
    assert address.status == "completed"
    assert address.status is VerifiableAddressStatus.COMPLETED
    assert ident.credentials is not None
    assert ident.credentials["magic"] == IdentityCredentials(type="magic")
    assert ident.credentials["password"].type is CredentialType.PASSWORD


def test_v0_null_verified_at_and_v1_absent_verified_at_both_decode() -> None:
    v0 = _serde.decode(
        b'{"value":"a@b.c","verified":false,"verified_at":null}', VerifiableIdentityAddress
    )
    v1 = _serde.decode(b'{"value":"a@b.c","verified":false}', VerifiableIdentityAddress)
    assert v0 == v1
    assert v0.verified_at is None


def test_batch_body_encodes_entries_without_unset_fields() -> None:
    batch = BatchPatchIdentitiesBody(
        identities=[
            IdentityPatch(create=CreateIdentityBody(schema_id="default", traits={"n": 1})),
            IdentityPatch(
                create=CreateIdentityBody(schema_id="default", traits={"n": 2}),
                patch_id="0b1f3c5e-0000-4000-8000-000000000002",
            ),
        ]
    )
    assert body(batch) == {
        "identities": [
            {"create": {"schema_id": "default", "traits": {"n": 1}}},
            {
                "create": {"schema_id": "default", "traits": {"n": 2}},
                "patch_id": "0b1f3c5e-0000-4000-8000-000000000002",
            },
        ]
    }
