"""Faults, rate limits and credentials end to end against FakeOry."""

from __future__ import annotations

import pytest

from ory_async import OryClient, RateLimitedError, RetryPolicy, ServerError, UnauthorizedError
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry, RetryWaits
from tests.kit.harness import Harness
from tests.kit.keys import API_KEY


async def test_faults_are_recovered_by_retries(
    ory: OryClient, fake: FakeOry, fake_sleep: RetryWaits
) -> None:
    fake.seed_identities(1000)
    fake.faults.add("/admin/identities", status=503, times=2)
    fake.faults.add("/admin/identities", status=429, times=1, ratelimit_reset=3)
    walked = [i.id async for i in ory.identities.list(page_size=250)]
    assert len(set(walked)) == 1000
    assert 3.0 in fake_sleep.delays
    assert ory.stats.retries == 3


async def test_retries_run_out_with_a_clear_error(
    ory: OryClient, fake: FakeOry, fake_sleep: RetryWaits
) -> None:
    fake.faults.add("/admin/identities", status=503, times=10)
    with pytest.raises(ServerError) as info:
        await ory.identities.list().collect()
    assert info.value.attempts == 4


async def test_rate_limit_headers(harness: Harness, fake_sleep: RetryWaits) -> None:
    fake = await harness.start("v1")
    # Without pacing, which would otherwise wait for the window instead of meeting the 429.
    ory = await harness.client(fake, retry=RetryPolicy.none(), pacing=False)
    fake.rate_limit(2, window=60.0)
    await ory.identities.list()
    await ory.identities.list()
    with pytest.raises(RateLimitedError) as info:
        await ory.identities.list()
    assert info.value.retry_after is not None
    assert info.value.headers.get("x-ratelimit-limit")


async def test_post_is_not_retried_after_a_5xx(
    ory: OryClient, fake: FakeOry, fake_sleep: RetryWaits
) -> None:
    fake.faults.add("/admin/identities", method="POST", status=502, times=1)
    with pytest.raises(ServerError):
        await ory.identities.create(
            CreateIdentityBody(schema_id="default", traits={"email": "once@example.com"})
        )
    assert len(fake.requests.matching("POST", "/admin/identities")) == 1
    assert fake_sleep.delays == []


async def test_api_key_is_required_and_checked(harness: Harness) -> None:
    fake = await harness.start("v1", api_key=API_KEY)
    good = await harness.client(fake, access_token=API_KEY)
    bad = await harness.client(fake, access_token="ory_pat_wrong_key_000000")
    assert await good.identities.list().collect() == []
    with pytest.raises(UnauthorizedError, match="Check the API key") as info:
        await bad.identities.list().collect()
    assert "ory_pat_wrong_key_000000" not in str(info.value)
    assert all(
        r.headers.get("Authorization") in (f"Bearer {API_KEY}", "Bearer ory_pat_wrong_key_000000")
        for r in fake.requests
    )
