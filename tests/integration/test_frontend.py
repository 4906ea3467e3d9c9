"""The user-facing calls a server makes, end to end: logout, the user's own sessions,
session-token exchange, and the admin's dry-run OIDC login flow. Every scenario taking
``server`` runs against FakeOry and against a real Kratos."""

from __future__ import annotations

import aiohttp
import orjson
import pytest
from yarl import URL

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
from tests.kit.harness import Harness
from tests.kit.keys import API_KEY
from tests.kit.servers import ServerUnderTest

covers = pytest.mark.covers
PASSWORD = "a-long-password-123"
JSON = {"Accept": "application/json"}
MISSING = "00000000-0000-4000-8000-000000000000"


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


async def browser_cookie(ory: OryClient, server: ServerUnderTest, email: str) -> SessionCookie:
    """The session cookie a browser gets from signing in (a new session of ``email``).

    Kratos sets it from a browser login flow; FakeOry's session cookie holds the session
    token itself, so a native sign-in gives it.
    """
    if server.fake is not None:
        token = (await another_session(ory, email)).session_token
        return SessionCookie(f"ory_kratos_session={token}")
    jar = aiohttp.CookieJar(unsafe=True)  # loopback addresses are IPs
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{server.public_url}/self-service/login/browser", headers=JSON) as r:
            flow = await r.json()
            assert r.status == 200, flow
        csrf = next(
            n["attributes"]["value"]
            for n in flow["ui"]["nodes"]
            if n["attributes"].get("name") == "csrf_token"
        )
        body = {"method": "password", "identifier": email, "password": PASSWORD, "csrf_token": csrf}
        async with http.post(
            f"{server.public_url}/self-service/login",
            params={"flow": flow["id"]},
            json=body,
            headers=JSON,
        ) as r:
            assert r.status == 200, await r.text()
        cookies = {c.key: c.value for c in jar if c.key == "ory_kratos_session"}
    assert cookies, "the browser login set no session cookie"
    return SessionCookie.from_cookies(cookies)


async def keyed(harness: Harness, server: ServerUnderTest) -> OryClient:
    """A client whose default credentials are the API key, to show they never go out here."""
    return await harness.client(server, access_token=API_KEY)


def no_api_key_on_public_site(server: ServerUnderTest) -> None:
    if server.fake is None:  # only FakeOry shows what reached it
        return
    public = [r for r in server.fake.requests if r.site == "public"]
    assert public, "no request reached the public site"
    for r in public:
        assert API_KEY not in r.headers.get("Authorization", ""), (r.method, r.path)


@pytest.mark.async_only
@covers("Kratos v1.createBrowserLogoutFlow")
async def test_logout_url_for_a_browser_cookie_then_the_url_signs_out(
    harness: Harness, server: ServerUnderTest
) -> None:
    ory = await keyed(harness, server)
    email = server.email("browser")
    await signed_in(ory, email)
    cookie = await browser_cookie(ory, server, email)
    flow = await ory.frontend.create_logout_url(cookie, return_to="https://app.example.com/bye")
    assert isinstance(flow, LogoutFlow)
    link = URL(flow.logout_url)
    assert str(link.origin()) == server.public_url
    assert link.path == "/self-service/logout"
    assert dict(link.query) == {
        "return_to": "https://app.example.com/bye",
        "token": flow.logout_token,
    }
    sent = harness.exchanges["v1"][-1]
    assert (sent.method, sent.path) == ("GET", "/self-service/logout/browser")
    assert sent.query == [("return_to", "https://app.example.com/bye")]
    if server.fake is not None:
        assert server.fake.requests[-1].headers["Cookie"] == cookie.token
    # Following the link ends the session, and only with the browser's own cookie.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(flow.logout_url, headers=JSON) as resp:
            assert resp.status == 401
        stranger = await browser_cookie(ory, server, email)
        async with http.get(flow.logout_url, headers={**JSON, "Cookie": stranger.token}) as resp:
            assert resp.status == 403
        async with http.get(flow.logout_url, headers={**JSON, "Cookie": cookie.token}) as resp:
            assert resp.status == 204
    with pytest.raises(UnauthorizedError):
        await ory.sessions.whoami(auth=cookie)
    no_api_key_on_public_site(server)


async def test_logout_url_without_a_session(ory: OryClient) -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await ory.frontend.create_logout_url("ory_kratos_session=not-a-session")
    assert caught.value.error is not None
    assert caught.value.error.id == "session_inactive"


@pytest.mark.async_only
@covers("Kratos v1.performNativeLogout")
async def test_native_logout_revokes_the_token(harness: Harness, server: ServerUnderTest) -> None:
    ory = await keyed(harness, server)
    _, token = await signed_in(ory, server.email("native"))
    await ory.frontend.logout(token)
    sent = harness.exchanges["v1"][-1]
    assert (sent.method, sent.path, sent.status) == ("DELETE", "/self-service/logout/api", 204)
    assert orjson.loads(sent.request_body) == {"session_token": token}
    if server.fake is not None:
        assert "Authorization" not in server.fake.requests[-1].headers
        assert "X-Session-Token" not in server.fake.requests[-1].headers
    with pytest.raises(UnauthorizedError):
        await ory.sessions.whoami(auth=SessionToken(token))
    with pytest.raises(ForbiddenError):
        await ory.frontend.logout("ory_st_never_issued")
    no_api_key_on_public_site(server)


