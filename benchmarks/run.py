"""``make bench``: run every workload for every installed client and update README.md.

``python -m benchmarks.run`` starts the benchmark server in its own process, runs each
measurement in a fresh child process (pinned to another CPU than the server), takes
medians over the rounds, and writes the table between the markers of
``benchmarks/README.md``. Workload m runs against a real Ory Kratos (the binary ``make
kratos`` builds, or ``ORY_KRATOS_URL``), and is skipped with a notice when there is none.
``--quick`` runs tiny sizes (a smoke run). Any client that returns wrong data makes the
run fail with a non-zero exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from . import imports, kratos_server, limited, report
from .blocking import ORY_SYNC
from .common import EXP_ASYNC, KRATOS_CLIENT, ORY_ASYNC, ORY_CLIENT, RAW, id_number, sdk_available
from .process import ROOT
from .server import Sizes, serve

HERE: Final = Path(__file__).resolve().parent
PACKAGES: Final = (
    "ory-async",
    "aiohttp",
    "orjson",
    "cattrs",
    "attrs",
    "exp-ory-kratos-client-async",
    "ory-client",
    "ory-kratos-client",
    "pydantic",
)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Sizes and repetitions of one run."""

    rounds: int = 3
    get_rounds: int = 5
    requests: int = 5_000
    concurrency: int = 64
    threads: int = 16
    identities: int = 50_000
    sessions: int = 20_000
    session_identities: int = 1_000
    get_pool: int = 1_000
    many_pool: int = 5_000
    decode_budget: float = 1.0
    import_runs: int = 10
    lag_identities: int = 20_000
    latency_ms: int = 20
    memory_walk: int = 300_000
    memory_mark: int = 100_000
    whoami_checks: int = 2_000
    blocking_requests: int = 3_000
    kratos_rounds: int = 3
    kratos_walk_rounds: int = 1
    kratos_requests: int = 5_000
    kratos_batch: int = 10_000
    kratos_chunk: int = 1_000
    kratos_page_size: int = kratos_server.PAGE_SIZE
    kratos_get_pool: int = 1_000


QUICK: Final = Settings(
    rounds=1,
    get_rounds=1,
    requests=300,
    identities=750,
    sessions=500,
    session_identities=20,
    get_pool=50,
    many_pool=400,
    decode_budget=0.05,
    import_runs=1,
    lag_identities=750,
    latency_ms=5,
    memory_walk=3_000,
    memory_mark=1_000,
    whoami_checks=20,
    blocking_requests=100,
    kratos_rounds=1,
    kratos_requests=100,
    kratos_batch=120,
    kratos_chunk=50,
    kratos_page_size=100,
    kratos_get_pool=50,
)

TABLE: Final = "abcdefghin"
"""The letters of the main table's workloads."""
KRATOS: Final = "m"
"""The letter of the workloads against a real Kratos (their own table)."""
WORKLOADS: Final = TABLE + KRATOS
"""The workloads' letters, as in the tables (``--only`` takes some of them)."""


def letter(workload: str) -> str:
    """The table letter of a sample's workload name."""
    if workload.startswith("decode"):
        return "c"
    return {
        "get": "a",
        "walk-identities": "b",
        "import": "d",
        "walk-sessions": "e",
        "lag-walk": "f",
        "lag-walk-prefetch": "f",
        "memory": "g",
        "whoami": "h",
        "whoami-cached": "h",
        "get_many": "i",
        "blocking-get": "n",
        "threads-get": "n",
    }[workload]


class BenchFailed(SystemExit):
    """A measurement failed (wrong data, or a client crashed)."""


