"""Hostile JSON and hostile input stay typed.

A body nested thousands of levels deep is a ``DecodeError`` (or, in an error answer,
an ``ApiError`` quoting a snippet), never a bare ``RecursionError``. A request body
that cannot be JSON (a lone surrogate, an integer beyond 64 bits, NaN or infinity,
nesting past the encoder's limit) is an ``InvalidBodyError`` before anything is sent.
A server's megabyte message becomes a bounded exception message; the whole body stays
on ``.body``.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ory_async import ApiError, OryClient, RetryPolicy
from ory_async.errors import DecodeError, GenericError, InvalidBodyError, scrub_error
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry
from tests.kit.keys import TOKEN


@pytest.fixture
async def setup() -> AsyncIterator[tuple[FakeOry, OryClient, str]]:
    async with FakeOry(seed=5, api_key=TOKEN) as fake:
        (ident,) = fake.seed_identities(1)
        async with OryClient(fake.url, access_token=TOKEN, retry=RetryPolicy.none()) as ory:
            yield fake, ory, ident


def nested(depth: int, kind: str) -> str:
    if kind == "lists":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("kind", ["lists", "objects"])
async def test_a_deep_value_within_the_parsers_limit_decodes(
    setup: tuple[FakeOry, OryClient, str], kind: str
) -> None:
    fake, ory, ident = setup
    body = (
        f'{{"id":"{ident}","schema_id":"default","schema_url":"u",'
        f'"traits":{{"x":{nested(1000, kind)}}}}}'
    )
    fake.faults.add(f"/admin/identities/{ident}", method="GET", status=200, body=body)
    got = await ory.identities.get(ident)
    assert got.id == ident
    value, depth = got.traits["x"], 0
    while isinstance(value, list | dict) and value:
        value = value[0] if isinstance(value, list) else value["a"]
        depth += 1
    assert depth == (1000 if kind == "objects" else 999)


@pytest.mark.parametrize("depth", [1030, 5_000, 20_000])
@pytest.mark.parametrize("kind", ["lists", "objects"])
async def test_a_deep_body_is_a_decode_error(
    setup: tuple[FakeOry, OryClient, str], depth: int, kind: str
) -> None:
    fake, ory, ident = setup
    body = (
        f'{{"id":"{ident}","schema_id":"default","schema_url":"u",'
        f'"traits":{{"x":{nested(depth, kind)}}}}}'
    )
    fake.faults.add(f"/admin/identities/{ident}", method="GET", status=200, body=body)
    with pytest.raises(DecodeError) as caught:
        await ory.identities.get(ident)
    assert caught.value.body == body.encode()
    assert len(str(caught.value)) < 500


@pytest.mark.parametrize("depth", [1030, 20_000])
async def test_a_deep_page_is_a_decode_error(
    setup: tuple[FakeOry, OryClient, str], depth: int
) -> None:
    fake, ory, ident = setup
    body = (
        f'[{{"id":"{ident}","schema_id":"default","schema_url":"u",'
        f'"traits":{{"x":{nested(depth, "lists")}}}}}]'
    )
    fake.faults.add("/admin/identities", method="GET", status=200, body=body)
    with pytest.raises(DecodeError):
        await ory.identities.list().collect()


@pytest.mark.parametrize("depth", [900, 1000, 20_000])
@pytest.mark.parametrize("kind", ["lists", "objects"])
async def test_a_deep_error_body_is_still_an_api_error(
    setup: tuple[FakeOry, OryClient, str], depth: int, kind: str
) -> None:
    # With a credential to scrub, the error body is walked: it must not recurse away.
    fake, ory, ident = setup
    body = f'{{"error":{{"code":400,"message":"bad","details":{{"k":{nested(depth, kind)}}}}}}}'
    fake.faults.add(f"/admin/identities/{ident}", method="GET", status=400, body=body)
    with pytest.raises(ApiError) as caught:
        await ory.identities.get(ident)
    assert caught.value.status == 400
    assert caught.value.body == body.encode()
    assert len(str(caught.value)) < 1000


def test_a_deep_row_error_is_scrubbed_without_recursing() -> None:
    details: dict[str, Any] = {}
    inner = details
    for _ in range(5000):
        inner["a"] = {}
        inner = inner["a"]
    clean = scrub_error(GenericError(message=f"key {TOKEN}", details=details), (TOKEN,))
    assert clean.message == "key <redacted>"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("lone \ud800 surrogate", "surrogates"),
        (2**64, "64-bit"),
        (-(2**70), "64-bit"),
        (math.nan, "NaN or infinity"),
        (math.inf, "NaN or infinity"),
        (-math.inf, "NaN or infinity"),
        ([{"deep": [1.0, [math.nan]]}], "NaN or infinity"),
    ],
)
async def test_a_body_that_cannot_be_json_is_refused_before_sending(
    setup: tuple[FakeOry, OryClient, str], value: object, why: str
) -> None:
    fake, ory, _ = setup
    before = len(fake.requests)
    body = CreateIdentityBody(schema_id="default", traits={"email": "a@example.org", "v": value})
    with pytest.raises(InvalidBodyError, match=why):
        await ory.identities.create(body)
    assert len(fake.requests) == before  # nothing was sent


async def test_nesting_past_the_encoder_limit_is_refused(
    setup: tuple[FakeOry, OryClient, str],
) -> None:
    fake, ory, _ = setup
    value: Any = 1
    for _ in range(300):
        value = [value]
    before = len(fake.requests)
    body = CreateIdentityBody(schema_id="default", traits={"email": "a@example.org", "v": value})
    with pytest.raises(InvalidBodyError):
        await ory.identities.create(body)
    assert len(fake.requests) == before


async def test_a_null_that_was_meant_is_still_sent(setup: tuple[FakeOry, OryClient, str]) -> None:
    fake, ory, _ = setup
    body = CreateIdentityBody(schema_id="default", traits={"email": "n@example.org", "v": None})
    with pytest.raises(ApiError):  # the fake's schema refuses the extra trait...
        await ory.identities.create(body)
    sent = fake.requests.matching("POST", "/admin/identities")[-1]
    assert b'"v":null' in sent.body  # ... but the body went out as written


async def test_a_bad_row_in_a_batch_is_refused_alone(
    setup: tuple[FakeOry, OryClient, str],
) -> None:
    _, ory, _ = setup
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": "ok@example.org"}),
        CreateIdentityBody(schema_id="default", traits={"email": "x@example.org", "v": math.nan}),
    ]
    results = await ory.identities.batch_create(bodies).collect()
    assert results[0].ok
    assert not results[1].ok
    assert isinstance(results[1].exception, InvalidBodyError)
    assert "NaN or infinity" in results[1].reason


@pytest.mark.parametrize("field", ["message", "reason"])
async def test_a_megabyte_reason_makes_a_bounded_message(
    setup: tuple[FakeOry, OryClient, str], field: str
) -> None:
    fake, ory, ident = setup
    huge = "R" * 1_000_000
    fake.faults.add(
        f"/admin/identities/{ident}",
        method="GET",
        status=400,
        body={"error": {"code": 400, "message": "bad", field: huge}},
    )
    with pytest.raises(ApiError) as caught:
        await ory.identities.get(ident)
    text = str(caught.value)
    assert len(text) < 2000
    assert "1,000" in text  # says how long it was
    assert huge.encode() in caught.value.body
