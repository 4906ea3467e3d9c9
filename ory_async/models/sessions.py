"""Sessions: who is signed in, how, and from which devices."""

from __future__ import annotations

from datetime import datetime

import attrs

from .common import AuthenticatorAssuranceLevel, CredentialType
from .identities import Identity

__all__ = ["Session", "SessionAuthenticationMethod", "SessionDevice"]


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
