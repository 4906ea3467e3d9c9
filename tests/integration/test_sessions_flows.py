"""Sessions, flows, errors and metrics end to end against FakeOry (v1)."""

from __future__ import annotations

from typing import Any

import pytest

from ory_async import (
    ForbiddenError,
    GoneError,
    NotFoundError,
    OryClient,
    SessionCookie,
    SessionToken,
    UnauthorizedError,
)
from ory_async.models import CreateIdentityBody, LoginFlow, Session, SettingsFlow
from ory_async.testing import FakeOry
from tests.kit.harness import Harness
from tests.kit.servers import ServerUnderTest, start_flow
from tests.kit.shared_files import fixture_json

MISSING = "00000000-0000-4000-8000-000000000000"

covers = pytest.mark.covers


def spec_valid(flow: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A recorded flow with what the spec requires: a state, no null challenge."""
    out = {k: v for k, v in flow.items() if v is not None}
    out.setdefault("state", "choose_method")
    return out | changes


async def new_identity(ory: OryClient, email: str) -> str:
    ident = await ory.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": email})
    )
    return ident.id


@covers("IdentityApi.get_session", "IdentityApi.extend_session", "IdentityApi.disable_session")
async def test_session_lifecycle(ory: OryClient, server: ServerUnderTest) -> None:
    signed_up = await server.register(server.email("s"))
    plain = await ory.sessions.get(signed_up.id)
    assert plain.identity is None
    assert plain.active is True
    expanded = await ory.sessions.get(signed_up.id, expand=["identity", "devices"])
    assert expanded.identity is not None
    assert expanded.identity.id == signed_up.identity_id
    extended = await ory.sessions.extend(signed_up.id)
    assert extended is None or extended.id == signed_up.id
    await ory.sessions.disable(signed_up.id)
    assert (await ory.sessions.get(signed_up.id)).active is False
    with pytest.raises(UnauthorizedError):
        await ory.sessions.whoami(auth=SessionToken(signed_up.token))
    with pytest.raises(NotFoundError):
        await ory.sessions.get(MISSING)


@pytest.mark.own_server
@covers("IdentityApi.list_sessions")
async def test_list_all_sessions_and_resume(ory: OryClient, server: ServerUnderTest) -> None:
    made = set()
    for n in range(4):
        email = server.email(f"all{n}")
        made.add((await server.register(email)).id)
        made.add((await server.login(email)).id)
    walked = [s async for s in ory.sessions.list(page_size=3, active=True, expand=["identity"])]
    assert sorted(s.id for s in walked) == sorted(made)
    assert all(s.identity is not None for s in walked)
    first = await ory.sessions.list(page_size=5)
    assert first.next_token is not None
    rest = await ory.sessions.list(page_size=5, page_token=first.next_token).collect()
    assert sorted([s.id for s in first.items] + [s.id for s in rest]) == sorted(made)


@covers("IdentityApi.list_identity_sessions", "IdentityApi.delete_identity_sessions")
async def test_identity_sessions(ory: OryClient, server: ServerUnderTest) -> None:
    email = server.email("mine")
    made = {(await server.register(email)).id}
    made |= {(await server.login(email)).id for _ in range(4)}
    identity_id = (await server.login(email)).identity_id
    walked = [s.id async for s in ory.sessions.list_for_identity(identity_id, per_page=2)]
    assert made <= set(walked)
    assert len(walked) == len(set(walked)) == 6
    await ory.sessions.delete_for_identity(identity_id)
    assert await ory.sessions.list_for_identity(identity_id).collect() == []
    with pytest.raises(NotFoundError):
        await ory.sessions.delete_for_identity(identity_id)


async def test_whoami_by_session_token(ory: OryClient, server: ServerUnderTest) -> None:
    signed_up = await server.register(server.email("me"))
    me = await ory.with_auth(SessionToken(signed_up.token)).sessions.whoami()
    assert me.id == signed_up.id
    assert me.identity is not None
    assert me.identity.id == signed_up.identity_id
    with pytest.raises(UnauthorizedError, match="No valid session credentials found"):
        await ory.with_auth(SessionToken("not-a-session-token")).sessions.whoami()


async def test_native_flows_and_their_errors(ory: OryClient, server: ServerUnderTest) -> None:
    login = await ory.flows.get_login(await start_flow(server, "login"))
    assert isinstance(login, LoginFlow)
    assert login.ui is not None
    assert login.ui.nodes
    registration = await start_flow(server, "registration")
    assert (await ory.flows.get_registration(registration)).id == registration
    with pytest.raises(NotFoundError):
        await ory.flows.get_login(MISSING)
    with pytest.raises(NotFoundError):
        await ory.flows.get_error(MISSING)


async def test_a_settings_flow_belongs_to_its_user(ory: OryClient, server: ServerUnderTest) -> None:
    alice = await server.register(server.email("alice"))
    bob = await server.register(server.email("bob"))
    settings_id = await start_flow(server, "settings", session_token=alice.token)
    settings = await ory.flows.get_settings(settings_id, session_token=alice.token)
    assert isinstance(settings, SettingsFlow)
    assert settings.identity is not None
    assert settings.identity.id == alice.identity_id
    with pytest.raises(UnauthorizedError):
        await ory.flows.get_settings(settings_id)
    with pytest.raises(ForbiddenError):
        await ory.flows.get_settings(settings_id, session_token=bob.token)


async def test_extend_on_older_projects_returns_the_session(harness: Harness) -> None:
    fake = await harness.start("v1", extend_returns_session=True)
    ory = await harness.client(fake)
    identity_id = await new_identity(ory, "old@example.com")
    session, _ = fake.create_session(identity_id)
    extended = await ory.sessions.extend(session["id"])
    assert isinstance(extended, Session)
    assert extended.id == session["id"]


@covers("IdentityApi.list_sessions")
async def test_list_all_sessions_with_identity(ory: OryClient, fake: FakeOry) -> None:
    identity_ids = fake.seed_identities(30)
    made = {fake.create_session(i)[0]["id"] for i in identity_ids for _ in range(10)}
    inactive, _ = fake.create_session(identity_ids[0], active=False)
    walked = [s async for s in ory.sessions.list(page_size=64, active=True, expand=["identity"])]
    assert {s.id for s in walked} == made
    assert len(walked) == 300
    assert all(s.identity is not None for s in walked)
    everything = await ory.sessions.list(page_size=1000).collect()
    assert inactive["id"] in {s.id for s in everything}


@covers("IdentityApi.list_identity_sessions", "IdentityApi.delete_identity_sessions")
async def test_identity_sessions_with_kratos_paging_bugs(harness: Harness) -> None:
    fake = await harness.start("v1", kratos_paging_bugs=True)
    ory = await harness.client(fake)
    identity_id = await new_identity(ory, "many@example.com")
    made = {fake.create_session(identity_id)[0]["id"] for _ in range(23)}
    walked = [s.id async for s in ory.sessions.list_for_identity(identity_id, per_page=5)]
    assert len(walked) == 23
    assert set(walked) == made
    await ory.sessions.delete_for_identity(identity_id)
    assert await ory.sessions.list_for_identity(identity_id).collect() == []
    with pytest.raises(NotFoundError):
        await ory.sessions.delete_for_identity(identity_id)


async def test_whoami_needs_the_assurance_level_asked_for(ory: OryClient, fake: FakeOry) -> None:
    identity_id = await new_identity(ory, "me@example.com")
    _session, token = fake.create_session(identity_id)
    await ory.with_auth(SessionToken(token)).sessions.whoami()
    whoami = fake.requests.matching("GET", "/sessions/whoami")[-1]
    assert whoami.headers["X-Session-Token"] == token
    assert "Authorization" not in whoami.headers
    assert whoami.site == "public"
    _, aal1 = fake.create_session(identity_id, aal="aal1", aal_required="aal2")
    with pytest.raises(ForbiddenError) as info:
        await ory.sessions.whoami(auth=SessionToken(aal1))
    assert info.value.error_id == "session_aal2_required"


async def test_whoami_by_browser_cookie(ory: OryClient, fake: FakeOry) -> None:
    identity_id = await new_identity(ory, "browser@example.com")
    session, token = fake.create_session(identity_id)
    cookie = SessionCookie.from_cookies({"ory_kratos_session": token})
    me = await ory.with_auth(cookie).sessions.whoami()
    assert me.id == session["id"]
    whoami = fake.requests.matching("GET", "/sessions/whoami")[-1]
    assert whoami.headers["Cookie"] == f"ory_kratos_session={token}"
    assert "X-Session-Token" not in whoami.headers
    with pytest.raises(UnauthorizedError):
        await ory.sessions.whoami(auth=SessionCookie("ory_kratos_session=nope"))


async def test_flows_recorded_from_real_servers(ory: OryClient, fake: FakeOry) -> None:
    login = fake.add_flow(
        "login", spec_valid(fixture_json("flows/login/ory-network-get-login-browser.json"))
    )
    got = await ory.flows.get_login(login["id"])
    assert isinstance(got, LoginFlow)
    assert got.ui is not None
    assert got.ui.nodes
    for kind, fixture in (
        ("registration", "flows/registration/ory-network-create-registration-browser.json"),
        ("recovery", "flows/recovery/ory-network-create-recovery-api.json"),
        ("verification", "flows/verification/ory-network-create-verification-browser.json"),
    ):
        flow = fake.add_flow(kind, spec_valid(fixture_json(fixture)))
        assert (await getattr(ory.flows, f"get_{kind}")(flow["id"])).id == flow["id"]
    expired = fake.add_flow(
        "login",
        spec_valid(
            fixture_json("flows/login/ory-network-create-login-api.json"),
            id="11111111-1111-4111-8111-111111111111",
        ),
        expired=True,
    )
    with pytest.raises(GoneError):
        await ory.flows.get_login(expired["id"])
    with pytest.raises(NotFoundError):
        await ory.flows.get_login("22222222-2222-4222-8222-222222222222")
    identity_id = await new_identity(ory, "settings@example.com")
    _, token = fake.create_session(identity_id)
    settings_json = fixture_json("flows/settings/migratest-settings-flow-with-identity.json")
    settings = fake.add_flow(
        "settings", settings_json | {"id": "33333333-3333-4333-8333-333333333333"}
    )
    settings_flow = await ory.flows.get_settings(settings["id"], session_token=token)
    assert isinstance(settings_flow, SettingsFlow)
    with pytest.raises(UnauthorizedError):
        await ory.flows.get_settings(settings["id"])
    error_id = fake.add_error()
    error = await ory.flows.get_error(error_id)
    assert error.id == error_id


async def test_metrics_and_ping(ory: OryClient) -> None:
    await ory.ping()
    text = await ory.metrics.prometheus()
    assert text.startswith("# HELP")
