"""Identities: the resource, its credentials and addresses, and the bodies that write it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import attrs

from .._markers import UNSET, Unset
from .common import (
    AddressVia,
    CredentialType,
    IdentityState,
    JsonObject,
    JsonValue,
    Region,
    VerifiableAddressStatus,
)

__all__ = [
    "CreateIdentityBody",
    "Identity",
    "IdentityCredentials",
    "IdentityCredentialsLookupSecretCode",
    "IdentityWithCredentials",
    "IdentityWithCredentialsLookupSecret",
    "IdentityWithCredentialsLookupSecretConfig",
    "IdentityWithCredentialsOidc",
    "IdentityWithCredentialsOidcConfig",
    "IdentityWithCredentialsOidcConfigProvider",
    "IdentityWithCredentialsPasskey",
    "IdentityWithCredentialsPasskeyConfig",
    "IdentityWithCredentialsPassword",
    "IdentityWithCredentialsPasswordConfig",
    "IdentityWithCredentialsSaml",
    "IdentityWithCredentialsSamlConfig",
    "IdentityWithCredentialsSamlConfigProvider",
    "IdentityWithCredentialsTotp",
    "IdentityWithCredentialsTotpConfig",
    "IdentityWithCredentialsWebAuthn",
    "IdentityWithCredentialsWebAuthnConfig",
    "JsonPatch",
    "RecoveryIdentityAddress",
    "UpdateIdentityBody",
    "VerifiableIdentityAddress",
]


@attrs.frozen(kw_only=True, slots=True)
class VerifiableIdentityAddress:
    """An address (email, phone) the identity can verify.

    Also used in :class:`CreateIdentityBody` to import addresses; there, set ``value``,
    ``verified``, ``via`` and ``status`` and leave ``id`` and the timestamps out.
    ``verified_at`` is left out by current servers until the address is verified; v0 servers
    send ``null``.
    """

    value: str
    id: str | None = None
    verified: bool | None = None
    via: AddressVia | str | None = None
    status: VerifiableAddressStatus | str | None = None
    verified_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class RecoveryIdentityAddress:
    """An address the identity can recover its account through.

    Also used in :class:`CreateIdentityBody` (set ``value`` and ``via``).
    """

    value: str
    id: str | None = None
    via: AddressVia | str | None = None
    break_glass_for_organization: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class IdentityCredentials:
    """One credential of an identity (an entry of ``Identity.credentials``).

    ``config`` is only sent for the types named in ``include_credential``; it is kept as
    the server sent it (e.g. ``{"hashed_password": ...}`` or ``{"providers": [...]}``).
    """

    type: CredentialType | str | None = None
    identifiers: list[str] = attrs.field(factory=list)
    config: JsonObject | None = None
    version: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class Identity:
    """An identity, as the admin API returns it.

    Only ``id``, ``schema_id`` and ``traits`` are sent by every server generation; v0
    servers send little else, so every other field may be ``None`` (or ``[]`` for the
    address lists, which servers leave out when empty). ``credentials`` is ``None`` when
    the server did not load credentials (e.g. a plain list call), and its entries have no
    ``config`` unless requested with ``include_credential``. ``metadata_admin`` is only in
    admin answers.
    """

    id: str
    schema_id: str
    traits: JsonObject
    schema_url: str | None = None
    state: IdentityState | str | None = None
    state_changed_at: datetime | None = None
    credentials: dict[str, IdentityCredentials] | None = None
    verifiable_addresses: list[VerifiableIdentityAddress] = attrs.field(factory=list)
    recovery_addresses: list[RecoveryIdentityAddress] = attrs.field(factory=list)
    metadata_public: JsonValue = None
    metadata_admin: JsonValue = None
    organization_id: str | None = None
    external_id: str | None = None
    region: Region | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


# --- credentials to import (create / update bodies) --------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsPasswordConfig:
    """A password to import: a hash in PHC format, or a plain-text password.

    ``use_password_migration_hook`` lets the configured password migration webhook check
    the password on the first sign-in instead.
    """

    hashed_password: str | Unset = UNSET
    password: str | Unset = UNSET
    use_password_migration_hook: bool | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsPassword:
    """The password credential of a create or update body."""

    config: IdentityWithCredentialsPasswordConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsOidcConfigProvider:
    """A social sign-in link to import: the provider id and the subject at that provider."""

    provider: str
    subject: str
    organization: str | Unset | None = UNSET
    use_auto_link: bool | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsOidcConfig:
    """The social sign-in providers to link."""

    providers: list[IdentityWithCredentialsOidcConfigProvider] | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsOidc:
    """The OpenID Connect credential of a create or update body."""

    config: IdentityWithCredentialsOidcConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsSamlConfigProvider:
    """A SAML link to import: the provider id and the (immutable) subject there."""

    provider: str
    subject: str
    organization: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsSamlConfig:
    """The SAML providers to link."""

    providers: list[IdentityWithCredentialsSamlConfigProvider] | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsSaml:
    """The SAML credential of a create or update body."""

    config: IdentityWithCredentialsSamlConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsTotpConfig:
    """A TOTP secret to import, as an ``otpauth://`` URL."""

    totp_url: str | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsTotp:
    """The TOTP credential of a create or update body."""

    config: IdentityWithCredentialsTotpConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityCredentialsLookupSecretCode:
    """One recovery (lookup secret) code; ``used_at`` marks it spent."""

    code: str
    used_at: datetime | Unset | None = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsLookupSecretConfig:
    """The recovery codes to import."""

    codes: list[IdentityCredentialsLookupSecretCode] | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsLookupSecret:
    """The lookup secret (recovery codes) credential of a create or update body."""

    config: IdentityWithCredentialsLookupSecretConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsWebAuthnConfig:
    """WebAuthn keys to import.

    ``credentials`` are the WebAuthn credential objects as Kratos stores them;
    ``user_handle`` is the user handle's bytes in standard base64 (how the server writes
    Go byte slices in JSON).
    """

    credentials: list[JsonObject] | Unset = UNSET
    user_handle: str | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsWebAuthn:
    """The WebAuthn credential of a create or update body."""

    config: IdentityWithCredentialsWebAuthnConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsPasskeyConfig:
    """Passkeys to import; same shape as :class:`IdentityWithCredentialsWebAuthnConfig`."""

    credentials: list[JsonObject] | Unset = UNSET
    user_handle: str | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentialsPasskey:
    """The passkey credential of a create or update body."""

    config: IdentityWithCredentialsPasskeyConfig | Unset = UNSET


