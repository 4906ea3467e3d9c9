"""``close()`` ends what is in flight: every waiting call raises ``ClientClosedError`` at once.

Calls may be waiting on an answer, on a retry wait, on a concurrency slot or on a
paging walk; closing the client ends each promptly, leaving no task, socket or warning
behind (the suite turns warnings into errors).
"""

from __future__ import annotations

import asyncio

import pytest

from ory_async import ClientClosedError, OryClient, RetryPolicy
from ory_async.testing import FakeOry, no_waits
from tests.kit.keys import TOKEN
from tests.kit.waiting import yield_until


async def test_a_call_waiting_on_its_answer_ends_with_client_closed(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=1)
    ory = OryClient(ory_fake.url, access_token=TOKEN)
    call = asyncio.create_task(ory.identities.list().collect())
    await yield_until(lambda: ory_fake.in_flight == 1)
    await ory.close()
    assert call.done()  # ended by close() itself, not by its 30 s timeout
    with pytest.raises(ClientClosedError, match="closed while GET /admin/identities"):
        call.result()
    assert not call.cancelled()


async def test_a_call_in_a_retry_wait_ends_with_client_closed(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=503, times=1)
    with no_waits(hold=True) as waits:
        ory = OryClient(ory_fake.url, access_token=TOKEN)
        call = asyncio.create_task(ory.identities.list().collect())
        await waits.requested()
        await ory.close()
        assert call.done()
        assert isinstance(call.exception(), ClientClosedError)
    assert len(ory_fake.requests) == 1  # the retry was never sent


async def test_calls_queued_for_a_slot_end_with_client_closed(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=1)
    ory = OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=1)
    calls = [asyncio.create_task(ory.identities.list().collect()) for _ in range(5)]
    await yield_until(lambda: ory_fake.in_flight == 1)
    await ory.close()
    assert all(call.done() for call in calls)
    assert all(isinstance(call.exception(), ClientClosedError) for call in calls)
    assert len(ory_fake.requests) <= 1  # the queued ones never went out


async def test_a_call_on_a_view_ends_when_its_client_closes(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities/*", status=None, delay=60.0, times=1)
    ory = OryClient(ory_fake.url, access_token=TOKEN)
    view = ory.with_options(retry=RetryPolicy.none())
    call = asyncio.create_task(view.identities.get("7d6ee7b2-4e8f-4b4e-9d1a-2c9f1c0c6f3a"))
    await yield_until(lambda: ory_fake.in_flight == 1)
    await view.close()  # a view's close does nothing
    assert not call.done()
    await ory.close()
    assert isinstance(call.exception(), ClientClosedError)


async def test_a_gathered_bulk_call_ends_with_client_closed(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=None)
    ory = OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=2)
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(600)]
    found = ory.identities.get_many(ids, concurrency=2)
    call = asyncio.create_task(found.collect())
    await yield_until(lambda: ory_fake.in_flight >= 1)
    await ory.close()
    await asyncio.gather(call, return_exceptions=True)
    assert isinstance(call.exception(), ClientClosedError)


async def test_the_caller_cancelling_is_still_a_cancellation(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=1)
    async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
        call = asyncio.create_task(ory.identities.list().collect())
        await yield_until(lambda: ory_fake.in_flight == 1)
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)
        assert call.cancelled()
        assert not ory.closed


async def test_a_call_that_catches_the_error_goes_on_uncancelled(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=1)
    ory = OryClient(ory_fake.url, access_token=TOKEN)
    reached: list[str] = []

    async def caller() -> None:
        try:
            await ory.identities.list().collect()
        except ClientClosedError:
            reached.append("caught")
        await asyncio.sleep(0)  # a later await is not cancelled by the close
        reached.append("went on")

    call = asyncio.create_task(caller())
    await yield_until(lambda: ory_fake.in_flight == 1)
    await ory.close()
    await call
    assert reached == ["caught", "went on"]
    assert call.cancelling() == 0


async def test_close_with_nothing_in_flight_is_unchanged(ory_fake: FakeOry) -> None:
    ory = OryClient(ory_fake.url, access_token=TOKEN)
    assert await ory.identities.list().collect() == []
    await ory.close()
    await ory.close()
    with pytest.raises(ClientClosedError):
        await ory.identities.list().collect()


async def test_a_call_waiting_for_its_pacing_turn_ends_with_client_closed(
    ory_fake: FakeOry,
) -> None:
    # A 429 that says the quota resets in 30 s: the retry waits that long for its turn.
    ory_fake.faults.add("/admin/identities", status=429, ratelimit_reset=30, times=1)
    with no_waits():
        ory = OryClient(ory_fake.url, access_token=TOKEN)
        pacer = ory._transport.connection.pacer
        call = asyncio.create_task(ory.identities.list().collect())
        await yield_until(lambda: pacer.waited > 0)
        await ory.close()
        assert call.done()
        assert isinstance(call.exception(), ClientClosedError)
    assert len(ory_fake.requests) == 1
