"""``ory.schemas``: the identity JSON Schemas the server validates traits against."""

from __future__ import annotations

from typing import Any, Final

from .._pagination import AsyncPager
from .._urls import segment
from ..auth import Auth
from ..models import IdentitySchemaContainer
from ._base import Service, check_int

__all__ = ["SchemasService"]

MAX_PER_PAGE: Final = 1000


class SchemasService(Service):
    """Identity schemas (``/schemas``, a public route; v0 serves it on the admin URL)."""

    __slots__ = ()

    async def get(self, id: str, *, auth: Auth | None = None) -> dict[str, Any]:
        """Get one identity schema as raw JSON Schema (``GET /schemas/{id}``).

        ``id`` is the schema id (``default``) or its base64url form as found at the end of
        an identity's ``schema_url``.

        Raises:
            NotFoundError: no schema has this id.
        """
        request = self._request("GET", self._public_url("schemas", segment(id)), auth=auth)
        return await self._transport.call(request, dict[str, Any])

    def list(
        self, *, per_page: int | None = None, page: int | None = None, auth: Auth | None = None
    ) -> AsyncPager[IdentitySchemaContainer]:
        """List identity schemas (``GET /schemas``, v1): ``await`` for a page, ``async for`` for all.

        Kratos's schema pages overlap; the walk yields each schema once.
        """
        self._require("v1", "schemas.list")
        size = check_int("per_page", per_page, low=1, high=MAX_PER_PAGE) or 250
        start = check_int("page", page, low=0) or 0
        return self._pager(
            self._public_url("schemas"),
            {"page": start, "per_page": size},
            item_type=IdentitySchemaContainer,
            style="page",
            per_page=size,
            auth=auth,
        )
