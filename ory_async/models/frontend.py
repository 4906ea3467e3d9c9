"""Answers of the user-facing calls a server makes for its users (``ory.frontend``)."""

from __future__ import annotations

import attrs

__all__ = ["RevokedSessionsCount"]


@attrs.frozen(kw_only=True, slots=True)
class RevokedSessionsCount:
    """How many of the user's other sessions ``DELETE /sessions`` revoked."""

    count: int = 0
