"""Native (API) self-service flows end to end: login, registration, settings, recovery,
verification and the TOTP second factor, each with its success and its refusal. Every
scenario taking ``server`` runs against FakeOry and against a real Kratos."""

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
from tests.kit.harness import Harness
from tests.kit.keys import API_KEY
from tests.kit.servers import ServerUnderTest

covers = pytest.mark.covers
PASSWORD = "a-long-password-123"


async def code_sent_to(ory: OryClient, server: ServerUnderTest, address: str, template: str) -> str:
    """The six-digit code of the newest message of ``template`` to ``address``.

    Kratos (run with ``--dev``) shows message bodies through the admin courier API; the
    integration FakeOry redacts them there, as a production Kratos does, so its own record
    is read instead.
    """
    if server.fake is not None:
        bodies = [
            m["body"]
            for m in server.fake.messages
            if m["recipient"] == address and m["template_type"] == template
        ]
    else:
        messages = await ory.courier.list(recipient=address).collect()
        messages.sort(key=lambda m: m.created_at.timestamp() if m.created_at else 0.0, reverse=True)
        bodies = [m.body or "" for m in messages if m.template_type == template]
    assert bodies, f"no {template} message to {address}"
    found = re.search(r"\b(\d{6})\b", bodies[0])
    assert found, bodies[0]
    return found.group(1)


async def registered(ory: OryClient, email: str) -> str:
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": email}, password=PASSWORD)
    )
    assert isinstance(result, SuccessfulNativeRegistration), result
    assert result.session_token is not None
    return result.session_token


def no_api_key_on_public_site(server: ServerUnderTest) -> None:
    if server.fake is None:  # only FakeOry shows what reached it
        return
    for r in server.fake.requests:
        if r.site == "public":
            assert API_KEY not in r.headers.get("Authorization", ""), (r.method, r.path)


@pytest.mark.async_only
@covers(
    "Kratos v1.createNativeRegistrationFlow",
    "Kratos v1.updateRegistrationFlow",
    "Kratos v1.createNativeLoginFlow",
    "Kratos v1.updateLoginFlow",
)
async def test_registration_then_login_with_the_password(
    harness: Harness, server: ServerUnderTest
) -> None:
    ory = await harness.client(server, access_token=API_KEY)
    email = server.email("new")
    flow = await ory.flows.start_registration()
    assert isinstance(flow, RegistrationFlow)
    assert flow.type == "api"
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": email}, password=PASSWORD), flow=flow
    )
    assert isinstance(result, SuccessfulNativeRegistration)
    assert result.identity.traits["email"] == email
    sent = harness.exchanges["v1"][-1]
    assert (sent.method, sent.path, sent.query) == (
        "POST",
        "/self-service/registration",
        [("flow", flow.id)],
    )
    assert orjson.loads(sent.request_body) == {
        "method": "password",
        "traits": {"email": email},
        "password": PASSWORD,
    }

    login = await ory.flows.login(PasswordLogin(identifier=email, password=PASSWORD))
    assert isinstance(login, SuccessfulNativeLogin)
    assert login.session_token
    me = await ory.sessions.whoami(auth=SessionToken(login.session_token))
    assert me.identity is not None
    assert me.identity.id == result.identity.id
    no_api_key_on_public_site(server)


async def test_wrong_password_comes_back_as_the_flow_with_its_message(
    ory: OryClient, server: ServerUnderTest
) -> None:
    email = server.email("who")
    await registered(ory, email)
    flow = await ory.flows.start_login()
    result = await ory.flows.login(
        PasswordLogin(identifier=email, password="not-the-password"), flow=flow
    )
    assert isinstance(result, FlowRejected)
    assert isinstance(result.flow, LoginFlow)
    assert result.flow.id == flow.id
    assert [m.id for m in result.messages] == [4000006]
    # The same flow takes a corrected submission.
    again = await ory.flows.login(PasswordLogin(identifier=email, password=PASSWORD), flow=flow.id)
    assert isinstance(again, SuccessfulNativeLogin)


