"""Ory Actions web hooks end to end: FakeOry calls an aiohttp app built with
``ory_async.webhooks`` over loopback, on registration, login and password migration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from ory_async import OryClient, ServerError
from ory_async.models import (
    CreateIdentityBody,
    FlowRejected,
    IdentityWithCredentials,
    IdentityWithCredentialsPassword,
    IdentityWithCredentialsPasswordConfig,
    PasswordLogin,
    PasswordRegistration,
    SuccessfulNativeLogin,
    SuccessfulNativeRegistration,
)
from ory_async.testing import FakeOry
from ory_async.webhooks import (
    ApiKeyAuth,
    BasicAuth,
    PasswordMigrationRequest,
    WebhookPayload,
    WebhookReply,
    interrupt,
    modify,
)
from ory_async.webhooks.aiohttp import password_migration_handler, webhook_handler

HOOK_KEY = "hook-secret-0123456789"
KEY_AUTH = {"type": "api_key", "config": {"name": "X-Hook-Key", "value": HOOK_KEY, "in": "header"}}
LEGACY_PASSWORDS = {"legacy@example.com": "old-system-password"}


class HookApp:
    """An app with hooks, recording every payload it was sent."""

    def __init__(self) -> None:
        self.payloads: list[WebhookPayload] = []
        self.migration_checks: list[PasswordMigrationRequest] = []
        self.url = ""

    async def on_registration(self, payload: WebhookPayload) -> WebhookReply | None:
        self.payloads.append(payload)
        assert payload.identity is not None
        email = str(payload.identity.traits.get("email", ""))
        if email.endswith("@blocked.example"):
            return interrupt(
                {"#/traits/email": "This address is not allowed", "#/": "Sign-up refused"}
            )
        return modify(metadata_public={"plan": "free", "source": payload.header("User-Agent")})

    async def on_login(self, payload: WebhookPayload) -> WebhookReply | None:
        self.payloads.append(payload)
        return None

    async def check_password(self, request: PasswordMigrationRequest) -> bool:
        self.migration_checks.append(request)
        return LEGACY_PASSWORDS.get(request.identifier) == request.password


@pytest.fixture
async def hooks() -> AsyncIterator[HookApp]:
    app = HookApp()
    web_app = web.Application()
    auth = ApiKeyAuth("X-Hook-Key", HOOK_KEY)
    web_app.router.add_post("/registration", webhook_handler(app.on_registration, auth=auth))
    web_app.router.add_post("/login", webhook_handler(app.on_login, auth=auth))
    web_app.router.add_post(
        "/password", password_migration_handler(app.check_password, auth=BasicAuth("kratos", "pw"))
    )
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    app.url = f"http://127.0.0.1:{port}"
    try:
        yield app
    finally:
        await runner.cleanup()


def configure(fake: FakeOry, hooks: HookApp, *, key: dict[str, Any] = KEY_AUTH) -> None:
    fake.add_webhook(f"{hooks.url}/registration", events=("registration",), auth=key)
    fake.add_webhook(f"{hooks.url}/login", events=("login",), auth=key)


async def test_registration_hook_can_refuse_with_messages(
    ory: OryClient, fake: FakeOry, hooks: HookApp
) -> None:
    configure(fake, hooks)
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": "eve@blocked.example"}, password="a-long-password")
    )
    assert isinstance(result, FlowRejected)
    assert result.flow.ui is not None
    assert [m.text for m in result.flow.ui.messages] == ["Sign-up refused"]
    email_node = next(n for n in result.flow.ui.nodes if n.attributes.name == "traits.email")  # type: ignore[union-attr]
    assert [m.text for m in email_node.messages] == ["This address is not allowed"]
    assert fake.identities == {}
    payload = hooks.payloads[-1]
    assert payload.flow is not None
    assert payload.flow.type == "api"
    assert payload.request_method == "POST"


async def test_registration_hook_changes_the_identity_before_it_is_stored(
    ory: OryClient, fake: FakeOry, hooks: HookApp
) -> None:
    configure(fake, hooks)
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": "ada@example.com"}, password="a-long-password")
    )
    assert isinstance(result, SuccessfulNativeRegistration)
    stored = await ory.identities.get(result.identity.id)
    assert stored.metadata_public is not None
    assert stored.metadata_public["plan"] == "free"
    assert str(stored.metadata_public["source"]).startswith("ory-async/")


async def test_login_hook_sees_the_identity_and_the_session(
    ory: OryClient, fake: FakeOry, hooks: HookApp
) -> None:
    configure(fake, hooks)
    await ory.flows.registration(
        PasswordRegistration(traits={"email": "bob@example.com"}, password="a-long-password")
    )
    login = await ory.flows.login(
        PasswordLogin(identifier="bob@example.com", password="a-long-password")
    )
    assert isinstance(login, SuccessfulNativeLogin)
    payload = hooks.payloads[-1]
    assert payload.session is not None
    assert payload.session.id == login.session.id
    assert payload.identity is not None
    assert payload.identity.traits == {"email": "bob@example.com"}


async def test_a_hook_called_without_its_secret_stops_the_flow(
    ory: OryClient, fake: FakeOry, hooks: HookApp
) -> None:
    wrong = {"type": "api_key", "config": {"name": "X-Hook-Key", "value": "guess"}}
    configure(fake, hooks, key=wrong)
    with pytest.raises(ServerError):
        await ory.flows.registration(
            PasswordRegistration(traits={"email": "x@example.com"}, password="a-long-password")
        )
    assert hooks.payloads == []  # the handler never ran
    assert fake.identities == {}


async def test_password_migration_round_trip(ory: OryClient, fake: FakeOry, hooks: HookApp) -> None:
    fake.set_password_migration_hook(
        f"{hooks.url}/password",
        auth={"type": "basic_auth", "config": {"user": "kratos", "password": "pw"}},
    )
    imported = await ory.identities.create(
        CreateIdentityBody(
            schema_id="default",
            traits={"email": "legacy@example.com"},
            credentials=IdentityWithCredentials(
                password=IdentityWithCredentialsPassword(
                    config=IdentityWithCredentialsPasswordConfig(use_password_migration_hook=True)
                )
            ),
        )
    )
    wrong = await ory.flows.login(
        PasswordLogin(identifier="legacy@example.com", password="not-it-at-all")
    )
    assert isinstance(wrong, FlowRejected)
    assert [m.id for m in wrong.messages] == [4000006]
    right = await ory.flows.login(
        PasswordLogin(identifier="legacy@example.com", password="old-system-password")
    )
    assert isinstance(right, SuccessfulNativeLogin)
    assert right.session.identity is not None
    assert right.session.identity.id == imported.id
    assert [c.password for c in hooks.migration_checks] == [
        "not-it-at-all",
        "old-system-password",
    ]
    # The hash is stored now: the hook is not asked again.
    again = await ory.flows.login(
        PasswordLogin(identifier="legacy@example.com", password="old-system-password")
    )
    assert isinstance(again, SuccessfulNativeLogin)
    assert len(hooks.migration_checks) == 2