def child(spec: dict[str, Any]) -> dict[str, float]:
    """Run one measurement in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks.child", json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        what = f"{spec['workload']} {spec.get('kind', '')} with {spec['client']}".replace("  ", " ")
        raise BenchFailed(f"benchmark failed: {what} (exit {proc.returncode})\n{proc.stderr}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def clients() -> list[str]:
    """Every client whose package is installed, the raw floor first."""
    return [c for c in (RAW, ORY_ASYNC, EXP_ASYNC, ORY_CLIENT, KRATOS_CLIENT) if sdk_available(c)]


def measure(settings: Settings, log: Any = print, only: str = WORKLOADS) -> list[report.Sample]:
    """Every sample of a run (of the workloads whose letters are in ``only``)."""
    samples: list[report.Sample] = []
    names = clients()
    sizes = Sizes(
        identities=settings.identities,
        sessions=settings.sessions,
        session_identities=settings.session_identities,
        get_pool=settings.get_pool,
        many_pool=settings.many_pool,
    )
    common = dataclasses.asdict(settings)

    def add(workload: str, client: str, rnd: int, figures: dict[str, float]) -> None:
        samples.append(report.Sample(workload, client, rnd, figures))
        shown = ", ".join(f"{k}={v:.4g}" for k, v in figures.items())
        log(f"  round {rnd + 1} {workload:18} {client:28} {shown}")

    def order(rnd: int) -> list[str]:
        # Alternate the order, so a drift of the machine does not always favour one side.
        return names if rnd % 2 == 0 else names[::-1]

    with serve(sizes) as base:
        for rnd in range(max(settings.rounds, settings.get_rounds)):
            if rnd < settings.get_rounds and "a" in only:
                for client in order(rnd):
                    if client != KRATOS_CLIENT:  # the v1 sync SDK stands for the sync ones
                        spec = {**common, "workload": "get", "client": client, "base": base}
                        add("get", client, rnd, child(spec))
            if rnd >= settings.rounds:
                continue
            for kind in ("identities", "sessions"):
                if ("b" if kind == "identities" else "e") not in only:
                    continue
                for client in order(rnd):
                    spec = {
                        **common,
                        "workload": "walk",
                        "client": client,
                        "base": base,
                        "kind": kind,
                    }
                    add(f"walk-{kind}", client, rnd, child(spec))
            if "i" in only:
                for client in order(rnd):
                    if client != KRATOS_CLIENT:  # legacy Kratos has no ids filter
                        spec = {**common, "workload": "get_many", "client": client, "base": base}
                        add("get_many", client, rnd, child(spec))
            if "n" in only:
                for workload in ("blocking-get", "threads-get"):
                    for client in (ORY_SYNC, ORY_ASYNC, ORY_CLIENT):
                        if sdk_available(client):
                            spec = {**common, "workload": workload, "client": client, "base": base}
                            add(workload, client, rnd, child(spec))
            if "h" in only:
                for client in order(rnd):
                    if client in (RAW, ORY_ASYNC, EXP_ASYNC):
                        spec = {**common, "workload": "whoami", "client": client, "base": base}
                        add("whoami", client, rnd, child(spec))
                spec = {**common, "workload": "whoami-cached", "client": ORY_ASYNC, "base": base}
                add("whoami-cached", ORY_ASYNC, rnd, child(spec))
    if "f" in only:
        slow = Sizes(
            identities=settings.lag_identities,
            sessions=0,
            session_identities=1,
            get_pool=1,
            latency_ms=settings.latency_ms,
        )
        with serve(slow) as lag_base:
            for rnd in range(settings.rounds):
                for workload, client in (
                    ("lag-walk", RAW),
                    ("lag-walk", ORY_ASYNC),
                    ("lag-walk-prefetch", ORY_ASYNC),
                ):
                    spec = {**common, "workload": workload, "client": client, "base": lag_base}
                    add(workload, client, rnd, child(spec))
    if "g" in only:
        long = Sizes(
            identities=0,
            sessions=0,
            session_identities=1,
            get_pool=0,
            synthetic=settings.memory_walk,
        )
        with serve(long) as long_base:
            for rnd in range(settings.rounds):
                for client in (RAW, ORY_ASYNC) if rnd % 2 == 0 else (ORY_ASYNC, RAW):
                    spec = {**common, "workload": "memory", "client": client, "base": long_base}
                    add("memory", client, rnd, child(spec))
    for rnd in range(settings.rounds):
        for kind in ("identities", "sessions"):
            if "c" not in only:
                continue
            for client in order(rnd):
                spec = {
                    "workload": "decode",
                    "client": client,
                    "kind": kind,
                    "budget": settings.decode_budget,
                }
                add(f"decode-{kind}", client, rnd, child(spec))
        if "d" in only:
            for client in order(rnd):
                add("import", client, rnd, imports.run(client, runs=settings.import_runs))
    return samples


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def _rounds(count: int) -> str:
    return f"{count} round" if count == 1 else f"{count} rounds"


def render(
    samples: list[report.Sample],
    settings: Settings,
    seconds: float,
    only: str = TABLE,
    kept_from: str | None = None,
) -> str:
    """The README block: how the run was made, then the table.

    ``kept_from`` is when the samples of the rows not in ``only`` were taken.
    """
    summary = report.summarize(samples)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    what = "`make bench`" if only == TABLE else f"rows {', '.join(only)} re-run (`--only {only}`)"
    kept = "" if kept_from is None else f" The other rows are from the run saved at {kept_from}."
    return "\n".join(
        [
            f"Latest run: {when}, {what} ({seconds / 60:.1f} min; {_rounds(settings.get_rounds)} "
            f"of a, {settings.rounds} of the others; medians).{kept}",
            f"Machine: {_cpu()}, {os.cpu_count()} CPUs (server pinned to one, clients to the other), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}.",
            f"Versions: {_versions()}.",
            "",
            "Each cell: the median figure and, in brackets, the median of the per-round ratios "
            "to the raw aiohttp + orjson floor of the same round (for decoding: to "
            "`orjson.loads` alone; for imports: to `import aiohttp, orjson`). "
            "The last column says whether ory_async meets its target.",
            "",
            report.table(summary, settings),
        ]
    )


@contextlib.contextmanager
def _kratos_set() -> Iterator[tuple[str, set[str]]]:
    """A Kratos for one set of measurements: its admin URL and the ids it held before.
    On a Kratos the run did not start, every identity added meanwhile is deleted at the
    end, whatever happened."""
    with kratos_server.running() as kratos:
        before = set(kratos_server.identity_ids(kratos.url))
        try:
            yield kratos.url, before
        finally:
            if kratos.process is None:  # not ours: leave it as it was
                added = set(kratos_server.identity_ids(kratos.url)) - before
                kratos_server.delete(kratos.url, sorted(added))


def measure_kratos(settings: Settings, log: Any = print) -> list[report.Sample]:
    """Workload m against a real Kratos, the floor and ory_async side by side; per round
    two fresh servers. On the first, seeded with the pool of ids, each client gets
    identities by id. On the second, each client batch-creates its identities, and then
    each walks all of them. The order of the clients alternates from row to row and from
    round to round."""
    samples: list[report.Sample] = []
    common = dataclasses.asdict(settings)
    run_id = secrets.token_hex(4)  # unique emails, even on a Kratos that outlives the run

    def add(workload: str, client: str, rnd: int, spec: dict[str, Any]) -> None:
        figures = child({**common, **spec, "workload": workload, "client": client})
        samples.append(report.Sample(workload, client, rnd, figures))
        shown = ", ".join(f"{k}={v:.4g}" for k, v in figures.items())
        log(f"  round {rnd + 1} {workload:18} {client:28} {shown}")

    for rnd in range(settings.kratos_rounds):
        names = [RAW, ORY_ASYNC] if rnd % 2 == 0 else [ORY_ASYNC, RAW]
        # GETs read a server holding just the pool: Kratos's own GET slows down as the
        # in-memory database grows (about 4 ms with 1,000 identities, 10 ms with 3,000).
        with _kratos_set() as (base, _):
            pool = kratos_server.seed(base, settings.kratos_get_pool, f"bench-{run_id}-{rnd}-pool")
            for client in names:
                add("kratos-get", client, rnd, {"base": base, "pool": pool})
        with _kratos_set() as (base, before):
            for client in names[::-1]:
                prefix = f"bench-{run_id}-{rnd}-{client}"
                add("kratos-batch", client, rnd, {"base": base, "prefix": prefix})
            ids = kratos_server.identity_ids(base)
            created = set(ids) - before
            if len(created) != 2 * settings.kratos_batch:
                msg = f"Kratos holds {len(created)} new identities, not {2 * settings.kratos_batch}"
                raise BenchFailed(msg)
            walked = {"base": base, "count": len(ids), "checksum": sum(id_number(i) for i in ids)}
            for turn in range(settings.kratos_walk_rounds):
                for client in names if turn % 2 == 0 else names[::-1]:
                    add("kratos-walk", client, rnd * settings.kratos_walk_rounds + turn, walked)
    return samples


def render_kratos(samples: list[report.Sample], settings: Settings, seconds: float) -> str:
    """The README block of workload m: how the run was made, then the table."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = (
        "the Kratos `ORY_KRATOS_URL` names"
        if os.environ.get("ORY_KRATOS_URL")
        else "Kratos v1.3.1 built by `make kratos` (`dsn: memory`), two fresh ones per round, "
        "pinned to one CPU, the clients to the other"
    )
    return "\n".join(
        [
            f"Latest run: {when} ({seconds / 60:.1f} min; {_rounds(settings.kratos_rounds)} of "
            "each row; medians). Both clients side by side in one run, against the same servers.",
            f"Machine: {_cpu()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; {where}.",
            f"Versions: {_versions()}.",
            "",
            report.kratos_table(report.summarize(samples), settings),
        ]
    )


