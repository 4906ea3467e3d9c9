"""What every service shares: building requests for the client's URLs and credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from yarl import URL

from .. import _serde
from .._transport import Request
from .._urls import QueryValue, build_query, join_path
from ..auth import Auth
from ..errors import UnsupportedOperationError

if TYPE_CHECKING:
    from .._client import OryClient

__all__ = ["Service"]


class Service:
    """Base of the per-resource services (``ory.identities``, ``ory.sessions``, ...).

    A service only describes endpoints: which URL, method, query and body. Sending,
    retrying and decoding are the transport's job.
    """

    __slots__ = ("_client",)

    def __init__(self, client: OryClient) -> None:
        self._client = client

    @property
    def _api(self) -> Literal["v1", "v0"]:
        return self._client.api

    def _require(self, api: Literal["v1", "v0"], operation: str) -> None:
        if self._client.api != api:
            msg = (
                f"{operation} does not exist in the {self._client.api} API; it needs a server "
                f"that speaks api={api!r}"
            )
            raise UnsupportedOperationError(msg)

    def _admin_url(self, *segments: str) -> URL:
        """An admin URL: ``/admin/...`` on v1, the bare path on v0 (segments already encoded)."""
        base = self._client.base_url
        if self._client.api == "v1":
            return join_path(base, "admin", *segments)
        return join_path(base, *segments)

    def _public_url(self, *segments: str) -> URL:
        """A frontend URL (whoami, flows, schemas): the public URL on v1, the admin URL on v0."""
        base = self._client.public_url if self._client.api == "v1" else self._client.base_url
        return join_path(base, *segments)

    def _request(
        self,
        method: str,
        url: URL,
        *,
        query: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        auth: Auth | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Request:
        if query:
            pairs = build_query(query)
            if pairs:
                url = url.with_query(pairs)
        body = None if json is None else _serde.encode(json)
        return Request(
            method=method,
            url=url,
            body=body,
            auth=auth if auth is not None else self._client.auth,
            headers=headers,
        )
