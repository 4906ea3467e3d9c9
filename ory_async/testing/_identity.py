"""Identity records: building them from request bodies, uniqueness, and their JSON views."""

from __future__ import annotations

import copy
from typing import Any

from . import _hashes as hashes
from ._errors import bad_request
from ._identity_fields import (
    CASE_INSENSITIVE_TYPES,
    CREATE_KEYS,
    IMPORT_CONFIG_KEYS,
    PROVIDER_KEYS,
    UNIQUE_CREDENTIAL_TYPES,
    UPDATE_KEYS,
    V0_KEYS,
    Identity,
    change_state,
    check_keys,
    check_region,
    check_state,
    optional_uuid,
    unique_keys,
)
from ._identity_views import CredentialView, render, v0_view
from ._schemas import SchemaStore, encode_schema_id
from ._util import Clock, IdFactory, format_time, go_quote


class IdentityStore:
    """All identities of the fake, with a uniqueness index."""

    def __init__(
        self, schemas: SchemaStore, ids: IdFactory, clock: Clock, public_url: str, api: str
    ) -> None:
        self.schemas = schemas
        self.ids = ids
        self.clock = clock
        self.public_url = public_url
        self.api = api
        self.default_schema_id = "default"
        self.identities: dict[str, Identity] = {}
        self._index: dict[tuple[str, ...], str] = {}

    # --- storage ------------------------------------------------------------------------------

    def reindex(self) -> None:
        """Rebuild the uniqueness index from ``identities`` (after editing them directly)."""
        self._index = {}
        for ident in self.identities.values():
            for key in unique_keys(ident):
                self._index[key] = ident["id"]

    def conflicts(self, ident: Identity) -> bool:
        """True when a unique value of ``ident`` belongs to another identity."""
        for key in unique_keys(ident):
            owner = self._index.get(key)
            if owner is not None and owner != ident["id"] and owner in self.identities:
                return True
        return False

    def put(self, ident: Identity) -> None:
        """Insert or replace an identity and index its unique values."""
        self.remove(ident["id"])
        self.identities[ident["id"]] = ident
        for key in unique_keys(ident):
            self._index[key] = ident["id"]

    def remove(self, identity_id: str) -> Identity | None:
        """Delete an identity; returns it, or None when unknown."""
        old = self.identities.pop(identity_id, None)
        if old is not None:
            for key in unique_keys(old):
                if self._index.get(key) == identity_id:
                    del self._index[key]
        return old

    def find_by_identifier(self, identifier: str) -> set[str]:
        """Ids of identities with this credential identifier (emails compared lower-cased)."""
        found: set[str] = set()
        for ctype in UNIQUE_CREDENTIAL_TYPES:
            value = identifier.lower() if ctype in CASE_INSENSITIVE_TYPES else identifier
            owner = self._index.get(("cred", ctype, value))
            if owner is not None and owner in self.identities:
                found.add(owner)
        return found

    # --- building -----------------------------------------------------------------------------

    def schema_url(self, schema_id: str) -> str:
        """The ``schema_url`` Kratos reports for a schema id."""
        if self.api == "v0":
            return f"{self.public_url}/schemas/{schema_id}"
        return f"{self.public_url}/schemas/{encode_schema_id(schema_id)}"

    def from_create_body(self, body: Any) -> Identity:
        """Build (not store) a new identity from a create body; raises :class:`KratosError`."""
        ident, verifiable, recovery = self.prepare_create(body)
        self.finish(ident, verifiable, recovery)
        return ident

    def prepare_create(self, body: Any) -> tuple[Identity, list[Any], list[Any]]:
        """The structural part of a create: keys, state, region, credentials import.

        Returns the unfinished identity and the addresses given in the body; call
        :meth:`finish` to validate traits and derive addresses.
        """
        keys = V0_KEYS if self.api == "v0" else CREATE_KEYS
        check_keys(body, keys, "identity.CreateIdentityBody")
        state = check_state(body.get("state") or "active")
        region = body.get("region")
        check_region(region)
        org = optional_uuid(body.get("organization_id"))
        now = format_time(self.clock.now())
        ident: Identity = {"id": self.ids.uuid(), "credentials": {}}
        ident["schema_id"] = body.get("schema_id") or self.default_schema_id
        ident["state"] = state
        ident["state_changed_at"] = now
        ident["traits"] = body.get("traits")
        ident["metadata_public"] = body.get("metadata_public")
        if body.get("metadata_admin") is not None:
            ident["metadata_admin"] = body["metadata_admin"]
        ident["created_at"] = now
        ident["updated_at"] = now
        ident["organization_id"] = org
        if body.get("external_id"):
            ident["external_id"] = body["external_id"]
        if region:
            ident["region"] = region
        self.import_credentials(ident, body.get("credentials"), now)
        verifiable = [_lower_value(a) for a in body.get("verifiable_addresses") or []]
        recovery = [_lower_value(a) for a in body.get("recovery_addresses") or []]
        return ident, verifiable, recovery

    def from_update_body(self, current: Identity, body: Any) -> Identity:
        """Apply a PUT body to a copy of ``current`` (Kratos's replace-most semantics)."""
        keys = V0_KEYS if self.api == "v0" else UPDATE_KEYS
        check_keys(body, keys, "identity.UpdateIdentityBody")
        ident = copy.deepcopy(current)
        now = format_time(self.clock.now())
        if body.get("schema_id"):
            ident["schema_id"] = body["schema_id"]
        state = body.get("state")
        if state:
            change_state(ident, state, now)
        ident["traits"] = body.get("traits")
        if self.api != "v0":
            ident["metadata_public"] = body.get("metadata_public")
            ident.pop("metadata_admin", None)
            if body.get("metadata_admin") is not None:
                ident["metadata_admin"] = body["metadata_admin"]
            ident.pop("external_id", None)
            if body.get("external_id"):
                ident["external_id"] = body["external_id"]
            self.import_credentials(ident, body.get("credentials"), now)
        self.finish(ident, None, None)
        return ident

    def from_patched(self, current: Identity, doc: dict[str, Any]) -> Identity:
        """Turn a JSON-patched admin view back into an identity record."""
        now = format_time(self.clock.now())
        ident = copy.deepcopy(current)
        change_state(ident, doc.get("state"), now)
        for key in ("schema_id", "traits", "metadata_public", "organization_id"):
            ident[key] = doc.get(key)
        for key in ("metadata_admin", "external_id", "region"):
            ident.pop(key, None)
            if doc.get(key) not in (None, ""):
                ident[key] = doc[key]
        check_region(ident.get("region"))
        creds = doc.get("credentials") or {}
        if not isinstance(creds, dict):
            raise bad_request("The credentials must be a JSON object.")
        for ctype, cred in creds.items():
            got = cred.get("type") if isinstance(cred, dict) else None
            if got != ctype:
                # Kratos's ValidateCredentialsIntegrity text (Go %q quoting).
                raise bad_request(
                    f"credentials.{ctype}.type must equal {go_quote(ctype)}, got {go_quote(str(got or ''))}"
                )
        ident["credentials"] = creds
        self.finish(ident, doc.get("verifiable_addresses"), doc.get("recovery_addresses"))
        return ident

    def finish(self, ident: Identity, verifiable: Any, recovery: Any) -> None:
        """Validate traits against the schema and derive addresses and identifiers."""
        schema_id = ident.get("schema_id")
        if not isinstance(schema_id, str) or self.schemas.get(schema_id) is None:
            raise bad_request(f"Unable to find JSON Schema ID: {schema_id}")
        reason = self.schemas.validate(schema_id, ident.get("traits"))
        if reason is not None:
            raise bad_request(reason)
        ident["schema_url"] = self.schema_url(schema_id)
        self.derive(ident, verifiable, recovery)
        ident["updated_at"] = format_time(self.clock.now())

    def derive(self, ident: Identity, verifiable: Any = None, recovery: Any = None) -> None:
        """Recompute addresses and credential identifiers from the traits' schema extension."""
        now = format_time(self.clock.now())
        ext = self.schemas.extract(ident["schema_id"], ident.get("traits"))
        old_v = _by_address(
            verifiable if verifiable is not None else ident.get("verifiable_addresses")
        )
        addrs = []
        for via, value in ext.verifiable:
            old = old_v.get((via, value), {})
            verified = bool(old.get("verified", False))
            addr = {
                "id": old.get("id") or self.ids.uuid(),
                "value": value,
                "verified": verified,
                "via": via,
                "status": old.get("status") or ("completed" if verified else "pending"),
            }
            if old.get("verified_at"):
                addr["verified_at"] = old["verified_at"]
            addr["created_at"] = old.get("created_at") or now
            addr["updated_at"] = old.get("updated_at") or now
            addrs.append(addr)
        _set_or_drop(ident, "verifiable_addresses", addrs)
        old_r = _by_address(recovery if recovery is not None else ident.get("recovery_addresses"))
        raddrs = []
        for via, value in ext.recovery:
            old = old_r.get((via, value), {})
            raddr = {"id": old.get("id") or self.ids.uuid(), "value": value, "via": via}
            raddr["created_at"] = old.get("created_at") or now
            raddr["updated_at"] = old.get("updated_at") or now
            raddrs.append(raddr)
        _set_or_drop(ident, "recovery_addresses", raddrs)
        creds = ident.setdefault("credentials", {})
        if ext.password or "password" in creds:
            cred = creds.get("password") or _credential("password", {}, 0, now)
            cred["identifiers"] = list(ext.password)
            creds["password"] = cred
        if ext.code:
            cred = creds.get("code") or _credential("code", {}, 1, now)
            cred["identifiers"] = [value for _, value in ext.code]
            cred["config"] = {"addresses": [{"channel": v, "address": a} for v, a in ext.code]}
            creds["code"] = cred
        if not creds:
            del ident["credentials"]

    def import_credentials(self, ident: Identity, body: Any, now: str) -> None:
        """Import the ``credentials`` of a create/update body into ``ident``."""
        if body is None:
            return
        check_keys(body, IMPORT_CONFIG_KEYS, "identity.IdentityWithCredentials")
        creds: dict[str, Any] = ident.setdefault("credentials", {})
        for ctype, entry in body.items():
            if entry is None:
                continue
            config = check_keys(entry, ("config",), ctype).get("config") or {}
            check_keys(config, IMPORT_CONFIG_KEYS[ctype], ctype)
            existing = creds.get(ctype)
            if ctype == "password":
                cred = _credential("password", _password_config(config), 1, now)
                cred["identifiers"] = list((existing or {}).get("identifiers") or [])
                creds["password"] = cred
            elif ctype in ("oidc", "saml"):
                providers = list(((existing or {}).get("config") or {}).get("providers") or [])
                for raw in config.get("providers") or []:
                    check_keys(raw, PROVIDER_KEYS, "provider")
                    providers.append(_provider(ctype, raw))
                cred = existing or _credential(ctype, {}, 0, now)
                cred["config"] = {"providers": providers}
                cred["identifiers"] = [f"{p['provider']}:{p['subject']}" for p in providers]
                creds[ctype] = cred
            else:
                cred = _credential(ctype, dict(config), 1 if ctype == "webauthn" else 0, now)
                cred["identifiers"] = [ident["id"]]
                creds[ctype] = cred

    # --- views --------------------------------------------------------------------------------

    def view(
        self,
        ident: Identity,
        *,
        credentials: CredentialView = "none",
        admin: bool = True,
        admin_null: bool = True,
    ) -> dict[str, Any]:
        """The JSON Kratos sends for ``ident``.

        ``credentials``: "none" (key absent), "noconfig" (listed without config), "all", or a
        set of types whose config is shown. ``admin`` adds ``metadata_admin`` (as null when
        unset if ``admin_null``, else absent).
        """
        if self.api == "v0":
            return v0_view(ident)
        return render(ident, credentials=credentials, admin=admin, admin_null=admin_null)


