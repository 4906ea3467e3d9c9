"""Admin recovery: codes and links that let a user back into an account."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from .._markers import UNSET, Unset
from .common import FlowType
from .durations import to_go_duration

__all__ = [
    "CreateRecoveryCodeForIdentityBody",
    "CreateRecoveryLinkForIdentityBody",
    "RecoveryCodeForIdentity",
    "RecoveryLinkForIdentity",
]


def _expires_in(value: timedelta | str | Unset) -> str | Unset:
    return value if isinstance(value, Unset) else to_go_duration(value)


@attrs.frozen(kw_only=True, slots=True)
class CreateRecoveryCodeForIdentityBody:
    """The body of ``recovery.create_code``.

    ``expires_in`` takes a :class:`~datetime.timedelta` (sent as a Go duration such as
    ``1h30m0s``) or a Go duration string (``"1h"``, ``"1m30s"``, ``"500ms"``, ``"1.5h"``;
    no days). Left unset, the server's configured lifespan applies. ``flow_type`` is
    ``browser`` (the default on the server) or ``api``.

    Raises:
        ValueError: at construction, for a zero or negative duration or a string that is
            not a Go duration (e.g. ``"1d"``).
    """

    identity_id: str
    expires_in: str | Unset = attrs.field(default=UNSET, converter=_expires_in)
    flow_type: FlowType | str | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class CreateRecoveryLinkForIdentityBody:
    """The body of ``recovery.create_link``.

    ``expires_in`` works as in :class:`CreateRecoveryCodeForIdentityBody`.

    Raises:
        ValueError: at construction, for a zero or negative duration or a string that is
            not a Go duration.
    """

    identity_id: str
    expires_in: str | Unset = attrs.field(default=UNSET, converter=_expires_in)


@attrs.frozen(kw_only=True, slots=True)
class RecoveryCodeForIdentity:
    """A recovery code: give ``recovery_code`` to the user, who enters it at ``recovery_link``."""

    recovery_link: str
    recovery_code: str
    expires_at: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class RecoveryLinkForIdentity:
    """A recovery link that signs the user in and opens the settings to set new credentials."""

    recovery_link: str
    expires_at: datetime | None = None
