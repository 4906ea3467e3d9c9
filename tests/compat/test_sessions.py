"""ory-client's session operations and native flows against FakeOry."""

from __future__ import annotations

import ory_client
import pytest
from ory_client.exceptions import ApiException, NotFoundException, UnauthorizedException

from ory_async.testing import FakeOry
from tests.kit.compat import run

PASSWORD = "correct horse battery"


async def test_admin_sessions(ory_fake: FakeOry, identity_api: ory_client.IdentityApi) -> None:
    a, b = ory_fake.seed_identities(2)
    first, _ = ory_fake.create_session(a)
    second, _ = ory_fake.create_session(a)
    other, _ = ory_fake.create_session(b)

    listed = await run(identity_api.list_sessions, expand=["identity"])
    assert {str(s.id) for s in listed} == {first["id"], second["id"], other["id"]}
    assert all(s.identity is not None for s in listed)
    paged = await run(identity_api.list_sessions_with_http_info, page_size=1)
    assert len(paged.data) == 1
    assert paged.headers is not None
    assert 'rel="next"' in paged.headers["Link"]

    got = await run(identity_api.get_session, first["id"], expand=["devices"])
    assert str(got.id) == first["id"]
    assert got.devices is not None
    assert got.devices[0].user_agent == "FakeOry"

    mine = await run(identity_api.list_identity_sessions, a)
    assert {str(s.id) for s in mine} == {first["id"], second["id"]}
    one = await run(identity_api.list_identity_sessions, a, page_size=1)
    assert len(one) == 1

    # extendSession answers 204 by default; the SDK then returns None.
    assert await run(identity_api.extend_session, first["id"]) is None
    await run(identity_api.disable_session, first["id"])
    assert ory_fake.state.sessions[first["id"]].active is False
    active = await run(identity_api.list_identity_sessions, a, active=True)
    assert [str(s.id) for s in active] == [second["id"]]

    result = await run(
        identity_api.manage_sessions,
        ory_client.ManageSessionsBody(action="disable", identities=[a, b]),
    )
    assert (result.processed, result.more) == (2, False)
    result = await run(
        identity_api.manage_sessions,
        ory_client.ManageSessionsBody(action="delete", identities=["*"]),
    )
    assert (result.processed, result.more) == (3, False)
    assert ory_fake.state.sessions == {}

    with pytest.raises(NotFoundException):
        await run(identity_api.delete_identity_sessions, a)
    ory_fake.create_session(b)
    await run(identity_api.delete_identity_sessions, b)
    assert ory_fake.state.sessions == {}
    with pytest.raises(NotFoundException):
        await run(identity_api.get_session, other["id"])


async def test_extend_session_with_body(
    identity_api: ory_client.IdentityApi, ory_fake: FakeOry
) -> None:
    (a,) = ory_fake.seed_identities(1)
    session, _ = ory_fake.create_session(a)
    ory_fake.state.extend_returns_session = True
    extended = await run(identity_api.extend_session, session["id"])
    assert isinstance(extended, ory_client.Session)
    assert str(extended.id) == session["id"]


async def test_register_login_whoami_logout(
    ory_fake: FakeOry, public_client: ory_client.ApiClient
) -> None:
    frontend = ory_client.FrontendApi(public_client)
    flow = await run(frontend.create_native_registration_flow)
    assert isinstance(flow, ory_client.RegistrationFlow)
    assert flow.type == "api"
    registered = await run(
        frontend.update_registration_flow,
        str(flow.id),
        ory_client.UpdateRegistrationFlowBody(
            ory_client.UpdateRegistrationFlowWithPasswordMethod(
                method="password", password=PASSWORD, traits={"email": "sdk@example.org"}
            )
        ),
    )
    assert isinstance(registered, ory_client.SuccessfulNativeRegistration)
    assert registered.session_token
    assert registered.identity is not None
    assert registered.identity.traits == {"email": "sdk@example.org"}
    assert registered.session is not None
    assert registered.continue_with is not None

    login_flow = await run(frontend.create_native_login_flow)
    fetched = await run(frontend.get_login_flow, str(login_flow.id))
    assert fetched.id == login_flow.id
    logged_in = await run(
        frontend.update_login_flow,
        str(login_flow.id),
        ory_client.UpdateLoginFlowBody(
            ory_client.UpdateLoginFlowWithPasswordMethod(
                method="password", identifier="sdk@example.org", password=PASSWORD
            )
        ),
    )
    assert isinstance(logged_in, ory_client.SuccessfulNativeLogin)
    token = logged_in.session_token
    assert token is not None

    session = await run(frontend.to_session, x_session_token=token)
    assert session.identity is not None
    assert session.identity.id == registered.identity.id
    assert session.active is True

    await run(
        frontend.perform_native_logout,
        ory_client.PerformNativeLogoutBody(session_token=token),
    )
    with pytest.raises(UnauthorizedException):
        await run(frontend.to_session, x_session_token=token)


