"""Pacing and 429s against FakeOry's Ory-style limiter, over loopback.

The limits here are high (hundreds of requests a second) so each test takes a few
seconds; the figures for Ory's real tiers come from ``make bench``. Assertions are on
counts (429s, failures, what the server applied), never on times.
"""

from __future__ import annotations

import asyncio

import pytest

from ory_async import OryClient, RateLimitedError, RetryPolicy
from ory_async.models import CreateIdentityBody, JsonPatch
from ory_async.testing import FakeOry, LimitQuota


async def _get_all(ory: OryClient, ids: list[str]) -> list[str]:
    got = await asyncio.gather(*(ory.identities.get(i) for i in ids))
    return [g.id for g in got]


async def test_a_paced_bulk_job_has_no_failures_and_almost_no_429() -> None:
    async with FakeOry() as fake:
        ids = fake.seed_identities(50)
        limiter = fake.limit_rates(rps=200, burst=20)
        assert limiter is not None
        wanted = ids * 12  # 600 GETs: a burst of 20, then 580 at 200 a second
        async with OryClient(fake.url, max_concurrency=64) as ory:
            assert await _get_all(ory, wanted) == wanted
            # Pacing kept the job within the limit: at most 1% answered 429.
            assert ory.stats.rate_limited == limiter.total_limited
            assert limiter.total_limited <= 6
            assert limiter.allowed["kratos-admin-high"] == 600


async def test_without_pacing_the_same_job_meets_429s_but_still_succeeds() -> None:
    async with FakeOry() as fake:
        ids = fake.seed_identities(50)
        limiter = fake.limit_rates(rps=200, burst=20)
        assert limiter is not None
        wanted = ids * 4
        async with OryClient(fake.url, max_concurrency=64, pacing=False) as ory:
            assert await _get_all(ory, wanted) == wanted
        # The first 64 go at once into a burst of 20: dozens of 429s, all retried.
        assert limiter.total_limited >= 40


async def test_two_clients_sharing_one_limit_converge() -> None:
    async with FakeOry() as fake:
        ids = fake.seed_identities(50)
        limiter = fake.limit_rates(rps=100, burst=20)
        assert limiter is not None
        wanted = ids * 4
        async with OryClient(fake.url) as one, OryClient(fake.url) as two:
            a, b = await asyncio.gather(_get_all(one, wanted), _get_all(two, wanted))
            assert a == wanted
            assert b == wanted
            limited = one.stats.rate_limited + two.stats.rate_limited
        # Each learns from the server's remaining count that the other spends the bucket.
        # Both clients and the server share one event loop here, which makes timing far
        # noisier than two processes: the bound is generous (unpaced, the same job meets
        # more 429s than it has requests).
        assert limiter.allowed["kratos-admin-high"] == 400
        assert limited == limiter.total_limited
        assert limited <= 80


async def test_no_headers_no_pacing() -> None:
    async with FakeOry() as fake:
        ids = fake.seed_identities(5)
        async with OryClient(fake.url) as ory:
            # The start doubles the requests in flight with each round of answers...
            await _get_all(ory, ids * 16)
            pacer = ory._transport._pacer
            assert pacer is not None
            assert pacer.idle
            # ... and then nothing waits.
            waited = pacer.waited
            await _get_all(ory, ids * 4)
            assert pacer.waited == waited
        assert len(fake.requests) == 100


async def test_writes_under_the_inflight_rule_are_applied_once_each() -> None:
    async with FakeOry() as fake:
        fake.limit_rates(rps=1000, burst=1000)
        ids = fake.seed_identities(1)
        policy = RetryPolicy(wait_initial=0.01, wait_jitter=0.0)
        async with OryClient(fake.url, retry=policy) as ory:
            patches = [
                [JsonPatch(op="add", path=f"/metadata_public/k{i}", value=i)] for i in range(6)
            ]
            await ory.identities.patch(
                ids[0], [JsonPatch(op="add", path="/metadata_public", value={})]
            )
            await asyncio.gather(*(ory.identities.patch(ids[0], p) for p in patches))
            final = await ory.identities.get(ids[0])
        assert final.metadata_public == {f"k{i}": i for i in range(6)}
        sent = fake.requests.matching("PATCH", f"/admin/identities/{ids[0]}")
        assert len(sent) >= 7


async def test_a_refused_create_is_retried_and_created_once() -> None:
    async with FakeOry() as fake:
        limiter = fake.limit_rates(
            buckets={"kratos-admin-low": [LimitQuota.per_second(50, burst=2)]}
        )
        assert limiter is not None
        async with OryClient(fake.url, max_concurrency=8, pacing=False) as ory:
            bodies = [
                CreateIdentityBody(schema_id="default", traits={"email": f"c{i}@example.com"})
                for i in range(8)
            ]
            made = await asyncio.gather(*(ory.identities.create(b) for b in bodies))
        assert limiter.total_limited > 0  # some POSTs were refused ...
        assert len({m.id for m in made}) == 8  # ... and each body was created exactly once
        assert len(fake.identities) == 8


async def test_retry_none_surfaces_the_429() -> None:
    async with FakeOry() as fake:
        fake.limit_rates(rps=1, burst=1)
        async with OryClient(fake.url, retry=RetryPolicy.none(), pacing=False) as ory:
            await ory.identities.list()
            with pytest.raises(RateLimitedError) as info:
                await ory.identities.list()
        assert info.value.headers["x-ratelimit-remaining"] == "0"
        assert info.value.retry_after == 1.0