async def test_registration_refusals_are_typed(ory: OryClient, server: ServerUnderTest) -> None:
    short = await ory.flows.registration(
        PasswordRegistration(traits={"email": server.email("short")}, password="short")
    )
    assert isinstance(short, FlowRejected)
    assert isinstance(short.flow, RegistrationFlow)
    assert [m.id for m in short.messages] == [4000032]
    taken_email = server.email("taken")
    await registered(ory, taken_email)
    taken = await ory.flows.registration(
        PasswordRegistration(traits={"email": taken_email}, password="another-password-456")
    )
    assert isinstance(taken, FlowRejected)
    assert [m.id for m in taken.messages] == [4000007]


async def test_a_method_the_flow_does_not_have_is_a_rejection(ory: OryClient) -> None:
    result = await ory.flows.login(TotpLogin(totp_code="123456"))
    assert isinstance(result, FlowRejected)
    assert [m.id for m in result.messages] == [4010002]


@covers("Kratos v1.createNativeSettingsFlow", "Kratos v1.updateSettingsFlow")
async def test_settings_change_password_and_traits(
    harness: Harness, server: ServerUnderTest
) -> None:
    ory = await harness.client(server, access_token=API_KEY)
    email = server.email("set")
    token = await registered(ory, email)
    flow = await ory.flows.start_settings(session_token=token)
    assert isinstance(flow, SettingsFlow)
    assert flow.state == "show_form"
    assert flow.identity is not None
    saved = await ory.flows.settings(
        PasswordSettings(password="a-brand-new-password"), session_token=token, flow=flow
    )
    assert isinstance(saved, SettingsFlow)
    assert saved.state == "success"
    assert saved.ui is not None
    assert [m.id for m in saved.ui.messages] == [1050001]
    old = await ory.flows.login(PasswordLogin(identifier=email, password=PASSWORD))
    assert isinstance(old, FlowRejected)
    new = await ory.flows.login(PasswordLogin(identifier=email, password="a-brand-new-password"))
    assert isinstance(new, SuccessfulNativeLogin)

    renamed = server.email("renamed")
    profile = await ory.flows.settings(
        ProfileSettings(traits={"email": renamed}), session_token=token
    )
    assert isinstance(profile, SettingsFlow)
    assert profile.identity is not None
    assert profile.identity.traits["email"] == renamed
    refused = await ory.flows.settings(PasswordSettings(password="short"), session_token=token)
    assert isinstance(refused, FlowRejected)
    assert [m.id for m in refused.messages] == [4000032]
    no_api_key_on_public_site(server)


async def test_settings_needs_a_session(ory: OryClient) -> None:
    with pytest.raises(UnauthorizedError):
        await ory.flows.start_settings(session_token="ory_st_unknown")


async def test_settings_needs_a_recent_sign_in(harness: Harness) -> None:
    clock = ManualClock()
    fake = await harness.start("v1", clock=clock)
    ory = await harness.client(fake)
    token = await registered(ory, "old@example.com")
    clock.advance(16 * 60)
    with pytest.raises(ForbiddenError) as caught:
        await ory.flows.settings(PasswordSettings(password="another-password"), session_token=token)
    assert caught.value.error is not None
    assert caught.value.error.id == "session_refresh_required"


@covers("Kratos v1.createNativeRecoveryFlow", "Kratos v1.updateRecoveryFlow")
async def test_recovery_by_code_signs_in_and_offers_settings(
    ory: OryClient, server: ServerUnderTest
) -> None:
    email = server.email("lost")
    await registered(ory, email)
    flow = await ory.flows.start_recovery()
    assert isinstance(flow, RecoveryFlow)
    sent = await ory.flows.recovery(CodeRecovery(email=email), flow=flow)
    assert isinstance(sent, RecoveryFlow)
    assert sent.state == "sent_email"
    assert sent.ui is not None
    assert [m.id for m in sent.ui.messages] == [1060003]
    code = await code_sent_to(ory, server, email, "recovery_code_valid")

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
        PasswordSettings(password="recovered-password-789"), session_token=token, flow=settings
    )
    assert isinstance(changed, SettingsFlow)
    assert changed.state == "success"


