"""The real Kratos of workload m: found, started in its own process, listed, cleaned.

The binary is the one ``make kratos`` builds (Kratos v1.3.1 from the Go module proxy,
in ``~/.cache/ory-async/``), started by the integration suite's launcher
(``tests/kit/kratos.py``: free loopback ports, a SQLite file in a fresh folder, bcrypt cost 4), so every
set of measurements gets a fresh, empty server. ``ORY_KRATOS_URL`` and
``ORY_KRATOS_PUBLIC_URL`` name a Kratos already running instead; what the benchmark
creates there is deleted afterwards.
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.kit import kratos as launcher
from tests.kit.kratos import Kratos

from .common import next_link
from .kratos import traits

PAGE_SIZE = 500
"""Kratos's largest keyset page (larger sizes are clamped to it)."""


def unavailable() -> str | None:
    """Why there is no Kratos to measure, or None when there is one."""
    if os.environ.get("ORY_KRATOS_URL") or launcher.BINARY.exists():
        return None
    return (
        f"no Kratos binary at {launcher.BINARY} and ORY_KRATOS_URL is not set "
        "(`make kratos` builds one)"
    )


def _pin(pid: int) -> None:
    """Keep every thread of process ``pid`` on the last CPU, where the benchmark servers run
    (the client children run on the first); threads started later inherit it."""
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread may have ended meanwhile
            os.sched_setaffinity(int(task.name), {cpus[-1]})


@contextlib.contextmanager
def running() -> Iterator[Kratos]:
    """A Kratos to measure: a fresh one from the binary (stopped and removed afterwards),
    or the one ``ORY_KRATOS_URL`` names."""
    kratos = launcher.start()
    try:
        if kratos.process is not None:
            with contextlib.suppress(OSError):
                _pin(kratos.process.pid)
        yield kratos
    finally:
        kratos.remove()


def _get(url: str) -> tuple[bytes, str | None]:
    with urllib.request.urlopen(url, timeout=120) as answer:  # noqa: S310 (the admin URL)
        return answer.read(), answer.headers.get("Link")


def identity_ids(base: str) -> list[str]:
    """The ids of every identity the server holds (a plain walk, not a measurement)."""
    import orjson

    ids: list[str] = []
    url: str | None = f"{base}/admin/identities?page_size={PAGE_SIZE}"
    while url is not None:
        body, link = _get(url)
        ids += [item["id"] for item in orjson.loads(body)]
        following = next_link(link)
        url = None if following is None else base + following
    return ids


def seed(base: str, count: int, prefix: str) -> list[str]:
    """Create ``count`` identities (chunks of 1,000, one after the other); their ids."""
    import orjson

    ids: list[str] = []
    for start in range(0, count, 1000):
        bodies = [
            {"create": {"schema_id": "default", "traits": traits(prefix, i)}}
            for i in range(start, min(count, start + 1000))
        ]
        request = urllib.request.Request(  # noqa: S310 (the admin URL)
            f"{base}/admin/identities",
            data=orjson.dumps({"identities": bodies}),
            headers={"Content-Type": "application/json"},
            method="PATCH",
        )
        with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310
            entries = orjson.loads(answer.read())["identities"]
        new = [entry["identity"] for entry in entries if entry and entry.get("identity")]
        if len(new) != len(bodies):
            msg = (
                f"seeding Kratos: {len(bodies) - len(new)} of {len(bodies)} identities not created"
            )
            raise RuntimeError(msg)
        ids += new
    return ids


def delete(base: str, ids: Sequence[str]) -> None:
    """Delete these identities (what the benchmark created on a server it did not start)."""

    def one(ident: str) -> None:
        url = f"{base}/admin/identities/{ident}"
        request = urllib.request.Request(url, method="DELETE")  # noqa: S310 (the admin URL)
        with urllib.request.urlopen(request, timeout=120):  # noqa: S310 (the admin URL)
            pass

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, ids))
