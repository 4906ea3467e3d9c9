"""Cancellation and lifecycle: a cancelled request gives back its connection and its
concurrency slot, an abandoned walk sends nothing more, and the limit holds under load."""

from __future__ import annotations

import asyncio

import aiohttp

from ory_async import OryClient
from ory_async.testing import FakeOry, RetryWaits, no_waits
from tests.kit.keys import TOKEN
from tests.kit.waiting import yield_until


async def test_cancel_mid_request_frees_the_slot(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=1)
    async with OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=1) as ory:
        stuck = asyncio.create_task(ory.identities.list().collect())
        await yield_until(lambda: ory_fake.in_flight == 1)
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)
        assert stuck.cancelled()
        assert await ory.identities.list().collect() == []  # the one slot is free again


async def test_cancel_mid_retry_wait_frees_the_slot(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=503, times=1)
    with no_waits(hold=True) as waits:
        async with OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=1) as ory:
            task = asyncio.create_task(ory.identities.list().collect())
            await waits.requested()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert task.cancelled()
            assert len(ory_fake.requests) == 1
            assert await ory.identities.list(page_size=10).collect() == []


async def test_cancel_mid_walk(ory_fake: FakeOry, fake_sleep: RetryWaits) -> None:
    ory_fake.seed_identities(300)
    async with OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=1) as ory:
        walked: list[str] = []

        async def walk() -> None:
            async for identity in ory.identities.list(page_size=100):
                walked.append(identity.id)
                if len(walked) == 100:
                    ory_fake.faults.add("/admin/identities", status=None, delay=60.0, times=1)

        task = asyncio.create_task(walk())
        await yield_until(lambda: ory_fake.in_flight == 1 and len(walked) == 100)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert len(await ory.identities.list(page_size=500).collect()) == 300


async def test_break_sends_no_further_request(ory_fake: FakeOry) -> None:
    ory_fake.seed_identities(1000)
    async with OryClient(ory_fake.url, access_token=TOKEN) as ory:
        async for _ in ory.identities.list(page_size=100):
            break
        first = await ory.identities.list(page_size=100)
        assert first.has_next
    assert len(ory_fake.requests) == 2


async def test_1000_tasks_never_exceed_max_concurrency(ory_fake: FakeOry) -> None:
    ory_fake.seed_identities(50)
    ory_fake.faults.add("/admin/identities", status=None, delay=0.002, times=None)
    async with OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=16) as ory:
        pages = await asyncio.gather(*(ory.identities.list(page_size=10) for _ in range(1000)))
    assert all(len(p.items) == 10 for p in pages)
    assert len(ory_fake.requests) == 1000
    assert ory_fake.max_in_flight == 16


async def test_the_limit_holds_with_a_borrowed_unlimited_session(ory_fake: FakeOry) -> None:
    ory_fake.faults.add("/admin/identities", status=None, delay=0.002, times=None)
    connector = aiohttp.TCPConnector(limit=0)
    async with (
        aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session,
        OryClient(ory_fake.url, access_token=TOKEN, max_concurrency=8, session=session) as ory,
    ):
        await asyncio.gather(*(ory.identities.list(page_size=1) for _ in range(200)))
    assert len(ory_fake.requests) == 200
    assert ory_fake.max_in_flight == 8
