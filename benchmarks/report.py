"""Turns raw measurements into medians, ratios and the README table."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .blocking import ORY_SYNC
from .common import EXP_ASYNC, KRATOS_CLIENT, ORY_ASYNC, ORY_CLIENT, RAW

START: Final = "<!-- bench:start -->"
END: Final = "<!-- bench:end -->"
KRATOS_START: Final = "<!-- bench-kratos:start -->"
KRATOS_END: Final = "<!-- bench-kratos:end -->"
COLUMNS: Final = (RAW, ORY_ASYNC, ORY_SYNC, EXP_ASYNC, ORY_CLIENT, KRATOS_CLIENT)
HEADINGS: Final = {
    RAW: "raw aiohttp + orjson",
    ORY_ASYNC: "**ory_async**",
    ORY_SYNC: "**ory_async.sync**",
    EXP_ASYNC: "exp-ory-kratos-client-async",
    ORY_CLIENT: "ory-client",
    KRATOS_CLIENT: "ory-kratos-client",
}


@dataclass(frozen=True)
class Sample:
    """One measurement: a workload, a client, a round, its figures."""

    workload: str
    client: str
    round: int
    figures: dict[str, float]


def _metric(workload: str) -> str | None:
    """What a workload's ratio compares (``None``: its cells compute their own)."""
    if workload.startswith("decode"):
        return "decode"
    if workload == "import":
        return "seconds"
    if workload == "whoami":
        return "cpu_seconds"
    if workload.startswith(("lag-walk", "memory", "whoami", "blocking-", "threads-")):
        return None
    return "rate"


def _ratio(sample: Sample, floor: Sample | None, metric: str | None) -> float | None:
    if metric is None:
        return None
    if metric == "decode":
        return sample.figures["seconds"] / sample.figures["floor_seconds"]
    if floor is None:
        return None
    if metric == "cpu_seconds":
        return sample.figures["cpu_seconds"] / floor.figures["cpu_seconds"]
    if metric == "rate":
        return sample.figures["rate"] / floor.figures["rate"]
    return sample.figures["seconds"] / floor.figures["seconds"]


def summarize(samples: Iterable[Sample]) -> dict[tuple[str, str], dict[str, float]]:
    """Medians of every figure per (workload, client), plus ``ratio``: the median of the
    per-round ratios to the raw floor of the same round."""
    by_round: dict[tuple[str, int], dict[str, Sample]] = defaultdict(dict)
    grouped: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for s in samples:
        by_round[(s.workload, s.round)][s.client] = s
        grouped[(s.workload, s.client)].append(s)
    summary: dict[tuple[str, str], dict[str, float]] = {}
    for (workload, client), group in grouped.items():
        metric = _metric(workload)
        figures = {k: statistics.median(s.figures[k] for s in group) for k in group[0].figures}
        ratios = [
            r
            for s in group
            if (r := _ratio(s, by_round[(workload, s.round)].get(RAW), metric)) is not None
        ]
        if ratios:
            figures["ratio"] = statistics.median(ratios)
        figures["rounds"] = len(group)
        summary[(workload, client)] = figures
    return summary


@dataclass(frozen=True)
class Row:
    """One line of the table: how to show a workload's figure and its target."""

    label: str
    workload: str
    cell: Callable[[dict[str, float]], str]
    target: str
    met: Callable[[dict[str, float]], bool] | None
    only: Sequence[str] = COLUMNS
    judged: str = ORY_ASYNC
    """The column ``met`` judges."""


def _blocking_cpu(f: dict[str, float]) -> str:
    text = f"{f['cpu_us']:.0f} µs"
    if "extra_us" in f:
        text += f" (+{f['extra_us']:.0f} µs"
        if "extra_instr" in f:
            text += (
                f"; +{f['extra_instr'] / 1000:.0f}k instructions = "
                f"{f['extra_instr'] / f['async_instr']:+.0%} ≈ +{f['extra_instr_us']:.0f} µs"
            )
        text += ")"
    return text


