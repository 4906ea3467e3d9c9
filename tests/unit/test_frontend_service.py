"""``ory.frontend`` and ``identities.create_test_login_flow`` against mocked HTTP: the exact
request each call sends, what it returns, and that the API key never goes along."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from aioresponses import aioresponses

from ory_async import (
    BadRequestError,
    NotFoundError,
    OryClient,
    SessionCookie,
    SessionToken,
    UnsupportedOperationError,
)
from ory_async.models import LoginFlow, LogoutFlow, Session, SuccessfulNativeLogin
from tests.kit.helpers import only_request, sent
from tests.kit.keys import SECRET
from tests.kit.mocked import ANY, PUBLIC, query_of

SID = "5d1c0e0a-2222-4a3b-9c1d-000000000002"
FLOW_ID = "7e1c0e0a-3333-4a3b-9c1d-000000000003"
SESSION = {"id": SID, "active": True}
USER_TOKEN = "ory_st_USERTOKEN_abcdef"


def headers_of(kwargs: dict[str, Any]) -> dict[str, str]:
    return dict(kwargs["headers"])


def no_api_key(kwargs: dict[str, Any]) -> None:
    headers = headers_of(kwargs)
    assert "Authorization" not in headers
    assert SECRET not in str(headers)


async def test_create_logout_url(ory: OryClient) -> None:
    answer = {"logout_url": f"{PUBLIC}/self-service/logout?token=lo", "logout_token": "lo"}
    with aioresponses() as m:
        m.get(ANY, payload=answer)
        flow = await ory.frontend.create_logout_url(
            "ory_kratos_session=abc", return_to="https://app.example/"
        )
        method, url, kwargs = only_request(m)
    assert method == "GET"
    assert str(url.origin()) == PUBLIC
    assert url.raw_path == "/self-service/logout/browser"
    assert query_of(url) == [("return_to", "https://app.example/")]
    assert headers_of(kwargs)["Cookie"] == "ory_kratos_session=abc"
    no_api_key(kwargs)
    assert flow == LogoutFlow(logout_url=answer["logout_url"], logout_token="lo")


async def test_create_logout_url_takes_a_session_cookie_and_no_return_to(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload={"logout_url": "u", "logout_token": "t"})
        await ory.frontend.create_logout_url(SessionCookie("ory_session_x=1"))
        _, url, kwargs = only_request(m)
    assert query_of(url) == []
    assert headers_of(kwargs)["Cookie"] == "ory_session_x=1"


async def test_create_logout_url_refuses_a_token() -> None:
    async with OryClient("http://127.0.0.1:4434") as ory:
        with pytest.raises(TypeError):
            await ory.frontend.create_logout_url(SessionToken("t"))  # type: ignore[arg-type]


async def test_logout_sends_the_token_in_the_body_only(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(ANY, status=204)
        await ory.frontend.logout(USER_TOKEN)
        method, url, kwargs = only_request(m)
    assert method == "DELETE"
    assert str(url) == f"{PUBLIC}/self-service/logout/api"
    assert orjson.loads(kwargs["data"]) == {"session_token": USER_TOKEN}
    assert "X-Session-Token" not in headers_of(kwargs)
    no_api_key(kwargs)


@pytest.mark.parametrize("bad", ["", "a\nb"])
async def test_logout_checks_the_token_before_sending(ory: OryClient, bad: str) -> None:
    with aioresponses() as m, pytest.raises(ValueError, match="session_token"):
        await ory.frontend.logout(bad)
    assert sent(m) == []


async def test_my_sessions_sends_the_user_token_and_pages(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[SESSION], headers={"X-Total-Count": "1"})
        page = await ory.frontend.my_sessions(SessionToken(USER_TOKEN), per_page=10)
        method, url, kwargs = only_request(m)
    assert method == "GET"
    assert url.raw_path == "/sessions"
    assert str(url.origin()) == PUBLIC
    assert query_of(url) == [("page", "0"), ("per_page", "10")]
    assert headers_of(kwargs)["X-Session-Token"] == USER_TOKEN
    no_api_key(kwargs)
    assert [s.id for s in page.items] == [SID]
    assert isinstance(page.items[0], Session)


async def test_my_sessions_token_form(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[])
        await ory.frontend.my_sessions(SessionCookie("c=1"), page_size=5, page_token="t").collect()
        _, url, kwargs = only_request(m)
    assert query_of(url) == [("page_size", "5"), ("page_token", "t")]
    assert headers_of(kwargs)["Cookie"] == "c=1"


@pytest.mark.parametrize("bad", [None, "token-as-str", object()])
def test_user_calls_refuse_anything_but_user_credentials(ory: OryClient, bad: Any) -> None:
    with pytest.raises(TypeError, match="SessionToken or SessionCookie"):
        _ = ory.frontend.my_sessions(bad)


async def test_revoke_my_session(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(ANY, status=204)
        await ory.frontend.revoke_my_session(SessionToken(USER_TOKEN), "a/b")
        method, url, kwargs = only_request(m)
    assert method == "DELETE"
    assert url.raw_path == "/sessions/a%2Fb"
    assert headers_of(kwargs)["X-Session-Token"] == USER_TOKEN
    no_api_key(kwargs)


async def test_revoke_my_session_current_is_a_bad_request(ory: OryClient) -> None:
    body = {
        "error": {"code": 400, "status": "Bad Request", "reason": "cannot revoke current session"}
    }
    with aioresponses() as m:
        m.delete(ANY, status=400, payload=body)
        with pytest.raises(BadRequestError, match="cannot revoke current session"):
            await ory.frontend.revoke_my_session(SessionToken(USER_TOKEN), SID)


async def test_revoke_my_other_sessions_returns_the_count(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(ANY, payload={"count": 3})
        count = await ory.frontend.revoke_my_other_sessions(SessionToken(USER_TOKEN))
        method, url, kwargs = only_request(m)
    assert (method, str(url)) == ("DELETE", f"{PUBLIC}/sessions")
    assert headers_of(kwargs)["X-Session-Token"] == USER_TOKEN
    no_api_key(kwargs)
    assert count == 3


async def test_exchange_session_token(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload={"session_token": "ory_st_new", "session": SESSION})
        got = await ory.frontend.exchange_session_token("init", "back")
        method, url, kwargs = only_request(m)
    assert method == "GET"
    assert url.raw_path == "/sessions/token-exchange"
    assert query_of(url) == [("init_code", "init"), ("return_to_code", "back")]
    no_api_key(kwargs)
    assert isinstance(got, SuccessfulNativeLogin)
    assert got.session_token == "ory_st_new"
    assert got.session.id == SID


async def test_exchange_session_token_without_a_session_yet(ory: OryClient) -> None:
    body = {
        "error": {"code": 404, "status": "Not Found", "reason": 'no session yet for this "code"'}
    }
    with aioresponses() as m:
        m.get(ANY, status=404, payload=body)
        with pytest.raises(NotFoundError, match="no session yet"):
            await ory.frontend.exchange_session_token("init", "back")


@pytest.mark.parametrize(("init", "back"), [("", "x"), ("x", "")])
async def test_exchange_needs_both_codes(ory: OryClient, init: str, back: str) -> None:
    with aioresponses() as m, pytest.raises(ValueError, match="must not be empty"):
        await ory.frontend.exchange_session_token(init, back)
    assert sent(m) == []


async def test_frontend_calls_need_v1(ory_v0: OryClient) -> None:
    with pytest.raises(UnsupportedOperationError):
        await ory_v0.frontend.logout("t")
    with pytest.raises(UnsupportedOperationError):
        await ory_v0.identities.create_test_login_flow("google")


# identities.create_test_login_flow

TEST_FLOW = {
    "id": FLOW_ID,
    "type": "browser",
    "state": "choose_method",
    "refresh": True,
    "ui": {"action": "a", "method": "POST", "nodes": []},
    "test_context": {
        "provider_id": "google",
        "debug_payload": {
            "id_token_claims": {"sub": "1"},
            "jsonnet_mapper_url": "base64://e30=",
            "schema_validation_errors": [{"path": "#/traits/email", "message": "missing"}],
            "error": {"step": "schema_validate", "reason": "traits_invalid", "message": "m"},
        },
    },
}


async def test_create_test_login_flow(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, status=201, payload=TEST_FLOW)
        flow = await ory.identities.create_test_login_flow("google")
        method, url, kwargs = only_request(m)
    assert method == "POST"
    assert str(url) == "http://127.0.0.1:4434/admin/test-login-flows"
    assert orjson.loads(kwargs["data"]) == {"provider_id": "google"}
    assert headers_of(kwargs)["Authorization"] == f"Bearer {SECRET}"
    assert isinstance(flow, LoginFlow)
    assert flow.test_context is not None
    assert flow.test_context.provider_id == "google"
    payload = flow.test_context.debug_payload
    assert payload is not None
    assert payload.id_token_claims == {"sub": "1"}
    assert payload.schema_validation_errors[0].path == "#/traits/email"
    assert payload.error is not None
    assert payload.error.step == "schema_validate"


@pytest.mark.parametrize("bad", ["", "x" * 256])
async def test_create_test_login_flow_checks_the_provider_id(ory: OryClient, bad: str) -> None:
    with aioresponses() as m, pytest.raises(ValueError, match="provider_id"):
        await ory.identities.create_test_login_flow(bad)
    assert sent(m) == []


async def test_create_test_login_flow_unknown_provider(ory: OryClient) -> None:
    body = {
        "error": {
            "code": 404,
            "status": "Not Found",
            "reason": 'OpenID Connect provider "x" is not configured',
        }
    }
    with aioresponses() as m:
        m.post(ANY, status=404, payload=body)
        with pytest.raises(NotFoundError, match="is not configured"):
            await ory.identities.create_test_login_flow("x")
