"""Native (API) self-service flows end to end against FakeOry (v1): login, registration,
settings, recovery and verification, each with its success and its refusal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import orjson
import pytest

from ory_async import ForbiddenError, GoneError, OryClient, SessionToken, UnauthorizedError
from ory_async.models import (
    CodeRecovery,
    CodeVerification,
    CreateIdentityBody,
    FlowRejected,
    LoginFlow,
    PasswordLogin,
    PasswordRegistration,
    PasswordSettings,
    ProfileSettings,
    RecoveryFlow,
    RegistrationFlow,
    SettingsFlow,
    SuccessfulNativeLogin,
    SuccessfulNativeRegistration,
    TotpLogin,
    TotpSettings,
    UiNodeInputAttributes,
    UiNodeTextAttributes,
    VerificationFlow,
)
from ory_async.testing import FakeOry, ManualClock
from tests.integration.conftest import API_KEY, Harness

covers = pytest.mark.covers


def code_sent_to(fake: FakeOry, address: str) -> str:
    """The six-digit code of the newest message to ``address``."""
    for message in fake.messages:
        if message["recipient"] == address:
            found = re.search(r"\b(\d{6})\b", message["body"])
            assert found, message["body"]
            return found.group(1)
    raise AssertionError(f"no message to {address}")


async def registered(ory: OryClient, email: str, password: str = "a-long-password") -> str:  # noqa: S107
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": email}, password=password)
    )
    assert isinstance(result, SuccessfulNativeRegistration), result
    assert result.session_token is not None
    return result.session_token


def no_api_key_on_public_site(fake: FakeOry) -> None:
    for r in fake.requests:
        if r.site == "public":
            assert API_KEY not in r.headers.get("Authorization", ""), (r.method, r.path)


@covers(
    "Kratos v1.createNativeRegistrationFlow",
    "Kratos v1.updateRegistrationFlow",
    "Kratos v1.createNativeLoginFlow",
    "Kratos v1.updateLoginFlow",
)
async def test_registration_then_login_with_the_password(harness: Harness, fake: FakeOry) -> None:
    ory = await harness.client(fake, access_token=API_KEY)
    flow = await ory.flows.start_registration()
    assert isinstance(flow, RegistrationFlow)
    assert flow.type == "api"
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": "new@example.com"}, password="a-long-password"),
        flow=flow,
    )
    assert isinstance(result, SuccessfulNativeRegistration)
    assert result.identity.traits == {"email": "new@example.com"}
    sent = fake.requests[-1]
    assert (sent.method, sent.path, sent.query) == (
        "POST",
        "/self-service/registration",
        [("flow", flow.id)],
    )
    assert orjson.loads(sent.body) == {
        "method": "password",
        "traits": {"email": "new@example.com"},
        "password": "a-long-password",
    }

    login = await ory.flows.login(
        PasswordLogin(identifier="new@example.com", password="a-long-password")
    )
    assert isinstance(login, SuccessfulNativeLogin)
    assert login.session_token
    me = await ory.sessions.whoami(auth=SessionToken(login.session_token))
    assert me.identity is not None
    assert me.identity.id == result.identity.id
    no_api_key_on_public_site(fake)


async def test_wrong_password_comes_back_as_the_flow_with_its_message(
    ory: OryClient, fake: FakeOry
) -> None:
    await registered(ory, "who@example.com")
    flow = await ory.flows.start_login()
    result = await ory.flows.login(
        PasswordLogin(identifier="who@example.com", password="not-the-password"), flow=flow
    )
    assert isinstance(result, FlowRejected)
    assert isinstance(result.flow, LoginFlow)
    assert result.flow.id == flow.id
    assert [m.id for m in result.messages] == [4000006]
    # The same flow takes a corrected submission.
    again = await ory.flows.login(
        PasswordLogin(identifier="who@example.com", password="a-long-password"), flow=flow.id
    )
    assert isinstance(again, SuccessfulNativeLogin)


async def test_registration_refusals_are_typed(ory: OryClient) -> None:
    short = await ory.flows.registration(
        PasswordRegistration(traits={"email": "short@example.com"}, password="short")
    )
    assert isinstance(short, FlowRejected)
    assert isinstance(short.flow, RegistrationFlow)
    assert [m.id for m in short.messages] == [4000005]
    await registered(ory, "taken@example.com")
    taken = await ory.flows.registration(
        PasswordRegistration(traits={"email": "taken@example.com"}, password="another-password")
    )
    assert isinstance(taken, FlowRejected)
    assert [m.id for m in taken.messages] == [4000007]


async def test_a_method_the_flow_does_not_have_is_a_rejection(ory: OryClient) -> None:
    result = await ory.flows.login(TotpLogin(totp_code="123456"))
    assert isinstance(result, FlowRejected)
    assert [m.id for m in result.messages] == [4010002]


@covers("Kratos v1.createNativeSettingsFlow", "Kratos v1.updateSettingsFlow")
async def test_settings_change_password_and_traits(harness: Harness, fake: FakeOry) -> None:
    ory = await harness.client(fake, access_token=API_KEY)
    token = await registered(ory, "set@example.com")
    flow = await ory.flows.start_settings(session_token=token)
    assert isinstance(flow, SettingsFlow)
    assert flow.state == "show_form"
    assert flow.identity is not None
    assert fake.requests[-1].headers["X-Session-Token"] == token
    saved = await ory.flows.settings(
        PasswordSettings(password="a-brand-new-password"), session_token=token, flow=flow
    )
    assert isinstance(saved, SettingsFlow)
    assert saved.state == "success"
    assert saved.ui is not None
    assert [m.id for m in saved.ui.messages] == [1050001]
    old = await ory.flows.login(
        PasswordLogin(identifier="set@example.com", password="a-long-password")
    )
    assert isinstance(old, FlowRejected)
    new = await ory.flows.login(
        PasswordLogin(identifier="set@example.com", password="a-brand-new-password")
    )
    assert isinstance(new, SuccessfulNativeLogin)

    profile = await ory.flows.settings(
        ProfileSettings(traits={"email": "renamed@example.com"}), session_token=token
    )
    assert isinstance(profile, SettingsFlow)
    assert profile.identity is not None
    assert profile.identity.traits == {"email": "renamed@example.com"}
    refused = await ory.flows.settings(PasswordSettings(password="short"), session_token=token)
    assert isinstance(refused, FlowRejected)
    assert [m.id for m in refused.messages] == [4000005]
    no_api_key_on_public_site(fake)


async def test_settings_needs_a_session_and_a_recent_sign_in(harness: Harness) -> None:
    clock = ManualClock()
    fake = await harness.start("v1", clock=clock)
    ory = await harness.client(fake)
    with pytest.raises(UnauthorizedError):
        await ory.flows.start_settings(session_token="ory_st_unknown")
    token = await registered(ory, "old@example.com")
    clock.advance(16 * 60)
    with pytest.raises(ForbiddenError) as caught:
        await ory.flows.settings(PasswordSettings(password="another-password"), session_token=token)
    assert caught.value.error is not None
    assert caught.value.error.id == "session_refresh_required"


@covers("Kratos v1.createNativeRecoveryFlow", "Kratos v1.updateRecoveryFlow")
async def test_recovery_by_code_signs_in_and_offers_settings(ory: OryClient, fake: FakeOry) -> None:
    await registered(ory, "lost@example.com")
    flow = await ory.flows.start_recovery()
    assert isinstance(flow, RecoveryFlow)
    sent = await ory.flows.recovery(CodeRecovery(email="lost@example.com"), flow=flow)
    assert isinstance(sent, RecoveryFlow)
    assert sent.state == "sent_email"
    assert sent.ui is not None
    assert [m.id for m in sent.ui.messages] == [1060003]
    code = code_sent_to(fake, "lost@example.com")

    wrong = await ory.flows.recovery(CodeRecovery(code="000000"), flow=flow)
    assert isinstance(wrong, RecoveryFlow)  # Kratos answers 200 here
    assert wrong.ui is not None
    assert [m.id for m in wrong.ui.messages] == [4060006]

    done = await ory.flows.recovery(CodeRecovery(code=code), flow=flow)
    assert isinstance(done, RecoveryFlow)
    assert done.state == "passed_challenge"
    actions = {item["action"]: item for item in done.continue_with}
    token = actions["set_ory_session_token"]["ory_session_token"]
    settings_id = actions["show_settings_ui"]["flow"]["id"]
    settings = await ory.flows.get_settings(settings_id, session_token=token)
    assert isinstance(settings, SettingsFlow)
    assert settings.ui is not None
    assert [m.id for m in settings.ui.messages] == [1060001]
    changed = await ory.flows.settings(
        PasswordSettings(password="recovered-password"), session_token=token, flow=settings
    )
    assert isinstance(changed, SettingsFlow)
    assert changed.state == "success"


async def test_recovery_refusals(ory: OryClient, fake: FakeOry) -> None:
    missing = await ory.flows.recovery(CodeRecovery())
    assert isinstance(missing, FlowRejected)
    assert [m.id for m in missing.messages] == [4000002]
    invalid = await ory.flows.recovery(CodeRecovery(email="not-an-email"))
    assert isinstance(invalid, FlowRejected)
    assert [m.id for m in invalid.messages] == [4000001]
    # An unknown address gets the same answer as a known one, and no message.
    unknown = await ory.flows.recovery(CodeRecovery(email="nobody@example.com"))
    assert isinstance(unknown, RecoveryFlow)
    assert unknown.state == "sent_email"
    assert fake.messages == []


@covers("Kratos v1.createNativeVerificationFlow", "Kratos v1.updateVerificationFlow")
async def test_verification_by_code_verifies_the_address(ory: OryClient, fake: FakeOry) -> None:
    ident = await ory.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": "verify@example.com"})
    )
    flow = await ory.flows.start_verification()
    assert isinstance(flow, VerificationFlow)
    emails = [
        n.attributes.name
        for n in (flow.ui.nodes if flow.ui else [])
        if isinstance(n.attributes, UiNodeInputAttributes)
    ]
    assert "email" in emails
    sent = await ory.flows.verification(CodeVerification(email="verify@example.com"), flow=flow)
    assert isinstance(sent, VerificationFlow)
    assert sent.state == "sent_email"
    code = code_sent_to(fake, "verify@example.com")
    wrong = await ory.flows.verification(CodeVerification(code="000000"), flow=flow)
    assert isinstance(wrong, VerificationFlow)
    assert wrong.ui is not None
    assert [m.id for m in wrong.ui.messages] == [4070006]
    done = await ory.flows.verification(CodeVerification(code=code), flow=flow)
    assert isinstance(done, VerificationFlow)
    assert done.state == "passed_challenge"
    assert done.ui is not None
    assert [m.id for m in done.ui.messages] == [1080002]
    after = await ory.identities.get(ident.id)
    assert after.verifiable_addresses[0].verified is True
    assert after.verifiable_addresses[0].status == "completed"
    with pytest.raises(GoneError) as caught:
        await ory.flows.verification(CodeVerification(code=code), flow=flow)
    assert caught.value.error is not None
    assert caught.value.error.id == "self_service_flow_replaced"
    fresh = await ory.flows.get_verification(orjson.loads(caught.value.body)["use_flow_id"])
    assert isinstance(fresh, VerificationFlow)
    assert fresh.ui is not None
    assert [m.id for m in fresh.ui.messages] == [4070005]


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows now for a base32 secret (RFC 6238: SHA-1, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


async def test_link_an_authenticator_then_sign_in_with_the_second_factor(ory: OryClient) -> None:
    token = await registered(ory, "mfa@example.com")
    flow = await ory.flows.start_settings(session_token=token)
    assert flow.ui is not None
    secret_node = next(n for n in flow.ui.nodes if n.group == "totp" and n.type == "text")
    assert isinstance(secret_node.attributes, UiNodeTextAttributes)
    secret = secret_node.attributes.text.text if secret_node.attributes.text else ""
    assert secret

    wrong = await ory.flows.settings(
        TotpSettings(totp_code="000000"), session_token=token, flow=flow
    )
    assert isinstance(wrong, FlowRejected)
    assert [m.id for m in wrong.messages] == [4000008]
    linked = await ory.flows.settings(
        TotpSettings(totp_code=authenticator_code(secret)), session_token=token, flow=flow
    )
    assert isinstance(linked, SettingsFlow)
    assert linked.state == "success"

    second = await ory.flows.start_login(aal="aal2", session_token=token)
    assert second.requested_aal == "aal2"
    refused = await ory.flows.login(TotpLogin(totp_code="000000"), flow=second, session_token=token)
    assert isinstance(refused, FlowRejected)
    assert [m.id for m in refused.messages] == [4000008]
    upgraded = await ory.flows.login(
        TotpLogin(totp_code=authenticator_code(secret)), flow=second, session_token=token
    )
    assert isinstance(upgraded, SuccessfulNativeLogin)
    assert upgraded.session_token == token  # the same session, now at aal2
    me = await ory.sessions.whoami(auth=SessionToken(token))
    assert me.authenticator_assurance_level == "aal2"
    assert [m.method for m in me.authentication_methods][-1] == "totp"
