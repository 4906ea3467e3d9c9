"""``ory.metrics``: the server's Prometheus metrics."""

from __future__ import annotations

from ..auth import Auth
from ._base import Service

__all__ = ["MetricsService"]


class MetricsService(Service):
    """Prometheus metrics (``/admin/metrics/prometheus`` on v1, ``/metrics/prometheus`` on v0)."""

    __slots__ = ()

    async def prometheus(self, *, auth: Auth | None = None, timeout: float | None = None) -> str:
        """The metrics in Prometheus text exposition format (not JSON)."""
        request = self._request(
            "GET",
            self._admin_url("metrics", "prometheus"),
            headers={"Accept": "text/plain"},
            auth=auth,
            timeout=timeout,
        )
        return await self._transport.call_text(request)
