"""Credentials reach only the configured origins, and never an error message or a counter gap.

Two loopback servers on different ports stand for the configured origin and any other
one (a link or redirect target): the same host on another port is another origin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from aioresponses import aioresponses
from yarl import URL

from ory_async import (
    NotFoundError,
    OryClient,
    RequestTimeoutError,
    RetryPolicy,
    SessionToken,
    TransportError,
)
from ory_async._transport import Request
from ory_async._urls import join_path
from ory_async.testing import RetryWaits
from tests.kit.keys import SECRET
from tests.kit.scripted import ScriptedServer, reply

Servers = tuple[ScriptedServer, TestServer, ScriptedServer, TestServer]


@pytest.fixture
async def servers(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Servers:
    ours, other = ScriptedServer().then(reply(200, {})), ScriptedServer().then(reply(200, {}))
    return ours, await aiohttp_server(ours.app), other, await aiohttp_server(other.app)


@pytest.fixture
async def ory(servers: Servers) -> AsyncIterator[OryClient]:
    _, server, _, _ = servers
    async with OryClient(str(server.make_url("/")), access_token=SECRET) as client:
        yield client


def _get(url: URL, ory: OryClient) -> Request:
    return Request(method="GET", url=join_path(url, "admin", "identities"), auth=ory.auth)


async def test_credentials_go_only_to_the_configured_origin(
    ory: OryClient, servers: Servers
) -> None:
    ours, _, other, other_server = servers
    elsewhere = URL(str(other_server.make_url("/")))
    assert elsewhere.host == ory.base_url.host
    assert elsewhere.port != ory.base_url.port
    # Alternate, so that a header set reused from the previous request would show.
    for url in (ory.base_url, elsewhere, ory.base_url, elsewhere, elsewhere, ory.base_url):
        await ory._transport.send(_get(url, ory))
    assert [s.headers.get("Authorization") for s in ours.seen] == [f"Bearer {SECRET}"] * 3
    assert [s.headers.get("Authorization") for s in other.seen] == [None] * 3
    assert all(s.headers["Accept"] == "application/json" for s in ours.seen + other.seen)


async def test_a_public_url_on_another_port_is_a_configured_origin(servers: Servers) -> None:
    ours, server, other, other_server = servers
    public = str(other_server.make_url("/"))
    token = SessionToken("session-token-0123456789")
    async with OryClient(str(server.make_url("/")), public_url=public, auth=token) as ory:
        await ory._transport.send(_get(ory.public_url, ory))
        await ory._transport.send(_get(ory.base_url, ory))
    assert [s.headers.get("X-Session-Token") for s in other.seen] == [token.token]
    assert [s.headers.get("X-Session-Token") for s in ours.seen] == [token.token]


async def test_a_connection_error_never_repeats_the_token() -> None:
    url = "http://127.0.0.1:4434/admin/identities"
    with aioresponses() as m:
        m.get(
            url,
            exception=aiohttp.ClientConnectionError(f"proxy said: Bearer {SECRET}"),
            repeat=True,  # the drop is resent once at once
        )
        async with OryClient(
            "http://127.0.0.1:4434", access_token=SECRET, retry=RetryPolicy.none()
        ) as ory:
            with pytest.raises(TransportError) as info:
                await ory.identities.list()
    assert SECRET not in str(info.value)
    assert "proxy said: Bearer <redacted>" in str(info.value)


async def test_stats_count_requests_retries_and_failures(
    servers: Servers, fake_sleep: RetryWaits
) -> None:
    ours, server, _, _ = servers
    ours.script.clear()
    ours.then(reply(503), reply(502), reply(200, {}), reply(404), reply(200, {}))
    async with OryClient(str(server.make_url("/")), access_token=SECRET) as ory:
        await ory._transport.send(_get(ory.base_url, ory))  # 503, 502, then 200
        assert (ory.stats.requests, ory.stats.retries, ory.stats.failures) == (3, 2, 2)
        with pytest.raises(NotFoundError):
            await ory._transport.send(_get(ory.base_url, ory))  # never retried
        assert (ory.stats.requests, ory.stats.retries, ory.stats.failures) == (4, 2, 3)
        view = ory.with_auth(None)
        await view._transport.send(_get(ory.base_url, view))
        assert ory.stats is view.stats
        assert (ory.stats.requests, ory.stats.retries, ory.stats.failures) == (5, 2, 3)
    assert len(fake_sleep.delays) == 2


async def test_connection_failures_are_counted(fake_sleep: RetryWaits) -> None:
    url = "http://127.0.0.1:4434/admin/identities"
    with aioresponses() as m:
        m.get(url, exception=aiohttp.ClientConnectionError("reset"), repeat=True)
        policy = RetryPolicy(attempts=3)
        async with OryClient("http://127.0.0.1:4434", access_token=SECRET, retry=policy) as ory:
            with pytest.raises(TransportError):
                await ory.identities.list()
            assert (ory.stats.requests, ory.stats.retries, ory.stats.failures) == (3, 2, 3)


async def test_timeouts_are_counted_as_failures() -> None:
    url = "http://127.0.0.1:4434/admin/identities"
    with aioresponses() as m:
        m.get(url, exception=TimeoutError(), repeat=True)
        async with OryClient(
            "http://127.0.0.1:4434", access_token=SECRET, retry=RetryPolicy.none()
        ) as ory:
            with pytest.raises(RequestTimeoutError):
                await ory.identities.list()
            assert (ory.stats.requests, ory.stats.retries, ory.stats.failures) == (1, 0, 1)