@attrs.frozen(kw_only=True, slots=True)
class IdentityWithCredentials:
    """Credentials to import with :class:`CreateIdentityBody` or :class:`UpdateIdentityBody`.

    On update, credentials are merged into the existing ones: password and TOTP are
    replaced, the others are added.
    """

    password: IdentityWithCredentialsPassword | Unset = UNSET
    oidc: IdentityWithCredentialsOidc | Unset = UNSET
    saml: IdentityWithCredentialsSaml | Unset = UNSET
    totp: IdentityWithCredentialsTotp | Unset = UNSET
    lookup_secret: IdentityWithCredentialsLookupSecret | Unset = UNSET
    webauthn: IdentityWithCredentialsWebAuthn | Unset = UNSET
    passkey: IdentityWithCredentialsPasskey | Unset = UNSET


# --- request bodies -------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class CreateIdentityBody:
    """The body of ``identities.create`` (and of each entry of ``identities.batch_create``).

    Fields left at ``UNSET`` are not sent. The server rejects unknown fields, so this body
    only has the ones it accepts. On v0 servers only ``schema_id`` and ``traits`` exist.
    """

    schema_id: str
    traits: JsonObject
    state: IdentityState | str | Unset = UNSET
    credentials: IdentityWithCredentials | Unset = UNSET
    verifiable_addresses: list[VerifiableIdentityAddress] | Unset = UNSET
    recovery_addresses: list[RecoveryIdentityAddress] | Unset = UNSET
    metadata_public: JsonValue | Unset = UNSET
    metadata_admin: JsonValue | Unset = UNSET
    organization_id: str | Unset | None = UNSET
    external_id: str | Unset = UNSET
    region: Region | str | Unset = UNSET

    @classmethod
    def from_identity(cls, identity: Identity) -> CreateIdentityBody:
        """The body that recreates ``identity``, e.g. in another project.

        Keeps the schema, traits, state, metadata, ``external_id``, ``organization_id``
        and region, the addresses with their verified status, and the credentials whose
        configuration the identity carries (read it with ``include_credential=``):
        password hashes, social sign-in and SAML links (provider and subject; their
        tokens are left out), TOTP, lookup secrets, WebAuthn and passkeys. The id and
        the timestamps are the new project's own.
        """
        values: dict[str, Any] = {
            name: getattr(identity, name)
            for name in (*_FROM_IDENTITY, "organization_id", "region")
            if getattr(identity, name) is not None
        }
        if identity.verifiable_addresses:
            values["verifiable_addresses"] = [
                VerifiableIdentityAddress(
                    value=a.value,
                    verified=a.verified,
                    via=a.via,
                    status=a.status,
                    verified_at=a.verified_at,
                )
                for a in identity.verifiable_addresses
            ]
        if identity.recovery_addresses:
            values["recovery_addresses"] = [
                RecoveryIdentityAddress(value=a.value, via=a.via)
                for a in identity.recovery_addresses
            ]
        credentials = _importable_credentials(identity.credentials or {})
        if credentials is not None:
            values["credentials"] = credentials
        return cls(**values)


