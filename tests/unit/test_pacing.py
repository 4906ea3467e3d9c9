"""Pacing: the rate-limit header parser, Ory's bucket map, the bucket model and the Pacer."""

from __future__ import annotations

import asyncio

import pytest
from yarl import URL

from ory_async._buckets import UNMAPPED, BucketMap, bucket_for
from ory_async._pacing import BucketPace, Pacer
from ory_async._ratelimit import Quota, RateLimitInfo, parse_rate_limit
from tests.kit.fake_time import FakeTime
from tests.kit.pacing_sim import SimClient, SimServer, simulate

ORY = {
    "x-ratelimit-limit": "10, 10;w=1, 300;w=60",
    "x-ratelimit-remaining": "7",
    "x-ratelimit-reset": "1",
}


# --- headers ------------------------------------------------------------------------------


def test_parses_the_ietf_draft_form() -> None:
    info = parse_rate_limit(ORY)
    assert info == RateLimitInfo(
        quotas=(Quota(10, 1.0), Quota(300, 60.0)), current=10, remaining=7, reset=1.0
    )
    assert info.active_index() == 0
    assert Quota(300, 60.0).rate == 5.0


def test_current_names_the_quota_remaining_counts() -> None:
    info = parse_rate_limit({**ORY, "x-ratelimit-limit": "300, 10;w=1, 300;w=60"})
    assert info is not None
    assert info.active_index() == 1


def test_no_headers_is_none() -> None:
    assert parse_rate_limit({"content-type": "application/json"}) is None


@pytest.mark.parametrize(
    ("limit", "quotas", "current"),
    [
        ("20, 20;w=1", (Quota(20, 1.0),), 20),
        ("5;w=1", (Quota(5, 1.0),), 5),
        ('100, 100;w="60";comment="x"', (Quota(100, 60.0),), 100),
        ("100", (), 100),
        ("abc, 10;w=x, -5;w=1, 0;w=1, 7;w=0, 3;w=2", (Quota(3, 2.0),), 3),
        ("", (), None),
    ],
)
def test_limit_forms(limit: str, quotas: tuple[Quota, ...], current: int | None) -> None:
    info = parse_rate_limit({"x-ratelimit-limit": limit})
    assert info is not None
    assert (info.quotas, info.current) == (quotas, current)


@pytest.mark.parametrize("bad", ["-1", "1e400", "nan", "soon", "1.5.2", ""])
def test_malformed_counts_and_resets_are_ignored(bad: str) -> None:
    info = parse_rate_limit({"x-ratelimit-remaining": bad, "x-ratelimit-reset": bad})
    assert info is not None
    assert (info.remaining, info.reset) == (None, None)


