"""The fields every api self-service flow starts with, as Kratos sends them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ._util import format_time

FLOW_LIFESPAN = timedelta(hours=1)
"""How long a new flow stays open (Kratos's default ``lifespan``)."""


def api_flow(
    public_url: str,
    kind: str,
    flow_id: str,
    now: datetime,
    ui: dict[str, Any],
    *,
    expires_at: datetime | None = None,
    query: str = "",
) -> dict[str, Any]:
    """An api ``kind`` flow's id, times, request URL and form (``ui`` plus its action)."""
    return {
        "id": flow_id,
        "type": "api",
        "expires_at": format_time(now + FLOW_LIFESPAN if expires_at is None else expires_at),
        "issued_at": format_time(now),
        "request_url": f"{public_url}/self-service/{kind}/api{query}",
        "ui": {
            "action": f"{public_url}/self-service/{kind}?flow={flow_id}",
            "method": "POST",
            **ui,
        },
    }
