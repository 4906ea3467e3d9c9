"""The servers and clients of one integration test, with every exchange recorded on the
client's side of the wire (checked against the OpenAPI spec when the test ends)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDict, MultiDict

from ory_async import OryClient, RetryPolicy
from ory_async import sync as ory_sync
from ory_async.testing import FakeOry
from tests.kit.differential import (
    DEVIATIONS,
)
from tests.kit.servers import ServerKind, ServerUnderTest
from tests.kit.spec import Exchange, check
from tests.kit.sync_facade import facade


class _RecordingContent:
    """A response's content stream that adds what ``iter_any`` reads to an exchange."""

    def __init__(self, content: aiohttp.StreamReader, exchange: Exchange) -> None:
        self._content = content
        self._exchange = exchange

    async def iter_any(self) -> AsyncIterator[bytes]:
        async for chunk in self._content.iter_any():
            self._exchange.response_body += chunk
            yield chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._content, name)


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
        ctx.exchange.response_headers = CIMultiDict(params.response.headers)
        # A body without Content-Length is read piece by piece (iter_any), which sends no
        # chunk signal: record those pieces where they are read.
        params.response.content = _RecordingContent(params.response.content, ctx.exchange)  # type: ignore[assignment]

    async def chunk_received(
        _: Any, ctx: SimpleNamespace, params: aiohttp.TraceResponseChunkReceivedParams
    ) -> None:
        ctx.exchange.response_body += params.chunk

    trace.on_request_start.append(start)
    trace.on_request_chunk_sent.append(chunk_sent)
    trace.on_request_end.append(end)
    trace.on_response_chunk_received.append(chunk_received)
    return trace


class Harness:
    """The servers and OryClients of one test, with the exchanges the clients made."""

    def __init__(self, client_kind: str = "async") -> None:
        self.client_kind = client_kind
        self.exchanges: dict[str, list[Exchange]] = {"v1": [], "v0": []}
        self._stack: list[Any] = []
        self.kind: ServerKind | None = None  # set when the test runs on ``server``
        self.scenario = ""

    async def start(self, api: str = "v1", **fake_options: Any) -> FakeOry:
        """A FakeOry of this test's own, stopped when the test ends."""
        fake = FakeOry(api=api, seed=7, **fake_options)  # type: ignore[arg-type]
        await fake.start()
        self._stack.append(fake)
        return fake

    async def client(self, server: FakeOry | ServerUnderTest, **options: Any) -> OryClient:
        """An OryClient on ``server`` whose exchanges this harness records.

        With the blocking client, the client owns its session (no trace).
        """
        options.setdefault("retry", RetryPolicy(wait_initial=0.0, wait_jitter=0.0, wait_max=0.0))
        if self.client_kind == "sync":
            blocking = ory_sync.OryClient(
                server.url, public_url=server.public_url, api=server.api, **options
            )
            wrapped = facade(blocking)
            self._stack.append(wrapped)
            return wrapped
        session = aiohttp.ClientSession(
            trace_configs=[_tracing(self.exchanges[server.api])],
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        self._stack.append(session)
        client = OryClient(
            server.url, public_url=server.public_url, api=server.api, session=session, **options
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


def customer_schema() -> dict[str, Any]:
    """The second identity schema both servers are configured with."""
    return dict(orjson.loads((DEVIATIONS.parent / "customer.schema.json").read_bytes()))
