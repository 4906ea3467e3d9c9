"""Rate-limited workloads: bulk work against a limiter that answers like Ory Network.

The server is FakeOry in its own process with its Ory-style limiter
(``FakeOry.limit_rates``): a token bucket per bucket, ``x-ratelimit-*`` on every answer,
429 past the limit, the in-flight rule for writes. Each measurement gets a fresh server,
so every client starts with a full burst.

* **j) bulk GETs**: ``GET /admin/identities/{id}`` for many ids at once (64 in flight;
  ``ory-client`` on 16 threads) against ``rps`` a second with a burst of ``burst``.
* **k) batch creates**: identities in chunks through ``PATCH /admin/identities``
  (ory_async: ``identities.batch_create``) against the write bucket's limit.

For each: the time against the theoretical minimum (``(requests - burst) / rps``), how
many answers were 429, and how many items failed. The clients: ory_async (paced, 429s
retried), Ory's official ``ory-client`` (raises on 429: the item fails), and a naive
retry loop on raw aiohttp (a 429 is resent after 10 ms, ignoring the headers).

``python -m benchmarks.limited serve --rps 20 --burst 20 ...`` is the server;
:func:`run` is one measurement in the calling process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, Final

from .common import ORY_ASYNC, ORY_CLIENT, RAW, WrongData, id_number
from .process import ROOT, child_server, stop_requested
from .server import pin_to_cpu

NAIVE_PAUSE: Final = 0.01


@dataclass(frozen=True)
class Limits:
    """What the limiter allows, and what the server holds."""

    rps: float = 20.0
    burst: int = 20
    identities: int = 300
    per_minute: int = 0
    """A second quota, ``per_minute`` requests a minute (0: none), like Ory's tiers."""
    headers: str = "ory"
    """What the limiter's answers carry (FakeOry's ``limit_rates(headers=...)``)."""
    fixed: int = 0
    """1: quotas reset at the end of each window instead of refilling."""
    shared: int = 0
    """1: one allowance for every endpoint, as a gateway has."""

    def minimum(self, calls: int) -> float:
        """The least time ``calls`` requests can take: the slowest quota's, burst spent first.

        Fixed windows (the first one starting with the first request): the last request
        goes no earlier than the start of the window it needs.
        """
        if self.fixed:
            least = (-(-calls // self.burst) - 1) * (self.burst / self.rps)
        else:
            least = max(calls - self.burst, 0) / self.rps
        if self.per_minute:
            least = max(least, max(calls - self.per_minute, 0) / (self.per_minute / 60))
        return least


# --- the server -----------------------------------------------------------------------------


async def _serve(limits: Limits) -> None:
    from ory_async.testing import FakeOry

    fake = FakeOry(seed=1)
    ids = fake.seed_identities(limits.identities)
    fake.limit_rates(
        rps=limits.rps,
        burst=limits.burst,
        per_minute=limits.per_minute or None,
        headers=limits.headers,
        fixed_window=bool(limits.fixed),
        shared=bool(limits.shared),
    )
    stop = stop_requested()
    async with fake:
        print(f"READY {fake.url} {','.join(ids)}", flush=True)
        await stop.wait()


@contextlib.contextmanager
def serve(limits: Limits) -> Iterator[tuple[str, list[str]]]:
    """A limited FakeOry in a child process: yields its URL and its identity ids."""
    cmd = [sys.executable, "-m", "benchmarks.limited", "serve"]
    for name, value in asdict(limits).items():
        cmd += [f"--{name}", str(value)]
    with child_server(cmd, "limited server", 2) as (url, ids):
        yield url, ids.split(",")


# --- j) bulk GETs ---------------------------------------------------------------------------


async def _gets_ory_async(
    base: str, ids: Sequence[str], *, pacing: bool = True, mixed: bool = False
) -> dict[str, float]:
    from ory_async import OryClient, OryError

    failed = 0
    async with OryClient(base, max_concurrency=64, pacing=pacing) as ory:

        async def get(n: int, ident: str) -> None:
            nonlocal failed
            try:
                if mixed and n % 2:
                    # Another of Ory's buckets (kratos-admin-medium): an identity's sessions.
                    await ory.sessions.list_for_identity(ident).collect()
                    return
                got = await ory.identities.get(ident)
            except OryError:
                failed += 1
                return
            if got.id != ident:
                raise WrongData(f"asked for {ident}, got {got.id}")

        started = time.perf_counter()
        await asyncio.gather(*(get(n, i) for n, i in enumerate(ids)))
        seconds = time.perf_counter() - started
        limited = ory.stats.rate_limited
    return {"seconds": seconds, "limited": limited, "failed": failed}


async def _gets_naive(base: str, ids: Sequence[str]) -> dict[str, float]:
    import aiohttp
    import orjson

    limited = 0
    semaphore = asyncio.Semaphore(64)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:

        async def get(ident: str) -> None:
            nonlocal limited
            async with semaphore:
                while True:
                    async with session.get(f"{base}/admin/identities/{ident}") as resp:
                        body = await resp.read()
                        if resp.status == 429:
                            limited += 1
                            await asyncio.sleep(NAIVE_PAUSE)
                            continue
                        if resp.status != 200 or orjson.loads(body)["id"] != ident:
                            raise WrongData(f"HTTP {resp.status} for {ident}")
                        return

        started = time.perf_counter()
        await asyncio.gather(*(get(i) for i in ids))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "limited": limited, "failed": 0}


def _gets_ory_client(base: str, ids: Sequence[str], *, mixed: bool = False) -> dict[str, float]:
    import ory_client as sdk

    config = sdk.Configuration(host=base)
    config.connection_pool_maxsize = 16
    limited = failed = 0
    lock = threading.Lock()
    with sdk.ApiClient(config) as api_client, ThreadPoolExecutor(16) as pool:
        api = sdk.IdentityApi(api_client)

        def get(job: tuple[int, str]) -> None:
            nonlocal limited, failed
            n, ident = job
            try:
                if mixed and n % 2:
                    api.list_identity_sessions(ident)
                    return
                got = api.get_identity(ident)
            except sdk.ApiException as exc:
                with lock:
                    failed += 1
                    limited += exc.status == 429
                return
            if id_number(got.id) != id_number(ident):
                raise WrongData(f"asked for {ident}, got {got.id}")

        started = time.perf_counter()
        list(pool.map(get, enumerate(ids)))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "limited": limited, "failed": failed}