@pytest.mark.async_only
@covers(
    "Kratos v1.listMySessions", "Kratos v1.disableMySession", "Kratos v1.disableMyOtherSessions"
)
async def test_my_sessions_lists_the_others_and_revokes(
    harness: Harness, server: ServerUnderTest
) -> None:
    ory = await keyed(harness, server)
    email = server.email("many")
    _, mine = await signed_in(ory, email)
    others = [(await another_session(ory, email)).session.id for _ in range(5)]
    stranger = server.email("stranger")
    await signed_in(ory, stranger)
    await another_session(ory, stranger)
    me = SessionToken(mine)

    listed = [s.id async for s in ory.frontend.my_sessions(me, per_page=2)]
    assert sorted(listed) == sorted(others)
    assert len(listed) == 5
    pages = [e for e in harness.exchanges["v1"] if e.path == "/sessions" and e.method == "GET"]
    assert len(pages) >= 3  # five sessions, two a page

    await ory.frontend.revoke_my_session(me, others[0])
    remaining = await ory.frontend.my_sessions(me).collect()
    assert others[0] not in {s.id for s in remaining}
    current = (await ory.sessions.whoami(auth=me)).id
    with pytest.raises(BadRequestError):
        await ory.frontend.revoke_my_session(me, current)

    # Kratos counts every other session it touched, the one revoked above included.
    assert await ory.frontend.revoke_my_other_sessions(me) == 5
    assert await ory.frontend.my_sessions(me).collect() == []
    # The current session survives.
    assert (await ory.sessions.whoami(auth=me)).active is True
    no_api_key_on_public_site(server)


async def test_revoking_a_session_that_is_not_the_users(ory: OryClient, fake: FakeOry) -> None:
    _, mine = await signed_in(ory, "own@example.com")
    with pytest.raises(NotFoundError):
        await ory.frontend.revoke_my_session(SessionToken(mine), MISSING)


async def test_my_sessions_with_a_browser_cookie(ory: OryClient, server: ServerUnderTest) -> None:
    email = server.email("cookie")
    await signed_in(ory, email)
    cookie = await browser_cookie(ory, server, email)
    mine = (await ory.sessions.whoami(auth=cookie)).id
    listed = {s.id for s in await ory.frontend.my_sessions(cookie).collect()}
    assert len(listed) == 1  # the native session of sign-up
    assert mine not in listed
    with pytest.raises(UnauthorizedError):
        await ory.frontend.revoke_my_other_sessions(SessionToken("ory_st_unknown"))


@pytest.mark.async_only
@covers("Kratos v1.exchangeSessionToken")
async def test_session_token_exchange_waits_for_the_browser(
    harness: Harness, server: ServerUnderTest
) -> None:
    ory = await keyed(harness, server)
    flow = await ory.flows.start_login(
        return_session_token_exchange_code=True, return_to="https://app.example.com/done"
    )
    assert isinstance(flow, LoginFlow)
    assert flow.session_token_exchange_code
    with pytest.raises(NotFoundError, match="no session yet"):  # no browser sign-in yet
        await ory.frontend.exchange_session_token(flow.session_token_exchange_code, "nope")
    sent = harness.exchanges["v1"][-1]
    assert sent.path == "/sessions/token-exchange"
    assert dict(sent.query) == {
        "init_code": flow.session_token_exchange_code,
        "return_to_code": "nope",
    }


async def test_session_token_exchange_after_a_browser_sign_in(
    harness: Harness, fake: FakeOry
) -> None:
    server = ServerUnderTest("fake", fake.url, fake.public_url, "x", fake=fake)
    ory = await keyed(harness, server)
    identity_id, _ = await signed_in(ory, "exchange@example.com")
    flow = await ory.flows.start_login(
        return_session_token_exchange_code=True, return_to="myapp://done"
    )
    assert flow.session_token_exchange_code
    return_to_code = fake.complete_token_exchange(flow.session_token_exchange_code, identity_id)
    got = await ory.frontend.exchange_session_token(
        flow.session_token_exchange_code, return_to_code
    )
    assert isinstance(got, SuccessfulNativeLogin)
    assert got.session.identity is not None
    assert got.session.identity.id == identity_id
    assert got.session_token
    me = await ory.sessions.whoami(auth=SessionToken(got.session_token))
    assert me.id == got.session.id
    no_api_key_on_public_site(server)


@covers("Ory Network.createTestLoginFlow")
async def test_create_test_login_flow(harness: Harness, fake: FakeOry) -> None:
    ory = await harness.client(fake, access_token=API_KEY)
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
