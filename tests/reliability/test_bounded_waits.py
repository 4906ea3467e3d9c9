"""Every wait the server can cause is bounded.

No rate-limit header holds later calls longer than a minute; a server asking for a
longer wait than the call may still spend fails the call at once with ``.retry_after``;
``Timeouts.deadline`` bounds whole multi-request calls, not only each request.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from ory_async import (
    OryClient,
    RateLimitedError,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
    Timeouts,
)
from ory_async.testing import FakeOry, no_waits
from tests.kit.keys import TOKEN

DAY = 86_400


def limited(retry_after: float | str) -> dict[str, Any]:
    # A few refusals, then answers: a call that ignored its budget would end with a
    # success (a clean failure of the test), not retry forever.
    return {"status": 429, "retry_after": retry_after, "times": 5}


BOUND = 5.0
"""Seconds a test lets a call take before failing on its own: none of these should wait."""


@pytest.mark.parametrize(
    ("timeouts", "retry_after"),
    [
        (Timeouts(), 3600),  # beyond the default 300 s rate-limit budget
        (Timeouts(rate_limit_budget=10), 30),
        (Timeouts(deadline=5), 30),  # beyond the call's deadline
    ],
)
async def test_a_retry_after_beyond_what_the_call_may_spend_raises_at_once(
    ory_fake: FakeOry, timeouts: Timeouts, retry_after: float
) -> None:
    ory_fake.faults.add("/admin/identities", **limited(retry_after))
    with no_waits() as waits:
        async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=timeouts) as ory:
            async with asyncio.timeout(BOUND):
                with pytest.raises(RateLimitedError) as info:
                    await ory.identities.list()
    assert info.value.retry_after == retry_after
    assert info.value.attempts == 1
    assert waits.delays == []
    assert len(ory_fake.requests) == 1
    assert any("the server asked to wait" in n for n in info.value.__notes__)


async def test_a_retry_after_as_an_http_date_far_ahead_raises_at_once(ory_fake: FakeOry) -> None:
    far = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 7 * DAY))
    ory_fake.faults.add("/admin/identities", **limited(far))
    with no_waits() as waits:
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            async with asyncio.timeout(BOUND):
                with pytest.raises(RateLimitedError) as info:
                    await ory.identities.list()
    assert info.value.retry_after is not None
    assert info.value.retry_after > 6 * DAY
    assert waits.delays == []


async def test_a_503_retry_after_beyond_the_retry_budget_raises_at_once(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=503, retry_after=600, times=2)
    with no_waits() as waits:
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            async with asyncio.timeout(BOUND):
                with pytest.raises(ServerError) as info:
                    await ory.identities.list()
    assert info.value.status == 503
    assert info.value.attempts == 1
    assert waits.delays == []
    assert len(ory_fake.requests) == 1


async def test_a_retry_after_that_fits_is_still_waited(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=429, retry_after=2, times=1)
    with no_waits() as waits:
        async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
            assert await ory.identities.list().collect() == []
    assert waits.delays == [2.0]


async def test_the_deadline_bounds_a_wildcard_manage_that_never_ends(ory_fake: FakeOry) -> None:
    # A server that always claims more is left but also progress: each round alone is quick.
    ory_fake.faults.add(
        "/admin/sessions",
        method="POST",
        status=200,
        body={"processed": 1, "more": True},
        times=None,
        delay=0.01,
    )
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=0.3)) as ory:
        with pytest.raises(RequestTimeoutError, match="call's deadline"):
            await ory.sessions.manage("disable", identities="*")
    assert 1 <= len(ory_fake.requests) < 1000


async def test_the_deadline_bounds_a_whole_collect(ory_fake: FakeOry) -> None:
    ory_fake.seed_identities(50)
    ory_fake.faults.add("/admin/identities", status=None, delay=0.05, times=None)
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=0.3)) as ory:
        with pytest.raises(RequestTimeoutError, match="call's deadline"):
            await ory.identities.list(page_size=1).collect()
    assert 1 <= len(ory_fake.requests) < 50


async def test_the_deadline_bounds_a_whole_get_many(ory_fake: FakeOry) -> None:
    ids = ory_fake.seed_identities(20)
    ory_fake.faults.add("/admin/identities", status=None, delay=0.05, times=None)
    async with OryClient(
        ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=0.3), max_concurrency=1
    ) as ory:
        # 20 chunks of one id, one at a time: 20 requests of 0.05 s each, 1 s in all.
        found = ory.identities.get_many(ids, concurrency=1)
        found.chunk_size = 1
        with pytest.raises(RequestTimeoutError, match="call's deadline"):
            await found.collect()
    assert 1 <= len(ory_fake.requests) < 20


async def test_the_deadline_bounds_a_whole_batch_create(ory_fake: FakeOry) -> None:
    from ory_async.models import CreateIdentityBody

    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": f"d{n}@example.com"})
        for n in range(20)
    ]
    ory_fake.faults.add("/admin/identities", method="PATCH", status=None, delay=0.05, times=None)
    async with OryClient(
        ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=0.3), retry=RetryPolicy.none()
    ) as ory:
        job = ory.identities.batch_create(bodies, chunk_size=1, concurrency=1)
        results = await job.collect()  # a batch reports per row rather than raising
    patches = [r for r in ory_fake.requests if r.method == "PATCH"]
    assert 1 <= len(patches) < 20
    assert len(results) == 20
    unsent = results[len(patches) :]
    assert unsent
    # Past the deadline nothing more is sent, and those rows say so (nothing applied).
    assert all(str(r.outcome) == "failed" for r in unsent)
    assert all("was not sent: the call's deadline" in r.reason for r in unsent)


async def test_a_deadline_that_fits_is_no_change(ory_fake: FakeOry) -> None:
    ory_fake.seed_identities(5)
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=30)) as ory:
        assert len(await ory.identities.list(page_size=1).collect()) == 5
        assert await ory.sessions.manage("disable", identities=["x" * 0] * 0) == 0
