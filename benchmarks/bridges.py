"""How a blocking call can reach asyncio code: the designs weighed for ``ory_async.sync``.

``python -m benchmarks.bridges`` times a trivial coroutine run from plain code each way
(client CPU and wall time per call, every thread counted):

* ``shared loop, run_coroutine_threadsafe``: one loop in a background thread; the
  caller waits on a ``concurrent.futures.Future``;
* ``shared loop, lock hand-off`` (the design chosen): the same loop; the caller waits
  on a bare lock that a wrapper task releases;
* ``loop per thread``: each calling thread keeps its own loop and runs the coroutine
  in it (no thread hop, but one connection pool and one pacer per thread, and a client
  bound to one loop cannot be shared);
* ``asyncio.run per call``: a new loop for every call (and, for a real client, a new
  connection each time).
"""

from __future__ import annotations

import _thread
import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

CALLS = 20_000


async def _work() -> int:
    return 1


def _designs() -> tuple[list[tuple[str, Callable[[], Any], int]], Callable[[], None]]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def futures() -> Any:
        return asyncio.run_coroutine_threadsafe(_work(), loop).result()

    def lock_handoff() -> Any:
        done = _thread.allocate_lock()
        done.acquire()
        box: list[Any] = []

        async def runner() -> None:
            try:
                box.append(await _work())
            finally:
                done.release()

        loop.call_soon_threadsafe(loop.create_task, runner())
        done.acquire()
        return box[0]

    own = asyncio.new_event_loop()

    def per_thread() -> Any:
        return own.run_until_complete(_work())

    def per_call() -> Any:
        return asyncio.run(_work())

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        own.close()

    return [
        ("shared loop, run_coroutine_threadsafe", futures, CALLS),
        ("shared loop, lock hand-off (chosen)", lock_handoff, CALLS),
        ("loop per thread", per_thread, CALLS),
        ("asyncio.run per call", per_call, CALLS // 10),
    ], stop


def run() -> list[tuple[str, float, float]]:
    """``(design, CPU µs per call, wall µs per call)`` for each design."""
    designs, stop = _designs()
    results = []
    try:
        for name, call, count in designs:
            for _ in range(200):
                call()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(count):
                call()
            results.append(
                (
                    name,
                    (time.process_time() - cpu) / count * 1e6,
                    (time.perf_counter() - wall) / count * 1e6,
                )
            )
    finally:
        stop()
    return results


if __name__ == "__main__":
    for name, cpu, wall in run():
        print(f"{name:40} {cpu:6.1f} µs CPU  {wall:6.1f} µs wall")
