"""What native apps submit to self-service flows, and a submission the server refused.

Each body names its method (``PasswordLogin.method == "password"``); fields left at
``UNSET`` are not sent. A plain mapping with a ``"method"`` key can be submitted too, for
methods these classes do not describe.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

import attrs

from .._markers import UNSET, Unset
from .common import JsonObject
from .ui import UiText, UiTextType

__all__ = [
    "CodeLogin",
    "CodeRecovery",
    "CodeRegistration",
    "CodeVerification",
    "FlowRejected",
    "LookupSecretLogin",
    "LookupSecretSettings",
    "PasswordLogin",
    "PasswordRegistration",
    "PasswordSettings",
    "ProfileSettings",
    "TotpLogin",
    "TotpSettings",
]

F = TypeVar("F")


@attrs.frozen(kw_only=True, slots=True)
class FlowRejected(Generic[F]):
    """The server refused a submission (HTTP 400) and sent the flow back to show again.

    ``flow.ui.messages`` says what went wrong for the whole form, each node's
    ``messages`` what went wrong with that field; :attr:`messages` gathers the errors of
    both. Submit again to the same flow with corrected values.
    """

    flow: F

    @property
    def messages(self) -> list[UiText]:
        """Every error message of the flow: the form's, then each node's, in order."""
        ui = getattr(self.flow, "ui", None)
        if ui is None:
            return []
        found = [m for m in ui.messages if m.type == UiTextType.ERROR]
        for node in ui.nodes:
            found += [m for m in node.messages if m.type == UiTextType.ERROR]
        return found


# --- login ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class PasswordLogin:
    """Sign in with an identifier (email, username, ...) and a password."""

    method: ClassVar[str] = "password"
    identifier: str
    password: str
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class CodeLogin:
    """Sign in with a one-time code: first send ``identifier`` (a code is sent), then ``code``."""

    method: ClassVar[str] = "code"
    identifier: str | Unset = UNSET
    code: str | Unset = UNSET
    resend: str | Unset = UNSET
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class TotpLogin:
    """The second factor: a code from the user's authenticator app."""

    method: ClassVar[str] = "totp"
    totp_code: str
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class LookupSecretLogin:
    """The second factor: one of the user's backup (lookup) codes."""

    method: ClassVar[str] = "lookup_secret"
    lookup_secret: str
    transient_payload: JsonObject | Unset = UNSET


# --- registration -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class PasswordRegistration:
    """Sign up with the identity's traits and a password."""

    method: ClassVar[str] = "password"
    traits: JsonObject
    password: str
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class CodeRegistration:
    """Sign up with a one-time code: first send ``traits`` (a code is sent), then ``code``."""

    method: ClassVar[str] = "code"
    traits: JsonObject
    code: str | Unset = UNSET
    resend: str | Unset = UNSET
    transient_payload: JsonObject | Unset = UNSET


# --- settings ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class PasswordSettings:
    """Change the user's password."""

    method: ClassVar[str] = "password"
    password: str
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class ProfileSettings:
    """Change the user's traits (the whole traits object)."""

    method: ClassVar[str] = "profile"
    traits: JsonObject
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class TotpSettings:
    """Link an authenticator app (``totp_code`` from it) or unlink it (``totp_unlink=True``)."""

    method: ClassVar[str] = "totp"
    totp_code: str | Unset = UNSET
    totp_unlink: bool | Unset = UNSET
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class LookupSecretSettings:
    """Manage backup codes: reveal, regenerate, confirm (after regenerating) or disable them."""

    method: ClassVar[str] = "lookup_secret"
    lookup_secret_reveal: bool | Unset = UNSET
    lookup_secret_regenerate: bool | Unset = UNSET
    lookup_secret_confirm: bool | Unset = UNSET
    lookup_secret_disable: bool | Unset = UNSET
    transient_payload: JsonObject | Unset = UNSET


# --- recovery and verification ----------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class CodeRecovery:
    """Account recovery by code: first send ``email`` (a code is sent), then ``code``."""

    method: ClassVar[str] = "code"
    email: str | Unset = UNSET
    code: str | Unset = UNSET
    transient_payload: JsonObject | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class CodeVerification:
    """Address verification by code: first send ``email`` (a code is sent), then ``code``."""

    method: ClassVar[str] = "code"
    email: str | Unset = UNSET
    code: str | Unset = UNSET
    transient_payload: JsonObject | Unset = UNSET
