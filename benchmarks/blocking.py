"""Workload l: what the blocking client (``ory_async.sync``) costs beside the async one.

Two measurements, each of ``identities.get``:

* ``blocking-get``: one caller, one call after the other. The figure is client CPU per
  call (``time.process_time``, every thread of the process, the loop thread included).
  The ``ory_async.sync`` child measures the async client and the blocking one in the
  same process, alternating, so ``extra_us`` compares like with like; ``ory-client``
  runs the same loop with its own blocking ``IdentityApi``.
* ``threads-get``: ``threads`` threads calling at once (a Django or Celery worker's
  shape). The blocking client is shared by every thread; the async client runs the
  same calls as ``threads`` tasks on one loop (the same concurrency); ``ory-client``
  runs in the same threads with a pool of as many connections.

The blocking client is the async one driven on one event loop in a background thread
that every thread shares (see ``ory_async/sync/_runtime.py``); the note in
``benchmarks/README.md`` gives the alternatives measured.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Final

from .common import ORY_ASYNC, ORY_CLIENT, WrongData, id_number

ORY_SYNC: Final = "ory_async.sync"
WARM_UP: Final = 64
PAIRS: Final = 3


def _check(asked: str, got: Any) -> None:
    if id_number(got) != id_number(asked):
        msg = f"asked for identity {asked}, got {got}"
        raise WrongData(msg)


def _cpu_per_call(ids: Sequence[str], get: Callable[[str], Any]) -> float:
    for ident in ids[:WARM_UP]:
        _check(ident, get(ident))
    started = time.process_time()
    for ident in ids:
        _check(ident, get(ident))
    return (time.process_time() - started) / len(ids) * 1e6


def _async_cpu_per_call(base: str, ids: Sequence[str]) -> float:
    from ory_async import OryClient

    async def main() -> float:
        async with OryClient(base) as ory:
            for ident in ids[:WARM_UP]:
                _check(ident, (await ory.identities.get(ident)).id)
            started = time.process_time()
            for ident in ids:
                _check(ident, (await ory.identities.get(ident)).id)
            return (time.process_time() - started) / len(ids) * 1e6

    return asyncio.run(main())


def _sync_cpu_per_call(base: str, ids: Sequence[str]) -> float:
    from ory_async.sync import OryClient

    with OryClient(base) as ory:
        return _cpu_per_call(ids, lambda ident: ory.identities.get(ident).id)


def _ory_client_cpu_per_call(base: str, ids: Sequence[str]) -> float:
    import ory_client as sdk

    with sdk.ApiClient(sdk.Configuration(host=base)) as api_client:
        api = sdk.IdentityApi(api_client)
        return _cpu_per_call(ids, lambda ident: api.get_identity(ident).id)


def _in_threads(ids: Sequence[str], threads: int, get: Callable[[str], Any]) -> float:
    """Seconds for ``threads`` threads to get every id (split between them)."""
    parts = [ids[n::threads] for n in range(threads)]
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def work(part: Sequence[str]) -> None:
        barrier.wait()
        try:
            for ident in part:
                _check(ident, get(ident))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(p,)) for p in parts]
    for w in workers:
        w.start()
    barrier.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def _async_threads_rate(base: str, ids: Sequence[str], threads: int) -> float:
    from ory_async import OryClient

    async def main() -> float:
        async with OryClient(base, max_concurrency=threads) as ory:

            async def worker(part: Sequence[str]) -> None:
                for ident in part:
                    _check(ident, (await ory.identities.get(ident)).id)

            await asyncio.gather(*(worker(ids[n:WARM_UP:threads]) for n in range(threads)))
            started = time.perf_counter()
            await asyncio.gather(*(worker(ids[n::threads]) for n in range(threads)))
            return len(ids) / (time.perf_counter() - started)

    return asyncio.run(main())


def _sync_threads_rate(base: str, ids: Sequence[str], threads: int) -> float:
    from ory_async.sync import OryClient

    with OryClient(base, max_concurrency=threads) as ory:

        def get(ident: str) -> str:
            return ory.identities.get(ident).id

        _in_threads(ids[:WARM_UP], threads, get)
        return len(ids) / _in_threads(ids, threads, get)


def _ory_client_threads_rate(base: str, ids: Sequence[str], threads: int) -> float:
    import ory_client as sdk

    config = sdk.Configuration(host=base)
    config.connection_pool_maxsize = threads
    with sdk.ApiClient(config) as api_client:
        api = sdk.IdentityApi(api_client)

        def get(ident: str) -> str:
            return str(api.get_identity(ident).id)

        _in_threads(ids[:WARM_UP], threads, get)
        return len(ids) / _in_threads(ids, threads, get)


def run(
    workload: str, client: str, base: str, ids: Sequence[str], *, threads: int = 16
) -> dict[str, float]:
    """One child's figures for ``blocking-get`` or ``threads-get`` with ``client``."""
    if workload == "blocking-get":
        if client == ORY_CLIENT:
            return {"cpu_us": _ory_client_cpu_per_call(base, ids)}
        if client == ORY_ASYNC:
            return {"cpu_us": _async_cpu_per_call(base, ids)}
        sync, plain = [], []
        for _ in range(PAIRS):  # alternate, so a drift of the machine favours neither
            plain.append(_async_cpu_per_call(base, ids))
            sync.append(_sync_cpu_per_call(base, ids))
        cpu, async_cpu = statistics.median(sync), statistics.median(plain)
        return {"cpu_us": cpu, "async_cpu_us": async_cpu, "extra_us": cpu - async_cpu}
    if workload == "threads-get":
        if client == ORY_CLIENT:
            return {"rate": _ory_client_threads_rate(base, ids, threads)}
        if client == ORY_ASYNC:
            return {"rate": _async_threads_rate(base, ids, threads)}
        sync, plain = [], []
        for _ in range(PAIRS):
            plain.append(_async_threads_rate(base, ids, threads))
            sync.append(_sync_threads_rate(base, ids, threads))
        rate, async_rate = statistics.median(sync), statistics.median(plain)
        return {"rate": rate, "async_rate": async_rate, "vs_async": rate / async_rate}
    msg = f"unknown workload {workload!r}"
    raise ValueError(msg)
