"""429s are retried for every method within a time budget; a call's deadline; connect timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from ory_async import (
    OryClient,
    RateLimitedError,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
    Timeouts,
)
from ory_async._transport import Request
from ory_async._urls import join_path
from ory_async.testing import RetryWaits
from tests.kit.keys import SECRET
from tests.kit.scripted import ScriptedServer, hang, reply

ServerFactory = Callable[..., Awaitable[TestServer]]
BOUND = 10.0
"""Seconds a test lets a call take before failing on its own: no call here should wait."""


@pytest.fixture
async def scripted() -> ScriptedServer:
    return ScriptedServer()


@pytest.fixture
async def server(aiohttp_server: ServerFactory, scripted: ScriptedServer) -> TestServer:
    return await aiohttp_server(scripted.app)


def request(ory: OryClient, method: str = "GET") -> Request:
    return Request(
        method=method,
        url=join_path(ory.base_url, "admin", "identities"),
        auth=ory.auth,
        body=b"{}" if method in ("POST", "PATCH") else None,
    )


LIMITED = reply(429, headers={"x-ratelimit-reset": "2"})


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE", "GET"])
async def test_429_is_retried_for_every_method(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits, method: str
) -> None:
    scripted.then(LIMITED, LIMITED, reply(201, {}))
    async with OryClient(str(server.make_url("/")), access_token=SECRET) as ory:
        response = await ory._transport.send(request(ory, method))
        assert ory.stats.rate_limited == 2
    assert response.status == 201
    assert [s.method for s in scripted.seen] == [method] * 3
    assert [s.body for s in scripted.seen] == [b"{}" if method in ("POST", "PATCH") else b""] * 3
    assert fake_sleep.delays == [2.0, 2.0]


async def test_post_other_failures_still_not_retried(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(LIMITED, reply(503), reply(201, {}))
    async with OryClient(str(server.make_url("/"))) as ory:
        with pytest.raises(ServerError) as info:
            await ory._transport.send(request(ory, "POST"))
    assert info.value.attempts == 2
    assert len(scripted.seen) == 2


async def test_429s_do_not_use_up_the_attempts(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    # 10 answers of 429 are more than 4 attempts; they are waited out, not counted.
    scripted.then(*[LIMITED] * 10, reply(503), reply(200, {}))
    async with OryClient(str(server.make_url("/")), retry=RetryPolicy(attempts=2)) as ory:
        response = await ory._transport.send(request(ory))
    assert response.status == 200
    assert len(scripted.seen) == 12


async def test_the_429_budget_is_time(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    # More 429s than the budget lets it wait out, then a success: a call that ignored the
    # budget would end with that success instead of failing (and never hang the test).
    scripted.then(*[LIMITED] * 6, reply(200, {}))
    limits = Timeouts(rate_limit_budget=7.0)
    # Without pacing: its turns (real time) would count against the budget too.
    async with OryClient(str(server.make_url("/")), timeouts=limits, pacing=False) as ory:
        async with asyncio.timeout(BOUND):
            with pytest.raises(RateLimitedError) as info:
                await ory._transport.send(request(ory, "POST"))
    # 2 + 2 + 2 = 6 s waited; one more 2 s wait would pass 7 s.
    assert fake_sleep.delays == [2.0, 2.0, 2.0]
    assert info.value.attempts == 4
    assert "ory_async gave up after 4 attempts" in info.value.__notes__


async def test_a_429_that_says_retry_now_still_waits_a_little(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(*[reply(429, headers={"x-ratelimit-reset": "0"})] * 12, reply(200, {}))
    async with OryClient(
        str(server.make_url("/")), timeouts=Timeouts(rate_limit_budget=1.0), pacing=False
    ) as ory:
        async with asyncio.timeout(BOUND):
            with pytest.raises(RateLimitedError):
                await ory._transport.send(request(ory))
    assert fake_sleep.delays == [0.1] * 10


async def test_retry_none_does_not_retry_429(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(LIMITED, reply(200, {}))
    async with OryClient(str(server.make_url("/")), retry=RetryPolicy.none()) as ory:
        with pytest.raises(RateLimitedError) as info:
            await ory._transport.send(request(ory))
    assert info.value.attempts == 1
    assert len(scripted.seen) == 1


@pytest.mark.parametrize("bad", [-1.0, "5", True])
def test_budget_is_checked(bad: object) -> None:
    with pytest.raises(ValueError, match="rate_limit_budget"):
        Timeouts(rate_limit_budget=bad)  # type: ignore[arg-type]


async def test_deadline_spans_every_attempt(server: TestServer, scripted: ScriptedServer) -> None:
    never = asyncio.Event()
    scripted.then(reply(503), hang(never))
    policy = RetryPolicy(wait_initial=0.01, wait_jitter=0.0)
    async with OryClient(
        str(server.make_url("/")), timeouts=Timeouts(read=30.0, deadline=0.3), retry=policy
    ) as ory:
        with pytest.raises(RequestTimeoutError, match="deadline of 0.3 s") as info:
            await ory._transport.send(request(ory))
    # The second attempt hung: the deadline, not the 30 s attempt timeout, ended it.
    assert len(scripted.seen) == 2
    assert info.value.method == "GET"
    assert isinstance(info.value.__cause__, TimeoutError)


async def test_no_retry_wait_starts_past_the_deadline(
    server: TestServer, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(reply(429, headers={"x-ratelimit-reset": "30"}), reply(200, {}))
    async with OryClient(str(server.make_url("/")), timeouts=Timeouts(deadline=5.0)) as ory:
        with pytest.raises(RateLimitedError) as info:
            await ory._transport.send(request(ory))
    assert fake_sleep.delays == []
    assert any("deadline would pass" in n for n in info.value.__notes__)


async def test_cancellation_within_a_deadline_is_not_a_timeout(
    server: TestServer, scripted: ScriptedServer
) -> None:
    never = asyncio.Event()
    scripted.then(hang(never))
    async with OryClient(str(server.make_url("/")), timeouts=Timeouts(deadline=30.0)) as ory:
        task = asyncio.create_task(ory._transport.send(request(ory)))
        for _ in range(1000):
            if scripted.seen:
                break
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deadline": 0}, "deadline must be None or a positive number"),
        ({"deadline": "1"}, "deadline must be None or a positive number"),
        ({"connect": -1}, "connect must be None or a positive number"),
    ],
)
def test_time_options_are_checked(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OryClient("http://127.0.0.1:4434", timeouts=Timeouts(**kwargs))  # type: ignore[arg-type]


def test_connect_timeout_has_a_default() -> None:
    ory = OryClient("http://127.0.0.1:4434", timeouts=30.0)
    assert ory._transport._timeout == aiohttp.ClientTimeout(total=30.0, sock_connect=10.0)
    short = OryClient("http://127.0.0.1:4434", timeouts=Timeouts(read=2.0, connect=5.0))
    assert short._transport._timeout.sock_connect == 2.0
    none = OryClient("http://127.0.0.1:4434", timeouts=Timeouts(connect=None))
    assert none._transport._timeout.sock_connect is None


async def test_a_connect_timeout_says_nothing_was_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    # No portable way to make a loopback handshake hang: let aiohttp's connector raise
    # the error its connect timeout raises.
    async def connect_times_out(*args: object, **kwargs: object) -> None:
        raise aiohttp.ConnectionTimeoutError("Connection timeout to host")

    monkeypatch.setattr(aiohttp.TCPConnector, "_create_connection", connect_times_out)
    async with OryClient(
        "http://127.0.0.1:9", timeouts=Timeouts(connect=1.5), retry=RetryPolicy.none()
    ) as ory:
        with pytest.raises(RequestTimeoutError, match=r"Could not connect .* within 1.5 s") as info:
            await ory._transport.send(request(ory, "POST"))
    assert info.value.request_sent is False
    assert not info.value.outcome_unknown
