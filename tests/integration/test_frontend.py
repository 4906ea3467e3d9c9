"""The user-facing calls a server makes, end to end against FakeOry (v1): logout, the
user's own sessions, session-token exchange, and the admin's dry-run OIDC login flow."""

from __future__ import annotations

import aiohttp
import orjson
import pytest

from ory_async import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    OryClient,
    SessionCookie,
    SessionToken,
    UnauthorizedError,
)
from ory_async.models import (
    LoginFlow,
    LogoutFlow,
    PasswordLogin,
    PasswordRegistration,
    SuccessfulNativeLogin,
    SuccessfulNativeRegistration,
)
from ory_async.testing import FakeOry
from tests.integration.conftest import API_KEY, Harness

covers = pytest.mark.covers


PASSWORD = "a-long-password-123"


async def signed_in(ory: OryClient, email: str) -> tuple[str, str]:
    """A new identity signed up natively, and its session: ``(identity_id, session_token)``."""
    result = await ory.flows.registration(
        PasswordRegistration(traits={"email": email}, password=PASSWORD)
    )
    assert isinstance(result, SuccessfulNativeRegistration), result
    assert result.session_token is not None
    return result.identity.id, result.session_token


async def another_session(ory: OryClient, email: str) -> SuccessfulNativeLogin:
    """One more session of the identity with ``email`` (a sign-in on another device)."""
    result = await ory.flows.login(PasswordLogin(identifier=email, password=PASSWORD))
    assert isinstance(result, SuccessfulNativeLogin), result
    return result


async def keyed(harness: Harness, fake: FakeOry) -> OryClient:
    """A client whose default credentials are the API key, to show they never go out here."""
    return await harness.client(fake, access_token=API_KEY)


def no_api_key_on_public_site(fake: FakeOry) -> None:
    public = [r for r in fake.requests if r.site == "public"]
    assert public, "no request reached the public site"
    for r in public:
        assert API_KEY not in r.headers.get("Authorization", ""), (r.method, r.path)


