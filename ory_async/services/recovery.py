"""``ory.recovery``: recovery codes and links an admin hands to a locked-out user."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .. import models
from .._markers import UNSET
from ..auth import Auth
from ._base import Service, check_str

if TYPE_CHECKING:
    from ..models import (
        FlowType,
        RecoveryCodeForIdentity,
        RecoveryLinkForIdentity,
    )

__all__ = ["RecoveryService"]


class RecoveryService(Service):
    """Account recovery (``/admin/recovery/...`` on v1, ``/recovery/link`` on v0)."""

    __slots__ = ()

    async def create_code(
        self,
        identity_id: str,
        *,
        expires_in: timedelta | str | None = None,
        flow_type: FlowType | str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> RecoveryCodeForIdentity:
        """Create a recovery code for an identity (``POST /admin/recovery/code``, v1, 201).

        ``expires_in`` is a :class:`~datetime.timedelta` or a Go duration (``"1h"``,
        ``"30m"``; no days); unset, the server's configured lifespan applies.
        ``flow_type`` is ``"browser"`` (default) or ``"api"``.

        Raises:
            ValueError: before any request, for a duration that is not a positive Go duration.
            NotFoundError: no identity has this id.
            BadRequestError: the server refused the duration.
        """
        self._require("v1", "recovery.create_code")
        body = models.CreateRecoveryCodeForIdentityBody(
            identity_id=_identity_id(identity_id),
            expires_in=UNSET if expires_in is None else expires_in,
            flow_type=UNSET if flow_type is None else flow_type,
        )
        request = self._request(
            "POST", self._admin_url("recovery", "code"), json=body, auth=auth, timeout=timeout
        )
        return await self._transport.call(request, models.RecoveryCodeForIdentity)

    async def create_link(
        self,
        identity_id: str,
        *,
        expires_in: timedelta | str | None = None,
        return_to: str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> RecoveryLinkForIdentity:
        """Create a recovery link for an identity (``POST /admin/recovery/link``; v0 ``/recovery/link``).

        ``return_to`` (v1) is where the user lands after recovering. ``expires_in`` works
        as in :meth:`create_code`; on v0 it is sent in one unit (90 minutes as ``5400s``),
        the only form legacy servers accept.

        Raises:
            ValueError: before any request, for a duration that is not a positive Go duration.
            BadRequestError: unknown identity on v1 (the server answers 400), or a bad duration.
            NotFoundError: unknown identity on v0.
        """
        check_str("return_to", return_to)
        if return_to is not None:
            self._require("v1", "recovery.create_link(return_to=...)")
        if expires_in is not None and self._api == "v0":
            # Legacy servers take one number and one unit only (no "1h30m0s").
            expires_in = models.to_single_unit_duration(expires_in)
        body = models.CreateRecoveryLinkForIdentityBody(
            identity_id=_identity_id(identity_id),
            expires_in=UNSET if expires_in is None else expires_in,
        )
        request = self._request(
            "POST",
            self._admin_url("recovery", "link"),
            query={"return_to": return_to},
            json=body,
            auth=auth,
            timeout=timeout,
        )
        return await self._transport.call(request, models.RecoveryLinkForIdentity)


def _identity_id(value: str) -> str:
    if not isinstance(value, str):
        msg = f"identity_id must be a str, not {type(value).__name__}"
        raise TypeError(msg)
    if not value:
        msg = "identity_id must not be empty"
        raise ValueError(msg)
    return value
