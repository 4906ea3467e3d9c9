"""Identities, schemas and recovery end to end, against FakeOry and a real Kratos."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from ory_async import BadRequestError, ConflictError, NotFoundError, OryClient
from ory_async.models import (
    CreateIdentityBody,
    Identity,
    IdentityWithCredentials,
    IdentityWithCredentialsPassword,
    IdentityWithCredentialsPasswordConfig,
    JsonPatch,
    UpdateIdentityBody,
)
from tests.kit.harness import Harness, customer_schema
from tests.kit.servers import PASSWORD, ServerUnderTest

covers = pytest.mark.covers
MISSING = "00000000-0000-4000-8000-000000000000"


def body(email: str, **extra: object) -> CreateIdentityBody:
    return CreateIdentityBody(schema_id="default", traits={"email": email}, **extra)  # type: ignore[arg-type]


def with_password(password: str = PASSWORD) -> IdentityWithCredentials:
    return IdentityWithCredentials(
        password=IdentityWithCredentialsPassword(
            config=IdentityWithCredentialsPasswordConfig(password=password)
        )
    )


@covers(
    "IdentityApi.create_identity",
    "IdentityApi.get_identity",
    "IdentityApi.update_identity",
    "IdentityApi.delete_identity",
)
async def test_crud(ory: OryClient, server: ServerUnderTest) -> None:
    email = server.email("Ada")
    created = await ory.identities.create(body(email, metadata_public={"plan": "free"}))
    assert isinstance(created, Identity)
    assert created.traits == {"email": email}
    got = await ory.identities.get(created.id)
    assert got.id == created.id
    assert got.verifiable_addresses[0].value == email.lower()
    updated = await ory.identities.update(
        created.id, UpdateIdentityBody.from_identity(got, metadata_admin={"note": "vip"})
    )
    assert updated.metadata_public == {"plan": "free"}  # kept by from_identity
    assert updated.metadata_admin == {"note": "vip"}
    await ory.identities.delete(created.id)
    with pytest.raises(NotFoundError, match="Unable to locate the resource"):
        await ory.identities.get(created.id)
    with pytest.raises(NotFoundError):
        await ory.identities.delete(created.id)


@covers("IdentityApi.create_identity")
async def test_conflicts_and_schema_validation(ory: OryClient, server: ServerUnderTest) -> None:
    await ory.identities.create(body(server.email("dup")))
    with pytest.raises(ConflictError) as info:
        await ory.identities.create(body(server.email("dup").upper()))
    assert info.value.reason == "This identity conflicts with another identity that already exists."
    with pytest.raises(BadRequestError, match="traits"):
        await ory.identities.create(CreateIdentityBody(schema_id="default", traits={"email": 42}))
    with pytest.raises(BadRequestError, match="Unable to find JSON Schema ID: nope"):
        await ory.identities.create(CreateIdentityBody(schema_id="nope", traits={}))


@covers("IdentityApi.patch_identity")
async def test_patch(ory: OryClient, server: ServerUnderTest) -> None:
    ident = await ory.identities.create(body(server.email("patch")))
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
async def test_credentials_and_include_credential(ory: OryClient, server: ServerUnderTest) -> None:
    email = server.email("creds")
    ident = await ory.identities.create(body(email, credentials=with_password()))
    plain = await ory.identities.get(ident.id)
    assert plain.credentials is not None
    assert plain.credentials["password"].identifiers == [email.lower()]
    assert plain.credentials["password"].config is None
    full = await ory.identities.get(ident.id, include_credential=["password"])
    assert full.credentials is not None
    config = full.credentials["password"].config
    assert config is not None
    assert str(config["hashed_password"]).startswith("$")
    assert PASSWORD not in str(config)
    session = await server.login(email)
    assert session.identity_id == ident.id
    with pytest.raises(BadRequestError, match="first factor"):
        await ory.identities.delete_credentials(ident.id, "password")  # the only way in
    with pytest.raises(NotFoundError):
        await ory.identities.delete_credentials(ident.id, "totp")
    assert (await server.login(email)).identity_id == ident.id


async def test_imported_password_hash_signs_in(ory: OryClient, server: ServerUnderTest) -> None:
    # bcrypt of PASSWORD at cost 4, made by the bcrypt library (bcrypt.hashpw with gensalt(4)).
    hashed = "$2b$04$uWJffJLIlfV4vaJlcK/I7.ZsXRO9CAjr7L7Yp6SlZBsw/bZtwzEAm"
    email = server.email("imported")
    creds = IdentityWithCredentials(
        password=IdentityWithCredentialsPassword(
            config=IdentityWithCredentialsPasswordConfig(hashed_password=hashed)
        )
    )
    ident = await ory.identities.create(body(email, credentials=creds))
    assert await server.login_status(email, "not the password at all") == 400
    session = await server.login(email)
    assert session.identity_id == ident.id


@pytest.mark.own_server
@covers("IdentityApi.list_identities")
async def test_walk_in_both_forms_and_resume(
    ory: OryClient, server: ServerUnderTest, harness: Harness
) -> None:
    bodies = [body(server.email(f"walk{i}")) for i in range(1200)]
    made = {r.identity_id async for r in ory.identities.batch_create(bodies) if r.identity_id}
    assert len(made) == 1200
    keyset = [i.id async for i in ory.identities.list(page_size=500)]
    assert sorted(keyset) == sorted(made)
    legacy = [i.id async for i in ory.identities.list(per_page=250, page=0)]
    assert sorted(legacy) == sorted(made)

    first = await ory.identities.list(page_size=100)
    assert len(first.items) == 100
    assert first.next_token is not None
    resumed = await ory.identities.list(page_size=100, page_token=first.next_token)
    assert not {i.id for i in first.items} & {i.id for i in resumed.items}
    by_number = await ory.identities.list(per_page=100, page=0)
    assert by_number.next_page_number == 1
    second = await ory.identities.list(per_page=100, page=by_number.next_page_number)
    assert not {i.id for i in by_number.items} & {i.id for i in second.items}
    assert by_number.total_count == 1200


@covers("IdentityApi.list_identities")
async def test_lookup_by_credentials_identifier_and_ids(
    ory: OryClient, server: ServerUnderTest
) -> None:
    ada = await ory.identities.create(body(server.email("lookup"), credentials=with_password()))
    other = await ory.identities.create(body(server.email("other")))
    found = await ory.identities.list(credentials_identifier=server.email("lookup")).collect()
    assert [i.id for i in found] == [ada.id]
    by_ids = await ory.identities.list(ids=[ada.id, other.id]).collect()
    assert {i.id for i in by_ids} == {ada.id, other.id}


@pytest.mark.async_only
@covers("IdentityApi.list_identities")
async def test_get_many(ory: OryClient, server: ServerUnderTest, harness: Harness) -> None:
    bodies = [body(server.email(f"many{i}")) for i in range(600)]
    known = [r.identity_id async for r in ory.identities.batch_create(bodies) if r.identity_id]
    unknown = [str(uuid.uuid4()) for _ in range(50)]
    asked = [*known, *unknown, *known[:100], *(i.upper() for i in known[100:150])]
    found = await ory.identities.get_many(asked).collect()
    assert sorted(i.id for i in found) == sorted(known)
    listing = [e for e in harness.exchanges["v1"] if e.method == "GET" and "ids" in dict(e.query)]
    assert len(listing) >= 2  # 650 ids never fit one URL
    assert all(len(e.path) + sum(len(k) + len(v) + 2 for k, v in e.query) < 8192 for e in listing)


@covers("IdentityApi.create_identity")
async def test_batch_create_isolates_bad_rows(
    ory: OryClient, server: ServerUnderTest, harness: Harness
) -> None:
    existing = await ory.identities.create(body(server.email("taken")))
    bodies = [body(server.email(f"batch{i}")) for i in range(250)]
    bodies[10] = body(server.email("taken"))  # conflicts with an identity already there
    bodies[20] = CreateIdentityBody(schema_id="default", traits={"email": 42})  # invalid traits
    bodies[30] = body(server.email("batch0"))  # conflicts with a row of the same batch
    results = await ory.identities.batch_create(bodies).collect()
    assert [r.index for r in results] == list(range(250))
    assert sum(r.ok for r in results) == 247
    for bad, code in ((10, 409), (20, 400), (30, 409)):
        assert results[bad].outcome == "failed", bad
        error = results[bad].error
        assert error is not None
        assert error.code == code, bad
    created = [r.identity_id for r in results if r.identity_id]
    assert existing.id not in created
    found = await ory.identities.get_many(created).collect()
    assert len(found) == 247


@covers("IdentityApi.get_identity_schema", "IdentityApi.list_identity_schemas")
async def test_schemas(ory: OryClient, server: ServerUnderTest) -> None:
    if server.fake is not None:  # Kratos has it in its configuration
        server.fake.add_schema("customer", customer_schema())
    schema = await ory.schemas.get("default")
    assert schema["type"] == "object"
    customer = await ory.schemas.get("customer")
    assert customer["title"] == "Customer"
    listed = await ory.schemas.list().collect()
    assert {s.id for s in listed} == {"default", "customer"}
    with pytest.raises(NotFoundError, match="could not be found"):
        await ory.schemas.get("missing")


@covers(
    "IdentityApi.create_recovery_code_for_identity", "IdentityApi.create_recovery_link_for_identity"
)
async def test_recovery(ory: OryClient, server: ServerUnderTest) -> None:
    ident = await ory.identities.create(body(server.email("recover")))
    code = await ory.recovery.create_code(
        ident.id, expires_in=timedelta(minutes=15), flow_type="api"
    )
    assert len(code.recovery_code) == 6
    assert code.expires_at is not None
    link = await ory.recovery.create_link(
        ident.id, expires_in="1h", return_to="https://app.example.com/"
    )
    assert "/self-service/recovery?flow=" in link.recovery_link
    with pytest.raises(NotFoundError, match="could not find identity"):
        await ory.recovery.create_code(MISSING)
    with pytest.raises(BadRequestError, match="The requested identity id does not exist"):
        await ory.recovery.create_link(MISSING)