@covers("Kratos v1.createBrowserLogoutFlow")
async def test_logout_url_for_a_browser_cookie_then_the_url_signs_out(
    harness: Harness, fake: FakeOry
) -> None:
    ory = await keyed(harness, fake)
    email = "browser@example.com"
    _, token = await signed_in(ory, email)
    cookie = SessionCookie(f"ory_kratos_session={token}")
    flow = await ory.frontend.create_logout_url(cookie, return_to="https://app.example/bye")
    assert isinstance(flow, LogoutFlow)
    assert flow.logout_url.startswith(f"{fake.public_url}/self-service/logout?token=")
    assert flow.logout_token in flow.logout_url
    assert "return_to=https%3A%2F%2Fapp.example%2Fbye" in flow.logout_url
    sent = fake.requests[-1]
    assert sent.path == "/self-service/logout/browser"
    assert sent.headers["Cookie"] == f"ory_kratos_session={token}"
    assert sent.query == [("return_to", "https://app.example/bye")]
    # Following the URL ends the session: whoami with the cookie is refused afterwards.
    json = {"Accept": "application/json"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        # The link works only with the browser's own cookie.
        async with http.get(flow.logout_url, headers=json) as resp:
            assert resp.status == 401
        other = await another_session(ory, email)
        stranger = {**json, "Cookie": f"ory_kratos_session={other.session_token}"}
        async with http.get(flow.logout_url, headers=stranger) as resp:
            assert resp.status == 403
        mine = {**json, "Cookie": f"ory_kratos_session={token}"}
        async with http.get(flow.logout_url, headers=mine) as resp:
            assert resp.status == 204
    with pytest.raises(UnauthorizedError):
        await ory.sessions.whoami(auth=cookie)
    no_api_key_on_public_site(fake)


async def test_logout_url_takes_the_cookie_header_as_a_string(
    ory: OryClient, fake: FakeOry
) -> None:
    _, token = await signed_in(ory, "str@example.com")
    flow = await ory.frontend.create_logout_url(f"ory_kratos_session={token}")
    assert "return_to" not in flow.logout_url
    with pytest.raises(UnauthorizedError) as caught:
        await ory.frontend.create_logout_url("ory_kratos_session=not-a-session")
    assert caught.value.error is not None
    assert caught.value.error.id == "session_inactive"


@covers("Kratos v1.performNativeLogout")
async def test_native_logout_revokes_the_token(harness: Harness, fake: FakeOry) -> None:
    ory = await keyed(harness, fake)
    _, token = await signed_in(ory, "native@example.com")
    await ory.frontend.logout(token)
    sent = fake.requests[-1]
    assert (sent.method, sent.path, sent.site) == ("DELETE", "/self-service/logout/api", "public")
    assert orjson.loads(sent.body) == {"session_token": token}
    assert "Authorization" not in sent.headers
    assert "X-Session-Token" not in sent.headers
    with pytest.raises(UnauthorizedError):
        await ory.sessions.whoami(auth=SessionToken(token))
    await ory.frontend.logout(token)  # a revoked session may be revoked again
    with pytest.raises(ForbiddenError):
        await ory.frontend.logout("ory_st_never_issued")
    no_api_key_on_public_site(fake)


@covers(
    "Kratos v1.listMySessions", "Kratos v1.disableMySession", "Kratos v1.disableMyOtherSessions"
)
async def test_my_sessions_lists_the_others_newest_first_and_revokes(
    harness: Harness, fake: FakeOry
) -> None:
    ory = await keyed(harness, fake)
    _, mine = await signed_in(ory, "many@example.com")
    others = [(await another_session(ory, "many@example.com")).session.id for _ in range(5)]
    await signed_in(ory, "stranger@example.com")
    await another_session(ory, "stranger@example.com")
    me = SessionToken(mine)

    listed = [s.id async for s in ory.frontend.my_sessions(me, per_page=2)]
    assert sorted(listed) == sorted(others)
    assert len(listed) == 5
    sent = [r for r in fake.requests if r.path == "/sessions"]
    assert len(sent) >= 3  # five sessions, two a page
    assert all(r.headers["X-Session-Token"] == mine for r in sent)

    await ory.frontend.revoke_my_session(me, others[0])
    remaining = await ory.frontend.my_sessions(me).collect()
    assert others[0] not in {s.id for s in remaining}
    with pytest.raises(BadRequestError):
        await ory.frontend.revoke_my_session(me, (await ory.sessions.whoami(auth=me)).id)
    with pytest.raises(NotFoundError):
        await ory.frontend.revoke_my_session(me, "00000000-0000-4000-8000-000000000000")

    assert await ory.frontend.revoke_my_other_sessions(me) == 4
    assert await ory.frontend.my_sessions(me).collect() == []
    assert await ory.frontend.revoke_my_other_sessions(me) == 0
    # The current session survives.
    assert (await ory.sessions.whoami(auth=me)).active is True
    no_api_key_on_public_site(fake)


async def test_my_sessions_with_a_browser_cookie(ory: OryClient, fake: FakeOry) -> None:
    _, mine = await signed_in(ory, "cookie@example.com")
    other = (await another_session(ory, "cookie@example.com")).session.id
    cookie = SessionCookie(f"ory_kratos_session={mine}")
    assert [s.id for s in await ory.frontend.my_sessions(cookie).collect()] == [other]
    with pytest.raises(UnauthorizedError):
        await ory.frontend.revoke_my_other_sessions(SessionToken("ory_st_unknown"))


@covers("Kratos v1.exchangeSessionToken")
async def test_session_token_exchange_after_a_browser_sign_in(
    harness: Harness, fake: FakeOry
) -> None:
    ory = await keyed(harness, fake)
    identity_id, _ = await signed_in(ory, "exchange@example.com")
    flow = await ory.flows.start_login(
        return_session_token_exchange_code=True, return_to="myapp://done"
    )
    assert isinstance(flow, LoginFlow)
    assert flow.session_token_exchange_code
    with pytest.raises(NotFoundError):  # the browser part has not finished yet
        await ory.frontend.exchange_session_token(flow.session_token_exchange_code, "nope")
    return_to_code = fake.complete_token_exchange(flow.session_token_exchange_code, identity_id)
    got = await ory.frontend.exchange_session_token(
        flow.session_token_exchange_code, return_to_code
    )
    assert isinstance(got, SuccessfulNativeLogin)
    assert got.session.identity is not None
    assert got.session.identity.id == identity_id
    assert got.session_token
    sent = fake.requests[-1]
    assert sent.path == "/sessions/token-exchange"
    assert dict(sent.query) == {
        "init_code": flow.session_token_exchange_code,
        "return_to_code": return_to_code,
    }
    me = await ory.sessions.whoami(auth=SessionToken(got.session_token))
    assert me.id == got.session.id
    no_api_key_on_public_site(fake)


@covers("Ory Network.createTestLoginFlow")
async def test_create_test_login_flow(harness: Harness, fake: FakeOry) -> None:
    ory = await keyed(harness, fake)
    fake.add_oidc_provider("google", label="Google")
    flow = await ory.identities.create_test_login_flow("google")
    sent = fake.requests[-1]
    assert (sent.method, sent.path, sent.site) == ("POST", "/admin/test-login-flows", "admin")
    assert orjson.loads(sent.body) == {"provider_id": "google"}
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    assert flow.test_context is not None
    assert flow.test_context.provider_id == "google"
    assert flow.test_context.debug_payload is None
    assert flow.refresh is True
    assert flow.type == "browser"
    button = [n for n in flow.ui.nodes if n.group == "oidc"] if flow.ui else []
    assert len(button) == 1
    assert button[0].meta is not None
    assert button[0].meta.label is not None
    assert button[0].meta.label.text == "Sign in with Google"

    fake.capture_test_login(
        flow.id,
        {
            "id_token_claims": {"sub": "123", "email": "t@example.com"},
            "jsonnet_output": {"identity": {"traits": {"email": "t@example.com"}}},
            "schema_validation_errors": [{"path": "#/traits/name", "message": "missing"}],
        },
    )
    captured = await ory.flows.get_login(flow.id)
    assert isinstance(captured, LoginFlow)
    assert captured.test_context is not None
    payload = captured.test_context.debug_payload
    assert payload is not None
    assert payload.id_token_claims == {"sub": "123", "email": "t@example.com"}
    assert payload.schema_validation_errors[0].path == "#/traits/name"
    assert payload.error is None

    with pytest.raises(NotFoundError) as caught:
        await ory.identities.create_test_login_flow("github")
    assert caught.value.reason == 'OpenID Connect provider "github" is not configured'
