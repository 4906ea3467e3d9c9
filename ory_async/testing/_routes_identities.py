"""Identity read/write routes: get, create, update, patch, delete, credentials, batch."""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import web

from ._errors import (
    CREATE_CONFLICT_REASON,
    UPDATE_CONFLICT_MESSAGE,
    KratosError,
    bad_request,
    json_response,
    no_content,
    not_found,
)
from ._identity_fields import INCLUDE_CREDENTIAL_TYPES, Identity, check_keys, optional_uuid
from ._jsonpatch import apply_patch
from ._router import Ctx, Router
from ._util import format_time, parse_uuid

BATCH_LIMIT = 1000
BATCH_PASSWORD_LIMIT = 200


def lookup_identity(ctx: Ctx) -> Identity:
    """The identity named by the ``{id}`` path segment; a malformed id is a 404 too."""
    try:
        identity_id = parse_uuid(ctx.params["id"])
    except ValueError:
        raise not_found() from None
    ident = ctx.state.store.identities.get(identity_id)
    if ident is None:
        raise not_found()
    return ident


def include_credentials(ctx: Ctx) -> frozenset[str]:
    """Parse ``include_credential`` as GET by id does (the reason prints the parsed list)."""
    parsed: list[str] = []
    for value in ctx.q_all("include_credential"):
        if value not in INCLUDE_CREDENTIAL_TYPES:
            shown = "[" + " ".join(parsed) + "]"
            raise bad_request(f"Invalid value `{shown}` for parameter `include_credential`.")
        parsed.append(value)
    return frozenset(parsed)


