"""ory.sessions, ory.flows and ory.metrics against mocked HTTP (aioresponses)."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from ory_async import (
    BearerToken,
    ForbiddenError,
    GoneError,
    NotFoundError,
    OryClient,
    SessionToken,
    UnauthorizedError,
    UnsupportedOperationError,
)
from ory_async.models import (
    FlowError,
    LoginFlow,
    RecoveryFlow,
    RegistrationFlow,
    Session,
    SettingsFlow,
    VerificationFlow,
)
from ory_async.models.v0 import V0Flow, V0FlowError
from tests.kit.helpers import only_request, sent
from tests.kit.keys import SECRET
from tests.kit.mocked import ANY, BASE, PUBLIC, query_of
from tests.kit.shared_files import fixture_json

SID = "7458af86-c1d8-401c-978a-8da89133f98b"


def session_payload() -> Any:
    return fixture_json("sessions/migratest-session-aal2-with-device.json")


async def test_get_with_repeated_expand(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=session_payload())
        result = await ory.sessions.get(SID, expand=["identity", "devices"])
        method, url, kwargs = only_request(m)
    assert (method, url.path) == ("GET", f"/admin/sessions/{SID}")
    assert url.raw_query_string.count("expand=") == 2
    assert query_of(url) == [("expand", "devices"), ("expand", "identity")]
    assert kwargs["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert isinstance(result, Session)
    assert result.identity is not None
    assert result.devices


async def test_get_without_expand_has_no_identity(ory: OryClient) -> None:
    payload = dict(session_payload(), identity=None, devices=None)
    with aioresponses() as m:
        m.get(ANY, payload=payload)
        result = await ory.sessions.get(SID)
        _, url, _ = only_request(m)
    assert url.raw_query_string == ""
    assert result.identity is None
    assert result.devices == []


async def test_expand_passes_unknown_values_through(ory: OryClient) -> None:
    # A value a newer server may know is sent as given, like an open enum's value.
    with aioresponses() as m:
        m.get(ANY, payload=session_payload())
        await ory.sessions.get(SID, expand=["Identity", "everything"])
        _, url, _ = only_request(m)
    assert query_of(url) == [("expand", "Identity"), ("expand", "everything")]


async def test_expand_validation(ory: OryClient) -> None:
    with pytest.raises(ValueError, match="expand values must not be empty"):
        await ory.sessions.get(SID, expand=[""])
    with pytest.raises(TypeError, match="takes a list of strings"):
        await ory.sessions.get(SID, expand="identity")


@pytest.mark.parametrize(("active", "value"), [(True, "true"), (False, "false")])
async def test_list_token_form(ory: OryClient, active: bool, value: str) -> None:
    with aioresponses() as m:
        m.get(
            ANY,
            payload=[session_payload()],
            headers={"Link": '</admin/sessions?page_size=1&page_token=abc>; rel="first"'},
        )
        page = await ory.sessions.list(page_size=1, active=active, expand=["identity"])
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", "/admin/sessions")
    assert query_of(url) == [("active", value), ("expand", "identity"), ("page_size", "1")]
    assert [s.id for s in page.items] == [SID]


async def test_list_for_identity_page_form(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[session_payload()], headers={"X-Total-Count": "1"})
        page = await ory.sessions.list_for_identity("ident-1", per_page=500, active=True)
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", "/admin/identities/ident-1/sessions")
    assert query_of(url) == [("active", "true"), ("page", "0"), ("per_page", "500")]
    assert page.total_count == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda o: o.sessions.list(page_size=1001), "page_size must be between 1 and 1000"),
        (
            lambda o: o.sessions.list_for_identity("i", per_page=0),
            "per_page must be between 1 and 1000",
        ),
        (lambda o: o.sessions.list(active="yes"), "active must be True, False or None"),
    ],
)
async def test_list_argument_errors(ory: OryClient, call: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        call(ory)


async def test_delete_for_identity_disable_and_extend(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(f"{BASE}/admin/identities/ident-1/sessions", status=204)
        m.delete(f"{BASE}/admin/sessions/{SID}", status=204)
        m.patch(f"{BASE}/admin/sessions/{SID}/extend", status=204)
        m.patch(f"{BASE}/admin/sessions/{SID}/extend", status=200, payload=session_payload())
        await ory.sessions.delete_for_identity("ident-1")
        await ory.sessions.disable(SID)
        assert await ory.sessions.extend(SID) is None
        extended = await ory.sessions.extend(SID)
        calls = [(meth, u.path) for meth, u, _ in sent(m)]
    assert isinstance(extended, Session)
    assert calls == [
        ("DELETE", "/admin/identities/ident-1/sessions"),
        ("DELETE", f"/admin/sessions/{SID}"),
        ("PATCH", f"/admin/sessions/{SID}/extend"),
        ("PATCH", f"/admin/sessions/{SID}/extend"),
    ]


async def test_delete_for_identity_without_sessions_is_404(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(
            ANY,
            status=404,
            payload={"error": {"code": 404, "message": "Unable to locate the resource"}},
        )
        with pytest.raises(NotFoundError):
            await ory.sessions.delete_for_identity("ident-1")


async def test_whoami_sends_only_the_session_token(ory: OryClient) -> None:
    whoami = fixture_json("sessions/ory-network-whoami-api.json")
    with aioresponses() as m:
        m.get(
            f"{PUBLIC}/sessions/whoami",
            payload=whoami,
            headers={"X-Kratos-Authenticated-Identity-Id": "x"},
        )
        me = await ory.with_auth(SessionToken("user-session-token")).sessions.whoami()
        method, url, kwargs = only_request(m)
    assert (method, str(url)) == ("GET", f"{PUBLIC}/sessions/whoami")
    assert kwargs["headers"]["X-Session-Token"] == "user-session-token"
    assert "Authorization" not in kwargs["headers"]
    assert me.id == whoami["id"]


async def test_whoami_refuses_a_bearer_token_before_io(ory: OryClient) -> None:
    with aioresponses() as m:
        with pytest.raises(
            ValueError, match="needs a SessionToken or SessionCookie, got BearerToken"
        ):
            await ory.sessions.whoami()
        with pytest.raises(
            ValueError, match="needs a SessionToken or SessionCookie, got no credentials"
        ):
            await ory.with_auth(None).sessions.whoami()
        with pytest.raises(ValueError, match="got BearerToken"):
            await ory.sessions.whoami(auth=BearerToken("x"))
        assert sent(m) == []


async def test_whoami_401_and_403(ory: OryClient) -> None:
    unauthorized = {
        "error": {
            "code": 401,
            "status": "Unauthorized",
            "reason": "No valid session credentials found in the request.",
            "message": "The request could not be authorized",
        }
    }
    aal = {
        "error": {
            "id": "session_aal2_required",
            "code": 403,
            "status": "Forbidden",
            "reason": "An active session was found but it does not fulfill the Authenticator Assurance Level.",
            "message": "The request was not allowed",
        }
    }
    me = ory.with_auth(SessionToken("t"))
    with aioresponses() as m:
        m.get(f"{PUBLIC}/sessions/whoami", status=401, payload=unauthorized)
        m.get(f"{PUBLIC}/sessions/whoami", status=403, payload=aal)
        with pytest.raises(UnauthorizedError, match="No valid session credentials"):
            await me.sessions.whoami()
        with pytest.raises(ForbiddenError) as info:
            await me.sessions.whoami()
    assert info.value.error_id == "session_aal2_required"


async def test_sessions_are_v1_only(ory_v0: OryClient) -> None:
    with pytest.raises(
        UnsupportedOperationError, match="sessions.get does not exist in the v0 API"
    ):
        await ory_v0.sessions.get(SID)
    with pytest.raises(UnsupportedOperationError):
        _ = ory_v0.sessions.list()
    with pytest.raises(UnsupportedOperationError):
        _ = ory_v0.sessions.list_for_identity("i")


# --- flows ----------------------------------------------------------------------


FLOWS = [
    ("get_login", "login", LoginFlow, "flows/login/ory-network-get-login-browser.json"),
    (
        "get_registration",
        "registration",
        RegistrationFlow,
        "flows/registration/ory-network-create-registration-browser.json",
    ),
    (
        "get_recovery",
        "recovery",
        RecoveryFlow,
        "flows/recovery/ory-network-create-recovery-api.json",
    ),
    (
        "get_settings",
        "settings",
        SettingsFlow,
        "flows/settings/migratest-settings-flow-with-identity.json",
    ),
    (
        "get_verification",
        "verification",
        VerificationFlow,
        "flows/verification/ory-network-create-verification-browser.json",
    ),
]


@pytest.mark.parametrize(("method", "kind", "model", "fixture"), FLOWS)
async def test_get_flows_v1_on_public_url(
    ory: OryClient, method: str, kind: str, model: type, fixture: str
) -> None:
    payload = fixture_json(fixture)
    with aioresponses() as m:
        m.get(ANY, payload=payload)
        flow = await getattr(ory.flows, method)("flow-1")
        verb, url, _ = only_request(m)
    assert (verb, str(url.origin()), url.path) == ("GET", PUBLIC, f"/self-service/{kind}/flows")
    assert query_of(url) == [("id", "flow-1")]
    assert isinstance(flow, model)
    assert flow.id == payload["id"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("method", "kind", "model", "fixture"), FLOWS)
async def test_get_flows_v0_on_admin_url(
    ory_v0: OryClient, method: str, kind: str, model: type, fixture: str
) -> None:
    payload = fixture_json("v0-legacy/v0-login-flow-methods.json")
    with aioresponses() as m:
        m.get(ANY, payload=payload)
        flow = await getattr(ory_v0.flows, method)("flow-1")
        _, url, _ = only_request(m)
    assert (str(url.origin()), url.path) == (BASE, f"/self-service/{kind}/flows")
    assert isinstance(flow, V0Flow)
    assert flow.methods is not None


async def test_settings_flow_sends_session_token(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(
            ANY, payload=fixture_json("flows/settings/migratest-settings-flow-with-identity.json")
        )
        await ory.flows.get_settings("flow-1", session_token="user-token")
        _, _, kwargs = only_request(m)
    assert kwargs["headers"]["X-Session-Token"] == "user-token"


@pytest.mark.parametrize(
    ("status", "cls"), [(404, NotFoundError), (410, GoneError), (403, ForbiddenError)]
)
async def test_flow_errors(ory: OryClient, status: int, cls: type[Exception]) -> None:
    with aioresponses() as m:
        m.get(ANY, status=status, payload={"error": {"code": status, "message": "nope"}})
        with pytest.raises(cls):
            await ory.flows.get_login("flow-1")


async def test_get_error_v1_and_v0(ory: OryClient, ory_v0: OryClient) -> None:
    with aioresponses() as m:
        m.get(
            f"{PUBLIC}/self-service/errors?id=stub:500",
            payload=fixture_json("errors/ory-docs-self-service-errors-stub500.json"),
        )
        m.get(
            f"{BASE}/self-service/errors?error=e-1",
            payload={"id": "e-1", "errors": [{"code": 500, "message": "boom"}]},
        )
        v1 = await ory.flows.get_error("stub:500")
        v0 = await ory_v0.flows.get_error("e-1")
    assert isinstance(v1, FlowError)
    assert v1.error is not None
    assert isinstance(v0, V0FlowError)
    assert v0.errors == [{"code": 500, "message": "boom"}]


async def test_flow_id_must_not_be_empty(ory: OryClient) -> None:
    with pytest.raises(ValueError, match="id must not be empty"):
        await ory.flows.get_login("")


# --- metrics --------------------------------------------------------------------


async def test_prometheus_text(ory: OryClient, ory_v0: OryClient) -> None:
    text = "# HELP http_requests_total x\nhttp_requests_total 3\n"
    with aioresponses() as m:
        m.get(f"{BASE}/admin/metrics/prometheus", body=text, content_type="text/plain")
        m.get(f"{BASE}/metrics/prometheus", body=text, content_type="text/plain")
        assert await ory.metrics.prometheus() == text
        assert await ory_v0.metrics.prometheus() == text
        calls = sent(m)
    assert calls[0][2]["headers"]["Accept"] == "text/plain"
