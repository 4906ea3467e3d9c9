"""The JSON views Kratos sends for an identity (v1 admin/public, v0)."""

from __future__ import annotations

from typing import Any, Literal

from ._identity_fields import Identity

CredentialView = Literal["none", "noconfig", "all"] | frozenset[str]

KEY_ORDER = (
    "id",
    "credentials",
    "schema_id",
    "schema_url",
    "state",
    "state_changed_at",
    "traits",
    "verifiable_addresses",
    "recovery_addresses",
    "metadata_public",
    "metadata_admin",
    "created_at",
    "updated_at",
    "organization_id",
    "external_id",
    "region",
)
CREDENTIAL_ORDER = ("type", "identifiers", "config", "version", "created_at", "updated_at")


def render(
    ident: Identity,
    *,
    credentials: CredentialView = "none",
    admin: bool = True,
    admin_null: bool = True,
) -> dict[str, Any]:
    """The v1 JSON of ``ident`` (see :meth:`IdentityStore.view`)."""
    out: dict[str, Any] = {}
    for key in KEY_ORDER:
        if key == "credentials":
            creds = ident.get("credentials")
            if credentials != "none" and creds:
                out[key] = {t: _cred_view(t, c, credentials) for t, c in creds.items()}
        elif key in ("verifiable_addresses", "recovery_addresses", "external_id", "region"):
            if ident.get(key):
                out[key] = ident[key]
        elif key == "metadata_admin":
            if admin and (admin_null or ident.get(key) is not None):
                out[key] = ident.get(key)
        elif key == "state_changed_at":
            if key in ident:
                out[key] = ident[key]
        else:
            out[key] = ident.get(key)
    return out


def v0_view(ident: Identity) -> dict[str, Any]:
    """Kratos v0.5's identity JSON."""
    out: dict[str, Any] = {
        "id": ident["id"],
        "schema_id": ident.get("schema_id"),
        "schema_url": ident.get("schema_url"),
        "traits": ident.get("traits"),
    }
    if ident.get("verifiable_addresses"):
        out["verifiable_addresses"] = [
            {
                "id": a["id"],
                "value": a["value"],
                "verified": a.get("verified", False),
                "via": a["via"],
                "status": a.get("status", "pending"),
                "verified_at": a.get("verified_at"),
            }
            for a in ident["verifiable_addresses"]
        ]
    if ident.get("recovery_addresses"):
        out["recovery_addresses"] = [
            {"id": a["id"], "value": a["value"], "via": a["via"]}
            for a in ident["recovery_addresses"]
        ]
    return out


def _cred_view(ctype: str, cred: dict[str, Any], mode: CredentialView) -> dict[str, Any]:
    show = mode == "all" or (isinstance(mode, frozenset) and ctype in mode)
    return {k: cred[k] for k in CREDENTIAL_ORDER if k in cred and (k != "config" or show)}
