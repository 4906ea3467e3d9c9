"""Sessions: who is signed in, how, and from which devices."""

from __future__ import annotations

from datetime import datetime

import attrs

from .._serde import UNSET, OpenEnum, Unset
from .common import AuthenticatorAssuranceLevel, CredentialType
from .identities import Identity

__all__ = [
    "ManageSessionsAction",
    "ManageSessionsBody",
    "ManageSessionsResponse",
    "Session",
    "SessionAuthenticationMethod",
    "SessionDevice",
]


@attrs.frozen(kw_only=True, slots=True)
class SessionAuthenticationMethod:
    """One authentication step of a session (an AMR entry).

    Sessions migrated from old versions have ``aal == ""``, ``completed_at`` at Go's zero
    time (``0001-01-01T00:00:00Z``) and method names such as ``v0.6_legacy_session``; all
    of these decode as they are.
    """

    method: CredentialType | str | None = None
    aal: AuthenticatorAssuranceLevel | str | None = None
    completed_at: datetime | None = None
    provider: str | None = None
    organization: str | None = None
    upstream_acr: str | None = None
    upstream_amr: list[str] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class SessionDevice:
    """A device (client) the session was used from."""

    id: str
    ip_address: str | None = None
    user_agent: str | None = None
    location: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class Session:
    """A session.

    ``identity`` is ``None`` and ``devices`` is ``[]`` unless the call expanded them (the
    server sends ``null`` for both then). v0 servers send only ``id``, ``active``, the
    timestamps and ``identity``.
    """

    id: str
    active: bool | None = None
    expires_at: datetime | None = None
    authenticated_at: datetime | None = None
    issued_at: datetime | None = None
    authenticator_assurance_level: AuthenticatorAssuranceLevel | str | None = None
    authentication_methods: list[SessionAuthenticationMethod] = attrs.field(factory=list)
    identity: Identity | None = None
    devices: list[SessionDevice] = attrs.field(factory=list)
    tokenized: str | None = None


class ManageSessionsAction(OpenEnum):
    """What ``sessions.manage`` does to the sessions it matches."""

    DISABLE = "disable"
    """Revoke them (``active`` becomes false; the rows are kept for audit)."""
    DELETE = "delete"
    """Delete them for good."""


@attrs.frozen(kw_only=True, slots=True)
class ManageSessionsBody:
    """The body of ``POST /admin/sessions``: exactly one of ``identities`` and ``sessions``.

    ``identities=["*"]`` matches every session of the project.
    """

    action: ManageSessionsAction | str
    identities: list[str] | Unset = UNSET
    sessions: list[str] | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class ManageSessionsResponse:
    """The answer of ``POST /admin/sessions``.

    ``processed`` counts the sessions this call changed (for ``disable``, only those that
    were active); ``more`` is true when a wildcard call stopped at the server's batch
    limit and should be sent again.
    """

    processed: int = 0
    more: bool = False
