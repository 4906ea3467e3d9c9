"""Which HTTP methods are safe to repeat: the one list retries, errors and messages read."""

from __future__ import annotations

from typing import Final

__all__ = ["IDEMPOTENT_METHODS", "SAFE_METHODS"]

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that only read: a lost answer to one of them never leaves a change behind."""

IDEMPOTENT_METHODS: Final = SAFE_METHODS | {"PUT", "DELETE"}
"""Methods that are safe to send twice: retried by default, and a lost answer changes nothing."""
