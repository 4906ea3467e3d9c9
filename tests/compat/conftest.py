"""Ory's official Python SDK (``ory-client``, synchronous) against FakeOry over loopback.

FakeOry runs in the test's event loop; every SDK call runs in a worker thread
(``asyncio.to_thread``) so the loop keeps serving while the SDK blocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import ory_client
import pytest

from ory_async.testing import FakeOry, FakeOryOptions

API_KEY = "ory_pat_compat"


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"api_key": API_KEY, "dev_mode": True}


@pytest.fixture
def client(ory_fake: FakeOry) -> Iterator[ory_client.ApiClient]:
    """An SDK client pointed at FakeOry's admin URL with the API key."""
    config = ory_client.Configuration(host=ory_fake.url, access_token=API_KEY)
    with ory_client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture
def public_client(ory_fake: FakeOry) -> Iterator[ory_client.ApiClient]:
    """An SDK client pointed at FakeOry's public URL, without a key."""
    config = ory_client.Configuration(host=ory_fake.public_url)
    with ory_client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture
def identity_api(client: ory_client.ApiClient) -> ory_client.IdentityApi:
    return ory_client.IdentityApi(client)
