"""Workload d: the time ``import <client>`` takes in a fresh interpreter (median of runs).

The floor is ``import aiohttp, orjson``, what any asyncio client built on them pays.
"""

from __future__ import annotations

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
    out = subprocess.run(  # noqa: S603
        [python, "-c", program], check=True, capture_output=True, text=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def run(client: str, *, runs: int = 10, python: str = sys.executable) -> dict[str, float]:
    """The median import time of ``client`` over ``runs`` fresh interpreters."""
    return {"seconds": statistics.median(once(client, python) for _ in range(runs))}
