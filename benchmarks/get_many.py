"""Workload f: many identities by id, through the list endpoint's ``ids`` filter.

ory_async calls ``identities.get_many`` (URL-sized chunks, 4 in flight). The raw floor
and the generated SDKs get the same plan by hand: chunks of :data:`CHUNK` ids (what fits
an 8 KB request URL), 4 in flight for the async clients, one after the other for the
synchronous ``ory-client``. For ory_async the same ids are also fetched by single GETs
(``max_concurrency`` 64), so the row shows what the ``ids`` filter saves. Every client
must return exactly the identities asked for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, Final

from .common import EXP_ASYNC, ORY_ASYNC, ORY_CLIENT, RAW, Tally

CHUNK: Final = 190
IN_FLIGHT: Final = 4
SINGLE_CONCURRENCY: Final = 64


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


async def _in_flight(
    ids: Sequence[str], fetch: Callable[[list[str]], Awaitable[list[Any]]]
) -> Tally:
    tally = Tally()
    semaphore = asyncio.Semaphore(IN_FLIGHT)

    async def one(chunk: list[str]) -> None:
        async with semaphore:
            for ident in await fetch(chunk):
                tally.add(ident)

    await asyncio.gather(*(one(c) for c in _chunks(ids)))
    return tally


async def _raw(base: str, ids: Sequence[str]) -> tuple[float, Tally]:
    import aiohttp
    import orjson
    from yarl import URL

    async with aiohttp.ClientSession() as session:

        async def fetch(chunk: list[str]) -> list[Any]:
            query = "&".join(f"ids={i}" for i in chunk)
            url = URL(f"{base}/admin/identities?{query}&page_size=500", encoded=True)
            async with session.get(url) as resp:
                return [item["id"] for item in orjson.loads(await resp.read())]

        await fetch(list(ids[:CHUNK]))  # warm-up
        started = time.perf_counter()
        tally = await _in_flight(ids, fetch)
        return time.perf_counter() - started, tally


async def _ory_async(base: str, ids: Sequence[str]) -> tuple[float, Tally, float]:
    from ory_async import OryClient

    async with OryClient(base, max_concurrency=SINGLE_CONCURRENCY) as ory:
        await ory.identities.get_many(ids[:CHUNK]).collect()  # warm-up
        started = time.perf_counter()
        tally = Tally()
        async for identity in ory.identities.get_many(ids):
            tally.add(identity.id)
        seconds = time.perf_counter() - started

        single = Tally()

        async def get(ident: str) -> None:
            single.add((await ory.identities.get(ident)).id)

        started = time.perf_counter()
        await asyncio.gather(*(get(i) for i in ids))
        single_seconds = time.perf_counter() - started
        single.check(ids, "ory_async single GETs")
        return seconds, tally, single_seconds


async def _exp_async(base: str, ids: Sequence[str]) -> tuple[float, Tally]:
    import ory_kratos_client_async as sdk

    async with sdk.ApiClient(sdk.Configuration(host=base)) as api_client:
        api = sdk.IdentityApi(api_client)

        async def fetch(chunk: list[str]) -> list[Any]:
            return [i.id for i in await api.list_identities(ids=chunk, page_size=500)]

        await fetch(list(ids[:CHUNK]))  # warm-up
        started = time.perf_counter()
        tally = await _in_flight(ids, fetch)
        return time.perf_counter() - started, tally


def _ory_client(base: str, ids: Sequence[str]) -> tuple[float, Tally]:
    import ory_client as sdk

    with sdk.ApiClient(sdk.Configuration(host=base)) as api_client:
        api = sdk.IdentityApi(api_client)
        api.list_identities(ids=list(ids[:CHUNK]), page_size=500)  # warm-up
        tally = Tally()
        started = time.perf_counter()
        for chunk in _chunks(ids):
            for identity in api.list_identities(ids=chunk, page_size=500):
                tally.add(identity.id)
        return time.perf_counter() - started, tally


def run(client: str, base: str, ids: Sequence[str]) -> dict[str, float]:
    """Fetch ``ids`` with ``client``; check that exactly those came back; time it."""
    figures: dict[str, float] = {}
    if client == ORY_CLIENT:
        seconds, tally = _ory_client(base, ids)
    elif client == ORY_ASYNC:
        seconds, tally, single = asyncio.run(_ory_async(base, ids))
        figures["single_seconds"] = single
        figures["speedup"] = single / seconds
    else:
        runner = {RAW: _raw, EXP_ASYNC: _exp_async}[client]
        seconds, tally = asyncio.run(runner(base, ids))
    tally.check(ids, f"{client} fetching identities by id")
    return {"seconds": seconds, "rate": len(ids) / seconds, **figures}