# --- k) batch creates -----------------------------------------------------------------------


def _bodies(count: int, tag: str) -> list[dict[str, Any]]:
    return [
        {"schema_id": "default", "traits": {"email": f"{tag}-{i}@example.org"}}
        for i in range(count)
    ]


async def _batch_ory_async(
    base: str, count: int, chunk: int, *, pacing: bool = True
) -> dict[str, float]:
    from ory_async import OryClient
    from ory_async.models import CreateIdentityBody

    bodies = [CreateIdentityBody(**b) for b in _bodies(count, "oa")]
    async with OryClient(base, pacing=pacing) as ory:
        started = time.perf_counter()
        results = await ory.identities.batch_create(bodies, chunk_size=chunk).collect()
        seconds = time.perf_counter() - started
        limited = ory.stats.rate_limited
    failed = sum(1 for r in results if not r.ok)
    if len(results) != count:
        raise WrongData(f"{len(results)} results for {count} bodies")
    return {"seconds": seconds, "limited": limited, "failed": failed}


async def _batch_naive(base: str, count: int, chunk: int) -> dict[str, float]:
    import aiohttp
    import orjson

    bodies = _bodies(count, "naive")
    limited = failed = 0
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        for at in range(0, count, chunk):
            payload = orjson.dumps({"identities": [{"create": b} for b in bodies[at : at + chunk]]})
            while True:
                async with session.patch(
                    f"{base}/admin/identities",
                    data=payload,
                    headers={"Content-Type": "application/json"},
                ) as resp:
                    body = await resp.read()
                    if resp.status == 429:
                        limited += 1
                        await asyncio.sleep(NAIVE_PAUSE)
                        continue
                    if resp.status != 200:
                        failed += len(bodies[at : at + chunk])
                        break
                    answers = orjson.loads(body)["identities"]
                    failed += sum(1 for a in answers if not a.get("identity"))
                    break
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "limited": limited, "failed": failed}


