"""Native flow calls on ``ory.flows`` against mocked HTTP: what each start and submit sends,
and how a refusal that carries the flow comes back typed."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from aioresponses import aioresponses

from ory_async import BadRequestError, GoneError, OryClient, UnsupportedOperationError
from ory_async.models import (
    CodeRecovery,
    CodeVerification,
    FlowRejected,
    LoginFlow,
    LookupSecretSettings,
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
    VerificationFlow,
)
from tests.kit.helpers import only_request, sent
from tests.kit.keys import SECRET
from tests.kit.mocked import ANY, PUBLIC, query_of

FLOW_ID = "7e1c0e0a-3333-4a3b-9c1d-000000000003"
USER_TOKEN = "ory_st_USERTOKEN_abcdef"
SESSION = {"id": "5d1c0e0a-2222-4a3b-9c1d-000000000002"}
IDENTITY = {"id": "8f1c0e0a-1111-4a3b-9c1d-000000000001", "schema_id": "default", "traits": {}}


def flow_json(**extra: Any) -> dict[str, Any]:
    return {
        "id": FLOW_ID,
        "type": "api",
        "state": "choose_method",
        "ui": {"action": "a", "method": "POST", "nodes": [], "messages": []},
        **extra,
    }


def rejected_json(message_id: int, node_message_id: int | None = None) -> dict[str, Any]:
    nodes = []
    if node_message_id is not None:
        nodes.append(
            {
                "type": "input",
                "group": "password",
                "attributes": {"name": "password", "type": "password", "node_type": "input"},
                "messages": [{"id": node_message_id, "text": "n", "type": "error"}],
                "meta": {},
            }
        )
    body = flow_json()
    body["ui"]["nodes"] = nodes
    body["ui"]["messages"] = [
        {"id": 1, "text": "info", "type": "info"},
        {"id": message_id, "text": "t", "type": "error"},
    ]
    return body


def headers_of(kwargs: dict[str, Any]) -> dict[str, str]:
    return dict(kwargs["headers"])


@pytest.mark.parametrize(
    ("call", "path", "query", "model"),
    [
        (
            lambda o: o.flows.start_login(
                refresh=True,
                aal="aal2",
                return_to="https://app/",
                return_session_token_exchange_code=True,
                session_token=USER_TOKEN,
            ),
            "/self-service/login/api",
            [
                ("aal", "aal2"),
                ("refresh", "true"),
                ("return_session_token_exchange_code", "true"),
                ("return_to", "https://app/"),
            ],
            LoginFlow,
        ),
        (
            lambda o: o.flows.start_registration(return_to="x://y"),
            "/self-service/registration/api",
            [("return_to", "x://y")],
            RegistrationFlow,
        ),
        (
            lambda o: o.flows.start_settings(session_token=USER_TOKEN),
            "/self-service/settings/api",
            [],
            SettingsFlow,
        ),
        (lambda o: o.flows.start_recovery(), "/self-service/recovery/api", [], RecoveryFlow),
        (
            lambda o: o.flows.start_verification(),
            "/self-service/verification/api",
            [],
            VerificationFlow,
        ),
    ],
)
async def test_start_sends_get_to_the_public_url(
    ory: OryClient, call: Any, path: str, query: list[tuple[str, str]], model: type[Any]
) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=flow_json())
        flow = await call(ory)
        method, url, kwargs = only_request(m)
    assert method == "GET"
    assert str(url.origin()) == PUBLIC
    assert url.raw_path == path
    assert query_of(url) == query
    headers = headers_of(kwargs)
    assert "Authorization" not in headers
    assert SECRET not in str(headers)
    if path in ("/self-service/login/api", "/self-service/settings/api"):
        assert headers["X-Session-Token"] == USER_TOKEN
    else:
        assert "X-Session-Token" not in headers
    assert isinstance(flow, model)
    assert flow.id == FLOW_ID


async def test_login_submits_the_method_body_to_the_flow(ory: OryClient) -> None:
    answer = {"session_token": "ory_st_new", "session": SESSION, "continue_with": None}
    with aioresponses() as m:
        m.post(ANY, payload=answer)
        result = await ory.flows.login(
            PasswordLogin(identifier="a@example.com", password="pw"), flow=FLOW_ID
        )
        method, url, kwargs = only_request(m)
    assert method == "POST"
    assert url.raw_path == "/self-service/login"
    assert query_of(url) == [("flow", FLOW_ID)]
    assert orjson.loads(kwargs["data"]) == {
        "method": "password",
        "identifier": "a@example.com",
        "password": "pw",
    }
    assert "Authorization" not in headers_of(kwargs)
    assert isinstance(result, SuccessfulNativeLogin)
    assert result.session_token == "ory_st_new"
    assert result.continue_with == []


async def test_login_without_a_flow_starts_one_first(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=flow_json())
        m.post(ANY, payload={"session_token": "t", "session": SESSION})
        await ory.flows.login(TotpLogin(totp_code="123456"), session_token=USER_TOKEN)
        calls = sent(m)
    assert [(c[0], c[1].raw_path) for c in calls] == [
        ("GET", "/self-service/login/api"),
        ("POST", "/self-service/login"),
    ]
    assert query_of(calls[1][1]) == [("flow", FLOW_ID)]
    assert orjson.loads(calls[1][2]["data"]) == {"method": "totp", "totp_code": "123456"}
    assert all(headers_of(c[2])["X-Session-Token"] == USER_TOKEN for c in calls)


async def test_a_400_carrying_the_flow_is_a_rejection(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, status=400, payload=rejected_json(4000006, node_message_id=4000005))
        result = await ory.flows.login(
            PasswordLogin(identifier="a@example.com", password="pw"), flow=FLOW_ID
        )
    assert isinstance(result, FlowRejected)
    assert isinstance(result.flow, LoginFlow)
    assert result.flow.id == FLOW_ID
    assert [m.id for m in result.messages] == [4000006, 4000005]


async def test_a_400_without_a_flow_is_a_bad_request(ory: OryClient) -> None:
    body = {
        "error": {
            "id": "identity_disabled",
            "code": 400,
            "status": "Bad Request",
            "reason": "This account was disabled.",
        }
    }
    with aioresponses() as m:
        m.post(ANY, status=400, payload=body)
        with pytest.raises(BadRequestError) as caught:
            await ory.flows.login(PasswordLogin(identifier="a", password="b"), flow=FLOW_ID)
    assert caught.value.error is not None
    assert caught.value.error.id == "identity_disabled"


async def test_a_400_that_is_not_json_stays_a_bad_request(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, status=400, body=b"not json")
        with pytest.raises(BadRequestError):
            await ory.flows.recovery(CodeRecovery(email="a@example.com"), flow=FLOW_ID)


async def test_an_expired_flow_is_gone(ory: OryClient) -> None:
    body = {"error": {"id": "self_service_flow_expired", "code": 410, "status": "Gone"}}
    with aioresponses() as m:
        m.post(ANY, status=410, payload=body)
        with pytest.raises(GoneError):
            await ory.flows.verification(CodeVerification(code="1"), flow=FLOW_ID)


async def test_registration(ory: OryClient) -> None:
    answer = {"identity": IDENTITY, "session": SESSION, "session_token": "t"}
    with aioresponses() as m:
        m.post(ANY, payload=answer)
        result = await ory.flows.registration(
            PasswordRegistration(traits={"email": "a@example.com"}, password="pw"),
            flow=RegistrationFlow(id=FLOW_ID),
        )
        _, url, kwargs = only_request(m)
    assert url.raw_path == "/self-service/registration"
    assert query_of(url) == [("flow", FLOW_ID)]
    assert orjson.loads(kwargs["data"]) == {
        "method": "password",
        "traits": {"email": "a@example.com"},
        "password": "pw",
    }
    assert isinstance(result, SuccessfulNativeRegistration)
    assert result.identity.id == IDENTITY["id"]


async def test_settings_sends_the_token_and_returns_the_flow(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, payload=flow_json(state="success"))
        result = await ory.flows.settings(
            ProfileSettings(traits={"email": "b@example.com"}),
            session_token=USER_TOKEN,
            flow=FLOW_ID,
        )
        _, url, kwargs = only_request(m)
    assert url.raw_path == "/self-service/settings"
    assert headers_of(kwargs)["X-Session-Token"] == USER_TOKEN
    assert "Authorization" not in headers_of(kwargs)
    assert orjson.loads(kwargs["data"]) == {
        "method": "profile",
        "traits": {"email": "b@example.com"},
    }
    assert isinstance(result, SettingsFlow)
    assert result.state == "success"


async def test_settings_rejection_is_a_settings_flow(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, status=400, payload=rejected_json(4000005))
        result = await ory.flows.settings(
            PasswordSettings(password="x"), session_token=USER_TOKEN, flow=FLOW_ID
        )
    assert isinstance(result, FlowRejected)
    assert isinstance(result.flow, SettingsFlow)


async def test_bodies_leave_out_what_is_not_set(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, payload=flow_json())
        await ory.flows.settings(
            LookupSecretSettings(lookup_secret_regenerate=True),
            session_token=USER_TOKEN,
            flow=FLOW_ID,
        )
        _, _, kwargs = only_request(m)
    assert orjson.loads(kwargs["data"]) == {
        "method": "lookup_secret",
        "lookup_secret_regenerate": True,
    }


async def test_a_mapping_body_is_sent_as_given(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, payload=flow_json(state="sent_email"))
        result = await ory.flows.recovery({"method": "link", "email": "a@x.io"}, flow=FLOW_ID)
        _, url, kwargs = only_request(m)
    assert url.raw_path == "/self-service/recovery"
    assert orjson.loads(kwargs["data"]) == {"method": "link", "email": "a@x.io"}
    assert isinstance(result, RecoveryFlow)


@pytest.mark.parametrize(
    ("body", "error"),
    [({"email": "a@x.io"}, ValueError), ("password", TypeError), (object(), TypeError)],
)
async def test_bad_bodies_are_refused_before_sending(
    ory: OryClient, body: Any, error: type[Exception]
) -> None:
    with aioresponses() as m, pytest.raises(error):
        await ory.flows.recovery(body, flow=FLOW_ID)
    assert sent(m) == []


@pytest.mark.parametrize("flow", ["", 42, None])
async def test_bad_flows_are_refused_before_sending(ory: OryClient, flow: Any) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=flow_json(id=""))
        with pytest.raises(TypeError):
            await ory.flows.verification(CodeVerification(email="a@x.io"), flow=flow)
    assert all(c[0] == "GET" for c in sent(m))


async def test_native_flows_need_v1(ory_v0: OryClient) -> None:
    with pytest.raises(UnsupportedOperationError):
        await ory_v0.flows.start_login()
    with pytest.raises(UnsupportedOperationError):
        await ory_v0.flows.recovery(CodeRecovery(email="a@x.io"), flow=FLOW_ID)
