"""timeout= on a single call: it replaces the client's timeout for that call's requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from aioresponses import aioresponses

from ory_async import OryClient, RequestTimeoutError, RetryPolicy
from ory_async.models import CreateIdentityBody
from tests.kit.helpers import sent
from tests.kit.mocked import ANY
from tests.kit.scripted import ScriptedServer, hang, reply

IDENTITY = {"id": "i", "schema_id": "default", "traits": {}}
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=30.0)


def timeouts(m: aioresponses) -> list[Any]:
    """The ``timeout`` aiohttp was given for each request (None: the session's own)."""
    return [kwargs.get("timeout") for _, _, kwargs in sent(m)]


async def test_a_call_without_timeout_uses_the_clients(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=IDENTITY)
        await ory.identities.get("i")
    assert timeouts(m) == [None]


@pytest.mark.parametrize("seconds", [2.5, 1])
async def test_get_carries_its_timeout(ory: OryClient, seconds: float) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=IDENTITY)
        await ory.identities.get("i", timeout=seconds)
    # The client's connect limit (10 s) stays, within the call's shorter one.
    connect = min(10.0, float(seconds))
    assert timeouts(m) == [aiohttp.ClientTimeout(total=float(seconds), sock_connect=connect)]


async def test_every_page_of_a_walk_carries_the_timeout(ory: OryClient) -> None:
    link = '</admin/identities?page_size=1&page_token=i>; rel="next"'
    with aioresponses() as m:
        m.get(ANY, payload=[IDENTITY], headers={"Link": link})
        m.get(ANY, payload=[dict(IDENTITY, id="j")])
        got = [i.id async for i in ory.identities.list(page_size=1, timeout=4.0)]
    assert got == ["i", "j"]
    assert timeouts(m) == [aiohttp.ClientTimeout(total=4.0, sock_connect=4.0)] * 2


async def test_writes_bulk_calls_and_batches_carry_the_timeout(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(ANY, payload={"processed": 1, "more": False}, repeat=True)
        m.patch(ANY, payload={"identities": [None]}, repeat=True)
        m.get(ANY, body="# metrics\n", repeat=True)
        await ory.sessions.manage("delete", sessions=[f"s{i}" for i in range(600)], timeout=7)
        body = CreateIdentityBody(schema_id="default", traits={})
        async with ory.identities.batch_create([body], timeout=7) as results:
            _ = [r async for r in results]
        await ory.metrics.prometheus(timeout=7)
        await ory.ping(timeout=7)
    assert timeouts(m) == [aiohttp.ClientTimeout(total=7.0, sock_connect=7.0)] * 5


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (0, ValueError, "timeout must be a positive number of seconds"),
        (-1.0, ValueError, "timeout must be a positive number of seconds"),
        (float("nan"), ValueError, "timeout must be a positive number of seconds"),
        ("5", TypeError, "timeout must be a number of seconds, not str"),
        (True, TypeError, "timeout must be a number of seconds, not bool"),
    ],
)
async def test_bad_timeouts_are_refused_before_any_request(
    ory: OryClient, value: Any, error: type[Exception], message: str
) -> None:
    with aioresponses() as m:
        with pytest.raises(error, match=message):
            await ory.identities.get("i", timeout=value)
        with pytest.raises(error, match=message):
            _ = ory.courier.list(timeout=value)
    assert sent(m) == []


async def test_a_short_per_call_timeout_beats_a_long_client_timeout(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    never = asyncio.Event()
    scripted = ScriptedServer().then(hang(never)).then(reply(200, IDENTITY))
    server = await aiohttp_server(scripted.app)
    async with OryClient(str(server.make_url("/")), timeouts=60, retry=RetryPolicy.none()) as ory:
        with pytest.raises(
            RequestTimeoutError,
            match=r"No complete answer to GET /admin/identities/i within 0.05 s",
        ):
            await ory.identities.get("i", timeout=0.05)
        # the next call, without timeout=, is back on the client's
        assert (await ory.identities.get("i")).id == "i"
    never.set()
