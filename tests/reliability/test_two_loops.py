"""One client, two event loops: the clear OryError stays, and nothing of the first loop
is left open (its socket is closed when that loop ends, without a ResourceWarning)."""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from collections.abc import Iterator

import pytest

from ory_async import OryClient, OryError
from tests.kit.raw_server import RawServer, fixed

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class ServerThread:
    """A RawServer on a loop of its own, in a thread, so it outlives the client's loops."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = RawServer(fixed(OK), keep_alive=True)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> RawServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self.server

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture
def server() -> Iterator[RawServer]:
    with ServerThread() as running:
        yield running


def test_a_second_loop_gets_the_clear_error_and_the_first_loops_socket_is_closed(
    server: RawServer,
) -> None:
    gc.collect()  # what earlier tests left behind is not this test's business
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ory = OryClient(server.url)  # built outside any loop, as at import time
        asyncio.run(ory.ping())
        # The first loop has ended: its connection was closed as it shut down.
        assert server.hung_up.wait(10)
        assert server.closed_by_client == 1
        with pytest.raises(OryError, match="first used in another event loop"):
            asyncio.run(ory.ping())
        assert len(server.heads) == 1  # the second loop sent nothing
        del ory
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_client_closed_in_its_loop_leaves_nothing_for_the_next(server: RawServer) -> None:
    ory = OryClient(server.url)

    async def use_and_close() -> None:
        await ory.ping()
        await ory.close()

    gc.collect()  # what earlier tests left behind is not this test's business
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(use_and_close())
        assert server.hung_up.wait(10)
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_first_loop_still_running_keeps_its_session(server: RawServer) -> None:
    # Another thread's loop uses the client; the main thread's loop is refused, and the
    # first loop's session is left working (it is not closed behind its back).
    first = asyncio.new_event_loop()
    thread = threading.Thread(target=first.run_forever, daemon=True)
    thread.start()
    try:
        ory = OryClient(server.url)
        asyncio.run_coroutine_threadsafe(ory.ping(), first).result(10)
        with pytest.raises(OryError, match="first used in another event loop"):
            asyncio.run(ory.ping())
        asyncio.run_coroutine_threadsafe(ory.ping(), first).result(10)
        assert len(server.heads) == 2
        asyncio.run_coroutine_threadsafe(ory.close(), first).result(10)
    finally:
        first.call_soon_threadsafe(first.stop)
        thread.join(10)
        first.run_until_complete(first.shutdown_asyncgens())
        first.close()
