"""Workload n: what the blocking client (``ory_async.sync``) costs beside the async one.

Two measurements, each of ``identities.get``:

* ``blocking-get``: one caller, one call after the other. The figure is client CPU per
  call (user + system time of every thread of the process, the loop thread included).
  The ``ory_async.sync`` child keeps an async client and a blocking one open side by
  side and runs short rounds of calls with each, alternating (``ROUNDS`` pairs); the
  extra cost is the median of the pairs' differences, so a burst of load from other
  jobs moves one pair, not the figure. Where valgrind is installed, the child also
  counts the user-space instructions per call of each client (callgrind, one round
  each, in one process): a figure the machine's load cannot move, converted to µs at
  the async call's own measured CPU per instruction. ``ory-client`` runs the same loop
  with its own blocking ``IdentityApi``.
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
import glob
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from .common import ORY_ASYNC, ORY_CLIENT, WrongData, id_number

ORY_SYNC: Final = "ory_async.sync"
WARM_UP: Final = 64
PAIRS: Final = 3
ROUNDS: Final = 21
"""Alternating rounds of the async and the blocking client in ``blocking-get``."""
COUNTED_CALLS: Final = 100
"""Calls per client counted under callgrind."""


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


def _cpu() -> tuple[float, float]:
    """CPU seconds of every thread of this process so far (user + system), and voluntary
    context switches."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, float(usage.ru_nvcsw)


def _paired_rounds(base: str, ids: Sequence[str]) -> dict[str, float]:
    """Both clients open at once; ``ROUNDS`` alternating pairs of rounds; medians.

    The async client lives on a loop of this thread that runs only during its rounds,
    so the blocking client can be called between them.
    """
    from ory_async import OryClient as AsyncOryClient
    from ory_async.sync import OryClient

    loop = asyncio.new_event_loop()

    async def opened() -> AsyncOryClient:
        return AsyncOryClient(base)

    plain = loop.run_until_complete(opened())
    blocking = OryClient(base)

    async def async_round(part: Sequence[str]) -> None:
        for ident in part:
            _check(ident, (await plain.identities.get(ident)).id)

    def sync_round(part: Sequence[str]) -> None:
        for ident in part:
            _check(ident, blocking.identities.get(ident).id)

    def measured(run: Callable[[], None], calls: int) -> tuple[float, float]:
        cpu, switches = _cpu()
        run()
        cpu_after, switches_after = _cpu()
        return (cpu_after - cpu) / calls * 1e6, (switches_after - switches) / calls

    try:
        loop.run_until_complete(async_round(ids[:WARM_UP]))
        sync_round(ids[:WARM_UP])
        size = max(1, len(ids) // ROUNDS)
        plain_cpu, sync_cpu, extra, extra_switches = [], [], [], []
        for n in range(ROUNDS):
            part = ids[n * size : (n + 1) * size] or ids[:size]
            runs = [
                lambda part=part: loop.run_until_complete(async_round(part)),
                lambda part=part: sync_round(part),
            ]
            if n % 2:  # alternate which goes first: a drift of the machine favours neither
                second, first = (measured(run, len(part)) for run in runs[::-1])
            else:
                first, second = (measured(run, len(part)) for run in runs)
            plain_cpu.append(first[0])
            sync_cpu.append(second[0])
            extra.append(second[0] - first[0])
            extra_switches.append(second[1] - first[1])
    finally:
        blocking.close()
        loop.run_until_complete(plain.close())
        loop.close()
    return {
        "cpu_us": statistics.median(sync_cpu),
        "async_cpu_us": statistics.median(plain_cpu),
        "extra_us": statistics.median(extra),
        "extra_switches": statistics.median(extra_switches),
    }


def _counted(base: str, ids: Sequence[str]) -> None:
    """Under callgrind: one round of each client between markers (``os.getppid()``).

    callgrind dumps its counters at each marker (``--dump-before=getppid``): dump 2
    holds the async round, dump 4 the blocking round (1 and 3: start-up, warm-up and
    the async loop's teardown).
    """
    from ory_async import OryClient as AsyncOryClient
    from ory_async.sync import OryClient

    async def main() -> None:
        async with AsyncOryClient(base) as plain:
            for ident in ids:  # warm, then counted
                _check(ident, (await plain.identities.get(ident)).id)
            os.getppid()
            for ident in ids:
                _check(ident, (await plain.identities.get(ident)).id)
            os.getppid()

    with OryClient(base) as blocking:
        for ident in ids:
            _check(ident, blocking.identities.get(ident).id)
        asyncio.run(main())
        os.getppid()
        for ident in ids:
            _check(ident, blocking.identities.get(ident).id)
        os.getppid()


def _instructions(base: str, ids: Sequence[str]) -> dict[str, float]:
    """User-space instructions per call of each client, counted by callgrind; {} without it."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return {}
    part = list(ids[:COUNTED_CALLS])
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(  # noqa: S603
            [
                valgrind,
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                "--dump-before=getppid",
                sys.executable,
                "-m",
                "benchmarks.blocking",
                base,
                *part,
            ],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        totals = dict(_totals(sorted(glob.glob(out + ".*"))))
    plain, blocking = totals[2] / len(part), totals[4] / len(part)
    return {"async_instr": plain, "instr": blocking, "extra_instr": blocking - plain}


def _totals(paths: Sequence[str]) -> Iterator[tuple[int, float]]:
    for path in paths:
        with open(path) as dump:
            for line in dump:
                if line.startswith("totals:"):
                    yield int(path.rsplit(".", 1)[1]), float(line.split()[1])


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
    workload: str,
    client: str,
    base: str,
    ids: Sequence[str],
    *,
    threads: int = 16,
    instructions: bool = True,
) -> dict[str, float]:
    """One child's figures for ``blocking-get`` or ``threads-get`` with ``client``.

    ``instructions=False`` skips the callgrind count (a smoke run).
    """
    if workload == "blocking-get":
        if client == ORY_CLIENT:
            return {"cpu_us": _ory_client_cpu_per_call(base, ids)}
        if client == ORY_ASYNC:
            return {"cpu_us": _async_cpu_per_call(base, ids)}
        figures = _paired_rounds(base, ids)
        counted = _instructions(base, ids) if instructions else {}
        if counted:
            # The extra instructions at the async call's own CPU per instruction.
            per_instr = figures["async_cpu_us"] / counted["async_instr"]
            counted["extra_instr_us"] = counted["extra_instr"] * per_instr
        return {**figures, **counted}
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


if __name__ == "__main__":
    _counted(sys.argv[1], sys.argv[2:])
