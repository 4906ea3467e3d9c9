"""Transport behaviour that needs real sockets: retries, timeouts, redirects, quoting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from ory_async import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    OryClient,
    RedirectError,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
    Timeouts,
    TransportError,
)
from ory_async._transport import Request
from ory_async._urls import join_path, segment
from ory_async.testing import RetryWaits, no_waits
from tests.kit.keys import SECRET
from tests.kit.scripted import ScriptedServer, drop, hang, reply

ServerFactory = Callable[[ScriptedServer], Awaitable[TestServer]]


@pytest.fixture
async def serve(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> ServerFactory:
    async def start(scripted: ScriptedServer) -> TestServer:
        return await aiohttp_server(scripted.app)

    return start


@pytest.fixture
async def scripted() -> ScriptedServer:
    return ScriptedServer()


@pytest.fixture
async def ory(serve: ServerFactory, scripted: ScriptedServer) -> AsyncIterator[OryClient]:
    server = await serve(scripted)
    async with OryClient(
        str(server.make_url("/")), access_token=SECRET, retry=RetryPolicy()
    ) as client:
        yield client


def get(ory: OryClient, *segments: str, method: str = "GET") -> Request:
    return Request(
        method=method,
        url=join_path(ory.base_url, *segments),
        auth=ory.auth,
        body=b"{}" if method in ("POST", "PATCH") else None,
    )


async def test_get_retried_on_503_then_succeeds(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(reply(503), reply(503), reply(200, {"ok": True}))
    response = await ory._transport.send(get(ory, "admin", "identities"))
    assert response.status == 200
    assert len(scripted.seen) == 3
    assert len(fake_sleep.delays) == 2
    assert 0.5 <= fake_sleep.delays[0] <= 1.0  # wait_initial plus jitter
    assert 1.0 <= fake_sleep.delays[1] <= 1.5
    assert ory.stats.retries == 2
    assert all(s.headers["Authorization"] == f"Bearer {SECRET}" for s in scripted.seen)


async def test_429_retry_after_is_honoured(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(reply(429, headers={"Retry-After": "2"}), reply(200, {}))
    await ory._transport.send(get(ory, "admin", "identities"))
    assert fake_sleep.delays == [2.0]


async def test_ratelimit_reset_is_honoured_and_capped(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(
        reply(429, headers={"x-ratelimit-reset": "3"}),
        reply(503, headers={"Retry-After": "3600"}),
        reply(200, {}),
    )
    # With no retry budget the hour is capped at max_server_wait (with one, it would
    # not fit and the 503 would be raised at once).
    unbounded = ory.with_options(timeouts=Timeouts(retry_budget=None))
    await unbounded._transport.send(get(ory, "admin", "identities"))
    assert fake_sleep.delays == [3.0, 60.0]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_post_and_patch_are_not_retried_by_default(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits, method: str
) -> None:
    scripted.then(reply(503), reply(200, {}))
    with pytest.raises(ServerError):
        await ory._transport.send(get(ory, "admin", "identities", method=method))
    assert len(scripted.seen) == 1
    assert fake_sleep.delays == []


async def test_post_connection_drop_says_outcome_unknown(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(drop(), reply(201, {}))
    with pytest.raises(TransportError, match="outcome is unknown") as info:
        await ory._transport.send(get(ory, "admin", "identities", method="POST"))
    assert info.value.outcome_unknown
    assert len(scripted.seen) == 1


async def test_post_retried_when_opted_in(
    serve: ServerFactory, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    server = await serve(scripted.then(reply(503), reply(201, {})))
    async with OryClient(
        str(server.make_url("/")), retry=RetryPolicy(retry_non_idempotent=True)
    ) as ory:
        response = await ory._transport.send(get(ory, "admin", "identities", method="POST"))
    assert response.status == 201
    assert len(scripted.seen) == 2


@pytest.mark.parametrize(
    ("status", "cls"), [(400, BadRequestError), (404, NotFoundError), (409, ConflictError)]
)
async def test_client_errors_are_never_retried(
    ory: OryClient,
    scripted: ScriptedServer,
    fake_sleep: RetryWaits,
    status: int,
    cls: type[Exception],
) -> None:
    scripted.then(reply(status, {"error": {"code": status, "message": "no"}}), reply(200, {}))
    with pytest.raises(cls):
        await ory._transport.send(get(ory, "admin", "identities", "x"))
    assert len(scripted.seen) == 1
    assert fake_sleep.delays == []


async def test_connection_drop_on_get_is_retried(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    # The first drop is resent at once (as aiohttp would, but counted and known);
    # the second is the retry policy's.
    scripted.then(drop(), drop(), reply(200, {}))
    response = await ory._transport.send(get(ory, "admin", "identities"))
    assert response.status == 200
    assert len(scripted.seen) == 3
    assert fake_sleep.delays[0] == 0.0
    assert len(fake_sleep.delays) == 2
    assert ory.stats.retries == 2


async def test_exhausted_attempts_raise_the_last_error(
    ory: OryClient, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    scripted.then(reply(502), reply(503), reply(504), reply(502))
    with pytest.raises(ServerError) as info:
        await ory._transport.send(get(ory, "admin", "identities"))
    assert info.value.attempts == 4
    assert "ory_async gave up after 4 attempts" in info.value.__notes__
    assert len(scripted.seen) == 4
    assert len(fake_sleep.delays) == 3


async def test_retry_none_sends_once(
    serve: ServerFactory, scripted: ScriptedServer, fake_sleep: RetryWaits
) -> None:
    server = await serve(scripted.then(reply(503), reply(200, {})))
    async with OryClient(str(server.make_url("/")), retry=RetryPolicy.none()) as ory:
        with pytest.raises(ServerError):
            await ory._transport.send(get(ory, "x"))
    assert len(scripted.seen) == 1


async def test_cancel_during_backoff_propagates_at_once(
    ory: OryClient, scripted: ScriptedServer
) -> None:
    with no_waits(hold=True) as waits:
        scripted.then(reply(503), reply(200, {}))
        task = asyncio.create_task(ory._transport.send(get(ory, "admin", "identities")))
        await waits.requested()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(scripted.seen) == 1
    # The concurrency slot was released: the next request goes through.
    scripted.script.clear()
    scripted.then(reply(200, {}))
    assert (await ory._transport.send(get(ory, "admin", "identities"))).status == 200


async def test_timeout_is_a_request_timeout_error(
    serve: ServerFactory, scripted: ScriptedServer
) -> None:
    never = asyncio.Event()
    server = await serve(scripted.then(hang(never)))
    async with OryClient(str(server.make_url("/")), timeouts=0.05, retry=RetryPolicy.none()) as ory:
        with pytest.raises(
            RequestTimeoutError, match=r"No complete answer to GET /slow within 0.05 s"
        ):
            await ory._transport.send(get(ory, "slow"))
    never.set()


async def test_redirects_are_never_followed(serve: ServerFactory, fake_sleep: RetryWaits) -> None:
    elsewhere = ScriptedServer().then(reply(200, {}))
    other = await serve(elsewhere)
    target = str(other.make_url("/admin/identities"))
    here = await serve(ScriptedServer().then(reply(307, headers={"Location": target})))
    async with OryClient(str(here.make_url("/")), access_token=SECRET) as ory:
        with pytest.raises(RedirectError, match=r"redirected to http://127\.0\.0\.1") as info:
            await ory._transport.send(get(ory, "identities"))
    assert info.value.location == target
    assert elsewhere.seen == []
    assert SECRET not in str(info.value)


async def test_a_same_origin_307_is_followed_with_method_body_and_credentials(
    ory: OryClient, scripted: ScriptedServer
) -> None:
    # What self-hosted Kratos v1.x answers to an admin path without /admin.
    scripted.then(
        reply(307, headers={"Location": "/admin/version"}), reply(200, {"version": "v1.3.1"})
    )
    response = await ory._transport.send(get(ory, "version", method="POST"))
    assert response.status == 200
    first, second = scripted.seen
    assert (first.method, first.raw_path) == ("POST", "/version")
    assert (second.method, second.raw_path) == ("POST", "/admin/version")
    assert second.body == b"{}"
    assert second.headers["Authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_redirects_that_may_change_the_method_are_not_followed(
    ory: OryClient, scripted: ScriptedServer, status: int
) -> None:
    scripted.then(reply(status, headers={"Location": "/admin/version"}), reply(200, {}))
    with pytest.raises(RedirectError):
        await ory._transport.send(get(ory, "version"))
    assert len(scripted.seen) == 1


async def test_same_origin_redirects_stop_after_a_few_hops(
    ory: OryClient, scripted: ScriptedServer
) -> None:
    hops = [reply(307, headers={"Location": f"/hop{n}"}) for n in range(10)]
    scripted.then(*hops)
    with pytest.raises(RedirectError, match="redirected to /hop3"):
        await ory._transport.send(get(ory, "start"))
    assert [s.raw_path for s in scripted.seen] == ["/start", "/hop0", "/hop1", "/hop2"]


@pytest.mark.parametrize(
    ("identifier", "raw"),
    [
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("?q", "%3Fq"),
        ("%2F", "%252F"),
        ("#x", "%23x"),
        ("ünï", "%C3%BCn%C3%AF"),
        ("a\r\nX-Injected: 1", "a%0D%0AX-Injected%3A%201"),
    ],
)
async def test_ids_arrive_as_one_segment(
    ory: OryClient, scripted: ScriptedServer, identifier: str, raw: str
) -> None:
    scripted.then(reply(200, {}))
    await ory._transport.send(get(ory, "admin", "identities", segment(identifier)))
    (seen,) = scripted.seen
    assert seen.raw_path == f"/admin/identities/{raw}"
    assert seen.query_string == ""
    assert "X-Injected" not in seen.headers


async def test_retries_and_requests_are_logged_without_secrets(
    ory: OryClient,
    scripted: ScriptedServer,
    fake_sleep: RetryWaits,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted.then(reply(503), reply(200, {}))
    await ory._transport.send(get(ory, "admin", "identities"))
    messages = [r.getMessage() for r in caplog.records if r.name == "ory_async"]
    assert any(
        m.startswith("retrying GET /admin/identities in ") and "after HTTP 503" in m
        for m in messages
    )
    assert any(m.startswith("GET /admin/identities -> 200 in ") for m in messages)
    assert all(SECRET not in r.getMessage() for r in caplog.records)


async def test_max_concurrency_bounds_requests_in_flight(serve: ServerFactory) -> None:
    in_flight = 0
    peak = 0
    release = asyncio.Event()
    arrived = asyncio.Event()

    async def counting(_: object) -> object:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == 3:
            arrived.set()
        await release.wait()
        in_flight -= 1
        from aiohttp import web

        return web.Response(status=204)

    scripted = ScriptedServer().then(counting)  # type: ignore[arg-type]
    server = await serve(scripted)
    async with OryClient(str(server.make_url("/")), max_concurrency=3) as ory:
        tasks = [asyncio.create_task(ory._transport.send(get(ory, "x"))) for _ in range(20)]
        await arrived.wait()
        release.set()
        await asyncio.gather(*tasks)
    assert peak == 3
    assert len(scripted.seen) == 20


def test_retry_policy_validation() -> None:
    with pytest.raises(ValueError, match="attempts must be an int >= 1"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="wait_max must be >= 0"):
        RetryPolicy(wait_max=-1)
    assert RetryPolicy.none().attempts == 1


def test_url_type() -> None:
    assert isinstance(join_path(URL("http://h"), "a"), URL)
