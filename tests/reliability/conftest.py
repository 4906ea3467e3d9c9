"""Fixtures for the reliability suite: FakeOry plus a client, with a known credential."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ory_async import OryClient, RetryPolicy
from ory_async.testing import FakeOry

TOKEN = "ory_pat_RELIABILITY_SECRET_4f9c2b7e"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOry]:
    async with FakeOry(seed=11, api_key=TOKEN) as server:
        yield server


@pytest.fixture
async def ory(fake: FakeOry) -> AsyncIterator[OryClient]:
    async with OryClient(
        fake.url, public_url=fake.public_url, access_token=TOKEN, retry=RetryPolicy.none()
    ) as client:
        yield client