def _rate(unit: str) -> Callable[[dict[str, float]], str]:
    return lambda f: f"{f['rate']:,.0f} {unit}/s ({f['ratio']:.2f}x)"


def _ms(f: dict[str, float]) -> str:
    return f"{f['seconds'] * 1000:.2f} ms ({f['ratio']:.2f}x)"


def _ideal(f: dict[str, float]) -> str:
    return f"{f['seconds']:.2f} s ({f['seconds'] / f['ideal_seconds']:.2f}x ideal)"


def _cpu(f: dict[str, float]) -> str:
    ratio = f" ({f['ratio']:.2f}x)" if "ratio" in f else ""
    return f"{f['cpu_seconds'] * 1e6:.0f} µs{ratio}"


def rows(s: Any) -> list[Row]:
    """The table's rows for the sizes in settings ``s``."""
    return [
        Row(
            f"a) get identity x{s.requests:,}, concurrency {s.concurrency} (ory-client: {s.threads} threads)",
            "get",
            _rate("req"),
            "≥ 0.85x raw",
            lambda f: f["ratio"] >= 0.85,
            (RAW, ORY_ASYNC, EXP_ASYNC, ORY_CLIENT),
        ),
        Row(
            f"b) walk {s.identities:,} identities, pages of 250",
            "walk-identities",
            _rate("ids"),
            "≥ 0.50x raw",
            lambda f: f["ratio"] >= 0.50,
        ),
        Row(
            "b) peak RSS of that walk (fresh process)",
            "walk-identities",
            lambda f: f"{f['rss_peak_mb']:.0f} MiB",
            "",
            None,
        ),
        Row(
            "b) RSS growth during the walk, items not kept",
            "walk-identities",
            lambda f: f"{f['rss_growth_mb']:.1f} MiB",
            "ory_async ≤ 30 MB",
            lambda f: f["rss_growth_mb"] * 1.048576 <= 30,
        ),
        Row(
            "c) decode 250 identities from bytes",
            "decode-identities",
            _ms,
            "≤ 2.7x orjson.loads",
            lambda f: f["ratio"] <= 2.7,
        ),
        Row(
            "c) decode 250 sessions (expand=identity)",
            "decode-sessions",
            _ms,
            "≤ 3.0x orjson.loads",
            lambda f: f["ratio"] <= 3.0,
        ),
        Row(
            "d) `import` in a fresh interpreter (median of runs)",
            "import",
            lambda f: f"{f['seconds']:.3f} s ({f['ratio']:.2f}x)",
            "ory_async ≤ 1.25x `import aiohttp, orjson`",
            lambda f: f["ratio"] <= 1.25,
        ),
        Row(
            f"e) walk {s.sessions:,} sessions, expand=identity",
            "walk-sessions",
            _rate("sessions"),
            "",
            None,
        ),
        Row(
            f"f) walk {s.lag_identities:,} identities, server {s.latency_ms} ms a page, "
            f"consumer {s.latency_ms} ms a page, page after page",
            "lag-walk",
            _ideal,
            "",
            None,
            (RAW, ORY_ASYNC),
        ),
        Row(
            "f) the same walk with `prefetch()` (ideal: max(server, consumer), see below)",
            "lag-walk-prefetch",
            _ideal,
            "≤ 1.2x ideal",
            lambda f: f["seconds"] <= 1.2 * f["ideal_seconds"],
            (ORY_ASYNC,),
        ),
        Row(
            f"g) RSS growth from item {s.memory_mark:,} to {s.memory_walk:,} of a walk",
            "memory",
            lambda f: f"{f['growth_mb']:.1f} MiB",
            "ory_async ≤ 8 MB",
            lambda f: f["growth_mb"] * 1.048576 <= 8,
            (RAW, ORY_ASYNC),
        ),
        Row(
            "h) client CPU per session check, uncached (ory_async: `contrib` verifier)",
            "whoami",
            _cpu,
            "",
            None,
            (RAW, ORY_ASYNC, EXP_ASYNC),
        ),
        Row(
            "h) the same check answered from the verifier's cache",
            "whoami-cached",
            _cpu,
            "",
            None,
            (ORY_ASYNC,),
        ),
        Row(
            f"i) {s.many_pool:,} identities by id: the ids filter, chunks of ~190, 4 in flight",
            "get_many",
            _rate("ids"),
            "≥ 0.60x raw",
            lambda f: f["ratio"] >= 0.60,
            (RAW, ORY_ASYNC, EXP_ASYNC, ORY_CLIENT),
        ),
        Row(
            f"i) ory_async: `get_many` against {s.many_pool:,} single GETs (concurrency 64)",
            "get_many",
            lambda f: f"{f['speedup']:.1f}x faster",
            "≥ 3x",
            lambda f: f["speedup"] >= 3,
            (ORY_ASYNC,),
        ),
        Row(
            "n) client CPU per blocking `identities.get`, one caller "
            "(ory_async.sync: +µs over the async client, median of alternating pairs "
            "of rounds in one process; user-space instructions per call by callgrind)",
            "blocking-get",
            _blocking_cpu,
            "sync ≤ async + 60 µs",
            lambda f: f["extra_us"] <= 60,
            (ORY_ASYNC, ORY_SYNC, ORY_CLIENT),
            ORY_SYNC,
        ),
        Row(
            f"n) get identity x{s.blocking_requests:,} from {s.threads} threads at once "
            f"(ory_async: {s.threads} tasks)",
            "threads-get",
            lambda f: (
                f"{f['rate']:,.0f} req/s"
                + (f" ({f['vs_async']:.2f}x async)" if "vs_async" in f else "")
            ),
            "sync ≥ 0.8x async",
            lambda f: f["vs_async"] >= 0.8,
            (ORY_ASYNC, ORY_SYNC, ORY_CLIENT),
            ORY_SYNC,
        ),
    ]


