"""ory-client's identity operations against FakeOry."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import ory_client
import pytest
from ory_client.exceptions import BadRequestException, NotFoundException, UnauthorizedException

from ory_async.testing import FakeOry
from tests.kit.compat import run


def _create_body(email: str, **extra: Any) -> ory_client.CreateIdentityBody:
    return ory_client.CreateIdentityBody(schema_id="default", traits={"email": email}, **extra)


async def test_create_get_and_external_id(
    ory_fake: FakeOry, identity_api: ory_client.IdentityApi
) -> None:
    body = _create_body(
        "a@example.org",
        external_id="crm-1",
        metadata_admin={"tier": "gold"},
        credentials=ory_client.IdentityWithCredentials(
            password=ory_client.IdentityWithCredentialsPassword(
                config=ory_client.IdentityWithCredentialsPasswordConfig(password="pw-123456789")
            )
        ),
    )
    created = await run(identity_api.create_identity, create_identity_body=body)
    assert isinstance(created, ory_client.Identity)
    # The SDK's models decode ids as UUID while its methods accept only str: convert.
    assert isinstance(created.id, UUID)
    identity_id = str(created.id)
    assert identity_id in ory_fake.identities
    assert created.traits == {"email": "a@example.org"}
    assert created.metadata_admin == {"tier": "gold"}

    got = await run(identity_api.get_identity, identity_id, include_credential=["password"])
    assert got.id == created.id
    assert got.credentials is not None
    password = got.credentials["password"]
    assert password.identifiers == ["a@example.org"]
    assert password.config is not None
    assert str(password.config["hashed_password"]).startswith("$2a$04$")

    by_external = await run(identity_api.get_identity_by_external_id, "crm-1")
    assert by_external.id == created.id
    assert by_external.external_id == "crm-1"
    with pytest.raises(NotFoundException) as caught:
        await run(identity_api.get_identity_by_external_id, "crm-2")
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        await run(identity_api.get_identity, "00000000-0000-0000-0000-000000000000")


async def test_list_identities_pages_and_filters(
    ory_fake: FakeOry, identity_api: ory_client.IdentityApi
) -> None:
    ids = ory_fake.seed_identities(5)
    listed = await run(identity_api.list_identities)
    assert sorted(str(i.id) for i in listed) == sorted(ids)
    seen: list[str] = []
    token: str | None = None
    while True:
        resp = await run(identity_api.list_identities_with_http_info, page_size=2, page_token=token)
        assert resp.status_code == 200
        seen += [str(i.id) for i in resp.data]
        link = resp.headers["Link"] if resp.headers else ""
        if 'rel="next"' not in link:
            break
        nxt = next(p for p in link.split(",") if 'rel="next"' in p)
        token = nxt.split("page_token=")[1].split(">")[0]
    assert seen == sorted(ids)
    found = await run(identity_api.list_identities, credentials_identifier="user3@example.org")
    assert [i.traits for i in found] == [{"email": "user3@example.org"}]
    legacy = await run(identity_api.list_identities_with_http_info, page=0, per_page=2)
    assert legacy.headers is not None
    assert legacy.headers["X-Total-Count"] == "5"


async def test_update_patch_batch_and_delete(
    ory_fake: FakeOry, identity_api: ory_client.IdentityApi
) -> None:
    (identity_id,) = ory_fake.seed_identities(1)
    updated = await run(
        identity_api.update_identity,
        identity_id,
        update_identity_body=ory_client.UpdateIdentityBody(
            schema_id="default",
            traits={"email": "new@example.org"},
            state="inactive",
            metadata_public={"plan": "pro"},
        ),
    )
    assert updated.state == "inactive"
    assert updated.metadata_public == {"plan": "pro"}
    assert ory_fake.identities[identity_id]["traits"] == {"email": "new@example.org"}

    patched = await run(
        identity_api.patch_identity,
        identity_id,
        json_patch=[ory_client.JsonPatch(op="replace", path="/state", value="active")],
    )
    assert patched.state == "active"

    batch = await run(
        identity_api.batch_patch_identities,
        patch_identities_body=ory_client.PatchIdentitiesBody(
            identities=[
                ory_client.IdentityPatch(create=_create_body("b1@example.org"), patch_id=None),
                ory_client.IdentityPatch(create=_create_body("new@example.org")),
            ]
        ),
    )
    assert batch.identities is not None
    first, second = batch.identities
    assert first.action == "create"
    assert str(first.identity) in ory_fake.identities
    assert second.action == "error"
    assert second.error is not None

    # Two first factors are needed before one can be removed.
    with pytest.raises(BadRequestException):
        await run(identity_api.delete_identity_credentials, str(first.identity), "password")
    with pytest.raises(NotFoundException):
        await run(identity_api.delete_identity_credentials, identity_id, "totp")

    await run(identity_api.delete_identity, identity_id)
    assert identity_id not in ory_fake.identities
    with pytest.raises(NotFoundException):
        await run(identity_api.delete_identity, identity_id)


async def test_wrong_api_key(ory_fake: FakeOry) -> None:
    config = ory_client.Configuration(host=ory_fake.url, access_token="ory_pat_wrong")
    with ory_client.ApiClient(config) as api_client:
        api = ory_client.IdentityApi(api_client)
        with pytest.raises(UnauthorizedException) as caught:
            await run(api.list_identities)
    assert caught.value.status == 401
    assert "ory_pat_compat" not in str(caught.value)