def test_reset_is_capped_to_a_day() -> None:
    info = parse_rate_limit({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999"})
    assert info is not None
    assert info.reset == 86_400.0


# --- buckets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "bucket"),
    [
        ("GET", "/admin/identities", "kratos-admin-medium"),
        ("GET", "/admin/identities/3f1c", "kratos-admin-high"),
        ("POST", "/admin/identities", "kratos-admin-low"),
        ("PATCH", "/admin/identities", "kratos-admin-low"),
        ("GET", "/admin/identities/by/external/e-1", "kratos-admin-medium"),
        ("DELETE", "/admin/identities/3f1c/credentials/oidc", "kratos-admin-low"),
        ("GET", "/admin/sessions", "kratos-admin-medium"),
        ("PATCH", "/admin/sessions/s1/extend", "kratos-admin-low"),
        ("POST", "/admin/recovery/link", "kratos-admin-low"),
        ("GET", "/sessions/whoami", "kratos-public-high"),
        ("GET", "/schemas/default", "kratos-admin-medium"),
        ("GET", "/identities/3f1c", "kratos-admin-high"),  # legacy admin paths
        ("GET", "/health/ready", UNMAPPED),
        ("GET", "/admin/identities/a/b/c/d/e", UNMAPPED),
    ],
)
def test_ory_bucket_map(method: str, path: str, bucket: str) -> None:
    assert bucket_for(method, path) == bucket


def test_literal_segments_win_over_parameters() -> None:
    table = BucketMap([("GET", "/a/{x}/c", "param"), ("GET", "/a/b/c", "literal")])
    assert table.bucket_for("GET", "/a/b/c") == "literal"
    assert table.bucket_for("GET", "/a/z/c") == "param"
    assert table.bucket_for("PUT", "/a/b/c") == UNMAPPED


def test_the_table_matches_the_rate_limit_data() -> None:
    import orjson

    from tests.kit.shared_files import require_shared

    data = orjson.loads(
        (require_shared() / "openapi" / "ory-network-rate-limits.json").read_bytes()
    )
    kratos = [e for e in data["endpoints"] if e["bucket"].startswith("kratos-")]
    assert kratos
    for e in kratos:
        path = e["path"].replace("{", "").replace("}", "")
        assert bucket_for(e["method"], path) == e["bucket"], e


# --- the bucket model ---------------------------------------------------------------------


def _info(remaining: int, limit: str = "20, 20;w=1") -> RateLimitInfo:
    info = parse_rate_limit({"x-ratelimit-limit": limit, "x-ratelimit-remaining": str(remaining)})
    assert info is not None
    return info


def test_unknown_bucket_is_not_held() -> None:
    pace = BucketPace(0.0)
    assert pace.delay(0.0) == 0.0
    assert not pace.limited


def test_model_spends_the_burst_then_spaces_at_the_rate() -> None:
    pace = BucketPace(0.0)
    seq = pace.take(0.0)
    pace.observe(_info(19), seq, 0.0, 200)
    sent = 0
    while pace.delay(0.0) == 0.0:
        pace.take(0.0)
        sent += 1
    # 19 left at the server, 2.5 kept back against jitter.
    assert sent == 16
    assert pace.delay(0.0) == pytest.approx(0.025)
    assert pace.delay(0.025) == 0.0


def test_model_learns_that_others_spend_the_bucket() -> None:
    pace = BucketPace(0.0)
    seq = pace.take(0.0)
    pace.observe(_info(19), seq, 0.0, 200)
    seq = pace.take(0.0)
    # Someone else spent 10 tokens meanwhile.
    pace.observe(_info(8), seq, 0.0, 200)
    assert pace.delay(0.0) == 0.0
    for _ in range(6):
        pace.take(0.0)
    assert pace.delay(0.0) > 0.0


def test_stale_answers_are_not_folded_in() -> None:
    pace = BucketPace(0.0)
    first = pace.take(0.0)
    second = pace.take(0.0)
    pace.observe(_info(18), second, 0.0, 200)
    before = pace.quotas[0].tokens
    pace.observe(_info(0), first, 0.0, 200)  # older than the one already seen
    assert pace.quotas[0].tokens == before


def test_remaining_and_reset_alone_hold_until_the_reset() -> None:
    pace = BucketPace(0.0)
    info = parse_rate_limit({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "3"})
    assert info is not None
    pace.observe(info, pace.take(0.0), 0.0, 200)
    assert pace.delay(1.0) == pytest.approx(2.0)
    assert pace.delay(3.0) == 0.0


def test_a_429_without_remaining_empties_the_model() -> None:
    pace = BucketPace(0.0)
    pace.observe(_info(19), pace.take(0.0), 0.0, 200)
    no_remaining = parse_rate_limit({"x-ratelimit-limit": "20, 20;w=1"})
    assert no_remaining is not None
    pace.observe(no_remaining, pace.take(0.0), 0.0, 429)
    assert pace.delay(0.0) == pytest.approx(3.5 / 20)


def test_the_tightest_quota_sets_the_pace() -> None:
    pace = BucketPace(0.0)
    limit = "5, 5;w=1, 80;w=60"
    pace.observe(_info(4, limit), pace.take(0.0), 0.0, 200)
    now, sent = 0.0, 1
    while sent < 200:
        now += pace.delay(now)
        pace.take(now)
        sent += 1
    # 80 per minute: all but a reserve of a third of a second's refill (plus half a
    # token) at once, then the rest at 4/3 per second, not 5.
    reserve = 80 / 60 * 0.25 + 0.5
    assert now == pytest.approx((200 - 80 + reserve) * 60 / 80)


# Figures in virtual time: the simulation is exact, so these bounds are not timings.


def test_one_bulk_job_runs_at_the_allowed_rate_without_429s() -> None:
    server = SimServer(rate=20, burst=20)
    client = SimClient(total=2000, concurrency=64)
    finished = simulate(server, [client])
    minimum = (2000 - 20) / 20
    assert finished <= 1.05 * minimum
    assert client.limited <= 20  # <= 1% of 2,000
    assert server.served == 2000


def test_two_clients_sharing_a_bucket_converge() -> None:
    server = SimServer(rate=20, burst=20)
    clients = [SimClient(total=1000), SimClient(total=1000)]
    finished = simulate(server, clients)
    assert finished <= 1.05 * (2000 - 20) / 20
    assert sum(c.limited for c in clients) <= 40  # <= 2%
    assert all(c.done == 1000 for c in clients)
    # Neither starved the other: they finished within a few seconds of each other.
    assert abs(clients[0].finished_at - clients[1].finished_at) < 5.0


def test_a_client_joining_late_gets_its_share() -> None:
    server = SimServer(rate=5, burst=5)
    clients = [SimClient(total=300), SimClient(total=100, start=20.0)]
    finished = simulate(server, clients)
    assert finished <= 1.05 * (400 - 5) / 5
    assert sum(c.limited for c in clients) <= 8
    # The late one ran at about half the rate: 100 requests in ~40 s, not 20 s or 80 s.
    assert 30.0 < clients[1].finished_at - 20.0 < 50.0


# --- the async Pacer ------------------------------------------------------------------------

URL_GET = URL("http://127.0.0.1:4434/admin/identities/x")
LIMITED = {"x-ratelimit-limit": "2, 2;w=1", "x-ratelimit-remaining": "1", "x-ratelimit-reset": "1"}


async def test_pacer_goes_idle_without_headers() -> None:
    pacer = Pacer()
    ticket = await pacer.acquire("GET", URL_GET)
    assert ticket is not None
    assert ticket.probe
    pacer.observe(ticket, "GET", URL_GET, 200, {})
    # A start without refusals first (the requests in flight double with each round),
    # then nothing is paced.
    for _ in range(100):
        if pacer.idle:
            break
        pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, {})
    assert pacer.idle
    assert await pacer.acquire("GET", URL_GET) is None


