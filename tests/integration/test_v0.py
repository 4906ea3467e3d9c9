"""The legacy Kratos v0.5 admin API (``api="v0"``) end to end against FakeOry."""

from __future__ import annotations

import pytest

from ory_async import NotFoundError, OryClient
from ory_async.models import CreateIdentityBody, UpdateIdentityBody
from ory_async.models.v0 import V0Flow, V0FlowError
from ory_async.testing import FakeOry
from tests.kit.shared_files import fixture_json

covers = pytest.mark.covers


@covers(
    "AdminApi (v0).create_identity",
    "AdminApi (v0).get_identity",
    "AdminApi (v0).update_identity",
    "AdminApi (v0).delete_identity",
)
async def test_identity_crud(ory_v0: OryClient, fake_v0: FakeOry) -> None:
    created = await ory_v0.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": "v0@example.com"})
    )
    assert created.state is None  # v0 identities have no state
    got = await ory_v0.identities.get(created.id)
    assert got.verifiable_addresses
    assert got.verifiable_addresses[0].verified_at is None
    updated = await ory_v0.identities.update(
        created.id, UpdateIdentityBody(schema_id="default", traits={"email": "v0b@example.com"})
    )
    assert updated.traits == {"email": "v0b@example.com"}
    await ory_v0.identities.delete(created.id)
    with pytest.raises(NotFoundError):
        await ory_v0.identities.get(created.id)
    assert all(not r.path.startswith("/admin") for r in fake_v0.requests)


@covers("AdminApi (v0).list_identities")
async def test_walk_with_absolute_links_and_duplicate_first_page(
    ory_v0: OryClient, fake_v0: FakeOry
) -> None:
    ids = set(fake_v0.seed_identities(1234))
    walked = [i.id async for i in ory_v0.identities.list(per_page=100)]
    assert len(walked) == 1234
    assert set(walked) == ids


@covers("AdminApi (v0).create_recovery_link", "AdminApi (v0).get_schema")
async def test_recovery_link_and_schema(ory_v0: OryClient) -> None:
    ident = await ory_v0.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": "r0@example.com"})
    )
    link = await ory_v0.recovery.create_link(ident.id, expires_in="1h")
    assert link.recovery_link
    with pytest.raises(NotFoundError):
        await ory_v0.recovery.create_link("00000000-0000-4000-8000-000000000000")
    schema = await ory_v0.schemas.get("default")
    assert schema["type"] == "object"


@covers(
    "AdminApi (v0).get_self_service_login_flow",
    "AdminApi (v0).get_self_service_registration_flow",
    "AdminApi (v0).get_self_service_recovery_flow",
    "AdminApi (v0).get_self_service_settings_flow",
    "AdminApi (v0).get_self_service_verification_flow",
    "AdminApi (v0).get_self_service_error",
)
async def test_flows_and_errors(ory_v0: OryClient, fake_v0: FakeOry) -> None:
    login = fixture_json("v0-legacy/v0-login-flow-methods.json")
    for kind in ("login", "registration", "recovery", "verification"):
        state = {"state": "choose_method"} if kind in ("recovery", "verification") else {}
        flow = fake_v0.add_flow(
            kind, login | state | {"id": f"{kind}-0000-4000-8000-000000000000".rjust(36, "0")[-36:]}
        )
        got = await getattr(ory_v0.flows, f"get_{kind}")(flow["id"])
        assert isinstance(got, V0Flow)
        assert got.methods is not None
        assert "password" in got.methods
    settings = fake_v0.add_flow("settings", fixture_json("v0-legacy/v0-settings-flow-methods.json"))
    identity = await ory_v0.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": "st@example.com"})
    )
    _, token = fake_v0.create_session(identity.id)
    got_settings = await ory_v0.flows.get_settings(settings["id"], session_token=token)
    assert isinstance(got_settings, V0Flow)
    error_id = fake_v0.add_error()
    error = await ory_v0.flows.get_error(error_id)
    assert isinstance(error, V0FlowError)
    assert error.errors


@covers("AdminApi (v0).prometheus")
async def test_prometheus(ory_v0: OryClient) -> None:
    assert "# HELP" in await ory_v0.metrics.prometheus()
