"""Workload h: client CPU per session check (``/sessions/whoami``), uncached and cached.

ory_async checks through ``contrib``'s :class:`~ory_async.contrib.SessionVerifier`, as
a web app's middleware does for each request: uncached (every check asks the server)
and cached (one answer reused for the same token). The raw floor sends the request and
parses the answer; the async SDK calls ``FrontendApi.to_session``. Each figure is
``time.process_time()`` over the checks divided by their number: the CPU a check costs
this process, whatever the server's speed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final

from .common import EXP_ASYNC, ORY_ASYNC, RAW, WrongData

TOKEN: Final = "ory_st_benchmark"  # noqa: S105 - the benchmark server accepts any token
WARM_UP: Final = 50


async def _measure(check: Callable[[], Awaitable[str]], checks: int) -> float:
    for _ in range(WARM_UP):
        await check()
    started = time.process_time()
    for _ in range(checks):
        if not await check():
            raise WrongData("a session check gave no session id")
    return (time.process_time() - started) / checks


async def _raw(base: str, checks: int) -> float:
    import aiohttp
    import orjson

    async with aiohttp.ClientSession() as session:
        url = f"{base}/sessions/whoami"

        async def check() -> str:
            async with session.get(url, headers={"X-Session-Token": TOKEN}) as resp:
                if resp.status != 200:
                    raise WrongData(f"HTTP {resp.status} for whoami")
                return str(orjson.loads(await resp.read())["id"])

        return await _measure(check, checks)


async def _ory_async(base: str, checks: int, cached: bool) -> float:
    from ory_async import OryClient
    from ory_async.contrib import SessionVerifier

    verifier = SessionVerifier(cache_ttl=3600 if cached else 0)
    headers = {"X-Session-Token": TOKEN}
    async with OryClient(base, public_url=base) as ory:

        async def check() -> str:
            return (await verifier.verify(ory, headers, {})).id

        return await _measure(check, checks)


async def _exp_async(base: str, checks: int) -> float:
    import ory_kratos_client_async as sdk

    async with sdk.ApiClient(sdk.Configuration(host=base)) as api_client:
        frontend = sdk.FrontendApi(api_client)

        async def check() -> str:
            return str((await frontend.to_session(x_session_token=TOKEN)).id)

        return await _measure(check, checks)


def run(client: str, base: str, *, checks: int, cached: bool = False) -> dict[str, float]:
    """CPU seconds per check."""
    runners: dict[str, Callable[[], Coroutine[Any, Any, float]]] = {
        RAW: lambda: _raw(base, checks),
        ORY_ASYNC: lambda: _ory_async(base, checks, cached),
        EXP_ASYNC: lambda: _exp_async(base, checks),
    }
    runner = runners.get(client)
    if runner is None or (cached and client != ORY_ASYNC):
        msg = f"workload h does not run {client}{' cached' if cached else ''}"
        raise ValueError(msg)
    cpu: Any = asyncio.run(runner())
    return {"cpu_seconds": float(cpu)}
