"""Workload g: memory of a very long walk, items not kept.

The server lists ``count`` small synthetic identities (rendered page by page, so it
needs no memory for them). The client walks them all, counting and checksumming ids,
and reads its resident set size (``/proc/self/statm``, the current size, not the peak)
after item ``mark`` (100,000 in a full run) and at the end: memory that grows with the
walk shows up as the difference, whatever the page size.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Final

from .common import ORY_ASYNC, RAW, Tally, WrongData, next_link

PAGE_SIZE: Final = 250


def rss_mb() -> float:
    """This process's current resident set size, in MiB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


class _Probe:
    def __init__(self, mark: int) -> None:
        self.tally = Tally()
        self.mark = mark
        self.at_mark = 0.0

    def add(self, item_id: Any) -> None:
        self.tally.add(item_id)
        if self.tally.count == self.mark:
            self.at_mark = rss_mb()


async def _raw(base: str, probe: _Probe) -> None:
    import aiohttp
    import orjson
    from yarl import URL

    async with aiohttp.ClientSession() as session:
        url: str | None = f"{base}/admin/identities?page_size={PAGE_SIZE}"
        while url is not None:
            async with session.get(URL(url, encoded=True)) as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for {url}")
                for item in orjson.loads(await resp.read()):
                    probe.add(item["id"])
                link = next_link(resp.headers.get("Link"))
            url = None if link is None else base + link


async def _ory_async(base: str, probe: _Probe) -> None:
    from ory_async import OryClient

    async with OryClient(base) as ory:
        async for identity in ory.identities.list(page_size=PAGE_SIZE):
            probe.add(identity.id)


def run(client: str, base: str, count: int, checksum: int, *, mark: int) -> dict[str, float]:
    """RSS at item ``mark`` and at the end of a walk of ``count`` identities."""
    probe = _Probe(mark)
    runner = {RAW: _raw, ORY_ASYNC: _ory_async}.get(client)
    if runner is None:
        msg = f"workload g runs the raw floor and ory_async only, not {client}"
        raise ValueError(msg)
    asyncio.run(runner(base, probe))
    end = rss_mb()
    if probe.tally.count != count or probe.tally.total != checksum:
        msg = f"{client} walked {probe.tally.count} synthetic identities, expected {count}"
        raise WrongData(msg)
    return {"rss_at_mark_mb": probe.at_mark, "rss_end_mb": end, "growth_mb": end - probe.at_mark}
