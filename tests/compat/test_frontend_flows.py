"""ory-client's test login flow, settings, recovery, verification, browser logout and token
exchange against FakeOry: the official SDK's strict models read every answer."""

from __future__ import annotations

import re

import ory_client
import pytest
from ory_client.exceptions import NotFoundException

from ory_async.testing import FakeOry
from tests.kit.compat import run

PASSWORD = "compat-password-123"


def code_sent_to(ory_fake: FakeOry, address: str) -> str:
    for message in ory_fake.messages:
        if message["recipient"] == address:
            found = re.search(r"\b(\d{6})\b", message["body"])
            assert found
            return found.group(1)
    raise AssertionError(address)


async def register(frontend: ory_client.FrontendApi, email: str) -> str:
    flow = await run(frontend.create_native_registration_flow)
    done = await run(
        frontend.update_registration_flow,
        str(flow.id),
        ory_client.UpdateRegistrationFlowBody(
            ory_client.UpdateRegistrationFlowWithPasswordMethod(
                method="password", password=PASSWORD, traits={"email": email}
            )
        ),
    )
    assert done.session_token
    return done.session_token


async def test_create_test_login_flow(ory_fake: FakeOry, client: ory_client.ApiClient) -> None:
    ory_fake.add_oidc_provider("google", label="Google")
    identity_api = ory_client.IdentityApi(client)
    flow = await run(
        identity_api.create_test_login_flow,
        ory_client.CreateTestLoginFlowBody(provider_id="google"),
    )
    assert isinstance(flow, ory_client.LoginFlow)
    assert flow.test_context is not None
    assert flow.test_context.provider_id == "google"
    assert flow.refresh is True
    with pytest.raises(NotFoundException):
        await run(
            identity_api.create_test_login_flow,
            ory_client.CreateTestLoginFlowBody(provider_id="github"),
        )


async def test_settings_flow(ory_fake: FakeOry, public_client: ory_client.ApiClient) -> None:
    frontend = ory_client.FrontendApi(public_client)
    token = await register(frontend, "settings@example.org")
    flow = await run(frontend.create_native_settings_flow, x_session_token=token)
    assert isinstance(flow, ory_client.SettingsFlow)
    fetched = await run(frontend.get_settings_flow, str(flow.id), x_session_token=token)
    assert fetched.id == flow.id
    saved = await run(
        frontend.update_settings_flow,
        str(flow.id),
        ory_client.UpdateSettingsFlowBody(
            ory_client.UpdateSettingsFlowWithProfileMethod(
                method="profile", traits={"email": "moved@example.org"}
            )
        ),
        x_session_token=token,
    )
    assert isinstance(saved, ory_client.SettingsFlow)
    assert saved.state == "success"
    assert saved.identity.traits == {"email": "moved@example.org"}


async def test_recovery_and_verification_flows(
    ory_fake: FakeOry, public_client: ory_client.ApiClient
) -> None:
    frontend = ory_client.FrontendApi(public_client)
    await register(frontend, "codes@example.org")
    recovery = await run(frontend.create_native_recovery_flow)
    sent = await run(
        frontend.update_recovery_flow,
        str(recovery.id),
        ory_client.UpdateRecoveryFlowBody(
            ory_client.UpdateRecoveryFlowWithCodeMethod(method="code", email="codes@example.org")
        ),
    )
    assert sent.state == "sent_email"
    done = await run(
        frontend.update_recovery_flow,
        str(recovery.id),
        ory_client.UpdateRecoveryFlowBody(
            ory_client.UpdateRecoveryFlowWithCodeMethod(
                method="code", code=code_sent_to(ory_fake, "codes@example.org")
            )
        ),
    )
    assert done.state == "passed_challenge"
    assert done.continue_with is not None
    assert len(done.continue_with) == 2

    verification = await run(frontend.create_native_verification_flow)
    await run(
        frontend.update_verification_flow,
        str(verification.id),
        ory_client.UpdateVerificationFlowBody(
            ory_client.UpdateVerificationFlowWithCodeMethod(
                method="code", email="codes@example.org"
            )
        ),
    )
    verified = await run(
        frontend.update_verification_flow,
        str(verification.id),
        ory_client.UpdateVerificationFlowBody(
            ory_client.UpdateVerificationFlowWithCodeMethod(
                method="code", code=code_sent_to(ory_fake, "codes@example.org")
            )
        ),
    )
    assert verified.state == "passed_challenge"
    got = await run(frontend.get_verification_flow, str(verification.id))
    assert got.state == "passed_challenge"


async def test_browser_logout_and_token_exchange(
    ory_fake: FakeOry, public_client: ory_client.ApiClient
) -> None:
    frontend = ory_client.FrontendApi(public_client)
    token = await register(frontend, "browser@example.org")
    logout = await run(frontend.create_browser_logout_flow, cookie=f"ory_kratos_session={token}")
    assert isinstance(logout, ory_client.LogoutFlow)
    assert logout.logout_token in logout.logout_url

    flow = await run(frontend.create_native_login_flow, return_session_token_exchange_code=True)
    init_code = flow.session_token_exchange_code
    assert init_code
    identity_id = next(iter(ory_fake.identities))
    back = ory_fake.complete_token_exchange(init_code, identity_id)
    exchanged = await run(frontend.exchange_session_token, init_code=init_code, return_to_code=back)
    assert isinstance(exchanged, ory_client.SuccessfulNativeLogin)
    assert exchanged.session.identity is not None
    assert str(exchanged.session.identity.id) == identity_id
