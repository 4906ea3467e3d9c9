"""pytest plugin providing the ``ory_fake`` (async) and ``ory_fake_sync`` fixtures.

Enable it in your top-level ``conftest.py``::

    pytest_plugins = ["ory_async.testing.pytest_plugin"]

Both fixtures start their :class:`FakeOry` with the options ``ory_fake_options`` returns
(none by default). Override that fixture in a ``conftest.py`` or a test module to give
every test there an API key, a seed or any other constructor argument::

    @pytest.fixture
    def ory_fake_options() -> FakeOryOptions:
        return {"api_key": "ory_pat_test", "seed": 7}
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from ._options import FakeOryOptions
from ._server import FakeOry
from ._threaded import serve_in_thread


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    """The :class:`FakeOry` constructor arguments of ``ory_fake`` and ``ory_fake_sync``.

    Empty by default (a v1 fake without API key, random ids); override it to change them.
    """
    return {}


@pytest_asyncio.fixture
async def ory_fake(ory_fake_options: FakeOryOptions) -> AsyncIterator[FakeOry]:
    """A fresh, started :class:`FakeOry` built from ``ory_fake_options``, stopped after the test."""
    async with FakeOry(**ory_fake_options) as fake:
        yield fake


@pytest.fixture
def ory_fake_sync(ory_fake_options: FakeOryOptions) -> Iterator[FakeOry]:
    """Like ``ory_fake``, served from a background thread: for synchronous tests and SDKs."""
    with serve_in_thread(**ory_fake_options) as fake:
        yield fake