async def test_recovery_refusals(ory: OryClient, server: ServerUnderTest) -> None:
    missing = await ory.flows.recovery(CodeRecovery())
    assert isinstance(missing, FlowRejected)
    assert [m.id for m in missing.messages] == [4000002]
    invalid = await ory.flows.recovery(CodeRecovery(email="not-an-email"))
    assert isinstance(invalid, FlowRejected)
    assert [m.id for m in invalid.messages] == [4000001]
    # An unknown address gets the same answer as a known one, and no message.
    nobody = server.email("nobody")
    unknown = await ory.flows.recovery(CodeRecovery(email=nobody))
    assert isinstance(unknown, RecoveryFlow)
    assert unknown.state == "sent_email"
    assert await ory.courier.list(recipient=nobody).collect() == []


@covers("Kratos v1.createNativeVerificationFlow", "Kratos v1.updateVerificationFlow")
async def test_verification_by_code_verifies_the_address(
    ory: OryClient, server: ServerUnderTest
) -> None:
    email = server.email("verify")
    ident = await ory.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": email})
    )
    flow = await ory.flows.start_verification()
    assert isinstance(flow, VerificationFlow)
    names = [
        n.attributes.name
        for n in (flow.ui.nodes if flow.ui else [])
        if isinstance(n.attributes, UiNodeInputAttributes)
    ]
    assert "email" in names
    sent = await ory.flows.verification(CodeVerification(email=email), flow=flow)
    assert isinstance(sent, VerificationFlow)
    assert sent.state == "sent_email"
    code = await code_sent_to(ory, server, email, "verification_code_valid")
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
    assert [m.id for m in fresh.ui.messages] == [4070002]


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows now for a base32 secret (RFC 6238: SHA-1, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


async def test_link_an_authenticator_then_sign_in_with_the_second_factor(
    ory: OryClient, server: ServerUnderTest
) -> None:
    email = server.email("mfa")
    token = await registered(ory, email)
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

    # Linking the app authenticated it: this session has its second factor already.
    assert (await ory.sessions.whoami(auth=SessionToken(token))).authenticator_assurance_level == (
        "aal2"
    )

    # A new sign-in starts at aal1 and reaches aal2 with the app's code.
    first = await ory.flows.login(PasswordLogin(identifier=email, password=PASSWORD))
    assert isinstance(first, SuccessfulNativeLogin)
    phone = first.session_token or ""
    second = await ory.flows.start_login(aal="aal2", session_token=phone)
    assert second.requested_aal == "aal2"
    refused = await ory.flows.login(TotpLogin(totp_code="000000"), flow=second, session_token=phone)
    assert isinstance(refused, FlowRejected)
    assert [m.id for m in refused.messages] == [4000008]
    upgraded = await ory.flows.login(
        TotpLogin(totp_code=authenticator_code(secret)), flow=second, session_token=phone
    )
    assert isinstance(upgraded, SuccessfulNativeLogin)
    assert upgraded.session.id == first.session.id  # the same session, now at aal2
    me = await ory.sessions.whoami(auth=SessionToken(upgraded.session_token or phone))
    assert me.authenticator_assurance_level == "aal2"
    assert "totp" in [m.method for m in me.authentication_methods]


async def test_fakeory_mails_codes(fake: FakeOry, ory: OryClient) -> None:
    """FakeOry's own record of what it mailed (what ``code_sent_to`` reads there)."""
    await registered(ory, "mail@example.com")
    await ory.flows.recovery(CodeRecovery(email="mail@example.com"))
    recovery = [m for m in fake.messages if m["template_type"] == "recovery_code_valid"]
    assert len(recovery) == 1
    assert recovery[0]["subject"] == "Recover access to your account"
