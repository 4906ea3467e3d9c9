"""Workloads b and e: walk every identity, or every session with ``expand=identity``.

ory_async walks with ``async for``; the raw floor and the generated SDKs are driven by
hand (read the ``Link`` header, pass its ``page_token`` back). No client keeps the items:
each counts and checksums the ids, which must match what the server holds. Run in a
fresh process, the peak RSS is the client's own; the growth is measured from after the
first page (imports, connection and one page decoded) to the end of the walk.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from .common import (
    EXP_ASYNC,
    KRATOS_CLIENT,
    ORY_ASYNC,
    ORY_CLIENT,
    RAW,
    SDK_MODULES,
    Tally,
    WrongData,
    next_link,
    next_token,
    peak_rss_mb,
)

Kind = Literal["identities", "sessions"]
PAGE_SIZE = 250


def _count(tally: Tally, kind: Kind, item_id: Any, identity: Any) -> None:
    if kind == "sessions" and identity is None:
        msg = f"session {item_id} came without its identity (expand=identity)"
        raise WrongData(msg)
    tally.add(item_id)


class _Walk:
    """Times one walk and records memory around it."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.rss_before = 0.0
        self.started = 0.0

    def begin(self) -> None:
        self.rss_before = peak_rss_mb()
        self.started = time.perf_counter()

    def result(self) -> dict[str, float]:
        seconds = time.perf_counter() - self.started
        peak = peak_rss_mb()
        return {
            "seconds": seconds,
            "rate": self.tally.count / seconds,
            "rss_peak_mb": peak,
            "rss_growth_mb": peak - self.rss_before,
        }


async def _raw(base: str, kind: Kind, walk: _Walk) -> None:
    import aiohttp
    import orjson
    from yarl import URL

    expand = "&expand=identity" if kind == "sessions" else ""
    first = f"{base}/admin/{kind}?page_size={PAGE_SIZE}{expand}"
    async with aiohttp.ClientSession() as session:

        async def page(url: str) -> str | None:
            async with session.get(URL(url, encoded=True)) as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for {url}")
                for item in orjson.loads(await resp.read()):
                    _count(walk.tally, kind, item["id"], item.get("identity", 0))
                link = next_link(resp.headers.get("Link"))
                return None if link is None else base + link

        await page(first)  # warm-up
        walk.tally = Tally()
        walk.begin()
        url: str | None = first
        while url is not None:
            url = await page(url)


async def _ory_async(base: str, kind: Kind, walk: _Walk) -> None:
    from ory_async import AsyncPager, OryClient

    async with OryClient(base) as ory:

        def pager() -> AsyncPager[Any]:
            if kind == "sessions":
                return ory.sessions.list(page_size=PAGE_SIZE, expand=["identity"])
            return ory.identities.list(page_size=PAGE_SIZE)

        await pager()  # warm-up
        walk.begin()
        async for item in pager():
            _count(walk.tally, kind, item.id, getattr(item, "identity", 0))


def _sdk_lister(api: Any, kind: Kind) -> Callable[[str | None], Any]:
    if kind == "sessions":
        return lambda token: api.list_sessions_with_http_info(
            page_size=PAGE_SIZE, page_token=token, expand=["identity"]
        )
    return lambda token: api.list_identities_with_http_info(page_size=PAGE_SIZE, page_token=token)


def _count_page(walk: _Walk, kind: Kind, response: Any) -> str | None:
    for item in response.data:
        _count(walk.tally, kind, item.id, getattr(item, "identity", 0))
    return next_token((response.headers or {}).get("Link"))


async def _exp_async(base: str, kind: Kind, walk: _Walk) -> None:
    import ory_kratos_client_async as sdk

    async with sdk.ApiClient(sdk.Configuration(host=base)) as api_client:
        lister = _sdk_lister(sdk.IdentityApi(api_client), kind)
        await lister(None)  # warm-up
        walk.begin()
        token = _count_page(walk, kind, await lister(None))
        while token is not None:
            token = _count_page(walk, kind, await lister(token))


def _sync_sdk(module: str, base: str, kind: Kind, walk: _Walk) -> None:
    import importlib

    sdk = importlib.import_module(module)
    with sdk.ApiClient(sdk.Configuration(host=base)) as api_client:
        lister = _sdk_lister(sdk.IdentityApi(api_client), kind)
        lister(None)  # warm-up
        walk.begin()
        token = _count_page(walk, kind, lister(None))
        while token is not None:
            token = _count_page(walk, kind, lister(token))


def run(client: str, base: str, kind: Kind, expected: Sequence[str]) -> dict[str, float]:
    """Walk every item with ``client``; check ids against ``expected``; time and measure."""
    walk = _Walk()
    if client in (ORY_CLIENT, KRATOS_CLIENT):
        _sync_sdk(SDK_MODULES[client], base, kind, walk)
    else:
        runner = {RAW: _raw, ORY_ASYNC: _ory_async, EXP_ASYNC: _exp_async}[client]
        asyncio.run(runner(base, kind, walk))
    result = walk.result()
    walk.tally.check(expected, f"{client} walking {kind}")
    return result