def _batch_ory_client(base: str, count: int, chunk: int) -> dict[str, float]:
    import ory_client as sdk

    bodies = _bodies(count, "sdk")
    config = sdk.Configuration(host=base)
    limited = failed = failed_calls = 0
    with sdk.ApiClient(config) as api_client:
        api = sdk.IdentityApi(api_client)
        started = time.perf_counter()
        for at in range(0, count, chunk):
            part = bodies[at : at + chunk]
            patches = [sdk.IdentityPatch(create=sdk.CreateIdentityBody.from_dict(b)) for b in part]
            try:
                answer = api.batch_patch_identities(
                    patch_identities_body=sdk.PatchIdentitiesBody(identities=patches)
                )
            except sdk.ApiException as exc:
                failed += len(part)
                failed_calls += 1
                limited += exc.status == 429
                continue
            failed += sum(1 for a in answer.identities or [] if not a.identity)
        seconds = time.perf_counter() - started
    # ``failed`` counts bodies; the 429 share counts requests (chunks).
    return {"seconds": seconds, "limited": limited, "failed": failed, "failed_calls": failed_calls}


# --- one measurement ------------------------------------------------------------------------


def run(
    client: str, kind: str, limits: Limits, *, requests: int, chunk: int = 50
) -> dict[str, float]:
    """One rate-limited measurement with a fresh server: seconds, 429s, failures, minimum.

    ``kind``: ``gets`` (one identity each), ``mixed`` (every other one an identity's
    sessions instead, another of Ory's buckets) or ``batch``.
    """
    paced = client != UNPACED
    with serve(limits) as (base, ids):
        if kind in ("gets", "mixed"):
            wanted = [ids[i % len(ids)] for i in range(requests)]
            mixed = kind == "mixed"
            if client == ORY_CLIENT:
                figures = _gets_ory_client(base, wanted, mixed=mixed)
            elif client == RAW:
                figures = asyncio.run(_gets_naive(base, wanted))
            else:
                figures = asyncio.run(_gets_ory_async(base, wanted, pacing=paced, mixed=mixed))
            calls = requests
        else:
            if client == ORY_CLIENT:
                figures = _batch_ory_client(base, requests, chunk)
            elif client == RAW:
                figures = asyncio.run(_batch_naive(base, requests, chunk))
            else:
                figures = asyncio.run(_batch_ory_async(base, requests, chunk, pacing=paced))
            calls = -(-requests // chunk)
    minimum = limits.minimum(calls)
    figures["minimum"] = minimum
    figures["ratio"] = figures["seconds"] / minimum if minimum else 0.0
    figures["calls"] = calls
    # Every answer the server gave: the successes and the 429s (for the 429 share).
    answers = calls - figures.get("failed_calls", figures["failed"]) + figures["limited"]
    figures["share_429"] = figures["limited"] / answers if answers else 0.0
    return figures


LIMITED_START: Final = "<!-- bench-limited:start -->"
LIMITED_END: Final = "<!-- bench-limited:end -->"
UNPACED: Final = "ory_async-unpaced"
"""ory_async with ``pacing=False``: 429s retried, nothing spaced."""
CLIENT_NAMES: Final = {
    ORY_ASYNC: "**ory_async** (paced)",
    UNPACED: "ory_async, `pacing=False`",
    ORY_CLIENT: "ory-client (official SDK)",
    RAW: "naive retry loop (raw aiohttp)",
}


@dataclass(frozen=True)
class Workload:
    """One rate-limited workload of ``make bench``."""

    kind: str
    limits: Limits
    requests: int
    chunk: int = 50
    shape: str = ""
    """Which limiter it plays, for the ``l)`` rows (empty: Ory Network's own)."""

    def title(self) -> str:
        """The table's name for it."""
        l = self.limits  # noqa: E741
        if self.shape:
            quota = f"{l.rps:g}/s burst {l.burst}"
            if l.per_minute:
                quota += f" and {l.per_minute}/min"
            return f"l) {self.requests:,} GETs, {self.shape}: {quota}, 64 in flight"
        if self.kind == "gets":
            return f"j) {self.requests:,} GETs, limit {l.rps:g}/s burst {l.burst}, 64 in flight"
        return (
            f"k) batch-create {self.requests:,} identities in chunks of {self.chunk}, "
            f"limit {l.rps:g}/s burst {l.burst}"
        )


WORKLOADS: Final = (
    Workload("gets", Limits(rps=20, burst=20), requests=300),
    Workload("batch", Limits(rps=2, burst=2), requests=1000, chunk=50),
)
SHAPES: Final = (
    Workload("gets", Limits(rps=20, burst=20, headers="none"), 300, shape="429 + Retry-After only"),
    Workload("gets", Limits(rps=10, burst=10, headers="plain"), 200, shape="x-ratelimit-limit: 10"),
    Workload("gets", Limits(rps=20, burst=20, headers="ietf"), 300, shape="RateLimit-* (no x-)"),
    Workload(
        "gets", Limits(rps=10, burst=10, fixed=1), 200, shape="fixed 1 s windows, Ory's headers"
    ),
    Workload(
        "gets", Limits(rps=2, burst=20, fixed=1), 100, shape="fixed 10 s windows, Ory's headers"
    ),
    Workload(
        "gets",
        Limits(rps=10, burst=10, fixed=1, headers="plain"),
        200,
        shape="fixed 1 s windows, plain headers",
    ),
    Workload(
        "gets",
        Limits(rps=2, burst=60, fixed=1, headers="plain"),
        200,
        shape="fixed 30 s windows, plain headers",
    ),
    Workload(
        "mixed", Limits(rps=20, burst=20, shared=1), 300, shape="one allowance for two buckets"
    ),
    Workload(
        "gets", Limits(rps=5, burst=5, per_minute=40), 60, shape="Ory's Developer tier (admin-high)"
    ),
)
"""The limiters users sit behind other than Ory Network's: the ``l)`` rows."""
QUICK_WORKLOADS: Final = (
    Workload("gets", Limits(rps=50, burst=10, identities=20), requests=60),
    Workload("batch", Limits(rps=20, burst=2), requests=40, chunk=10),
)


def measure_child(client: str, workload: Workload) -> dict[str, float]:
    """One measurement in a fresh interpreter (like every other workload)."""
    import json

    l = workload.limits  # noqa: E741
    cmd = [sys.executable, "-m", "benchmarks.limited", "measure", "--client", client]
    cmd += ["--kind", workload.kind, "--requests", str(workload.requests)]
    cmd += ["--chunk", str(workload.chunk), "--rps", str(l.rps), "--burst", str(l.burst)]
    for name in ("identities", "per_minute", "headers", "fixed", "shared"):
        cmd += [f"--{name}", str(getattr(l, name))]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)  # noqa: S603
    if proc.returncode != 0:
        msg = f"rate-limited benchmark failed: {workload.kind} with {client}\n{proc.stderr}"
        raise RuntimeError(msg)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def table(rows: list[tuple[Workload, str, dict[str, float]]]) -> str:
    """The README table of the rate-limited workloads."""
    lines = [
        "| workload | client | time | theoretical minimum | time / minimum | answers 429 "
        "| items failed |",
        "|---|---|---|---|---|---|---|",
    ]
    for workload, client, f in rows:
        lines.append(
            f"| {workload.title()} | {CLIENT_NAMES.get(client, client)} | {f['seconds']:.1f} s "
            f"| {f['minimum']:.1f} s | {f['ratio']:.2f}x | {int(f['limited']):,} "
            f"({f.get('share_429', 0.0):.0%}) | {int(f['failed']):,} of {workload.requests:,} |"
        )
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with the rate-limited table between its markers replaced by ``block``."""
    start, end = text.index(LIMITED_START) + len(LIMITED_START), text.index(LIMITED_END)
    return text[:start] + "\n" + block.strip() + "\n" + text[end:]


def main(argv: list[str] | None = None) -> None:
    """``serve``: run the limited server; ``measure``: one measurement, printed as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("serve", "measure"))
    for name, default in asdict(Limits()).items():
        parser.add_argument(f"--{name}", type=type(default), default=default)
    parser.add_argument("--client", default=ORY_ASYNC)
    parser.add_argument("--kind", choices=("gets", "mixed", "batch"), default="gets")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args(argv)
    limits = Limits(**{name: getattr(args, name) for name in asdict(Limits())})
    if args.what == "serve":
        pin_to_cpu(-1)
        asyncio.run(_serve(limits))
        return
    import json

    print(json.dumps(run(args.client, args.kind, limits, requests=args.requests, chunk=args.chunk)))


if __name__ == "__main__":
    main()
