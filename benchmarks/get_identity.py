"""Workload a: many ``GET /admin/identities/{id}`` calls at a fixed concurrency.

The async clients run every call as a task under one semaphore (``gather`` plus a
semaphore, the usual way); for ory_async that semaphore is its own ``max_concurrency``,
which bounds the requests in flight. The synchronous ``ory-client`` runs the calls on a
thread pool.
Each answer's ``id`` must be the one asked for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .common import EXP_ASYNC, ORY_ASYNC, ORY_CLIENT, RAW, WrongData, id_number

WARM_UP = 64


def _check(asked: str, got: Any) -> None:
    if id_number(got) != id_number(asked):
        msg = f"asked for identity {asked}, got {got}"
        raise WrongData(msg)


async def _gather(
    ids: Sequence[str], concurrency: int | None, get: Callable[[str], Awaitable[Any]]
) -> None:
    if concurrency is None:  # the client bounds its requests in flight itself

        async def unbounded(ident: str) -> None:
            _check(ident, await get(ident))

        await asyncio.gather(*(unbounded(i) for i in ids))
        return
    semaphore = asyncio.Semaphore(concurrency)

    async def one(ident: str) -> None:
        async with semaphore:
            _check(ident, await get(ident))

    await asyncio.gather(*(one(i) for i in ids))


async def _timed(
    ids: Sequence[str], concurrency: int | None, get: Callable[[str], Awaitable[Any]]
) -> float:
    await _gather(ids[:WARM_UP], concurrency, get)
    started = time.perf_counter()
    await _gather(ids, concurrency, get)
    return time.perf_counter() - started


async def _raw(base: str, ids: Sequence[str], concurrency: int) -> float:
    import aiohttp
    import orjson

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get(ident: str) -> Any:
            async with session.get(f"{base}/admin/identities/{ident}") as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for {ident}")
                return orjson.loads(await resp.read())["id"]

        return await _timed(ids, concurrency, get)


async def _ory_async(base: str, ids: Sequence[str], concurrency: int) -> float:
    from ory_async import OryClient

    # max_concurrency is ory_async's own semaphore around every request: no second one.
    async with OryClient(base, max_concurrency=concurrency) as ory:

        async def get(ident: str) -> Any:
            return (await ory.identities.get(ident)).id

        return await _timed(ids, None, get)


async def _exp_async(base: str, ids: Sequence[str], concurrency: int) -> float:
    import ory_kratos_client_async as sdk

    config = sdk.Configuration(host=base)
    config.connection_pool_maxsize = concurrency
    async with sdk.ApiClient(config) as api_client:
        api = sdk.IdentityApi(api_client)

        async def get(ident: str) -> Any:
            return (await api.get_identity(ident)).id

        return await _timed(ids, concurrency, get)


def _ory_client(base: str, ids: Sequence[str], threads: int) -> float:
    import ory_client as sdk

    config = sdk.Configuration(host=base)
    config.connection_pool_maxsize = threads
    with sdk.ApiClient(config) as api_client, ThreadPoolExecutor(threads) as pool:
        api = sdk.IdentityApi(api_client)

        def get(ident: str) -> None:
            _check(ident, api.get_identity(ident).id)

        list(pool.map(get, ids[:WARM_UP]))
        started = time.perf_counter()
        list(pool.map(get, ids))
        return time.perf_counter() - started


def run(
    client: str, base: str, ids: Sequence[str], *, concurrency: int = 64, threads: int = 16
) -> dict[str, float]:
    """Time ``len(ids)`` gets with ``client``; returns seconds and requests per second."""
    if client == ORY_CLIENT:
        seconds = _ory_client(base, ids, threads)
    else:
        runner = {RAW: _raw, ORY_ASYNC: _ory_async, EXP_ASYNC: _exp_async}[client]
        seconds = asyncio.run(runner(base, ids, concurrency))
    return {"seconds": seconds, "rate": len(ids) / seconds}
