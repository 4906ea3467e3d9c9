"""FakeOry's Ory-style rate limiter: per bucket, Ory's headers, the in-flight rule."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
import pytest

from ory_async.testing import FakeOry, LimitQuota, ManualClock, tier_limits
from tests.kit.raw_http import call


async def _until(condition: Callable[[], bool]) -> None:
    """Let the server run until ``condition`` holds (a slow request has reached it)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the server never got there")


IDENTITY = {"schema_id": "default", "traits": {"email": "a@example.com"}}


async def test_headers_on_every_answer_and_429_past_the_burst(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        limiter = fake.limit_rates(rps=2, burst=3)
        assert limiter is not None
        url = f"{fake.url}/admin/identities"
        replies = [await call(http, "GET", url) for _ in range(4)]
        assert [r.status for r in replies] == [200, 200, 200, 429]
        assert replies[0].headers["x-ratelimit-limit"] == "3, 3;w=1.5"
        assert [r.headers["x-ratelimit-remaining"] for r in replies] == ["2", "1", "0", "0"]
        # Whole seconds until the quota is full again: 1.5 s -> 2.
        assert replies[3].headers["x-ratelimit-reset"] == "2"
        assert replies[3].error["code"] == 429
        assert limiter.limited == {"kratos-admin-medium": 1}
        clock.advance(0.5)  # one token back
        assert (await call(http, "GET", url)).status == 200
        assert (await call(http, "GET", url)).status == 429
        # A 404 is counted and carries the headers too.
        clock.advance(1.5)
        missing = await call(
            http, "GET", f"{fake.url}/admin/identities/{'0' * 8}-0000-4000-8000-{'0' * 12}"
        )
        assert missing.status == 404
        assert missing.headers["x-ratelimit-remaining"] == "2"


async def test_buckets_count_apart(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        fake.limit_rates(rps=1)
        ids = fake.seed_identities(1)
        assert (await call(http, "GET", f"{fake.url}/admin/identities")).status == 200
        assert (await call(http, "GET", f"{fake.url}/admin/identities")).status == 429
        # A single GET is another bucket (kratos-admin-high): still a full quota.
        assert (await call(http, "GET", f"{fake.url}/admin/identities/{ids[0]}")).status == 200
        assert (await call(http, "GET", f"{fake.public_url}/sessions/whoami")).headers[
            "x-ratelimit-remaining"
        ] == "0"


async def test_the_tightest_quota_is_named_first(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        fake.limit_rates(rps=5, per_minute=6)
        url = f"{fake.url}/admin/identities"
        first = await call(http, "GET", url)
        assert first.headers["x-ratelimit-limit"] == "5, 5;w=1, 6;w=60"
        assert first.headers["x-ratelimit-remaining"] == "4"
        for _ in range(4):
            await call(http, "GET", url)
        clock.advance(1)  # the per-second quota refills, the minute one does not
        sixth = await call(http, "GET", url)
        assert sixth.status == 200
        assert sixth.headers["x-ratelimit-limit"] == "6, 5;w=1, 6;w=60"
        assert sixth.headers["x-ratelimit-remaining"] == "0"
        assert (await call(http, "GET", url)).status == 429


async def test_ory_tiers(http: aiohttp.ClientSession) -> None:
    limits = tier_limits("Developer")
    assert limits["kratos-admin-low"] == [LimitQuota(5.0, 5), LimitQuota(80 / 60, 80)]
    with pytest.raises(ValueError, match="no Ory Network tier"):
        tier_limits("Platinum")
    async with FakeOry(clock=ManualClock()) as fake:
        fake.limit_rates(tier="Developer")
        reply = await call(http, "GET", f"{fake.url}/admin/identities")
        assert reply.headers["x-ratelimit-limit"] == "5, 5;w=1, 25;w=60"


async def test_per_bucket_override_and_off(http: aiohttp.ClientSession) -> None:
    async with FakeOry(clock=ManualClock()) as fake:
        fake.limit_rates(buckets={"kratos-admin-low": [LimitQuota.per_second(1)]})
        listing = await call(http, "GET", f"{fake.url}/admin/identities")
        assert "x-ratelimit-limit" not in listing.headers  # no limit on that bucket
        assert (
            await call(http, "POST", f"{fake.url}/admin/identities", json=IDENTITY)
        ).status == 201
        second = {**IDENTITY, "traits": {"email": "b@example.com"}}
        refused = await call(http, "POST", f"{fake.url}/admin/identities", json=second)
        assert refused.status == 429
        assert len(fake.identities) == 1  # a 429 is never applied
        assert fake.limit_rates() is None
        assert (
            "x-ratelimit-limit"
            not in (await call(http, "GET", f"{fake.url}/admin/identities")).headers
        )


async def test_inflight_rule_refuses_a_second_write_to_the_same_path(
    http: aiohttp.ClientSession,
) -> None:
    async with FakeOry() as fake:
        limiter = fake.limit_rates(rps=1000, burst=1000)
        assert limiter is not None
        ids = fake.seed_identities(2)
        fake.faults.add(f"/admin/identities/{ids[0]}", method="PATCH", status=None, delay=0.3)
        patch = [{"op": "replace", "path": "/state", "value": "inactive"}]
        slow = asyncio.create_task(
            call(http, "PATCH", f"{fake.url}/admin/identities/{ids[0]}", json=patch)
        )
        await _until(lambda: bool(limiter.inflight))
        same = await call(http, "PATCH", f"{fake.url}/admin/identities/{ids[0]}", json=patch)
        other = await call(http, "PATCH", f"{fake.url}/admin/identities/{ids[1]}", json=patch)
        read = await call(http, "GET", f"{fake.url}/admin/identities/{ids[0]}")
        assert (same.status, other.status, read.status) == (429, 200, 200)
        assert (await slow).status == 200
        assert limiter.inflight_limited == 1
        assert limiter.total_limited == 1
        assert not limiter.inflight  # released once answered
        assert (
            await call(http, "PATCH", f"{fake.url}/admin/identities/{ids[0]}", json=patch)
        ).status == 200


async def test_inflight_rule_can_be_turned_off(http: aiohttp.ClientSession) -> None:
    async with FakeOry() as fake:
        fake.limit_rates(rps=1000, burst=1000, inflight=False)
        ids = fake.seed_identities(1)
        url = f"{fake.url}/admin/identities/{ids[0]}"
        fake.faults.add(f"/admin/identities/{ids[0]}", method="PATCH", status=None, delay=0.3)
        patch = [{"op": "replace", "path": "/state", "value": "inactive"}]
        slow = asyncio.create_task(call(http, "PATCH", url, json=patch))
        await _until(lambda: bool(fake.requests.matching("PATCH", f"/admin/identities/{ids[0]}")))
        assert (await call(http, "PATCH", url, json=patch)).status == 200
        assert (await slow).status == 200
