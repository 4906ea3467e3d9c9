"""Benchmark servers in child processes: how the parent starts them and how they stop.

A server prints ``READY <word> ...`` on one line once it listens, and runs until the
parent closes its stdin (or dies) or sends SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent


def stop_requested() -> asyncio.Event:
    """An event of the running loop, set on SIGTERM or once the parent closes stdin."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def watch_stdin() -> None:
        sys.stdin.read()  # returns when the parent closes the pipe (or dies)
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    return stop


@contextlib.contextmanager
def child_server(cmd: Sequence[str], what: str, words: int) -> Iterator[list[str]]:
    """Run ``cmd`` (a server) in a child process; yield the ``words`` of its READY line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(  # noqa: S603
        list(cmd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, env=env, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if len(line) != words + 1 or line[0] != "READY":
            msg = f"the {what} did not start (exit code {proc.poll()})"
            raise RuntimeError(msg)
        yield line[1:]
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
