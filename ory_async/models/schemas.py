"""Identity schemas: the JSON Schemas identity traits are validated against."""

from __future__ import annotations

import attrs

from .common import JsonObject

__all__ = ["IdentitySchemaContainer"]


@attrs.frozen(kw_only=True, slots=True)
class IdentitySchemaContainer:
    """One entry of ``schemas.list``: a schema id and the raw JSON Schema.

    ``schemas.get`` returns the raw schema itself, as a ``dict``.
    """

    id: str
    schema: JsonObject
