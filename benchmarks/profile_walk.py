"""Where the time of a walk goes, per page: ``python -m benchmarks.profile_walk``.

Walks the benchmark server's identities (workload b: 50,000, pages of 250) with the raw
floor and with ory_async, pinned like the benchmark, and prints per page: the whole
page, the time spent turning the body into items (``orjson.loads`` for the floor; the
whole of ``_serde.decode`` for ory_async), the time the cyclic garbage collector ran
and how often, and the same decode timed alone on one page of the walk (best of 50), so
the cost the walk adds to decoding shows. ``--kind sessions`` walks workload e instead.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

from .common import next_link
from .server import Sizes, pin_to_cpu, serve

PAGE_SIZE = 250


class _Clock:
    """Adds up the time of decoding and of the garbage collector's passes."""

    def __init__(self) -> None:
        self.decode = 0.0
        self.gc = 0.0
        self.collections = 0
        self._gc_started = 0.0

    def on_gc(self, phase: str, _: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc += time.perf_counter() - self._gc_started
            self.collections += 1

    def timed(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.decode += time.perf_counter() - started

        return wrapper


def _first_url(base: str, kind: str) -> str:
    expand = "&expand=identity" if kind == "sessions" else ""
    return f"{base}/admin/{kind}?page_size={PAGE_SIZE}{expand}"


async def _raw(base: str, kind: str, clock: _Clock) -> tuple[int, bytes]:
    import aiohttp
    import orjson
    from yarl import URL

    loads = clock.timed(orjson.loads)
    count, last = 0, b""
    async with aiohttp.ClientSession() as session:
        url: str | None = _first_url(base, kind)
        while url is not None:
            async with session.get(URL(url, encoded=True)) as resp:
                last = await resp.read()
                count += len(loads(last))
                link = next_link(resp.headers.get("Link"))
                url = None if link is None else base + link
    return count, last


async def _ory_async(base: str, kind: str, clock: _Clock) -> tuple[int, bytes]:
    from ory_async import OryClient, _serde

    bodies: list[bytes] = []
    decode = _serde.decode

    def recording(body: bytes, target: Any, **kwargs: Any) -> Any:
        bodies[:] = [body]
        return decode(body, target, **kwargs)

    _serde.decode = clock.timed(recording)
    count = 0
    try:
        async with OryClient(base) as ory:
            pager = (
                ory.sessions.list(page_size=PAGE_SIZE, expand=["identity"])
                if kind == "sessions"
                else ory.identities.list(page_size=PAGE_SIZE)
            )
            async for _ in pager:
                count += 1
    finally:
        _serde.decode = decode
    return count, bodies[0]


def _alone(client: str, kind: str, body: bytes) -> float:
    import orjson

    if client == "raw":
        fn: Callable[[], Any] = lambda: orjson.loads(body)  # noqa: E731
    else:
        from ory_async._serde import decode
        from ory_async.models import Identity, Session

        target: Any = list[Session] if kind == "sessions" else list[Identity]
        fn = lambda: decode(body, target)  # noqa: E731
    best = float("inf")
    for _ in range(50):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=("identities", "sessions"), default="identities")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = Sizes(identities=50_000, sessions=20_000, session_identities=1_000, get_pool=1)
    pin_to_cpu(0)
    with serve(sizes) as base:
        for rnd in range(args.rounds):
            for client, walk in (("raw", _raw), ("ory_async", _ory_async)):
                asyncio.run(walk(base, args.kind, _Clock()))  # warm-up: connections, imports
                clock = _Clock()
                gc.callbacks.append(clock.on_gc)
                started = time.perf_counter()
                count, body = asyncio.run(walk(base, args.kind, clock))
                seconds = time.perf_counter() - started
                gc.callbacks.remove(clock.on_gc)
                pages = count / PAGE_SIZE
                print(
                    f"round {rnd + 1} {client:9} {count / seconds:8,.0f} items/s; per page: "
                    f"{seconds / pages * 1e3:5.2f} ms in all, decoding {clock.decode / pages * 1e3:5.2f}"
                    f" ms (alone: {_alone(client, args.kind, body) * 1e3:4.2f} ms), garbage "
                    f"collector {clock.gc / pages * 1e3:4.2f} ms in {clock.collections / pages:.1f} passes"
                )


if __name__ == "__main__":
    main()
