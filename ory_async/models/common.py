"""Enums and small types shared by several resources.

Every enum here is an :class:`~ory_async._markers.OpenEnum`: fields are typed ``SomeEnum | str``,
so a value the server adds later decodes to a plain ``str`` instead of failing. Members are
``str`` and compare equal to their values (``IdentityState.ACTIVE == "active"``).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import attrs

from .._markers import OpenEnum
from ..errors import GenericError

__all__ = [
    "AddressVia",
    "AuthenticatorAssuranceLevel",
    "Consistency",
    "CredentialType",
    "ErrorGeneric",
    "FlowType",
    "GenericError",
    "IdentityState",
    "JsonObject",
    "JsonValue",
    "Region",
    "VerifiableAddressStatus",
]

JsonObject: TypeAlias = dict[str, Any]
JsonValue: TypeAlias = Any
"""Any JSON value. Metadata is stored as raw JSON by the server: an object usually, but
an array, a string or a number are accepted too, and must not break decoding."""
"""A JSON object kept exactly as parsed (traits, credential configs, schemas)."""


class IdentityState(OpenEnum):
    """Whether an identity may sign in."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class AddressVia(OpenEnum):
    """How a verifiable or recovery address is reached."""

    EMAIL = "email"
    SMS = "sms"


class VerifiableAddressStatus(OpenEnum):
    """Where a verifiable address is in its verification."""

    PENDING = "pending"
    SENT = "sent"
    COMPLETED = "completed"


class CredentialType(OpenEnum):
    """A credential type, also used as an authentication method and a flow's ``active`` method.

    Migrated sessions carry older method names (e.g. ``v0.6_legacy_session``); those stay
    plain ``str``.
    """

    PASSWORD = "password"  # noqa: S105
    OIDC = "oidc"
    SAML = "saml"
    TOTP = "totp"
    LOOKUP_SECRET = "lookup_secret"  # noqa: S105
    WEBAUTHN = "webauthn"
    CODE = "code"
    LINK_RECOVERY = "link_recovery"
    CODE_RECOVERY = "code_recovery"
    PASSKEY = "passkey"
    DEVICEAUTHN = "deviceauthn"
    PROFILE = "profile"
    IDENTIFIER_FIRST = "identifier_first"


class AuthenticatorAssuranceLevel(OpenEnum):
    """Authenticator assurance level (AAL) of a session or an authentication step.

    Sessions migrated from old versions have ``"aal": ""`` in their authentication methods;
    that decodes to the plain string ``""``.
    """

    AAL0 = "aal0"
    AAL1 = "aal1"
    AAL2 = "aal2"
    AAL3 = "aal3"


class FlowType(OpenEnum):
    """Who drives a self-service flow: a browser, or a native app through the API."""

    API = "api"
    BROWSER = "browser"


class Consistency(OpenEnum):
    """Read consistency for list and get calls (Ory Network; ``""`` is the server default)."""

    DEFAULT = ""
    STRONG = "strong"
    EVENTUAL = "eventual"


class Region(OpenEnum):
    """The Ory Network region an identity is homed in."""

    EU_CENTRAL = "eu-central"
    ASIA_NORTHEAST = "asia-northeast"
    US_EAST = "us-east"
    US_WEST = "us-west"
    EU = "eu"
    ASIA = "asia"
    US = "us"
    GLOBAL = "global"


@attrs.frozen(kw_only=True, slots=True)
class ErrorGeneric:
    """An error body, ``{"error": {...}}``: what every non-2xx answer carries.

    The client raises :class:`~ory_async.errors.ApiError` for these; the model exists for
    callers that hold such a body themselves.
    """

    error: GenericError