def measure_limited(quick: bool, log: Any = print) -> str:
    """The rate-limited workloads (one round each: they take their time by design)."""
    rows = []
    names = [c for c in (ORY_ASYNC, ORY_CLIENT, RAW) if sdk_available(c)]
    jobs = [(w, names) for w in (limited.QUICK_WORKLOADS if quick else limited.WORKLOADS)]
    if not quick:
        shape_clients = [c for c in (ORY_ASYNC, limited.UNPACED, ORY_CLIENT) if sdk_available(c)]
        jobs += [(w, shape_clients) for w in limited.SHAPES]
    for workload, clients_ in jobs:
        for client in clients_:
            figures = limited.measure_child(client, workload)
            rows.append((workload, client, figures))
            shown = ", ".join(f"{k}={v:.4g}" for k, v in figures.items())
            log(f"  {workload.kind:6} {client:28} {shown}")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Latest run: {when}, `make bench`.\n\n" + limited.table(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round")
    parser.add_argument(
        "--only-limited", action="store_true", help="run only the rate-limited workloads"
    )
    parser.add_argument("--readme", type=Path, default=HERE / "README.md")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    parser.add_argument(
        "--only",
        default=WORKLOADS,
        help="run only these workloads, by letter (e.g. 'cf'), and refresh their rows: "
        "the other rows keep the samples of the last run (results/latest.raw.json)",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="rounds of every workload (a busy machine)"
    )
    args = parser.parse_args(argv)
    # A plain SIGTERM would skip the clean-up: the servers (Kratos among them) must stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    settings = QUICK if args.quick else Settings()
    if args.rounds is not None:
        settings = dataclasses.replace(
            settings, rounds=args.rounds, get_rounds=args.rounds, kratos_rounds=args.rounds
        )
    print(f"clients: {', '.join(clients())}")
    unknown = sorted(set(args.only) - set(WORKLOADS))
    if unknown:
        parser.error(f"--only takes letters of {WORKLOADS}; not {''.join(unknown)}")
    only = "".join(c for c in TABLE if c in args.only)
    partial = args.only != WORKLOADS
    if not partial or args.only_limited:  # --only re-runs table rows, not the limited ones
        limited_block = measure_limited(args.quick)
        print(limited_block)
        if not args.no_readme:
            args.readme.write_text(limited.replace_block(args.readme.read_text(), limited_block))
    if args.only_limited:
        return
    if only:
        _main_table(args, settings, only)
    if KRATOS in args.only:
        _kratos_table(args, settings)


