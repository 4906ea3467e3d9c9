"""The calls beyond the seed operations, against mocked HTTP: what is sent, what comes back."""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
from aioresponses import CallbackResult, aioresponses

from ory_async import (
    BadRequestError,
    NotFoundError,
    OryClient,
    ServerError,
    UnsupportedOperationError,
)
from ory_async.models import (
    CourierMessageStatus,
    Identity,
    ManageSessionsAction,
    Message,
    MessageDispatchStatus,
)
from tests.kit.helpers import only_request, sent
from tests.kit.keys import SECRET
from tests.kit.mocked import ANY, query_of

IDENTITY = {"id": "8f1c0e0a-1111-4a3b-9c1d-000000000001", "schema_id": "default", "traits": {}}
MID = "5d1c0e0a-2222-4a3b-9c1d-000000000002"
MESSAGE = {
    "id": MID,
    "status": "sent",
    "type": "email",
    "recipient": "a@example.com",
    "body": "<redacted-unless-dev-mode>",
    "subject": "<redacted-unless-dev-mode>",
    "template_type": "verification_code_valid",
    "channel": "email",
    "send_count": 1,
    "created_at": "2024-05-01T10:00:00Z",
    "updated_at": "2024-05-01T10:00:00Z",
}


def body_of(kwargs: dict[str, Any]) -> Any:
    return orjson.loads(kwargs["data"])


# identities.get_by_external_id