async def test_failed_login_is_a_400_with_the_flow(
    ory_fake: FakeOry, public_client: ory_client.ApiClient
) -> None:
    frontend = ory_client.FrontendApi(public_client)
    login_flow = await run(frontend.create_native_login_flow)
    with pytest.raises(ApiException) as caught:
        await run(
            frontend.update_login_flow,
            str(login_flow.id),
            ory_client.UpdateLoginFlowBody(
                ory_client.UpdateLoginFlowWithPasswordMethod(
                    method="password", identifier="nobody@example.org", password=PASSWORD
                )
            ),
        )
    assert caught.value.status == 400
    flow = ory_client.LoginFlow.from_json(caught.value.body or "")
    assert flow is not None
    assert flow.ui.messages is not None
    assert flow.ui.messages[0].id == 4000006


async def test_my_sessions(ory_fake: FakeOry, public_client: ory_client.ApiClient) -> None:
    frontend = ory_client.FrontendApi(public_client)
    (a,) = ory_fake.seed_identities(1)
    _, token = ory_fake.create_session(a)
    others = [ory_fake.create_session(a)[0]["id"] for _ in range(3)]
    mine = await run(frontend.list_my_sessions, x_session_token=token)
    assert sorted(str(s.id) for s in mine) == sorted(others)
    await run(frontend.disable_my_session, others[0], x_session_token=token)
    assert ory_fake.state.sessions[others[0]].active is False
    count = await run(frontend.disable_my_other_sessions, x_session_token=token)
    assert count.count == 3  # as Kratos counts: the session revoked above too
    assert await run(frontend.list_my_sessions, x_session_token=token) == []


async def test_get_registration_flow(
    ory_fake: FakeOry, public_client: ory_client.ApiClient
) -> None:
    frontend = ory_client.FrontendApi(public_client)
    flow = await run(frontend.create_native_registration_flow)
    fetched = await run(frontend.get_registration_flow, str(flow.id))
    assert fetched.id == flow.id
    names = [n.attributes.actual_instance.name for n in fetched.ui.nodes]  # type: ignore[union-attr]
    assert names[:2] == ["csrf_token", "traits.email"]


async def test_frontend_calls_on_the_admin_url(
    ory_fake: FakeOry, client: ory_client.ApiClient
) -> None:
    # One Configuration for everything, as on Ory Network: FakeOry redirects the frontend
    # calls to its public port and the SDK follows.
    frontend = ory_client.FrontendApi(client)
    (a,) = ory_fake.seed_identities(1)
    _, token = ory_fake.create_session(a)
    others = [ory_fake.create_session(a)[0]["id"] for _ in range(2)]
    session = await run(frontend.to_session, x_session_token=token)
    assert session.identity is not None
    assert str(session.identity.id) == a
    count = await run(frontend.disable_my_other_sessions, x_session_token=token)
    assert count.count == 2
    assert not any(ory_fake.state.sessions[s].active for s in others)
    flow = await run(frontend.create_native_login_flow)
    assert flow.ui.action.startswith(f"{ory_fake.public_url}/self-service/login?flow=")