def _main_table(args: argparse.Namespace, settings: Settings, only: str) -> None:
    """Measure the main table's workloads ``only`` and rewrite (or print) that table."""
    partial = only != TABLE
    raw = HERE / "results" / "latest.raw.json"
    write_readme = not args.no_readme
    if partial and not raw.exists() and write_readme:
        # Without the samples of a full run the other rows would come out empty.
        print(f"{raw} is missing (no full run on this machine): the table is printed, not written")
        write_readme = False
    started = time.perf_counter()
    samples = measure(settings, only=only)
    kept_from = None
    if partial and raw.exists():
        kept = [report.Sample(**s) for s in json.loads(raw.read_text())]
        samples = [s for s in kept if letter(s.workload) not in only] + samples
        kept_from = datetime.fromtimestamp(raw.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = render(samples, settings, time.perf_counter() - started, only, kept_from)
    print(block)
    if partial and not raw.exists():
        return  # a partial run never stands in for a full one
    raw.parent.mkdir(exist_ok=True)
    raw.write_text(json.dumps([dataclasses.asdict(s) for s in samples], indent=1))
    if write_readme:
        args.readme.write_text(report.replace_between_markers(args.readme.read_text(), block))
        print(f"updated {args.readme}")


def _kratos_table(args: argparse.Namespace, settings: Settings) -> None:
    """Measure workload m against a real Kratos and rewrite (or print) its table; without
    a Kratos, say so in one line and go on."""
    reason = kratos_server.unavailable()
    if reason is not None:
        print(f"skipping workload {KRATOS} (real Kratos): {reason}")
        return
    started = time.perf_counter()
    samples = measure_kratos(settings)
    block = render_kratos(samples, settings, time.perf_counter() - started)
    print(block)
    if not args.no_readme:
        text = args.readme.read_text()
        block_text = report.replace_between_markers(
            text, block, report.KRATOS_START, report.KRATOS_END
        )
        args.readme.write_text(block_text)
        print(f"updated {args.readme}")


if __name__ == "__main__":
    main()
