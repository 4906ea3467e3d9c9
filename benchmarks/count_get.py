"""Instructions per ``identities.get``, counted (not timed): repeatable on a busy machine.

``python -m benchmarks.count_get`` starts the benchmark server, then runs the client
under ``valgrind --tool=callgrind`` twice per client (``--small`` and ``--large`` gets at
concurrency 64, after the same warm-up) and prints the instructions per request from the
difference, so start-up and imports cancel out. The clients are raw aiohttp + orjson and
ory_async, as in workload a. ``--client NAME --gets N --url URL`` runs one client once
(what valgrind runs).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from . import payloads
from .server import Sizes, serve

CONCURRENCY = 64
WARM_UP = 64


async def _gets(ids: Sequence[str], get: Callable[[str], Awaitable[Any]]) -> None:
    async def one(ident: str) -> None:
        await get(ident)

    await asyncio.gather(*(one(i) for i in ids[:WARM_UP]))
    await asyncio.gather(*(one(i) for i in ids))


async def _raw(base: str, ids: Sequence[str]) -> None:
    import aiohttp
    import orjson

    semaphore = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get(ident: str) -> Any:
            async with semaphore, session.get(f"{base}/admin/identities/{ident}") as resp:
                return orjson.loads(await resp.read())["id"]

        await _gets(ids, get)


async def _ory_async(base: str, ids: Sequence[str]) -> None:
    from ory_async import OryClient

    async with OryClient(base, max_concurrency=CONCURRENCY) as ory:

        async def get(ident: str) -> Any:
            return (await ory.identities.get(ident)).id

        await _gets(ids, get)


CLIENTS = {"raw": _raw, "ory_async": _ory_async}


def _count(client: str, gets: int, url: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        cmd = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, "-m", "benchmarks.count_get",
            "--client", client, "--gets", str(gets), "--url", url,
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603
        match = re.search(r"Collected : (\d+)", proc.stderr)
        if match is None:
            raise RuntimeError(proc.stderr[-2000:])
        return int(match.group(1))


def main() -> None:
    """Count, or run one client once."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client", choices=sorted(CLIENTS))
    parser.add_argument("--gets", type=int, default=0)
    parser.add_argument("--url")
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=1200)
    parser.add_argument("--clients", default=",".join(CLIENTS), help="comma-separated")
    args = parser.parse_args()
    sizes = Sizes(identities=2_000, sessions=10, session_identities=1, get_pool=1_000, many_pool=0)
    ids = payloads.identity_ids(sizes.identities)[: sizes.get_pool]
    if args.client:
        pool = (ids * (args.gets // len(ids) + 1))[: args.gets]
        asyncio.run(CLIENTS[args.client](args.url, pool))
        return
    with serve(sizes) as url:
        counts = {}
        for client in args.clients.split(","):
            small = _count(client, args.small, url)
            large = _count(client, args.large, url)
            counts[client] = (large - small) / (args.large - args.small)
            print(f"{client:10} {counts[client]:>12,.0f} instructions per get", flush=True)
        if len(counts) == len(CLIENTS):
            ratio = counts["ory_async"] / counts["raw"]
            print(f"ory_async / raw: {ratio:.2f}x instructions")


if __name__ == "__main__":
    main()
