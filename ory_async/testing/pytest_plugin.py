"""pytest plugin providing the ``ory_fake`` (async) and ``ory_fake_sync`` fixtures.

Enable it in your top-level ``conftest.py``::

    pytest_plugins = ["ory_async.testing.pytest_plugin"]
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from ._server import FakeOry
from ._threaded import serve_in_thread


@pytest_asyncio.fixture
async def ory_fake() -> AsyncIterator[FakeOry]:
    """A fresh, started v1 :class:`FakeOry` without API key, stopped after the test."""
    async with FakeOry() as fake:
        yield fake


@pytest.fixture
def ory_fake_sync() -> Iterator[FakeOry]:
    """Like ``ory_fake``, served from a background thread: for synchronous tests and SDKs."""
    with serve_in_thread() as fake:
        yield fake
