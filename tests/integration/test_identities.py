"""Identities, schemas and recovery end to end against FakeOry (v1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ory_async import BadRequestError, ConflictError, NotFoundError, OryClient
from ory_async.models import (
    CreateIdentityBody,
    Identity,
    IdentityWithCredentials,
    IdentityWithCredentialsPassword,
    IdentityWithCredentialsPasswordConfig,
    IdentityWithCredentialsTotp,
    IdentityWithCredentialsTotpConfig,
    JsonPatch,
    UpdateIdentityBody,
)
from ory_async.testing import FakeOry

covers = pytest.mark.covers


def body(email: str, **extra: object) -> CreateIdentityBody:
    return CreateIdentityBody(schema_id="default", traits={"email": email}, **extra)  # type: ignore[arg-type]


@covers(
    "IdentityApi.create_identity",
    "IdentityApi.get_identity",
    "IdentityApi.update_identity",
    "IdentityApi.delete_identity",
)
async def test_crud(ory: OryClient, fake: FakeOry) -> None:
    created = await ory.identities.create(body("Ada@Example.com", metadata_public={"plan": "free"}))
    assert isinstance(created, Identity)
    assert created.traits == {"email": "Ada@Example.com"}
    got = await ory.identities.get(created.id)
    assert got.id == created.id
    assert got.verifiable_addresses[0].value == "ada@example.com"
    updated = await ory.identities.update(
        created.id, UpdateIdentityBody.from_identity(got, metadata_admin={"note": "vip"})
    )
    assert updated.metadata_public == {"plan": "free"}  # kept by from_identity
    assert updated.metadata_admin == {"note": "vip"}
    await ory.identities.delete(created.id)
    with pytest.raises(NotFoundError, match="Unable to locate the resource"):
        await ory.identities.get(created.id)
    assert created.id not in fake.identities


@covers("IdentityApi.create_identity")
async def test_conflicts_and_schema_validation(ory: OryClient) -> None:
    await ory.identities.create(body("dup@example.com"))
    with pytest.raises(ConflictError) as info:
        await ory.identities.create(body("DUP@example.com"))
    assert info.value.reason == "This identity conflicts with another identity that already exists."
    with pytest.raises(BadRequestError, match="traits"):
        await ory.identities.create(CreateIdentityBody(schema_id="default", traits={"email": 42}))
    with pytest.raises(BadRequestError, match="Unable to find JSON Schema ID: nope"):
        await ory.identities.create(CreateIdentityBody(schema_id="nope", traits={}))


@covers("IdentityApi.patch_identity")
async def test_patch(ory: OryClient) -> None:
    ident = await ory.identities.create(body("patch@example.com"))
    patched = await ory.identities.patch(
        ident.id,
        [
            JsonPatch(op="replace", path="/state", value="inactive"),
            JsonPatch(op="add", path="/metadata_public", value={"a": 1}),
        ],
    )
    assert patched.state == "inactive"
    assert patched.metadata_public == {"a": 1}
    with pytest.raises(BadRequestError, match="patch includes denied path: /id"):
        await ory.identities.patch(ident.id, [JsonPatch(op="replace", path="/id", value="x")])


@covers("IdentityApi.delete_identity_credentials", "IdentityApi.get_identity")
async def test_credentials(ory: OryClient) -> None:
    creds = IdentityWithCredentials(
        password=IdentityWithCredentialsPassword(
            config=IdentityWithCredentialsPasswordConfig(password="a-long-password-123")
        ),
        totp=IdentityWithCredentialsTotp(
            config=IdentityWithCredentialsTotpConfig(
                totp_url="otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"
            )
        ),
    )
    ident = await ory.identities.create(body("creds@example.com", credentials=creds))
    full = await ory.identities.get(ident.id, include_credential=["password"])
    assert full.credentials is not None
    assert full.credentials["password"].config is not None
    assert full.credentials["totp"].config is None
    await ory.identities.delete_credentials(ident.id, "totp")
    after = await ory.identities.get(ident.id)
    assert after.credentials is not None
    assert "totp" not in after.credentials
    with pytest.raises(NotFoundError):
        await ory.identities.delete_credentials(ident.id, "totp")


@covers("IdentityApi.list_identities")
async def test_walk_5000_in_both_forms(ory: OryClient, fake: FakeOry) -> None:
    ids = set(fake.seed_identities(5000))
    keyset = [i.id async for i in ory.identities.list(page_size=500)]
    assert len(keyset) == 5000
    assert set(keyset) == ids
    legacy = [i.id async for i in ory.identities.list(per_page=250)]
    assert len(legacy) == 5000
    assert set(legacy) == ids
    first = await ory.identities.list(per_page=100, page=0)
    assert first.total_count == 5000


@covers("IdentityApi.list_identities")
async def test_lookup_by_credentials_identifier_and_ids(ory: OryClient) -> None:
    ada = await ory.identities.create(body("lookup@example.com"))
    other = await ory.identities.create(body("other@example.com"))
    found = await ory.identities.list(credentials_identifier="lookup@example.com").collect()
    assert [i.id for i in found] == [ada.id]
    by_ids = await ory.identities.list(ids=[ada.id, other.id]).collect()
    assert {i.id for i in by_ids} == {ada.id, other.id}


@covers("IdentityApi.create_identity")
async def test_batch_create_2500(ory: OryClient, fake: FakeOry) -> None:
    bodies = [body(f"batch{i}@example.com") for i in range(2500)]
    bodies[10] = body("batch0@example.com")  # duplicate of the first
    results = await ory.identities.batch_create(bodies, concurrency=3).collect()
    assert [r.index for r in results] == list(range(2500))
    assert sum(r.ok for r in results) == 2499
    assert results[10].outcome == "failed"
    assert results[10].error is not None
    assert results[10].error.code == 409
    assert len(fake.identities) == 2499
    assert len(fake.requests.matching("PATCH", "/admin/identities")) == 3


@covers("IdentityApi.get_identity_schema", "IdentityApi.list_identity_schemas")
async def test_schemas(ory: OryClient, fake: FakeOry) -> None:
    fake.add_schema(
        "customer",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"traits": {"type": "object"}},
        },
    )
    schema = await ory.schemas.get("default")
    assert schema["type"] == "object"
    listed = await ory.schemas.list().collect()
    assert {s.id for s in listed} == {"default", "customer"}
    with pytest.raises(NotFoundError, match="could not be found"):
        await ory.schemas.get("missing")


@covers(
    "IdentityApi.create_recovery_code_for_identity", "IdentityApi.create_recovery_link_for_identity"
)
async def test_recovery(ory: OryClient) -> None:
    ident = await ory.identities.create(body("recover@example.com"))
    code = await ory.recovery.create_code(
        ident.id, expires_in=timedelta(minutes=15), flow_type="api"
    )
    assert len(code.recovery_code) == 6
    assert code.expires_at is not None
    link = await ory.recovery.create_link(
        ident.id, expires_in="1h", return_to="https://app.example.com/"
    )
    assert "/self-service/recovery?flow=" in link.recovery_link
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(NotFoundError, match="could not find identity"):
        await ory.recovery.create_code(missing)
    with pytest.raises(BadRequestError, match="The requested identity id does not exist"):
        await ory.recovery.create_link(missing)
