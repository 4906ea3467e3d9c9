"""Fixtures for the reliability suite: FakeOry plus a client, with a known credential."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ory_async import OryClient, RetryPolicy
from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit.keys import TOKEN


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"seed": 11, "api_key": TOKEN}


@pytest.fixture
async def ory(ory_fake: FakeOry) -> AsyncIterator[OryClient]:
    async with OryClient(
        ory_fake.url, public_url=ory_fake.public_url, access_token=TOKEN, retry=RetryPolicy.none()
    ) as client:
        yield client
