"""A turn under pacing that cannot fit what the call may still spend raises at once.

The server's rate limit (3 requests a minute here) puts the third request's turn ten
seconds or more away. A call whose deadline, or whose ``Timeouts.rate_limit_budget``,
ends before then fails at once with ``RateLimitedError`` (``.retry_after``: the turn's
distance) and sends nothing, as for a ``Retry-After`` that cannot fit. Each test bounds
its own wait: were the check gone, the call would sit out the turn and the test would
fail on its bound within seconds, not hang.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from ory_async import OryClient, RateLimitedError, Timeouts
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry
from tests.kit.keys import TOKEN

BOUND = 3.0
"""Seconds a test waits for the call to fail: less than the limits below, so that a call
that sat out its turn fails the test on this bound."""
TURN_AT_LEAST = 8.0
"""The third request's turn is at least this far (10 s: a third of a 20 s refill)."""


def per_minute(ory_fake: FakeOry, rpm: int = 3) -> None:
    ory_fake.limit_rates(per_minute=rpm, inflight=False)


async def fails_at_once(call: Callable[[], Awaitable[Any]]) -> RateLimitedError:
    async with asyncio.timeout(BOUND):
        with pytest.raises(RateLimitedError) as info:
            await call()
    return info.value


def not_sent(error: RateLimitedError, why: str) -> None:
    assert error.status == 429
    assert error.retry_after is not None
    assert error.retry_after > TURN_AT_LEAST
    assert error.attempts == 0
    assert "was not sent" in str(error)
    assert any("ory_async did not send it" in n and why in n for n in error.__notes__)


async def spend_the_quota(ory: OryClient, ids: list[str]) -> None:
    for identity_id in ids[:2]:
        await ory.identities.get(identity_id)


@pytest.mark.parametrize(
    ("timeouts", "why"),
    [
        (Timeouts(deadline=6), "the call's deadline would pass"),
        (Timeouts(rate_limit_budget=5), "Timeouts.rate_limit_budget would run out"),
    ],
    ids=["client deadline", "rate_limit_budget"],
)
async def test_a_turn_beyond_the_clients_limits_raises_at_once(
    ory_fake: FakeOry, timeouts: Timeouts, why: str
) -> None:
    ids = ory_fake.seed_identities(3)
    per_minute(ory_fake)
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=timeouts) as ory:
        await spend_the_quota(ory, ids)
        error = await fails_at_once(lambda: ory.identities.get(ids[2]))
    not_sent(error, why)
    assert len(ory_fake.requests) == 2  # the third was never sent
    assert error.path == f"/admin/identities/{ids[2]}"


async def test_a_turn_beyond_a_per_call_deadline_raises_at_once(ory_fake: FakeOry) -> None:
    ids = ory_fake.seed_identities(3)
    per_minute(ory_fake)
    async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
        await spend_the_quota(ory, ids)
        hurried = ory.with_options(timeouts=Timeouts(deadline=6))
        error = await fails_at_once(lambda: hurried.identities.get(ids[2]))
    not_sent(error, "the call's deadline would pass")
    assert len(ory_fake.requests) == 2


async def test_a_turn_beyond_the_deadline_of_a_whole_collect_raises_at_once(
    ory_fake: FakeOry,
) -> None:
    ory_fake.seed_identities(5)
    per_minute(ory_fake)
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=6)) as ory:
        error = await fails_at_once(lambda: ory.identities.list(page_size=1).collect())
    not_sent(error, "the call's deadline would pass")
    assert len(ory_fake.requests) == 2


async def test_a_turn_beyond_the_deadline_of_a_whole_get_many_raises_at_once(
    ory_fake: FakeOry,
) -> None:
    ids = ory_fake.seed_identities(5)
    per_minute(ory_fake)
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=6)) as ory:
        found = ory.identities.get_many(ids, concurrency=1)
        found.chunk_size = 1
        error = await fails_at_once(found.collect)
    not_sent(error, "the call's deadline would pass")
    assert len(ory_fake.requests) == 2


async def test_a_turn_beyond_the_deadline_of_a_whole_manage_raises_at_once(
    ory_fake: FakeOry,
) -> None:
    [who] = ory_fake.seed_identities(1)
    for _ in range(5):
        ory_fake.create_session(who)
    ory_fake.manage_sessions_batch_size = 1  # one session a round: five rounds
    per_minute(ory_fake)
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=6)) as ory:
        error = await fails_at_once(lambda: ory.sessions.manage("disable", identities="*"))
    not_sent(error, "the call's deadline would pass")
    assert len(ory_fake.requests) == 2


async def test_a_turn_beyond_the_deadline_of_a_whole_batch_create_fails_the_rows_at_once(
    ory_fake: FakeOry,
) -> None:
    per_minute(ory_fake)
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": f"p{n}@example.com"})
        for n in range(5)
    ]
    async with OryClient(ory_fake.url, access_token=TOKEN, timeouts=Timeouts(deadline=6)) as ory:
        job = ory.identities.batch_create(bodies, chunk_size=1, concurrency=1)
        async with asyncio.timeout(BOUND):
            results = await job.collect()  # a batch reports per row rather than raising
    patches = [r for r in ory_fake.requests if r.method == "PATCH"]
    assert len(patches) == 2
    assert [str(r.outcome) for r in results[:2]] == ["created", "created"]
    unsent = results[2:]
    assert len(unsent) == 3
    assert all(str(r.outcome) == "failed" for r in unsent)
    assert all("was not sent" in r.reason for r in unsent)
