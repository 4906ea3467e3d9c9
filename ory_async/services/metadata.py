"""``ory.metadata``: the server's version and health checks."""

from __future__ import annotations

import attrs
from yarl import URL

from .._urls import join_path
from ..auth import Auth
from ._base import Service

__all__ = ["MetadataService"]


@attrs.frozen(kw_only=True, slots=True)
class _Version:
    version: str


class MetadataService(Service):
    """Version and health (``/version``, ``/health/alive``, ``/health/ready`` on the admin URL)."""

    __slots__ = ()

    def _root_url(self, *segments: str) -> URL:
        # Not under /admin: Kratos serves these at the root of both ports.
        return join_path(self._context.base_url, *segments)

    async def version(self, *, auth: Auth | None = None, timeout: float | None = None) -> str:
        """The version the server runs, e.g. ``"v1.3.1"`` (``GET /version``).

        With several server nodes, it is the version of the one that answered.
        """
        request = self._request("GET", self._root_url("version"), auth=auth, timeout=timeout)
        result: _Version = await self._transport.call(request, _Version)
        return result.version

    async def alive(self, *, auth: Auth | None = None, timeout: float | None = None) -> None:
        """Check that the server accepts requests (``GET /health/alive``; no database check).

        Raises:
            ApiError: the server answered but is not alive.
            TransportError: the server could not be reached.
        """
        request = self._request(
            "GET", self._root_url("health", "alive"), auth=auth, timeout=timeout
        )
        await self._transport.call_empty(request)

    async def ready(self, *, auth: Auth | None = None, timeout: float | None = None) -> None:
        """Check that the server and its database are ready (``GET /health/ready``).

        The same check as ``ory.ping()``.

        Raises:
            ServerError: 503 while the server is not ready (``.body`` lists why).
            TransportError: the server could not be reached.
        """
        request = self._request(
            "GET", self._root_url("health", "ready"), auth=auth, timeout=timeout
        )
        await self._transport.call_empty(request)