async def get_identity(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/identities/{id}."""
    ident = lookup_identity(ctx)
    include = include_credentials(ctx)
    return json_response(ctx.state.store.view(ident, credentials=include))


async def get_identity_by_external_id(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/identities/by/external/{externalID}: the same view as GET by id."""
    external_id = ctx.params["external_id"]
    if not external_id:
        raise bad_request("The external ID must not be empty.")
    store = ctx.state.store
    ident = next(
        (i for i in store.identities.values() if i.get("external_id") == external_id), None
    )
    if ident is None:
        raise not_found()
    include = include_credentials(ctx)
    return json_response(store.view(ident, credentials=include))


async def create_identity(ctx: Ctx) -> web.StreamResponse:
    """POST /admin/identities: 201 with ``Location``."""
    body = await ctx.json()
    store = ctx.state.store
    ident = store.from_create_body(body)
    if store.conflicts(ident):
        raise KratosError(409, reason=CREATE_CONFLICT_REASON)
    store.put(ident)
    location = f"{ctx.state.admin_url}/identities/{ident['id']}"
    view = store.view(ident, credentials="noconfig", admin_null=False)
    return json_response(view, status=201, headers={"Location": location})


async def update_identity(ctx: Ctx) -> web.StreamResponse:
    """PUT /admin/identities/{id}."""
    body = await ctx.json()
    current = lookup_identity(ctx)
    store = ctx.state.store
    ident = store.from_update_body(current, body)
    return _save(ctx, ident)


async def patch_identity(ctx: Ctx) -> web.StreamResponse:
    """PATCH /admin/identities/{id} with a JSON Patch document."""
    ops = await ctx.json()
    current = lookup_identity(ctx)
    store = ctx.state.store
    doc = apply_patch(store.view(current, credentials="all"), ops)
    return _save(ctx, store.from_patched(current, doc))


def _save(ctx: Ctx, ident: Identity) -> web.StreamResponse:
    store = ctx.state.store
    if store.conflicts(ident):
        raise KratosError(409, message=UPDATE_CONFLICT_MESSAGE)
    store.put(ident)
    return json_response(store.view(ident, credentials="noconfig", admin_null=False))


async def delete_identity(ctx: Ctx) -> web.StreamResponse:
    """DELETE /admin/identities/{id}: 204, or 404; the identity's sessions go too."""
    ident = lookup_identity(ctx)
    ctx.state.store.remove(ident["id"])
    for sid in [s.id for s in ctx.state.sessions.values() if s.identity_id == ident["id"]]:
        del ctx.state.sessions[sid]
    return no_content()


def _first_factors(ident: Identity) -> int:
    count = 0
    for ctype, cred in (ident.get("credentials") or {}).items():
        config = cred.get("config") or {}
        if ctype == "password":
            has = config.get("hashed_password") or config.get("use_password_migration_hook")
            count += 1 if has and cred.get("identifiers") else 0
        elif ctype in ("oidc", "saml"):
            count += len(config.get("providers") or [])
        elif ctype == "webauthn":
            count += sum(1 for c in config.get("credentials") or [] if c.get("is_passwordless"))
        elif ctype == "passkey":
            count += len(config.get("credentials") or [])
    return count


def _remove_provider(cred: dict[str, Any], ctype: str, identifier: str) -> None:
    if not identifier:
        raise bad_request("You must provide an identifier to delete this credential.")
    providers = (cred.get("config") or {}).get("providers") or []
    keep = [p for p in providers if f"{p.get('provider')}:{p.get('subject')}" != identifier]
    if len(keep) == len(providers):
        raise KratosError(
            404, reason=f"The identifier `{identifier}` was not found among OIDC credentials."
        )
    cred["config"] = {**(cred.get("config") or {}), "providers": keep}
    cred["identifiers"] = [f"{p.get('provider')}:{p.get('subject')}" for p in keep]


async def delete_credentials(ctx: Ctx) -> web.StreamResponse:
    """DELETE /admin/identities/{id}/credentials/{type}."""
    ident = copy.deepcopy(lookup_identity(ctx))
    ctype = ctx.params["type"]
    creds: dict[str, Any] = ident.get("credentials") or {}
    cred = creds.get(ctype)
    if cred is None:
        raise KratosError(
            404, reason=f"You tried to remove a {ctype} but this user have no {ctype} set up."
        )
    identifier = ctx.q("identifier") or ""
    if ctype in ("lookup_secret", "totp", "webauthn"):
        del creds[ctype]
    elif ctype in ("password", "oidc", "saml"):
        if _first_factors(ident) < 2:
            raise bad_request("You cannot remove the last first factor credential.")
        if ctype == "password":
            del creds[ctype]
        else:
            _remove_provider(cred, ctype, identifier)
    elif ctype == "deviceauthn":
        if not identifier:
            raise bad_request("You must provide an identifier to delete this credential.")
        keys = (cred.get("config") or {}).get("credentials") or []
        keep = [k for k in keys if k.get("client_key_id") != identifier]
        if len(keep) == len(keys):
            raise not_found()
        cred["config"] = {**(cred.get("config") or {}), "credentials": keep}
    else:
        raise bad_request(f"Credentials type {ctype} cannot be deleted.")
    ident["updated_at"] = format_time(ctx.state.clock.now())
    if not creds:
        ident.pop("credentials", None)
    ctx.state.store.put(ident)
    return no_content()


async def batch_create(ctx: Ctx) -> web.StreamResponse:
    """PATCH /admin/identities: create many identities, one result per entry."""
    body = check_keys(await ctx.json(), ("identities",), "identity.BatchPatchIdentitiesBody")
    entries = body.get("identities") or []
    if not isinstance(entries, list):
        raise bad_request(message="json: cannot unmarshal into Go struct field identities")
    if len(entries) > BATCH_LIMIT:
        raise bad_request(
            "The maximum number of identities per request that can be created or deleted "
            f"at once is {BATCH_LIMIT}."
        )
    gateway = ctx.state.batch_gateway_limit
    if gateway is not None and len(entries) > gateway:
        raise KratosError(504)
    store = ctx.state.store
    prepared: list[tuple[Any, str | None] | None] = []
    plaintext = 0
    for entry in entries:
        if entry is None:
            prepared.append(None)
            continue
        check_keys(entry, ("create", "patch_id"), "identity.BatchIdentityPatch")
        patch_id = optional_uuid(entry.get("patch_id"))
        create = entry.get("create")
        if create is None:
            prepared.append(None)
            continue
        prepared.append((store.prepare_create(create), patch_id))
        password = ((create.get("credentials") or {}).get("password") or {}).get("config") or {}
        if password.get("password"):
            plaintext += 1
    if plaintext > BATCH_PASSWORD_LIMIT:
        raise bad_request(
            "The maximum number of identities per request that can be created with a "
            f"plaintext password is {BATCH_PASSWORD_LIMIT}."
        )
    results: list[dict[str, Any] | None] = []
    for item in prepared:
        if item is None:
            results.append(None)
            continue
        (ident, verifiable, recovery), patch_id = item
        result: dict[str, Any] = {"action": "create"}
        try:
            store.finish(ident, verifiable, recovery)
            if store.conflicts(ident):
                raise KratosError(409, reason=CREATE_CONFLICT_REASON)
        except KratosError as exc:
            result = {"action": "error"}
            if patch_id is not None:
                result["patch_id"] = patch_id
            result["error"] = exc.inner()
            results.append(result)
            continue
        store.put(ident)
        result["identity"] = ident["id"]
        if patch_id is not None:
            result["patch_id"] = patch_id
        results.append(result)
    return json_response({"identities": results})


def register(router: Router, prefix: str, *, v0: bool = False) -> None:
    """Add the identity routes under ``prefix`` (``/admin`` on v1, empty on v0)."""
    router.add("POST", f"{prefix}/identities", create_identity)
    router.add("GET", f"{prefix}/identities/{{id}}", get_identity)
    router.add("PUT", f"{prefix}/identities/{{id}}", update_identity)
    router.add("DELETE", f"{prefix}/identities/{{id}}", delete_identity)
    if v0:
        return
    router.add(
        "GET", f"{prefix}/identities/by/external/{{external_id}}", get_identity_by_external_id
    )
    router.add("PATCH", f"{prefix}/identities", batch_create)
    router.add("PATCH", f"{prefix}/identities/{{id}}", patch_identity)
    router.add("DELETE", f"{prefix}/identities/{{id}}/credentials/{{type}}", delete_credentials)
