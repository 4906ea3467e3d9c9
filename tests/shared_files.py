"""Where the project's shared reference material lives (../shared beside the checkout)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest


def shared_dir() -> Path:
    """``$ORY_ASYNC_SHARED`` or ``../shared`` next to the repository."""
    override = os.environ.get("ORY_ASYNC_SHARED")
    return Path(override) if override else Path(__file__).resolve().parents[1].parent / "shared"


def require_shared() -> Path:
    """The shared dir; fails in CI and skips elsewhere when it is missing."""
    path = shared_dir()
    if not path.is_dir():
        message = f"shared reference material not found at {path} (set ORY_ASYNC_SHARED)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def fixture_bytes(relative: str) -> bytes:
    """The bytes of ``fixtures/kratos/<relative>``."""
    return (require_shared() / "fixtures" / "kratos" / relative).read_bytes()


def fixture_json(relative: str) -> Any:
    """The parsed JSON of ``fixtures/kratos/<relative>``."""
    return orjson.loads(fixture_bytes(relative))
