"""What FakeOry remembers about the requests it received."""

from __future__ import annotations

from dataclasses import dataclass

from multidict import CIMultiDictProxy


@dataclass(frozen=True)
class RecordedRequest:
    """One request as FakeOry received it.

    Attributes:
        method: HTTP method.
        path: The path as sent (percent-decoded), without the query.
        raw_path: The path as sent, still percent-encoded.
        query_string: The raw query string.
        query: The decoded query as ``(key, value)`` pairs in order.
        headers: Request headers (case-insensitive).
        body: The request body bytes.
        site: ``"admin"`` or ``"public"``.
    """

    method: str
    path: str
    raw_path: str
    query_string: str
    query: list[tuple[str, str]]
    headers: CIMultiDictProxy[str]
    body: bytes
    site: str

    def query_values(self, key: str) -> list[str]:
        """All values of query parameter ``key``."""
        return [v for k, v in self.query if k == key]


class RequestLog(list[RecordedRequest]):
    """``fake.requests``: every recorded request, oldest first (``clear()`` empties it)."""

    def matching(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Requests with this method and/or exact path."""
        return [
            r
            for r in self
            if (method is None or r.method == method.upper()) and (path is None or r.path == path)
        ]
