"""pytest plugin providing the ``ory_fake`` fixture.

Enable it in your top-level ``conftest.py``::

    pytest_plugins = ["ory_async.testing.pytest_plugin"]
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from ._server import FakeOry


@pytest_asyncio.fixture
async def ory_fake() -> AsyncIterator[FakeOry]:
    """A fresh, started v1 :class:`FakeOry` without API key, stopped after the test."""
    async with FakeOry() as fake:
        yield fake
