"""Batch creation of identities (``PATCH /admin/identities``)."""

from __future__ import annotations

import attrs

from .._markers import UNSET, OpenEnum, Unset
from ..errors import GenericError
from .identities import CreateIdentityBody

__all__ = [
    "BatchPatchIdentitiesBody",
    "BatchPatchIdentitiesResponse",
    "IdentityPatch",
    "IdentityPatchAction",
    "IdentityPatchResponse",
    "PatchIdentitiesBody",
]


@attrs.frozen(kw_only=True, slots=True)
class IdentityPatch:
    """One entry of a batch create.

    ``create`` is the identity to create; ``patch_id`` (a UUID, optional) is echoed in the
    matching result.
    """

    create: CreateIdentityBody
    patch_id: str | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class BatchPatchIdentitiesBody:
    """The body of a batch create: up to 1000 entries (at most 200 with plain-text passwords)."""

    identities: list[IdentityPatch]


PatchIdentitiesBody = BatchPatchIdentitiesBody
"""The name Ory's generated SDKs use for :class:`BatchPatchIdentitiesBody`."""


class IdentityPatchAction(OpenEnum):
    """What happened to one batch entry."""

    CREATE = "create"
    ERROR = "error"


@attrs.frozen(kw_only=True, slots=True)
class IdentityPatchResponse:
    """The result for one batch entry.

    ``identity`` is the new id when ``action`` is ``create``; ``error`` says why when it is
    ``error`` (e.g. a 409 conflict).
    """

    action: IdentityPatchAction | str | None = None
    identity: str | None = None
    patch_id: str | None = None
    error: GenericError | None = None


@attrs.frozen(kw_only=True, slots=True)
class BatchPatchIdentitiesResponse:
    """The answer to a batch create: one result per entry, in request order.

    An entry the server could not read as a create comes back as ``None``. The answer is
    200 even when every entry failed; look at each result's ``action``.
    """

    identities: list[IdentityPatchResponse | None] = attrs.field(factory=list)
