"""ory.with_raw_response: a call's parsed result with the status and headers of its answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses

from ory_async import NotFoundError, OryClient, Page, RawResponse
from ory_async.models import Identity
from tests.kit.helpers import sent
from tests.kit.mocked import ANY

IDENTITY = {"id": "i", "schema_id": "default", "traits": {}}
RATE = {
    "X-Request-Id": "req-1",
    "x-ratelimit-limit": "10, 10;w=1, 300;w=60",
    "x-ratelimit-remaining": "9",
    "x-ratelimit-reset": "1",
}


async def test_typed_spelling_gives_status_headers_and_the_model(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=IDENTITY, headers=RATE)
        raw = await ory.with_raw_response(ory.identities.get)("i", include_credential=["oidc"])
        [(method, url, _)] = sent(m)
    assert (method, url.path, url.query_string) == (
        "GET",
        "/admin/identities/i",
        "include_credential=oidc",
    )
    assert isinstance(raw, RawResponse)
    assert isinstance(raw.parsed, Identity)
    assert raw.parse() is raw.parsed
    assert raw.parsed.id == "i"
    assert raw.status == 200
    assert raw.request_id == "req-1"
    assert (raw.ratelimit_limit, raw.ratelimit_remaining, raw.ratelimit_reset) == (10, 9, 1)
    assert raw.headers["Content-Type"] == "application/json"


async def test_openai_spelling_and_a_204(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(ANY, status=204, headers={"X-Request-Id": "req-2"})
        raw = await ory.with_raw_response.identities.delete("i")
    assert raw.parsed is None
    assert raw.status == 204
    assert raw.request_id == "req-2"
    assert raw.ratelimit_remaining is None


async def test_a_listing_gives_its_first_page(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[IDENTITY], headers={"x-ratelimit-remaining": "3"})
        raw = await ory.with_raw_response(ory.identities.list)(page_size=1)
    assert isinstance(raw.parsed, Page)
    assert [i.id for i in raw.parsed.items] == ["i"]
    assert raw.ratelimit_remaining == 3


async def test_several_requests_report_the_last_answer(ory: OryClient) -> None:
    counter = iter(range(1, 10))

    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        return CallbackResult(
            payload={"processed": 1, "more": False}, headers={"X-Request-Id": f"r{next(counter)}"}
        )

    with aioresponses() as m:
        m.post(ANY, callback=answer, repeat=True)
        raw = await ory.with_raw_response.sessions.manage(
            "delete", sessions=[f"s{i}" for i in range(501)]
        )
    assert raw.parsed == 2
    assert raw.request_id == "r2"


async def test_concurrent_raw_calls_keep_their_own_answers(ory: OryClient) -> None:
    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        ident = url.path.rsplit("/", 1)[1]
        return CallbackResult(payload=dict(IDENTITY, id=ident), headers={"X-Request-Id": ident})

    with aioresponses() as m:
        m.get(ANY, callback=answer, repeat=True)
        raws = await asyncio.gather(
            *(ory.with_raw_response(ory.identities.get)(f"id{i}") for i in range(20))
        )
    assert [r.request_id for r in raws] == [f"id{i}" for i in range(20)]
    assert [r.parsed.id for r in raws] == [f"id{i}" for i in range(20)]


async def test_errors_are_raised_as_usual(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, status=404, payload={"error": {"code": 404, "message": "Unable to locate"}})
        with pytest.raises(NotFoundError) as caught:
            await ory.with_raw_response.identities.get("nope")
    assert caught.value.status == 404


async def test_plain_calls_on_the_same_client_stay_plain(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=IDENTITY, repeat=True)
        await ory.with_raw_response.identities.get("i")
        plain = await ory.identities.get("i")
    assert isinstance(plain, Identity)
    assert ory.stats.requests == 2


async def test_views_and_bad_targets(ory: OryClient) -> None:
    view = ory.with_auth(None)
    with aioresponses() as m:
        m.get(ANY, payload=IDENTITY)
        raw = await view.with_raw_response.identities.get("i")
        [(_, _, kwargs)] = sent(m)
    assert "Authorization" not in kwargs["headers"]
    assert raw.parsed.id == "i"
    with pytest.raises(TypeError, match="takes a method of one of the client's services"):
        ory.with_raw_response(print)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        _ = ory.with_raw_response.identities._request
    with pytest.raises(AttributeError):
        _ = ory.with_raw_response.nothing_here


async def test_calls_without_one_answer_are_refused(ory: OryClient) -> None:
    with aioresponses() as m:
        with pytest.raises(TypeError, match="is not awaited"):
            await ory.with_raw_response.identities.batch_create([])
        with pytest.raises(ValueError, match="sent no request"):
            await ory.with_raw_response.sessions.manage("delete", sessions=[])
    assert sent(m) == []