async def test_the_probe_holds_the_others_until_its_answer() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    probe = await pacer.acquire("GET", URL_GET)
    waiting = [asyncio.create_task(pacer.acquire("GET", URL_GET)) for _ in range(3)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiting)
    pacer.observe(probe, "GET", URL_GET, 200, LIMITED)
    tickets = await asyncio.gather(*waiting)
    assert all(tk is not None for tk in tickets)
    # 1 token left, half a token kept back: a quarter second, then half a second each.
    assert t.sleeps == [pytest.approx(0.25), pytest.approx(0.5), pytest.approx(0.5)]
    assert pacer.waited == pytest.approx(1.25)


async def test_an_idle_pacer_wakes_on_headers() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, {})
    while not pacer.idle:
        pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, {})
    pacer.observe(None, "GET", URL_GET, 200, LIMITED)
    assert not pacer.idle
    assert await pacer.acquire("GET", URL_GET) is not None


async def test_a_failed_probe_holds_nobody() -> None:
    pacer = Pacer()
    probe = await pacer.acquire("GET", URL_GET)
    waiting = asyncio.create_task(pacer.acquire("GET", URL_GET))
    await asyncio.sleep(0)
    pacer.forget(probe)
    assert await waiting is None
    assert pacer.idle


async def test_a_failed_bucket_probe_passes_the_turn() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, LIMITED)
    other = URL("http://127.0.0.1:4434/admin/sessions")
    probe = await pacer.acquire("GET", other)
    assert probe is not None
    assert probe.probe
    waiting = asyncio.create_task(pacer.acquire("GET", other))
    await asyncio.sleep(0)
    pacer.forget(probe)
    second = await waiting
    assert second is not None
    assert second.probe
    pacer.observe(second, "GET", other, 200, {})  # this bucket sends no headers
    assert await pacer.acquire("GET", other) is None


async def test_buckets_are_paced_apart() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, LIMITED)
    listing = URL("http://127.0.0.1:4434/admin/identities")
    probe = await pacer.acquire("GET", listing)
    assert probe is not None
    assert probe.probe
    pacer.observe(probe, "GET", listing, 200, LIMITED)
    assert t.sleeps == []


async def test_cancelled_waiter_releases_its_turn() -> None:
    t = FakeTime()
    gate = asyncio.Event()

    async def blocked_sleep(seconds: float) -> None:
        await gate.wait()

    pacer = Pacer(clock=t.clock, sleep=blocked_sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, LIMITED)
    first = asyncio.create_task(pacer.acquire("GET", URL_GET))
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    t.now = 10.0
    assert await pacer.acquire("GET", URL_GET) is not None


async def test_a_slow_probe_holds_the_others_only_briefly(monkeypatch: pytest.MonkeyPatch) -> None:
    from ory_async import _pacing

    monkeypatch.setattr(_pacing, "PROBE_HOLD", 0.01)
    pacer = Pacer()
    probe = await pacer.acquire("GET", URL_GET)
    assert probe is not None
    assert await pacer.acquire("GET", URL_GET) is None  # went on unpaced
    assert pacer.idle
    pacer.observe(probe, "GET", URL_GET, 200, LIMITED)  # the late answer shows a limit
    assert not pacer.idle