async def test_get_by_external_id_is_one_encoded_segment(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=IDENTITY)
        result = await ory.identities.get_by_external_id(
            "crm/42?x", include_credential=["oidc", "password"]
        )
        method, url, kwargs = only_request(m)
    assert method == "GET"
    assert url.raw_path == "/admin/identities/by/external/crm%2F42%3Fx"
    assert query_of(url) == [("include_credential", "oidc"), ("include_credential", "password")]
    assert kwargs["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert isinstance(result, Identity)
    assert result.id == IDENTITY["id"]


async def test_get_by_external_id_unknown_is_404(ory: OryClient) -> None:
    body = {
        "error": {"code": 404, "status": "Not Found", "message": "Unable to locate the resource"}
    }
    with aioresponses() as m:
        m.get(ANY, status=404, payload=body)
        with pytest.raises(NotFoundError, match="GET /admin/identities/by/external/nobody"):
            await ory.identities.get_by_external_id("nobody")


@pytest.mark.parametrize("value", ["", ".", ".."])
async def test_get_by_external_id_refuses_path_tricks(ory: OryClient, value: str) -> None:
    with pytest.raises(ValueError, match="external_id must be a non-empty string"):
        await ory.identities.get_by_external_id(value)


async def test_get_by_external_id_is_v1_only(ory_v0: OryClient) -> None:
    with pytest.raises(UnsupportedOperationError, match="identities.get_by_external_id"):
        await ory_v0.identities.get_by_external_id("x")


# sessions.manage


def _manage_answers(answers: list[dict[str, Any]]) -> Any:
    remaining = list(answers)

    def reply(url: Any, **kwargs: Any) -> CallbackResult:
        return CallbackResult(payload=remaining.pop(0) if len(remaining) > 1 else remaining[0])

    return reply


async def test_manage_by_session_ids_is_one_call(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, payload={"processed": 2, "more": False})
        total = await ory.sessions.manage("disable", sessions=["s1", "s2", "s1"])
        method, url, kwargs = only_request(m)
    assert (method, url.path) == ("POST", "/admin/sessions")
    assert body_of(kwargs) == {"action": "disable", "sessions": ["s1", "s2"]}
    assert kwargs["headers"]["Content-Type"] == "application/json"
    assert total == 2


async def test_manage_chunks_identity_ids_at_500(ory: OryClient) -> None:
    ids = [f"id-{i}" for i in range(1201)]
    with aioresponses() as m:
        m.post(ANY, callback=_manage_answers([{"processed": 3, "more": False}]), repeat=True)
        total = await ory.sessions.manage(ManageSessionsAction.DELETE, identities=ids)
        bodies = [body_of(k) for _, _, k in sent(m)]
    calls = [c for _, _, c in sent(m)]
    assert len(calls) == 3
    assert [len(b["identities"]) for b in bodies] == [500, 500, 201]
    assert [i for b in bodies for i in b["identities"]] == ids
    assert {b["action"] for b in bodies} == {"delete"}
    assert total == 9


async def test_manage_wildcard_repeats_while_more(ory: OryClient) -> None:
    answers = [
        {"processed": 5000, "more": True},
        {"processed": 5000, "more": True},
        {"processed": 12, "more": False},
    ]
    with aioresponses() as m:
        m.post(ANY, callback=_manage_answers(answers), repeat=True)
        total = await ory.sessions.manage("delete", identities="*")
        bodies = [body_of(k) for _, _, k in sent(m)]
    assert bodies == [{"action": "delete", "identities": ["*"]}] * 3
    assert total == 10012


async def test_manage_wildcard_stops_when_more_brings_nothing(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, payload={"processed": 0, "more": True}, repeat=True)
        assert await ory.sessions.manage("disable", identities=["*"]) == 0
        assert len(sent(m)) == 1


async def test_manage_empty_list_sends_nothing(ory: OryClient) -> None:
    with aioresponses() as m:
        assert await ory.sessions.manage("delete", sessions=[]) == 0
        assert sent(m) == []


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("revoke",), {"sessions": ["s"]}, ValueError, 'action must be "disable" or "delete"'),
        (("delete",), {}, ValueError, "exactly one of identities= and sessions="),
        (("delete",), {"identities": ["i"], "sessions": ["s"]}, ValueError, "exactly one"),
        (("delete",), {"identities": ["*", "i"]}, ValueError, '"*" stands alone'),
        (("delete",), {"sessions": "*"}, ValueError, 'use identities="\\*"'),
        (("delete",), {"sessions": ["*"]}, ValueError, "session ids only"),
        (("delete",), {"identities": "one-id"}, TypeError, "takes a list of strings"),
        (("delete",), {"sessions": [1]}, TypeError, "only str values"),
    ],
)
async def test_manage_refuses_bad_arguments(
    ory: OryClient,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with aioresponses() as m:
        with pytest.raises(error, match=message):
            await ory.sessions.manage(*args, **kwargs)
        assert sent(m) == []


async def test_manage_server_refusal_is_a_bad_request(ory: OryClient) -> None:
    body = {
        "error": {
            "code": 400,
            "status": "Bad Request",
            "reason": "Could not parse 'sessions' field: uuid: incorrect UUID length 1 in string \"s\"",
            "message": "The request was malformed or contained invalid parameters",
        }
    }
    with aioresponses() as m:
        m.post(ANY, status=400, payload=body)
        with pytest.raises(BadRequestError, match="Could not parse 'sessions' field"):
            await ory.sessions.manage("delete", sessions=["s"])


# courier


async def test_courier_list_sends_filters_and_decodes(ory: OryClient) -> None:
    link = '</admin/courier/messages?page_size=10&page_token=tok2&status=sent>; rel="next"'
    with aioresponses() as m:
        m.get(ANY, payload=[MESSAGE], headers={"Link": link})
        page = await ory.courier.list(
            status=CourierMessageStatus.SENT,
            recipient="a@example.com",
            page_size=10,
            page_token="tok1",
        )
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", "/admin/courier/messages")
    assert query_of(url) == [
        ("page_size", "10"),
        ("page_token", "tok1"),
        ("recipient", "a@example.com"),
        ("status", "sent"),
    ]
    [message] = page.items
    assert isinstance(message, Message)
    assert message.status is CourierMessageStatus.SENT
    assert message.dispatches == []
    assert page.has_next


async def test_courier_list_follows_the_token_link(ory: OryClient) -> None:
    second = dict(MESSAGE, id="5d1c0e0a-2222-4a3b-9c1d-000000000003")
    with aioresponses() as m:
        m.get(
            re.compile(r".*/admin/courier/messages$"),
            payload=[MESSAGE],
            headers={"Link": '</admin/courier/messages?page_size=1&page_token=t2>; rel="next"'},
        )
        m.get(re.compile(r".*page_token=t2.*"), payload=[second])
        ids = [msg.id async for msg in ory.courier.list()]
        queries = [query_of(u) for _, u, _ in sent(m)]
    assert ids == [MID, second["id"]]
    assert queries == [[], [("page_size", "1"), ("page_token", "t2")]]


async def test_courier_list_passes_an_unknown_status_through(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[])
        await ory.courier.list(status="held")
        _, url, _ = only_request(m)
    assert query_of(url) == [("status", "held")]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"page_size": 0}, ValueError, "page_size must be between 1 and 1000"),
        ({"page_size": 1001}, ValueError, "page_size must be between 1 and 1000"),
        ({"status": 1}, TypeError, "status must be a str"),
        ({"page_token": 5}, TypeError, "page_token must be a str"),
    ],
)
async def test_courier_list_refuses_bad_arguments(
    ory: OryClient, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        _ = ory.courier.list(**kwargs)


async def test_courier_get_decodes_dispatches(ory: OryClient) -> None:
    payload = dict(
        MESSAGE,
        dispatches=[
            {
                "id": "d",
                "message_id": MID,
                "status": "success",
                "created_at": "2024-05-01T10:00:01Z",
                "updated_at": "2024-05-01T10:00:01Z",
            }
        ],
    )
    with aioresponses() as m:
        m.get(ANY, payload=payload)
        message = await ory.courier.get(MID)
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", f"/admin/courier/messages/{MID}")
    assert [d.status for d in message.dispatches] == [MessageDispatchStatus.SUCCESS]


async def test_courier_get_bad_id_is_400(ory: OryClient) -> None:
    body = {
        "error": {"code": 400, "status": "Bad Request", "message": "uuid: incorrect UUID length 1"}
    }
    with aioresponses() as m:
        m.get(ANY, status=400, payload=body)
        with pytest.raises(BadRequestError, match="uuid: incorrect UUID length"):
            await ory.courier.get("x")


async def test_courier_is_v1_only(ory_v0: OryClient) -> None:
    with pytest.raises(UnsupportedOperationError, match="courier.list"):
        _ = ory_v0.courier.list()
    with pytest.raises(UnsupportedOperationError, match="courier.get"):
        await ory_v0.courier.get(MID)


# metadata


async def test_metadata_paths_are_at_the_root(ory: OryClient, ory_v0: OryClient) -> None:
    for client in (ory, ory_v0):
        with aioresponses() as m:
            m.get(re.compile(r".*/version$"), payload={"version": "v1.3.1"})
            m.get(re.compile(r".*/health/alive$"), payload={"status": "ok"})
            m.get(re.compile(r".*/health/ready$"), payload={"status": "ok"})
            assert await client.metadata.version() == "v1.3.1"
            await client.metadata.alive()
            await client.metadata.ready()
            calls = [(meth, str(u)) for meth, u, _ in sent(m)]
        assert sorted(calls) == [
            ("GET", "http://127.0.0.1:4434/health/alive"),
            ("GET", "http://127.0.0.1:4434/health/ready"),
            ("GET", "http://127.0.0.1:4434/version"),
        ], client.api


async def test_metadata_ready_503_lists_why(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, status=503, payload={"errors": {"database": "connection refused"}})
        with pytest.raises(ServerError) as caught:
            await ory.metadata.ready()
    assert caught.value.status == 503
    assert b"connection refused" in caught.value.body


# token-form listing parameters


async def test_list_for_identity_token_form(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[], headers={"X-Total-Count": "0"})
        await ory.sessions.list_for_identity("ident", page_size=100, page_token="eyJ", active=False)
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", "/admin/identities/ident/sessions")
    assert query_of(url) == [("active", "false"), ("page_size", "100"), ("page_token", "eyJ")]


async def test_schemas_list_token_form(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[{"id": "default", "schema": {}}], headers={"X-Total-Count": "1"})
        page = await ory.schemas.list(page_size=5)
        method, url, _ = only_request(m)
    assert (method, url.host, url.port, url.path) == ("GET", "127.0.0.1", 4433, "/schemas")
    assert query_of(url) == [("page_size", "5")]
    assert [s.id for s in page.items] == ["default"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 10, "per_page": 10}, "either page_size/page_token or per_page/page"),
        ({"page_token": "t", "page": 1}, "either page_size/page_token or per_page/page"),
        ({"page_size": 1001}, "page_size must be between 1 and 1000"),
    ],
)
async def test_migration_listings_refuse_mixed_forms(
    ory: OryClient, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        _ = ory.sessions.list_for_identity("ident", **kwargs)
    with pytest.raises(ValueError, match=re.escape(message)):
        _ = ory.schemas.list(**kwargs)
