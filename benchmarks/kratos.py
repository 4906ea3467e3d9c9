"""Workload m: ory_async against the raw floor on a real Ory Kratos (v1.3.1).

Three measurements, each in a fresh child process like the others:

* batch-create: ``count`` identities through ``PATCH /admin/identities`` in chunks of
  ``chunk``, four chunks in flight (ory_async: ``identities.batch_create`` with its
  defaults; the floor: the same plan by hand). Every body must come back created.
* walk: every identity the server holds, in pages of ``page_size`` (Kratos's largest is
  500), each client following the ``Link`` header; count and checksum must match.
* get: ``identities.get`` at concurrency 64 (:mod:`benchmarks.get_identity`).

The bodies are built before the clock starts (plain dicts for the floor, models for
ory_async); encoding them is part of the time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from typing import Any, Final

from .common import ORY_ASYNC, RAW, Tally, WrongData, next_link

IN_FLIGHT: Final = 4
"""Chunks in flight: ory_async's ``batch_create`` default, and the floor's plan."""
TIMEOUT: Final = 300.0
"""aiohttp's own default total timeout: a chunk of 1,000 waits behind the others on a slow
server, longer than ory_async's default 30 s."""


def traits(prefix: str, index: int) -> dict[str, Any]:
    """The traits of body ``index`` (unique emails: the schema makes the email an identifier)."""
    return {
        "email": f"{prefix}-{index:06d}@bench.example",
        "name": {"first": f"First{index}", "last": f"Last{index}"},
    }


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _raw_batch(base: str, bodies: list[dict[str, Any]], chunk: int) -> tuple[float, Tally]:
    import aiohttp
    import orjson

    url = f"{base}/admin/identities"
    headers = {"Content-Type": "application/json"}
    tally = Tally()
    semaphore = asyncio.Semaphore(IN_FLIGHT)
    async with aiohttp.ClientSession() as session:

        async def send(part: Sequence[dict[str, Any]]) -> None:
            payload = orjson.dumps({"identities": [{"create": body} for body in part]})
            async with semaphore, session.patch(url, data=payload, headers=headers) as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for a batch of {len(part)}")
                answer = orjson.loads(await resp.read())
            created = [e["identity"] for e in answer["identities"] if e and e.get("identity")]
            if len(created) != len(part):
                raise WrongData(f"{len(part) - len(created)} of {len(part)} bodies not created")
            for ident in created:
                tally.add(ident)

        async with session.get(f"{base}/admin/identities?page_size=1") as warm:
            await warm.read()
        started = time.perf_counter()
        await asyncio.gather(*(send(part) for part in _chunks(bodies, chunk)))
        return time.perf_counter() - started, tally


async def _ory_async_batch(base: str, prefix: str, count: int, chunk: int) -> tuple[float, Tally]:
    from ory_async import OryClient
    from ory_async.models import CreateIdentityBody

    bodies = [
        CreateIdentityBody(schema_id="default", traits=traits(prefix, i)) for i in range(count)
    ]
    tally = Tally()
    async with OryClient(base, timeouts=TIMEOUT) as ory:
        await ory.identities.list(page_size=1)  # warm-up
        started = time.perf_counter()
        async with ory.identities.batch_create(
            bodies, chunk_size=chunk, concurrency=IN_FLIGHT
        ) as results:
            async for result in results:
                if not result.ok or result.identity_id is None:
                    raise WrongData(f"body {result.index} not created: {result.reason}")
                tally.add(result.identity_id)
        return time.perf_counter() - started, tally


def batch_create(client: str, base: str, prefix: str, count: int, chunk: int) -> dict[str, float]:
    """Create ``count`` identities with ``client``; every one must come back created."""
    if client == RAW:
        bodies = [{"schema_id": "default", "traits": traits(prefix, i)} for i in range(count)]
        seconds, tally = asyncio.run(_raw_batch(base, bodies, chunk))
    elif client == ORY_ASYNC:
        seconds, tally = asyncio.run(_ory_async_batch(base, prefix, count, chunk))
    else:
        raise ValueError(f"no Kratos batch-create workload for {client}")
    if tally.count != count:
        raise WrongData(f"{client}: {tally.count} identities created of {count}")
    return {"seconds": seconds, "rate": count / seconds}


async def _raw_walk(base: str, page_size: int) -> tuple[float, Tally]:
    import aiohttp
    import orjson
    from yarl import URL

    first = f"{base}/admin/identities?page_size={page_size}"
    tally = Tally()
    async with aiohttp.ClientSession() as session:

        async def page(url: str, count: bool) -> str | None:
            async with session.get(URL(url, encoded=True)) as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for {url}")
                items = orjson.loads(await resp.read())
                link = next_link(resp.headers.get("Link"))
            if count:
                for item in items:
                    tally.add(item["id"])
            return None if link is None else base + link

        await page(first, count=False)  # warm-up
        started = time.perf_counter()
        url: str | None = first
        while url is not None:
            url = await page(url, count=True)
        return time.perf_counter() - started, tally


async def _ory_async_walk(base: str, page_size: int) -> tuple[float, Tally]:
    from ory_async import OryClient

    tally = Tally()
    async with OryClient(base) as ory:
        await ory.identities.list(page_size=page_size)  # warm-up
        started = time.perf_counter()
        async for identity in ory.identities.list(page_size=page_size):
            tally.add(identity.id)
        return time.perf_counter() - started, tally


def walk(client: str, base: str, page_size: int, count: int, checksum: int) -> dict[str, float]:
    """Walk every identity with ``client``; the ids must be the ``count`` the server holds."""
    runner = {RAW: _raw_walk, ORY_ASYNC: _ory_async_walk}[client]
    seconds, tally = asyncio.run(runner(base, page_size))
    tally.check_sum(count, checksum, f"{client} walking Kratos's identities")
    return {"seconds": seconds, "rate": tally.count / seconds}
