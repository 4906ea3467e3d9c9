"""Identity field rules: accepted keys, credential types, states, uniqueness."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._errors import KratosError, bad_request
from ._util import parse_uuid

Identity = dict[str, Any]

CREATE_KEYS = frozenset(
    {
        "schema_id",
        "traits",
        "credentials",
        "verifiable_addresses",
        "recovery_addresses",
        "metadata_public",
        "metadata_admin",
        "state",
        "organization_id",
        "external_id",
        "region",
    }
)
UPDATE_KEYS = frozenset(
    {
        "schema_id",
        "traits",
        "credentials",
        "metadata_public",
        "metadata_admin",
        "state",
        "external_id",
        "region",
    }
)
V0_KEYS = frozenset({"schema_id", "traits"})
IMPORT_CONFIG_KEYS: dict[str, frozenset[str]] = {
    "password": frozenset({"hashed_password", "password", "use_password_migration_hook"}),
    "oidc": frozenset({"providers"}),
    "saml": frozenset({"providers"}),
    "totp": frozenset({"totp_url"}),
    "lookup_secret": frozenset({"codes"}),
    "webauthn": frozenset({"credentials", "user_handle"}),
    "passkey": frozenset({"credentials", "user_handle"}),
}
PROVIDER_KEYS = frozenset({"subject", "provider", "use_auto_link", "organization"})
INCLUDE_CREDENTIAL_TYPES = (
    "password",
    "oidc",
    "saml",
    "totp",
    "lookup_secret",
    "webauthn",
    "code",
    "link_recovery",
    "code_recovery",
    "deviceauthn",
    "passkey",
)
REGIONS = frozenset(
    {"eu-central", "asia-northeast", "us-east", "us-west", "eu", "asia", "us", "global"}
)
STATES = ("active", "inactive")
INVALID_REGION_REASON = "the provided region is not a valid Ory region"
UNIQUE_CREDENTIAL_TYPES = ("password", "code", "webauthn", "passkey", "oidc", "saml")
CASE_INSENSITIVE_TYPES = ("password", "code", "webauthn", "passkey")


def unknown_field(name: str) -> KratosError:
    """Go's strict JSON decoder error for an unexpected key."""
    return bad_request(message=f'json: unknown field "{name}"')


def check_keys(value: Any, allowed: Iterable[str], what: str) -> dict[str, Any]:
    """Require a JSON object whose keys are all in ``allowed``."""
    if not isinstance(value, dict):
        kind = "array" if isinstance(value, list) else type(value).__name__
        raise bad_request(message=f"json: cannot unmarshal {kind} into Go value of type {what}")
    allowed_set = set(allowed)
    for key in value:
        if key not in allowed_set:
            raise unknown_field(key)
    return value


def invalid_state(state: Any) -> KratosError:
    """Kratos's reason for a state other than active/inactive."""
    return bad_request(
        f"The supplied state ('{state}') was not valid. Valid states are ('active', 'inactive')."
    )


def check_state(state: Any) -> str:
    """``state`` when Kratos knows it; else the error Kratos gives."""
    if state not in STATES:
        raise invalid_state(state)
    return str(state)


def change_state(ident: Identity, state: Any, now: str) -> None:
    """Move ``ident`` to ``state`` (checked), noting when, unless it is there already."""
    if state != ident.get("state"):
        ident["state"] = check_state(state)
        ident["state_changed_at"] = now


def check_region(region: Any) -> None:
    """Refuse a region Kratos does not know (``None`` and ``""`` mean none)."""
    if region not in (None, "") and region not in REGIONS:
        raise bad_request(INVALID_REGION_REASON)


def optional_uuid(value: Any) -> str | None:
    """A body field that may hold a UUID: ``None``, or the parsed UUID (else a 400, as Go says)."""
    if value is None:
        return None
    try:
        return parse_uuid(str(value))
    except ValueError as exc:
        raise bad_request(message=str(exc)) from None


def unique_keys(ident: Identity) -> set[tuple[str, ...]]:
    """Every value of ``ident`` that must be unique across identities."""
    keys: set[tuple[str, ...]] = set()
    for ctype, cred in (ident.get("credentials") or {}).items():
        if ctype in UNIQUE_CREDENTIAL_TYPES and isinstance(cred, dict):
            keys.update(("cred", ctype, str(i)) for i in cred.get("identifiers") or [])
    for addr in ident.get("verifiable_addresses") or []:
        keys.add(("verifiable", str(addr.get("via")), str(addr.get("value"))))
    for addr in ident.get("recovery_addresses") or []:
        keys.add(("recovery", str(addr.get("via")), str(addr.get("value"))))
    if ident.get("external_id"):
        keys.add(("external_id", str(ident["external_id"])))
    return keys