def table(summary: dict[tuple[str, str], dict[str, float]], settings: Any) -> str:
    """The Markdown table; the ``met`` column judges ory_async."""
    head = ["workload", *(HEADINGS[c] for c in COLUMNS), "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows(settings):
        cells = [row.label]
        for client in COLUMNS:
            figures = summary.get((row.workload, client))
            cells.append(row.cell(figures) if figures and client in row.only else "—")
        ours = summary.get((row.workload, row.judged))
        met = "" if row.met is None or ours is None else ("yes" if row.met(ours) else "**no**")
        cells += [row.target, met]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def kratos_rows(s: Any) -> list[Row]:
    """The rows of the real-Kratos table (workload m) for the sizes in settings ``s``."""
    return [
        Row(
            f"m) get identity x{s.kratos_requests:,}, concurrency {s.concurrency}",
            "kratos-get",
            _rate("req"),
            "",
            None,
        ),
        Row(
            f"m) walk {2 * s.kratos_batch:,} identities, pages of {s.kratos_page_size} "
            "(the `Link` header)",
            "kratos-walk",
            _rate("ids"),
            "",
            None,
        ),
        Row(
            f"m) batch-create {s.kratos_batch:,} identities, chunks of {s.kratos_chunk:,}, "
            "4 in flight",
            "kratos-batch",
            _rate("ids"),
            "",
            None,
        ),
    ]


def kratos_table(summary: dict[tuple[str, str], dict[str, float]], settings: Any) -> str:
    """The Markdown table of workload m: the floor and ory_async (with its ratio)."""
    lines = [f"| workload | {HEADINGS[RAW]} | {HEADINGS[ORY_ASYNC]} |", "|---|---|---|"]
    for row in kratos_rows(settings):
        cells = [row.label]
        for client in (RAW, ORY_ASYNC):
            figures = summary.get((row.workload, client))
            cells.append(row.cell(figures) if figures else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_between_markers(text: str, block: str, start: str = START, end: str = END) -> str:
    """``text`` with everything between the markers (the bench table's, by default)
    replaced by ``block``."""
    first, last = text.index(start) + len(start), text.index(end)
    return text[:first] + "\n" + block.strip() + "\n" + text[last:]
