"""Retries tell the truth: a DELETE whose lost first answer did the job succeeds; big
bodies go out without aiohttp's ResourceWarning (the suite runs warnings as errors)."""

from __future__ import annotations

import logging
import warnings

import orjson
import pytest

from ory_async import NotFoundError, OryClient, RetryPolicy, TransportError
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry, no_waits
from tests.kit.keys import TOKEN

MISSING = "0f6d2c1e-58a4-4c4b-9e1f-7b3a2d9c8e10"


async def test_a_delete_whose_answer_was_lost_and_retry_finds_it_gone_succeeds(
    ory_fake: FakeOry, caplog: pytest.LogCaptureFixture
) -> None:
    [identity_id] = ory_fake.seed_identities(1)
    ory_fake.faults.add("/admin/identities/*", method="DELETE", drop_connection="after_apply")
    caplog.set_level(logging.INFO, logger="ory_async")
    with no_waits():
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            await ory.identities.delete(identity_id)  # no NotFoundError
            assert ory.stats.retries == 1
    assert identity_id not in ory_fake.identities
    assert [r.method for r in ory_fake.requests] == ["DELETE", "DELETE"]
    gone = [r for r in caplog.records if "found it gone" in r.getMessage()]
    assert len(gone) == 1
    assert gone[0].levelno == logging.INFO
    assert f"DELETE /admin/identities/{identity_id}" in gone[0].getMessage()


async def test_a_first_attempt_404_still_raises_not_found(ory_fake: FakeOry) -> None:
    async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
        with pytest.raises(NotFoundError):
            await ory.identities.delete(MISSING)
    assert len(ory_fake.requests) == 1


async def test_a_404_after_a_503_still_raises_not_found(ory_fake: FakeOry) -> None:
    # A 503 means the server did not apply it: the 404 after it is the truth.
    ory_fake.faults.add("/admin/identities/*", method="DELETE", status=503)
    with no_waits():
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            with pytest.raises(NotFoundError):
                await ory.identities.delete(MISSING)
    assert len(ory_fake.requests) == 2


async def test_a_get_after_a_lost_answer_still_raises_not_found(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities/*", method="GET", drop_connection="before_headers")
    with no_waits():
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            with pytest.raises(NotFoundError):
                await ory.identities.get(MISSING)
    assert len(ory_fake.requests) == 2


async def test_without_retries_a_drop_is_resent_once_and_a_second_drop_raises(
    ory_fake: FakeOry,
) -> None:
    [identity_id] = ory_fake.seed_identities(1)
    ory_fake.faults.add(
        "/admin/identities/*", method="DELETE", drop_connection="after_apply", times=2
    )
    async with OryClient(ory_fake.url, access_token=TOKEN, retry=RetryPolicy.none()) as ory:
        with pytest.raises(TransportError):
            await ory.identities.delete(identity_id)
    assert len(ory_fake.requests) == 2  # one resend at once, as aiohttp did unseen


def big_body(n: int) -> CreateIdentityBody:
    blob = "x" * (2 << 20)  # 2 MiB of metadata: past aiohttp's 1 MiB warning
    return CreateIdentityBody(
        schema_id="default", traits={"email": f"big{n}@example.com"}, metadata_admin={"b": blob}
    )


async def test_a_body_over_a_mebibyte_is_sent_whole_without_a_warning(ory_fake: FakeOry) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            created = await ory.identities.create(big_body(1))
    assert [str(w.message) for w in caught] == []
    [sent] = ory_fake.requests
    assert len(sent.body) > 2 << 20
    assert sent.headers["Content-Type"] == "application/json"
    assert orjson.loads(sent.body)["metadata_admin"]["b"] == "x" * (2 << 20)
    assert created.traits == {"email": "big1@example.com"}


async def test_a_retried_big_body_is_sent_whole_again(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", method="POST", status=429)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with no_waits():
            async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
                await ory.identities.create(big_body(2))
    assert [str(w.message) for w in caught] == []
    first, second = ory_fake.requests
    assert first.body == second.body
    assert len(second.body) > 2 << 20


async def test_a_big_batch_is_sent_without_a_warning(ory_fake: FakeOry) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            results = await ory.identities.batch_create([big_body(3)]).collect()
    assert [str(w.message) for w in caught] == []
    assert len(ory_fake.requests[0].body) > 2 << 20
    assert len(results) == 1
