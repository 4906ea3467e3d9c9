"""Walks under chaos end with exactly the right ids or a clear error, and writes whose
answer was lost are never sent twice."""

from __future__ import annotations

import logging

import attrs
import pytest

from ory_async import (
    BatchOutcome,
    OryClient,
    OryError,
    RateLimitedError,
    RetryPolicy,
    Timeouts,
    TransportError,
)
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry, RetryWaits
from tests.kit.keys import TOKEN

PATIENT = RetryPolicy(attempts=10)
NO_RETRY_BUDGET = Timeouts(retry_budget=None)
CHAOS = {
    "rate": 0.2,
    "statuses": (503, 502, 504, 429),
    "drop_connection_share": 0.3,
    "slow_share": 0.15,
    "slow_delay": 1.0,
}


def patient_client(
    ory_fake: FakeOry, retry: RetryPolicy = PATIENT, *, timeout: float = 0.3
) -> OryClient:
    """A client that retries a lot; its short timeout turns injected hangs into retries.

    Tests without hangs pass a long ``timeout``: on a busy machine FakeOry can take more
    than 0.3 s to apply a chunk of a batch, which must not read as a lost answer.
    """
    return OryClient(
        ory_fake.url,
        public_url=ory_fake.public_url,
        access_token=TOKEN,
        retry=retry,
        timeouts=attrs.evolve(NO_RETRY_BUDGET, read=timeout),
    )


def retry_reasons(caplog: pytest.LogCaptureFixture) -> set[str]:
    return {
        r.getMessage().rsplit(" after ", 1)[-1]
        for r in caplog.records
        if r.getMessage().startswith("retrying ")
    }


@pytest.mark.parametrize("form", ["page_size", "per_page"])
async def test_walk_10000_identities_under_chaos(
    ory_fake: FakeOry, fake_sleep: RetryWaits, form: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ory_async")
    ids = set(ory_fake.seed_identities(10_000))
    ory_fake.faults.random(seed=1 if form == "page_size" else 2, **CHAOS)  # type: ignore[arg-type]
    async with patient_client(ory_fake) as ory:
        pager = (
            ory.identities.list(page_size=100)
            if form == "page_size"
            else ory.identities.list(per_page=100)
        )
        walked = [identity.id async for identity in pager]
        assert ory.stats.retries > 0
    assert len(walked) == 10_000
    assert set(walked) == ids
    assert {"HTTP 503", "HTTP 429", "TransportError", "RequestTimeoutError"} <= retry_reasons(
        caplog
    )


async def test_walk_5000_sessions_under_chaos(ory_fake: FakeOry, fake_sleep: RetryWaits) -> None:
    made = {
        ory_fake.create_session(identity)[0]["id"]
        for identity in ory_fake.seed_identities(1000)
        for _ in range(5)
    }
    ory_fake.faults.random(seed=3, **CHAOS)  # type: ignore[arg-type]
    async with patient_client(ory_fake) as ory:
        walked = [s.id async for s in ory.sessions.list(page_size=250)]
        assert ory.stats.retries > 0
    assert len(walked) == 5000
    assert set(walked) == made


@pytest.mark.parametrize("seed", range(6))
async def test_a_walk_is_complete_or_fails_loudly(
    ory_fake: FakeOry, fake_sleep: RetryWaits, seed: int
) -> None:
    ids = set(ory_fake.seed_identities(2000))
    ory_fake.faults.random(rate=0.5, seed=seed, statuses=(503, 429), drop_connection_share=0.3)
    async with patient_client(ory_fake, RetryPolicy(attempts=2)) as ory:
        walked: list[str] = []
        try:
            async for identity in ory.identities.list(page_size=100):
                walked.append(identity.id)
        except OryError as exc:
            # Two attempts for the 503s and drops; 429s are waited out on top of those.
            assert exc.attempts >= 2
            assert not isinstance(exc, RateLimitedError)
            assert len(walked) < 2000
            return
    assert set(walked) == ids  # never a silent short result


async def test_lost_answer_to_a_create_is_not_retried(
    ory_fake: FakeOry, fake_sleep: RetryWaits
) -> None:
    ory_fake.faults.add("/admin/identities", method="POST", drop_connection="after_apply", times=1)
    async with patient_client(ory_fake, timeout=30.0) as ory:
        with pytest.raises(TransportError, match="outcome is unknown") as info:
            await ory.identities.create(
                CreateIdentityBody(schema_id="default", traits={"email": "lost@example.com"})
            )
    assert info.value.outcome_unknown
    assert len(ory_fake.requests.matching("POST", "/admin/identities")) == 1
    assert (
        len(ory_fake.identities) == 1
    )  # it was applied: a retry would have made a 409 or a duplicate


async def test_batch_never_resends_a_chunk_that_may_have_been_applied(
    ory_fake: FakeOry, fake_sleep: RetryWaits
) -> None:
    ory_fake.faults.add("/admin/identities", method="PATCH", drop_connection="after_apply", times=1)
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": f"b{i}@example.com"})
        for i in range(250)
    ]
    async with patient_client(ory_fake, timeout=30.0) as ory:
        results = await ory.identities.batch_create(bodies, chunk_size=100, concurrency=1).collect()
    outcomes = [r.outcome for r in results]
    assert outcomes[:100] == [BatchOutcome.UNKNOWN] * 100
    assert outcomes[100:] == [BatchOutcome.CREATED] * 150
    assert "outcome is unknown" in results[0].reason
    assert len(ory_fake.requests.matching("PATCH", "/admin/identities")) == 3
    assert len(ory_fake.identities) == 250  # the lost chunk was applied once, never twice


async def test_batch_retries_a_chunk_that_was_refused_with_429(
    ory_fake: FakeOry, fake_sleep: RetryWaits
) -> None:
    ory_fake.faults.add("/admin/identities", method="PATCH", status=429, ratelimit_reset=2, times=1)
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": f"r{i}@example.com"})
        for i in range(10)
    ]
    async with patient_client(ory_fake, timeout=30.0) as ory:
        results = await ory.identities.batch_create(bodies).collect()
    assert all(r.ok for r in results)
    assert fake_sleep.delays == [2.0]
    assert len(ory_fake.identities) == 10
