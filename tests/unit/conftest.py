"""Clients for the mocked-HTTP service tests (aioresponses answers for these URLs)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestServer

from ory_async import OryClient, RetryPolicy
from tests.kit.keys import SECRET
from tests.kit.kratos_paging import PagingServer
from tests.kit.mocked import BASE, PUBLIC, Start


@pytest.fixture
async def ory() -> AsyncIterator[OryClient]:
    """A v1 client with an API key, no retries."""
    async with OryClient(
        BASE, public_url=PUBLIC, access_token=SECRET, retry=RetryPolicy.none()
    ) as client:
        yield client


@pytest.fixture
async def ory_v0() -> AsyncIterator[OryClient]:
    """A v0 client without credentials, no retries."""
    async with OryClient(BASE, public_url=PUBLIC, api="v0", retry=RetryPolicy.none()) as client:
        yield client


@pytest.fixture
async def start(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[Start]:
    """Starts a Kratos-like paging server and a retrying client for it (closed after)."""
    clients: list[OryClient] = []

    async def run(paging: PagingServer) -> OryClient:
        server = await aiohttp_server(paging.app())
        client = OryClient(str(server.make_url("/")), access_token=SECRET, retry=RetryPolicy())
        clients.append(client)
        return client

    yield run
    for client in clients:
        await client.close()
