"""Which Ory Network rate-limit bucket an endpoint counts against."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ._bucket_table import BUCKETS

__all__ = ["UNMAPPED", "BucketMap", "bucket_for"]

UNMAPPED: Final = "unmapped"
"""The bucket name of every endpoint the map does not know."""

_Pattern = tuple[str | None, ...]  # a literal segment, or None for a path parameter


class BucketMap:
    """Matches ``(method, path)`` against templates like ``/admin/identities/{id}``.

    A path with more literal segments in its template wins over one with parameters
    (``/admin/identities/by/external/{id}`` over ``/admin/identities/{id}/...``).
    """

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        by_shape: dict[tuple[str, int], list[tuple[_Pattern, str]]] = {}
        for method, template, bucket in entries:
            segments = tuple(
                None if s.startswith("{") else s for s in template.strip("/").split("/")
            )
            by_shape.setdefault((method, len(segments)), []).append((segments, bucket))
        for patterns in by_shape.values():
            patterns.sort(key=lambda p: -sum(s is not None for s in p[0]))
        self._by_shape = by_shape

    def bucket_for(self, method: str, path: str) -> str:
        """The bucket of ``method path`` (a raw path, no query), or :data:`UNMAPPED`."""
        found = self._match(method, path)
        if found is None and not path.startswith("/admin/"):
            # Legacy Kratos serves the admin API without the /admin prefix.
            found = self._match(method, "/admin" + path)
        return found or UNMAPPED

    def _match(self, method: str, path: str) -> str | None:
        segments = path.strip("/").split("/")
        patterns = self._by_shape.get((method, len(segments)))
        if not patterns:
            return None
        for pattern, bucket in patterns:
            if all(p is None or p == s for p, s in zip(pattern, segments, strict=True)):
                return bucket
        return None


_DEFAULT: Final = BucketMap(BUCKETS)


def bucket_for(method: str, path: str) -> str:
    """Ory Network's bucket for ``method path`` (see :class:`BucketMap`)."""
    return _DEFAULT.bucket_for(method, path)
