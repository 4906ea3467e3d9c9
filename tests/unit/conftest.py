"""Clients for the mocked-HTTP service tests (aioresponses answers for these URLs)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final
from urllib.parse import parse_qsl

import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from ory_async import OryClient, RetryPolicy
from tests.conftest import SECRET
from tests.kratos_paging import PagingServer

BASE: Final = "http://127.0.0.1:4434"
PUBLIC: Final = "http://127.0.0.1:4433"
ANY: Final = re.compile(r"^http://127\.0\.0\.1:443[34]/.*$")


def query_of(url: URL) -> list[tuple[str, str]]:
    """The query of ``url`` as sorted pairs (repeated keys kept)."""
    return sorted(parse_qsl(url.raw_query_string, keep_blank_values=True))


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


Start = Callable[[PagingServer], Awaitable[OryClient]]


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
