"""No rate-limit header holds later calls longer than a minute (the pacer on a fake clock)."""

from __future__ import annotations

import time

import pytest
from yarl import URL

from ory_async._pacing import Pacer, TurnLimit, TurnTooLate
from tests.kit.fake_time import FakeTime

URL_GET = URL("http://127.0.0.1:4434/admin/identities/x")


MINUTE = 60.0


DAY = 86_400


ABSURD = [
    # Ory's own form, quota spent, reset a day away
    {
        "x-ratelimit-limit": "10, 10;w=1",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(DAY),
    },
    # remaining/reset only
    {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(DAY)},
    # a bare integer limit (its window is learned from resets)
    {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(DAY)},
    # IETF names without the x- prefix
    {"ratelimit-limit": "10", "ratelimit-remaining": "0", "ratelimit-reset": str(10 * DAY)},
    # a reset given as a Unix time a year ahead
    {
        "x-ratelimit-limit": "10, 10;w=1",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(int(time.time()) + 365 * DAY),
    },
]


@pytest.mark.parametrize("headers", ABSURD)
@pytest.mark.parametrize("status", [200, 429])
async def test_an_absurd_reset_holds_later_calls_a_minute_at_most(
    headers: dict[str, str], status: int
) -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, status, headers)
    for _ in range(3):
        ticket = await pacer.acquire("GET", URL_GET)
        pacer.observe(ticket, "GET", URL_GET, 200, headers)
    assert t.sleeps  # it did hold
    assert max(t.sleeps) <= MINUTE
    assert t.now <= 4 * MINUTE  # three more requests within four minutes, not days


# --- the pacer alone, in virtual time ----------------------------------------------------

HOLD = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"}


async def held_pacer(t: FakeTime) -> Pacer:
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, HOLD)
    return pacer


@pytest.mark.parametrize(
    "limit",
    [TurnLimit(budget=10), TurnLimit(ends_at=29.0), TurnLimit(ends_at=100.0, budget=29.5)],
)
async def test_the_pacer_raises_before_a_hold_that_cannot_fit(limit: TurnLimit) -> None:
    t = FakeTime()
    pacer = await held_pacer(t)
    with pytest.raises(TurnTooLate) as info:
        await pacer.acquire("GET", URL_GET, limit)
    assert t.sleeps == []  # raised before waiting at all
    assert info.value.wait == pytest.approx(30.0)


@pytest.mark.parametrize(
    "limit", [None, TurnLimit(budget=31), TurnLimit(ends_at=31.0), TurnLimit(budget=None)]
)
async def test_the_pacer_still_waits_a_hold_that_fits(limit: TurnLimit | None) -> None:
    t = FakeTime()
    pacer = await held_pacer(t)
    ticket = await pacer.acquire("GET", URL_GET, limit)
    assert ticket is not None
    assert t.sleeps == [pytest.approx(30.0)]


async def test_a_quiet_servers_hold_that_cannot_fit_raises_before_waiting() -> None:
    # No rate-limit headers at all: the hold comes from a 429's Retry-After.
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    pacer.observe(await pacer.acquire("GET", URL_GET), "GET", URL_GET, 200, {})
    pacer.observe(None, "GET", URL_GET, 429, {"retry-after": "30"})
    with pytest.raises(TurnTooLate) as info:
        await pacer.acquire("GET", URL_GET, TurnLimit(ends_at=10.0))
    assert t.sleeps == []
    assert info.value.wait == pytest.approx(30.0, abs=0.5)
    assert info.value.why == "the call's deadline would pass"
    ticket = await pacer.acquire("GET", URL_GET, TurnLimit(budget=40))
    assert ticket is not None
    assert sum(t.sleeps) == pytest.approx(30.0, abs=0.5)
