"""Integration fixtures: the real OryClient against FakeOry over loopback HTTP.

Every exchange a test makes is captured on the client's side of the wire and checked
against the OpenAPI spec of its API generation when the test ends (see
``tests/contract/spec.py``), so the whole integration run doubles as the contract suite.

Every test runs twice: with the async client, and with the blocking client
(``ory_async.sync.OryClient``) driven through ``tests/sync_facade.py``. A test that
needs the async client's internals or the request trace of its borrowed session is marked ``async_only``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from multidict import MultiDict

from ory_async import OryClient, RetryPolicy
from ory_async import sync as ory_sync
from ory_async.testing import FakeOry
from tests.contract.spec import Exchange, check
from tests.sync_facade import facade

API_KEY = "ory_pat_INTEGRATION_0123456789"


def _tracing(exchanges: list[Exchange]) -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()

    async def start(_: Any, ctx: SimpleNamespace, params: aiohttp.TraceRequestStartParams) -> None:
        url = params.url
        ctx.exchange = Exchange(
            method=params.method,
            path=url.raw_path,  # an encoded id stays one segment
            query=list(MultiDict(url.query).items()),
            request_body=b"",
        )
        exchanges.append(ctx.exchange)

    async def chunk_sent(
        _: Any, ctx: SimpleNamespace, params: aiohttp.TraceRequestChunkSentParams
    ) -> None:
        ctx.exchange.request_body += params.chunk

    async def end(_: Any, ctx: SimpleNamespace, params: aiohttp.TraceRequestEndParams) -> None:
        ctx.exchange.status = params.response.status
        ctx.exchange.content_type = params.response.headers.get("Content-Type", "")

    async def chunk_received(
        _: Any, ctx: SimpleNamespace, params: aiohttp.TraceResponseChunkReceivedParams
    ) -> None:
        ctx.exchange.response_body += params.chunk

    trace.on_request_start.append(start)
    trace.on_request_chunk_sent.append(chunk_sent)
    trace.on_request_end.append(end)
    trace.on_response_chunk_received.append(chunk_received)
    return trace


ClientFactory = Callable[..., Any]


class Harness:
    """A FakeOry and OryClients pointed at it, with the exchanges they made."""

    def __init__(self, kind: str = "async") -> None:
        self.kind = kind
        self.exchanges: dict[str, list[Exchange]] = {"v1": [], "v0": []}
        self._stack: list[Any] = []

    async def start(self, api: str = "v1", **fake_options: Any) -> FakeOry:
        fake = FakeOry(api=api, seed=7, **fake_options)  # type: ignore[arg-type]
        await fake.start()
        self._stack.append(fake)
        return fake

    async def client(self, fake: FakeOry, **options: Any) -> OryClient:
        options.setdefault("retry", RetryPolicy(wait_initial=0.0, wait_jitter=0.0, wait_max=0.0))
        if self.kind == "sync":
            # The blocking client owns its session (no trace): the wire is the async core's.
            blocking = ory_sync.OryClient(
                fake.url, public_url=fake.public_url, api=fake.api, **options
            )
            client = facade(blocking)
            self._stack.append(client)
            return client
        session = aiohttp.ClientSession(
            trace_configs=[_tracing(self.exchanges[fake.api])], cookie_jar=aiohttp.DummyCookieJar()
        )
        self._stack.append(session)
        client = OryClient(
            fake.url, public_url=fake.public_url, api=fake.api, session=session, **options
        )
        self._stack.append(client)
        return client

    async def close(self) -> None:
        for item in reversed(self._stack):
            if isinstance(item, FakeOry):
                await item.stop()
            else:
                await item.close()

    def contract_problems(self) -> list[str]:
        return [
            p for api, exchanges in self.exchanges.items() for e in exchanges for p in check(api, e)
        ]


@pytest.fixture(params=["async", "sync"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    kind = str(request.param)
    if kind == "sync" and request.node.get_closest_marker("async_only"):
        pytest.skip("needs the async client's internals or its request trace")
    h = Harness(kind)
    try:
        yield h
    finally:
        await h.close()
    problems = h.contract_problems()
    assert not problems, "requests or responses that break the spec:\n" + "\n".join(problems[:20])


@pytest.fixture
async def fake(harness: Harness) -> FakeOry:
    return await harness.start("v1")


@pytest.fixture
async def ory(harness: Harness, fake: FakeOry) -> OryClient:
    return await harness.client(fake)


@pytest.fixture
async def fake_v0(harness: Harness) -> FakeOry:
    return await harness.start("v0")


@pytest.fixture
async def ory_v0(harness: Harness, fake_v0: FakeOry) -> OryClient:
    return await harness.client(fake_v0)