def _credential(ctype: str, config: dict[str, Any], version: int, now: str) -> dict[str, Any]:
    return {
        "type": ctype,
        "identifiers": [],
        "config": config,
        "version": version,
        "created_at": now,
        "updated_at": now,
    }


def _password_config(config: dict[str, Any]) -> dict[str, Any]:
    """An imported password credential's config, as Kratos stores it.

    The migration hook flag stands alone; a plain-text password wins over a hash and is
    hashed; whatever hash results must be of a format Kratos knows.
    """
    if config.get("use_password_migration_hook"):
        return {"use_password_migration_hook": True}
    hashed = str(config.get("hashed_password") or "")
    if config.get("password"):
        try:
            hashed = hashes.generate(str(config["password"]))
        except hashes.PasswordTooLongError as exc:
            raise bad_request(str(exc)) from None
    if not hashes.is_known_format(hashed):
        raise bad_request(
            "The imported password does not match any known hash format. "
            "For more information see https://www.ory.sh/dr/2"
        )
    return {"hashed_password": hashed}


def _provider(ctype: str, raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"subject": raw.get("subject"), "provider": raw.get("provider")}
    if ctype == "oidc":
        out.update(initial_id_token="", initial_access_token="", initial_refresh_token="")
    if raw.get("organization"):
        out["organization"] = raw["organization"]
    if raw.get("use_auto_link"):
        out["use_auto_link"] = True
    return out


def _lower_value(addr: Any) -> Any:
    if isinstance(addr, dict) and isinstance(addr.get("value"), str):
        return {**addr, "value": addr["value"].lower()}
    return addr


def _by_address(addrs: Any) -> dict[tuple[Any, Any], dict[str, Any]]:
    out: dict[tuple[Any, Any], dict[str, Any]] = {}
    for addr in addrs or []:
        if isinstance(addr, dict):
            out[(addr.get("via"), addr.get("value"))] = addr
    return out


def _set_or_drop(ident: Identity, key: str, values: list[dict[str, Any]]) -> None:
    if values:
        ident[key] = values
    else:
        ident.pop(key, None)