def _importable_credentials(
    credentials: dict[str, IdentityCredentials],
) -> IdentityWithCredentials | None:
    """The import form of the credentials whose ``config`` is known (see ``from_identity``)."""
    from .. import _serde

    raw: dict[str, Any] = {}
    for kind in attrs.fields_dict(IdentityWithCredentials):
        cred = credentials.get(kind)
        config = dict(cred.config) if cred is not None and cred.config else {}
        if kind == "password":
            config = (
                {"hashed_password": config["hashed_password"]}
                if "hashed_password" in config
                else {}
            )
        elif kind == "lookup_secret" and "codes" not in config and "recovery_codes" in config:
            config["codes"] = config.pop("recovery_codes")  # stored and import names differ
        if config:
            raw[kind] = {"config": config}
    if not raw:
        return None
    result: IdentityWithCredentials = _serde.structure(raw, IdentityWithCredentials)
    return result


_FROM_IDENTITY: Final = (
    "schema_id",
    "traits",
    "state",
    "metadata_public",
    "metadata_admin",
    "external_id",
)


@attrs.frozen(kw_only=True, slots=True)
class UpdateIdentityBody:
    """The body of ``identities.update`` (PUT): the whole identity except its credentials.

    The server *replaces* the identity with this body: ``metadata_public``,
    ``metadata_admin`` and ``external_id`` left out are cleared. To change one field and
    keep the rest, start from the current identity with :meth:`from_identity`.
    ``credentials`` given here are merged into the existing ones.
    """

    schema_id: str
    traits: JsonObject
    state: IdentityState | str | Unset = UNSET
    metadata_public: JsonValue | Unset = UNSET
    metadata_admin: JsonValue | Unset = UNSET
    external_id: str | Unset = UNSET
    region: Region | str | Unset = UNSET
    credentials: IdentityWithCredentials | Unset = UNSET

    @classmethod
    def from_identity(cls, identity: Identity, **changes: Any) -> UpdateIdentityBody:
        """A body that keeps what ``identity`` has, with ``changes`` applied on top.

        Copies ``schema_id``, ``traits``, ``state``, ``metadata_public``,
        ``metadata_admin`` and ``external_id``. A value the identity does not have
        (``None``) is left unset, which the server reads as "none" just like ``null``.
        ``identity`` should come from an admin call, or ``metadata_admin`` is not known
        and would be cleared.

        Example::

            body = UpdateIdentityBody.from_identity(ident, state="inactive")

        Raises:
            TypeError: a name in ``changes`` is not a field of this body.
        """
        fields = attrs.fields_dict(cls)
        unknown = sorted(set(changes) - set(fields))
        if unknown:
            msg = (
                f"UpdateIdentityBody has no field(s) {', '.join(unknown)}; "
                f"fields are {', '.join(fields)}"
            )
            raise TypeError(msg)
        values: dict[str, Any] = {}
        for name in _FROM_IDENTITY:
            value = getattr(identity, name)
            if value is not None:
                values[name] = value
        values.update(changes)
        return cls(**values)


_PATCH_OPS: Final = ("add", "remove", "replace")


def _check_op(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in _PATCH_OPS:
        msg = (
            f"JSON Patch op {value!r} is not supported by the server; "
            f"use one of {', '.join(_PATCH_OPS)}"
        )
        raise ValueError(msg)


def _check_path(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not value.startswith("/"):
        msg = f"JSON Patch path must be a JSON Pointer starting with '/', got {value!r}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True, slots=True)
class JsonPatch:
    """One RFC 6902 operation for ``identities.patch``.

    Kratos applies ``add``, ``remove`` and ``replace`` only (``move``, ``copy`` and
    ``test`` are answered with 400), so those three are the ones accepted here. ``add``
    and ``replace`` need a ``value`` (``None`` sends JSON ``null``); ``remove`` takes none.
    ``path`` is a JSON Pointer such as ``/traits/email`` or ``/metadata_public/plan``.

    Raises:
        ValueError: at construction, for any other op, a path not starting with ``/``, or
            a missing or superfluous ``value``.
    """

    op: str = attrs.field(validator=_check_op)
    path: str = attrs.field(validator=_check_path)
    value: Any = UNSET

    def __attrs_post_init__(self) -> None:
        if self.op == "remove" and self.value is not UNSET:
            msg = "a JSON Patch 'remove' takes no value"
            raise ValueError(msg)
        if self.op != "remove" and self.value is UNSET:
            msg = f"a JSON Patch {self.op!r} needs a value (None sends null)"
            raise ValueError(msg)
