"""Readers of the vendored reference data in ``tests/data`` (specs, payloads, SDK references).

The data lives in the repository, so a fresh clone tests itself; ``tests/data/README.md``
names where each file comes from. A missing file is an error, never a skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import orjson

DATA_DIR: Final = Path(__file__).resolve().parents[1] / "data"


def data_dir() -> Path:
    """The vendored data root: ``openapi/``, ``fixtures/kratos/`` and ``seeds/`` under it."""
    return DATA_DIR


def shared_dir() -> Path:
    """The vendored data root (the same as :func:`data_dir`; kept for existing callers)."""
    return DATA_DIR


def require_shared() -> Path:
    """The vendored data root; raises when it is missing (it ships with the repository)."""
    if not DATA_DIR.is_dir():
        raise FileNotFoundError(f"vendored test data missing at {DATA_DIR}")
    return DATA_DIR


def fixture_bytes(relative: str) -> bytes:
    """The bytes of ``fixtures/kratos/<relative>``."""
    return (require_shared() / "fixtures" / "kratos" / relative).read_bytes()


def fixture_json(relative: str) -> Any:
    """The parsed JSON of ``fixtures/kratos/<relative>``."""
    return orjson.loads(fixture_bytes(relative))
