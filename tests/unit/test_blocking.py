"""The blocking client's hard parts: threads, event loops, fork, shutdown, Ctrl-C, time limits.

Its everyday behaviour (every service method, pagers, bulk streams, errors) is checked by
the integration suite, which runs each test with both clients (tests/integration).
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ory_async import ClientClosedError, NotFoundError, RequestTimeoutError, RetryPolicy, Timeouts
from ory_async import OryClient as AsyncOryClient
from ory_async.sync import BlockingCallInEventLoopError, OryClient, Pager, ResultStream
from ory_async.sync._runtime import THREAD_NAME, runtime
from ory_async.testing import FakeOry, FakeOryOptions

ROOT = Path(__file__).resolve().parents[2]
KEY = "ory_pat_SYNC_0123456789"
NO_WAIT = RetryPolicy(wait_initial=0.0, wait_jitter=0.0, wait_max=0.0)


def loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"api_key": KEY, "seed": 3}


@pytest.fixture
def ory(ory_fake_sync: FakeOry) -> Iterator[OryClient]:
    with OryClient(
        ory_fake_sync.url, public_url=ory_fake_sync.public_url, access_token=KEY, retry=NO_WAIT
    ) as client:
        yield client
    assert not loop_threads()


def test_generated_module_is_current() -> None:
    """A new service or method of the async client needs ``python tools/gen_sync.py``."""
    done = subprocess.run(
        [sys.executable, "tools/gen_sync.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_every_async_method_has_a_blocking_twin(ory: OryClient) -> None:
    twin = ory._async()
    for name in ("identities", "sessions", "schemas", "recovery", "flows", "metrics", "courier"):
        service, async_service = getattr(ory, name), getattr(twin, name)
        public = {n for n in dir(type(async_service)) if not n.startswith("_")}
        assert public <= set(dir(service)), name
        for method in public:
            mine = inspect.signature(getattr(service, method))
            theirs = inspect.signature(getattr(async_service, method))
            assert list(mine.parameters) == list(theirs.parameters), f"{name}.{method}"
    assert isinstance(ory.identities.list(), Pager)
    assert isinstance(ory.identities.get_many([]), ResultStream)


def test_a_hundred_threads_share_one_loop_and_pool(ory: OryClient, ory_fake_sync: FakeOry) -> None:
    ids = ory_fake_sync.seed_identities(100)
    barrier = threading.Barrier(100)
    got: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            got[n] = ory.identities.get(ids[n]).id
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert got == dict(enumerate(ids))
    assert len(loop_threads()) == 1
    assert ory.stats.requests == 100  # one transport: one pool, one pacer
    assert sorted(r.path for r in ory_fake_sync.requests.matching("GET")) == sorted(
        f"/admin/identities/{i}" for i in ids
    )


def test_calling_inside_a_running_loop_is_a_clear_error(
    ory: OryClient, ory_fake_sync: FakeOry
) -> None:
    async def main() -> None:
        ory.identities.get("00000000-0000-4000-8000-000000000001")

    with pytest.raises(BlockingCallInEventLoopError, match=r"use ory_async\.OryClient and await"):
        asyncio.run(main())
    # On the client's own loop (a callback there) it is the same error, not a deadlock.
    ory.metadata.version()  # starts the loop

    async def on_the_client_loop() -> None:
        ory.metadata.version()

    with pytest.raises(BlockingCallInEventLoopError):
        runtime.run(on_the_client_loop())
    assert not [r for r in ory_fake_sync.requests if r.path.startswith("/admin/identities")]
    assert ory.metadata.version()  # and the client goes on working


def test_close_stops_the_loop_thread_once_no_client_needs_it(ory_fake_sync: FakeOry) -> None:
    one = OryClient(ory_fake_sync.url, access_token=KEY)
    two = OryClient(ory_fake_sync.url, access_token=KEY)
    assert not loop_threads()  # nothing starts before the first call
    one.metadata.version()
    two.metadata.version()
    (thread,) = loop_threads()
    one.close()
    assert thread.is_alive()
    assert two.metadata.version()
    two.close()
    two.close()  # idempotent
    assert not thread.is_alive()
    with pytest.raises(ClientClosedError):
        two.metadata.version()
    with pytest.raises(ClientClosedError), two:
        pass


def test_a_client_dropped_without_close_takes_its_thread_along(ory_fake_sync: FakeOry) -> None:
    client = OryClient(ory_fake_sync.url, access_token=KEY)
    client.metadata.version()
    (thread,) = loop_threads()
    del client
    gc.collect()
    thread.join(10)
    assert not thread.is_alive()


def test_views_share_the_client_and_close_with_it(ory: OryClient, ory_fake_sync: FakeOry) -> None:
    (ident,) = ory_fake_sync.seed_identities(1)
    anonymous = ory.with_auth(None)
    with pytest.raises(Exception, match="401|Unauthorized|credentials"):
        anonymous.identities.get(ident)
    anonymous.close()  # a view's close does nothing
    assert ory.identities.get(ident).id == ident
    assert anonymous._async()._transport is ory._async()._transport
    ory.close()
    with pytest.raises(ClientClosedError):
        anonymous.identities.get(ident)


def test_ctrl_c_cancels_the_call_and_the_client_goes_on(ory_fake_sync: FakeOry) -> None:
    ory = OryClient(ory_fake_sync.url, access_token=KEY, timeouts=5, retry=RetryPolicy.none())
    (slow, quick) = ory_fake_sync.seed_identities(2)
    fault = ory_fake_sync.faults.add(f"/admin/identities/{slow}", status=None, delay=60)
    main = threading.get_ident()

    def interrupt() -> None:
        deadline = time.monotonic() + 30
        while fault.hits == 0 and time.monotonic() < deadline:
            time.sleep(0.001)  # wait until the request is in flight, then press Ctrl-C
        signal.pthread_kill(main, signal.SIGINT)

    presser = threading.Thread(target=interrupt)
    presser.start()
    with pytest.raises(KeyboardInterrupt):
        ory.identities.get(slow)
    presser.join()
    assert fault.hits == 1
    # Cancelled, not left to run into its timeout (which would count as a failure).
    assert ory.stats.failures == 0
    assert ory.identities.get(quick).id == quick
    ory.close()


def test_timeouts_and_deadline_behave_as_in_async(ory_fake_sync: FakeOry) -> None:
    (ident,) = ory_fake_sync.seed_identities(1)
    ory_fake_sync.faults.add(f"/admin/identities/{ident}", status=None, delay=30, times=None)
    with OryClient(
        ory_fake_sync.url, access_token=KEY, timeouts=0.2, retry=RetryPolicy.none()
    ) as ory:
        with pytest.raises(RequestTimeoutError):
            ory.identities.get(ident)
        with pytest.raises(RequestTimeoutError):
            ory.identities.get(ident, timeout=0.1)
    with (
        OryClient(
            ory_fake_sync.url, access_token=KEY, timeouts=Timeouts(deadline=0.3), retry=NO_WAIT
        ) as ory,
        pytest.raises(RequestTimeoutError, match="deadline|0.3"),
    ):
        ory.identities.get(ident)


def test_errors_are_the_async_clients(ory: OryClient) -> None:
    with pytest.raises(NotFoundError) as info:
        ory.identities.get("00000000-0000-4000-8000-000000000009")
    assert info.value.status == 404
    assert KEY not in repr(ory)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_a_forked_child_never_uses_the_parents_loop_or_sockets(
    ory: OryClient, ory_fake_sync: FakeOry
) -> None:
    (ident,) = ory_fake_sync.seed_identities(1)
    assert ory.identities.get(ident).id == ident  # the parent's loop and pool are in use
    parent_client = ory._async()
    parent_loop = runtime._loop
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            got = ory.identities.get(ident).id
            report = {
                "got": got,
                "new_client": ory._async() is not parent_client,
                "new_loop": runtime._loop is not parent_loop,
                "threads": [t.name for t in threading.enumerate()],
            }
            ory.close()
            report["threads_after_close"] = [t.name for t in threading.enumerate()]
            os.write(write, json.dumps(report).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        report = json.loads(pipe.read() or "{}")
    assert os.waitstatus_to_exitcode(status) == 0
    assert report["got"] == ident
    assert report["new_client"]
    assert report["new_loop"]
    assert report["threads"].count(THREAD_NAME) == 1
    assert THREAD_NAME not in report["threads_after_close"]
    # The parent's pool was left alone: it still answers.
    assert ory._async() is parent_client
    assert ory.identities.get(ident).id == ident


def test_interpreter_exit_closes_clients_and_leaves_no_thread(ory_fake_sync: FakeOry) -> None:
    script = textwrap.dedent(
        f"""
        import atexit, threading

        def check():  # registered first, so it runs after the client's exit hook
            print("threads:", [t.name for t in threading.enumerate() if t.name != "MainThread"])

        atexit.register(check)
        from ory_async.sync import OryClient
        ory = OryClient({ory_fake_sync.url!r}, access_token={KEY!r})
        ory.metadata.version()
        print("called")
        """
    )
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["called", "threads: []"]
    assert done.stderr == ""  # no unclosed session, socket or loop


def test_async_and_blocking_clients_take_the_same_options() -> None:
    mine = inspect.signature(OryClient)
    theirs = inspect.signature(AsyncOryClient)
    assert set(theirs.parameters) - set(mine.parameters) == {"session"}
    with pytest.raises(ValueError, match="max_concurrency"):
        OryClient("http://127.0.0.1:1", max_concurrency=0)


def test_raw_responses(ory: OryClient, ory_fake_sync: FakeOry) -> None:
    (ident,) = ory_fake_sync.seed_identities(1)
    raw = ory.with_raw_response(ory.identities.get)(ident)
    assert raw.status == 200
    assert raw.parsed.id == ident
    assert raw.headers["Content-Type"].startswith("application/json")
    loose = ory.with_raw_response.identities.get(ident)
    assert loose.parsed.id == ident
    with pytest.raises(TypeError, match="a method of one of the client's services"):
        ory.with_raw_response(print)
