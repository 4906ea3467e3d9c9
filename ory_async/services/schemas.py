"""``ory.schemas``: the identity JSON Schemas the server validates traits against."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .. import models
from .._pagination import AsyncPager
from .._urls import segment
from ..auth import Auth
from ._base import Service

if TYPE_CHECKING:
    from ..models import IdentitySchemaContainer

__all__ = ["SchemasService"]

MAX_PER_PAGE: Final = 1000


class SchemasService(Service):
    """Identity schemas (``/schemas``, a public route; v0 serves it on the admin URL)."""

    __slots__ = ()

    async def get(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """Get one identity schema as raw JSON Schema (``GET /schemas/{id}``).

        ``id`` is the schema id (``default``) or its base64url form as found at the end of
        an identity's ``schema_url``.

        Raises:
            NotFoundError: no schema has this id.
        """
        request = self._request(
            "GET", self._public_url("schemas", segment(id)), auth=auth, timeout=timeout
        )
        return await self._transport.call(request, dict[str, Any])

    def list(
        self,
        *,
        per_page: int | None = None,
        page: int | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[IdentitySchemaContainer]:
        """List identity schemas (``GET /schemas``, v1): ``await`` for a page, ``async for`` for all.

        Kratos's schema pages overlap; the walk yields each schema once.
        ``page_size``/``page_token`` use the token form (``page_token`` resumes an
        earlier walk), ``per_page``/``page`` the legacy one.

        Raises (before any request):
            ValueError: both paging forms, or page sizes out of range.
        """
        self._require("v1", "schemas.list")
        return self._either_form_pager(
            self._public_url("schemas"),
            (per_page, page, page_size, page_token),
            item_type=models.IdentitySchemaContainer,
            max_size=MAX_PER_PAGE,
            auth=auth,
            timeout=timeout,
        )
