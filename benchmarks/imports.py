"""Workload d: the time ``import <client>`` takes in a fresh interpreter (median of runs).

The floor is ``import aiohttp, orjson``, what any asyncio client built on them pays.
Every client is imported once untimed first, with bytecode writing allowed, so each
timed run reads compiled bytecode as an installed package does (pip compiles it at
install time); otherwise an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would
compile its modules from source on every run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from typing import Final

from .common import ORY_ASYNC, RAW, SDK_MODULES

MODULES: Final = {RAW: "aiohttp, orjson", ORY_ASYNC: "ory_async", **SDK_MODULES}
_PROGRAM: Final = (
    "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
)


def once(client: str, python: str = sys.executable) -> float:
    """Seconds one fresh interpreter spends on the import."""
    program = _PROGRAM.format(module=MODULES[client])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(  # noqa: S603
        [python, "-c", program], check=True, capture_output=True, text=True, env=env
    ).stdout
    return float(out.strip().splitlines()[-1])


def run(client: str, *, runs: int = 10, python: str = sys.executable) -> dict[str, float]:
    """The median import time of ``client`` over ``runs`` fresh interpreters (after one untimed)."""
    once(client, python)
    return {"seconds": statistics.median(once(client, python) for _ in range(runs))}
