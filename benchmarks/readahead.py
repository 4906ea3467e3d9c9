"""Workload f: walk identities from a slow server with a consumer that takes its time.

The server answers every page after ``latency_ms``; the consumer spends as long again
on each page (``asyncio.sleep``, like writing the page elsewhere). Walking page after
page costs the sum of both per page; with read-ahead the next page is on its way while
the consumer works, so the walk approaches ``max(server, consumer)``, the ideal this
workload reports its ratio to. "Server" is what the pages take as the client sees them,
without a consumer (the latency plus transfer and decoding, measured in the same
process just before), and never less than ``pages x latency``; "consumer" is
``pages x latency``. The raw floor walks page after page, by hand.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from .common import ORY_ASYNC, RAW, Tally, WrongData, next_link

PAGE_SIZE = 250


async def _consume(tally: Tally, ids: list[Any], seconds: float) -> None:
    for item_id in ids:
        tally.add(item_id)
    await asyncio.sleep(seconds)


async def _raw(base: str, tally: Tally, work: float) -> float:
    import aiohttp
    import orjson
    from yarl import URL

    first = f"{base}/admin/identities?page_size={PAGE_SIZE}"
    async with aiohttp.ClientSession() as session:
        async with session.get(URL(first, encoded=True)) as resp:  # warm-up
            await resp.read()
        started = time.perf_counter()
        url: str | None = first
        while url is not None:
            async with session.get(URL(url, encoded=True)) as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for {url}")
                items = orjson.loads(await resp.read())
                link = next_link(resp.headers.get("Link"))
            await _consume(tally, [i["id"] for i in items], work)
            url = None if link is None else base + link
        return time.perf_counter() - started


async def _ory_async(base: str, tally: Tally, work: float, prefetch: bool) -> float:
    from ory_async import OryClient

    async with OryClient(base) as ory:
        pager = ory.identities.list(page_size=PAGE_SIZE)
        await pager  # warm-up
        started = time.perf_counter()
        async for page in (pager.prefetch() if prefetch else pager).pages():
            await _consume(tally, [i.id for i in page.items], work)
        return time.perf_counter() - started


async def _bare(base: str) -> float:
    """The same walk without a consumer: what the pages take by themselves."""
    from ory_async import OryClient

    async with OryClient(base) as ory:
        pager = ory.identities.list(page_size=PAGE_SIZE)
        await pager  # warm-up
        started = time.perf_counter()
        async for _ in pager.pages():
            pass
        return time.perf_counter() - started


def run(
    client: str, base: str, expected: Sequence[str], *, latency_ms: int, prefetch: bool = False
) -> dict[str, float]:
    """Seconds for the walk, and the ideal ``max(server, consumer)`` to compare them with."""
    tally = Tally()
    work = latency_ms / 1000
    if client == RAW:
        seconds = asyncio.run(_raw(base, tally, work))
    elif client == ORY_ASYNC:
        seconds = asyncio.run(_ory_async(base, tally, work, prefetch))
    else:
        msg = f"workload f runs the raw floor and ory_async only, not {client}"
        raise ValueError(msg)
    tally.check(expected, f"{client} walking a slow server")
    consumer = max(1, -(-len(expected) // PAGE_SIZE)) * work
    server = max(asyncio.run(_bare(base)), consumer) if prefetch else consumer
    return {"seconds": seconds, "ideal_seconds": max(server, consumer), "server_seconds": server}
