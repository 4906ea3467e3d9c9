"""Pacing behind every limiter users sit behind, not only Ory Network's.

The jobs run the real pacer against FakeOry's limiter in virtual time
(:mod:`tests.kit.limiter_sim`), so each shape is held to the goals exactly:
no failure, at most 1.15x the least possible time, at most 5% of answers 429 (15%
where the server sends no rate-limit header at all). Unit tests pin the pieces: the
header forms, the AIMD model, the bare limit's window, the reserve of slow quotas,
and two buckets learned to be one.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time

import pytest
from multidict import CIMultiDict
from yarl import URL

from ory_async._adaptive import MAX_HOLD, Adaptive
from ory_async._pacing import BucketPace, Pacer
from ory_async._ratelimit import Quota, parse_rate_limit
from ory_async.testing import FakeOry, LimitQuota, OryRateLimiter
from ory_async.testing._util import SystemClock
from tests.kit.limiter_sim import VirtualTime, minimum, run_job

SESSIONS = "/admin/identities/{n}/sessions"
IDENTITY = "/admin/identities/{n}"

SHAPES = {
    "429 + Retry-After only": ({"headers": "none"}, [LimitQuota.per_second(20)], 300, 0.15),
    "bare x-ratelimit-limit": ({"headers": "plain"}, [LimitQuota.per_second(10)], 200, 0.05),
    "RateLimit-* without x-": ({"headers": "ietf"}, [LimitQuota.per_second(20)], 300, 0.05),
    "fixed windows, Ory's headers": (
        {"fixed_window": True},
        [LimitQuota.per_second(10)],
        200,
        0.05,
    ),
    "fixed windows, bare limit": (
        {"fixed_window": True, "headers": "plain"},
        [LimitQuota.per_second(10)],
        200,
        0.05,
    ),
    "one allowance for two buckets": (
        {"shared": True, "paths": [IDENTITY, SESSIONS]},
        [LimitQuota.per_second(20)],
        300,
        0.05,
    ),
    "fixed 10 s windows": ({"fixed_window": True}, [LimitQuota(rate=2, burst=20)], 200, 0.05),
    "fixed 10 s windows, a 100-GET job": (
        {"fixed_window": True},
        [LimitQuota(rate=2, burst=20)],
        100,
        0.05,
    ),
    "fixed 10 s windows, a 50-GET job": (
        {"fixed_window": True},
        [LimitQuota(rate=2, burst=20)],
        50,
        0.05,
    ),
    "fixed 30 s windows, bare limit": (
        {"fixed_window": True, "headers": "plain"},
        [LimitQuota(rate=2, burst=60)],
        200,
        0.05,
    ),
    "fixed 5 s windows, RateLimit-*, a 50-GET job": (
        {"fixed_window": True, "headers": "ietf"},
        [LimitQuota(rate=2, burst=10)],
        50,
        0.05,
    ),
    "fixed 60 s windows, a 500-GET job": (
        {"fixed_window": True},
        [LimitQuota(rate=100 / 60, burst=100)],
        500,
        0.05,
    ),
    "fixed 2 s windows": ({"fixed_window": True}, [LimitQuota(rate=10, burst=20)], 100, 0.05),
    "fixed 1 s windows, a 100-GET job": (
        {"fixed_window": True},
        [LimitQuota.per_second(10)],
        100,
        0.05,
    ),
    "fixed 1 s windows, bare limit, a 100-GET job": (
        {"fixed_window": True, "headers": "plain"},
        [LimitQuota.per_second(20)],
        100,
        0.05,
    ),
    "one allowance for two buckets, bare limit": (
        {"shared": True, "headers": "plain", "paths": [IDENTITY, SESSIONS]},
        [LimitQuota.per_second(20)],
        300,
        0.05,
    ),
    # A gateway's fixed-window quota that answers nothing but 429 and Retry-After.
    "fixed 2 s windows, no headers": (
        {"fixed_window": True, "headers": "none"},
        [LimitQuota(rate=5, burst=10)],
        200,
        0.15,
    ),
    "fixed 2 s windows, no headers, a 500-GET job": (
        {"fixed_window": True, "headers": "none"},
        [LimitQuota(rate=2.5, burst=5)],
        500,
        0.15,
    ),
    "fixed 5 s windows, no headers, a 100-GET job": (
        {"fixed_window": True, "headers": "none"},
        [LimitQuota(rate=1, burst=5)],
        100,
        0.15,
    ),
    "fixed 10 s windows, no headers, a 50-GET job": (
        {"fixed_window": True, "headers": "none"},
        [LimitQuota(rate=0.5, burst=5)],
        50,
        0.15,
    ),
    "fixed 10 s windows, no headers": (
        {"fixed_window": True, "headers": "none"},
        [LimitQuota(rate=2, burst=20)],
        200,
        0.15,
    ),
    "fixed 30 s windows, no headers, a 500-GET job": (
        {"fixed_window": True, "headers": "none"},
        [LimitQuota(rate=2, burst=60)],
        500,
        0.15,
    ),
    "Ory's Developer tier": ({}, [LimitQuota.per_second(5), LimitQuota.per_minute(40)], 60, 0.05),
    "Ory Network's own form": ({}, [LimitQuota.per_second(20)], 300, 0.01),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_limiter_shape_meets_the_goals(shape: str) -> None:
    options, quotas, requests, most_429 = SHAPES[shape]
    result = run_job(quotas, requests, **options)  # type: ignore[arg-type]
    assert result.failed == 0
    assert result.served == requests
    fixed = bool(options.get("fixed_window"))  # type: ignore[attr-defined]
    assert result.seconds <= 1.15 * minimum(quotas, requests, fixed_window=fixed)
    assert result.share_429 <= most_429


@pytest.mark.parametrize("headers", ["none", "plain", "ietf"])
def test_pacing_beats_an_unpaced_storm(headers: str) -> None:
    quotas = [LimitQuota.per_second(20)]
    paced = run_job(quotas, 200, headers=headers)
    storm = run_job(quotas, 200, headers=headers, pacing=False)
    assert storm.share_429 > 0.5
    assert paced.limited * 10 < storm.limited


def test_a_server_that_never_refuses_is_left_unpaced() -> None:
    pacer = Pacer(clock=lambda: 0.0)
    url = URL("http://127.0.0.1:4434/admin/identities/x")

    async def main() -> None:
        probe = await pacer.acquire("GET", url)
        pacer.observe(probe, "GET", url, 200, CIMultiDict())
        assert not pacer.idle  # a few rounds of answers first
        tickets = [await pacer.acquire("GET", url) for _ in range(2)]
        third = asyncio.ensure_future(pacer.acquire("GET", url))
        await asyncio.sleep(0)
        assert not third.done()  # two in flight at first
        for ticket in tickets:
            pacer.observe(ticket, "GET", url, 200, CIMultiDict())
        pacer.observe(await third, "GET", url, 200, CIMultiDict())
        for _ in range(70):
            pacer.observe(await pacer.acquire("GET", url), "GET", url, 200, CIMultiDict())
            if pacer.idle:
                break
        assert pacer.idle
        assert await pacer.acquire("GET", url) is None

    asyncio.run(main())


# --- the header forms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "quotas", "current", "remaining", "reset"),
    [
        (
            {"RateLimit-Limit": "10", "RateLimit-Remaining": "4", "RateLimit-Reset": "3"},
            (),
            10,
            4,
            3,
        ),
        ({"x-ratelimit-limit": "10", "x-ratelimit-remaining": "0"}, (), 10, 0, None),
        (
            {"RateLimit-Remaining": "7", "RateLimit-Policy": "10;w=1, 300;w=60"},
            (Quota(10, 1.0), Quota(300, 60.0)),
            None,
            7,
            None,
        ),
        ({"RateLimit": "limit=10, remaining=2, reset=5"}, (), 10, 2, 5),
        (
            {"RateLimit": '"default";r=3;t=2', "RateLimit-Policy": '"default";q=50;w=10'},
            (Quota(50, 10.0),),
            50,
            3,
            2,
        ),
    ],
)
def test_every_header_form_reads(
    headers: dict[str, str],
    quotas: tuple[Quota, ...],
    current: int | None,
    remaining: int | None,
    reset: float | None,
) -> None:
    info = parse_rate_limit(CIMultiDict(headers))
    assert info is not None
    assert (info.quotas, info.current, info.remaining, info.reset) == (
        quotas,
        current,
        remaining,
        reset,
    )


def test_a_reset_given_as_a_unix_time_is_seconds_from_now() -> None:
    at = int(time.time()) + 30
    info = parse_rate_limit(CIMultiDict({"RateLimit-Remaining": "0", "RateLimit-Reset": str(at)}))
    assert info is not None
    assert info.reset is not None
    assert 25 <= info.reset <= 31


@pytest.mark.parametrize("form", ["seconds", "date"])
def test_a_quiet_refusal_holds_for_retry_after_in_either_form(form: str) -> None:
    vt = VirtualTime()
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    url = URL("http://127.0.0.1:4434/admin/identities/x")
    value = "7" if form == "seconds" else email.utils.formatdate(time.time() + 7, usegmt=True)

    async def main() -> None:
        pacer.observe(await pacer.acquire("GET", url), "GET", url, 200, CIMultiDict())
        pacer.observe(None, "GET", url, 429, CIMultiDict({"Retry-After": value}))
        assert not pacer.idle
        job = asyncio.ensure_future(pacer.acquire("GET", url))
        await vt.drive(job)
        await job
        assert 6 <= vt.now_s <= 7.5

    asyncio.run(main())


# --- the AIMD model ---------------------------------------------------------------------------


def test_a_refusal_drops_the_rate_under_the_goodput_and_cuts_the_requests_in_flight() -> None:
    model = Adaptive()
    for i in range(20):
        model.succeeded(i * 0.05)  # 20 a second
    assert model.refused(1.0, 0.99, 10, None)
    assert model.rate == pytest.approx(0.85 * 20)
    assert model.cap == pytest.approx(8.5)
    assert model.delay(1.0) > 0


def test_refusals_of_requests_sent_before_the_cut_do_not_cut_again() -> None:
    model = Adaptive()
    model.rate = 10.0
    assert model.refused(1.0, 0.9, None, None)
    rate = model.rate
    assert not model.refused(1.1, 0.95, None, None)  # sent before the cut at 1.0
    assert not model.refused(1.1, None, None, None)  # sent when, unknown
    assert model.rate == rate
    assert model.refused(1.5, 1.2, None, None)
    assert model.rate is not None
    assert model.rate < rate


def test_successes_probe_the_rate_back_up() -> None:
    model = Adaptive()
    model.rate = 10.0
    model.cap = 4.0
    for i in range(50):
        model.succeeded(i * 0.1)
    assert model.rate == pytest.approx(12.0)
    assert model.cap > 4.0 + 50 / 8


def test_a_wild_retry_after_holds_at_most_a_minute() -> None:
    model = Adaptive()
    model.rate = 10.0
    model.refused(0.0, None, None, 86_400.0)
    assert model.hold_until == MAX_HOLD


def test_a_full_cap_waits_for_an_answer() -> None:
    model = Adaptive()
    model.rate = 1000.0
    model.cap = 2.0
    model.take(0.0)
    model.take(0.0)
    assert model.delay(1.0) == float("inf")
    model.answered(1.0, ok=True)
    assert model.delay(1.0) == 0.0


# --- headers that say less than Ory's ---------------------------------------------------------


def test_a_bare_limit_takes_its_window_from_the_longest_reset() -> None:
    pace = BucketPace(0.0)
    info = parse_rate_limit(CIMultiDict({"x-ratelimit-limit": "40", "x-ratelimit-remaining": "39"}))
    assert info is not None
    pace.observe(info, pace.take(0.0), 0.0, 200)
    assert pace.shape == (Quota(40, 1.0),)
    later = CIMultiDict(
        {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "30", "x-ratelimit-reset": "60"}
    )
    info = parse_rate_limit(later)
    assert info is not None
    pace.observe(info, pace.take(0.1), 0.1, 200)
    assert pace.shape == (Quota(40, 60.0),)
    assert pace.quotas[0].tokens < 40  # what was spent is kept


def _answer(pace: BucketPace, headers: dict[str, str], at: float, status: int = 200) -> None:
    info = parse_rate_limit(CIMultiDict(headers))
    assert info is not None
    pace.observe(info, pace.take(at), at, status)


def test_a_fixed_window_is_spotted_at_its_first_answer_and_spent_whole_at_each_start() -> None:
    pace = BucketPace(0.0)

    def answer(remaining: int, reset: int, at: float) -> None:
        headers = {
            "x-ratelimit-limit": "20, 20;w=10",
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(reset),
        }
        _answer(pace, headers, at)

    # One token spent of 20 refilling at 2 a second is back within a second: a reset
    # 10 s away is the end of a window.
    answer(19, 10, 0.0)
    assert pace.fixed
    answer(0, 1, 9.0)  # the window spent...
    answer(19, 10, 10.5)  # ... and whole again
    for _ in range(19):
        assert pace.delay(10.5) == 0.0
        pace.take(10.5)
    # Spent: the next request waits for the window's end, not for a refill.
    assert pace.delay(10.5) == pytest.approx(20.0 - 10.5 + 0.05)


@pytest.mark.parametrize("name", ["x-ratelimit", "RateLimit"])
def test_a_bare_limit_whose_reset_stands_still_while_it_is_spent_is_a_fixed_window(
    name: str,
) -> None:
    pace = BucketPace(0.0)
    for n, remaining in enumerate(range(19, 9, -1)):
        headers = {f"{name}-limit": "20", f"{name}-remaining": str(remaining)}
        headers[f"{name}-reset"] = "10"
        _answer(pace, headers, n * 0.01)
        if 19 - remaining < 4:
            # Too little spent to tell: refilling, the reset moves by less than its
            # rounding to whole seconds.
            assert not pace.fixed
    assert pace.fixed
    assert pace.quotas[0].window_end == pytest.approx(0.04 + 10)  # spotted at 15 left


@pytest.mark.parametrize("headers", ["ory", "plain", "ietf"])
@pytest.mark.parametrize(("rps", "burst"), [(2, 20), (10, 10), (1, 60), (20, 20), (5, 40)])
def test_a_refilling_quota_is_not_taken_for_a_fixed_window(
    headers: str, rps: float, burst: int
) -> None:
    vt = VirtualTime()
    limiter = OryRateLimiter(
        {},
        vt,
        default=[LimitQuota.per_second(rps, burst)],
        inflight_rule=False,
        headers=headers,
    )
    pace = BucketPace(0.0)
    for n in range(600):
        vt.now_s = at = n * 0.05  # 20 a second asked: over the rate, then at it
        admission = limiter.admit("GET", "/admin/identities/x")
        _answer(pace, admission.headers, at, 200 if admission.allowed else 429)
        assert not pace.fixed, n


def test_a_reset_that_counts_to_the_next_token_is_not_a_fixed_window() -> None:
    # Some token buckets say when the next token comes, not when they are full again.
    pace = BucketPace(0.0)
    tokens, rate = 20.0, 2.0
    for n in range(400):
        at = n * 0.1
        tokens = min(20.0, tokens + 0.1 * rate)
        status = 200 if tokens >= 1 else 429
        if status == 200:
            tokens -= 1
        reset = 0 if tokens >= 1 else math.ceil((1 - tokens) / rate)
        headers = {
            "x-ratelimit-limit": "20, 20;w=10",
            "x-ratelimit-remaining": str(max(math.floor(tokens), 0)),
            "x-ratelimit-reset": str(reset),
        }
        _answer(pace, headers, at, status)
        assert not pace.fixed, n


def test_a_per_minute_quota_keeps_less_than_a_token_back() -> None:
    pace = BucketPace(0.0)
    info = parse_rate_limit(CIMultiDict({"x-ratelimit-limit": "40, 40;w=60"}))
    assert info is not None
    pace.observe(info, None, 0.0, 200)
    assert pace.quotas[0].reserve < 1.0


def test_two_buckets_behind_one_allowance_become_one() -> None:
    result = run_job([LimitQuota.per_second(20)], 300, shared=True, paths=[IDENTITY, SESSIONS])
    separate = run_job([LimitQuota.per_second(20)], 300, paths=[IDENTITY, SESSIONS])
    assert result.share_429 <= 0.05
    # Not merged when they are apart: each runs at its own allowance, twice as fast.
    assert separate.seconds < 0.6 * result.seconds


# --- FakeOry's limiter modes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "present", "absent"),
    [
        ("ory", "x-ratelimit-limit", "Retry-After"),
        ("plain", "x-ratelimit-limit", "RateLimit-Limit"),
        ("ietf", "RateLimit-Limit", "x-ratelimit-limit"),
        ("none", "Retry-After", "x-ratelimit-limit"),
    ],
)
def test_fake_limiter_header_styles(headers: str, present: str, absent: str) -> None:
    vt = VirtualTime()
    limiter = OryRateLimiter({}, vt, default=[LimitQuota.per_second(2)], headers=headers)
    assert limiter.admit("GET", "/admin/identities/a").allowed
    assert limiter.admit("GET", "/admin/identities/b").allowed
    refused = limiter.admit("GET", "/admin/identities/c")
    assert not refused.allowed
    got = CIMultiDict(refused.headers)
    assert present in got
    assert absent not in got
    if headers == "plain":
        assert got["x-ratelimit-limit"] == "2"


def test_fake_fixed_window_resets_at_the_window_end_only() -> None:
    vt = VirtualTime()
    limiter = OryRateLimiter({}, vt, default=[LimitQuota.per_second(2)], fixed_window=True)
    assert limiter.admit("GET", "/admin/identities/a").allowed
    assert limiter.admit("GET", "/admin/identities/a").allowed
    vt.now_s = 0.9  # a refilling bucket would have 1.8 tokens back by now
    assert not limiter.admit("GET", "/admin/identities/a").allowed
    vt.now_s = 1.0
    assert limiter.admit("GET", "/admin/identities/a").allowed
    assert limiter.admit("GET", "/admin/identities/a").allowed


def test_fake_shared_allowance_counts_every_bucket() -> None:
    vt = VirtualTime()
    limiter = OryRateLimiter({}, vt, default=[LimitQuota.per_second(2)], shared=True)
    assert limiter.admit("GET", "/admin/identities/a").allowed
    assert limiter.admit("PATCH", "/admin/identities").allowed
    assert not limiter.admit("GET", "/admin/sessions").allowed


def test_fake_refuses_an_unknown_style() -> None:
    with pytest.raises(ValueError, match="headers must be one of"):
        OryRateLimiter({}, SystemClock(), headers="x-fancy")


async def test_fake_ory_limits_without_headers_over_loopback() -> None:
    from ory_async import OryClient, RateLimitedError, RetryPolicy

    async with FakeOry(seed=3) as fake:
        ids = fake.seed_identities(2)
        fake.limit_rates(rps=1, burst=1, headers="none")
        async with OryClient(fake.url, retry=RetryPolicy.none()) as ory:
            await ory.identities.get(ids[0])
            with pytest.raises(RateLimitedError) as caught:
                await ory.identities.get(ids[1])
    assert caught.value.retry_after == 1.0
    assert "x-ratelimit-limit" not in caught.value.headers
