"""FakeOry on its own event loop in a background thread, for synchronous test suites."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Unpack

from ._options import FakeOryOptions
from ._server import FakeOry

START_TIMEOUT = 30.0


@contextmanager
def serve_in_thread(**kwargs: Unpack[FakeOryOptions]) -> Iterator[FakeOry]:
    """Start a :class:`FakeOry` (``kwargs`` as for its constructor) in a daemon thread.

    For code that blocks, such as Ory's official synchronous SDK::

        with serve_in_thread(api_key="ory_pat_test") as fake:
            config = ory_client.Configuration(host=fake.url, access_token="ory_pat_test")

    Seeding (``fake.seed_identities(...)``, ``fake.create_session(...)``) and reading
    ``fake.identities`` or ``fake.requests`` from the test's thread is safe while no
    request is being answered, which is always the case between two blocking calls.
    """
    fake = FakeOry(**kwargs)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="FakeOry", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(fake.start(), loop).result(START_TIMEOUT)
        try:
            yield fake
        finally:
            asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(START_TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_TIMEOUT)
        loop.close()
