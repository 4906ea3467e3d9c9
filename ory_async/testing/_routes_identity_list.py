"""GET /admin/identities (v1: keyset + legacy page mode) and GET /identities (v0)."""

from __future__ import annotations

from bisect import bisect_right

from aiohttp import web

from ._errors import bad_request, json_response
from ._identity_fields import INCLUDE_CREDENTIAL_TYPES
from ._identity_views import CredentialView
from ._paging import (
    INVALID_TOKEN_REASON,
    LEGACY_LIMIT_REASON,
    absolute_formatter,
    header_links,
    keyset_links,
    keyset_size,
    legacy_formatter,
    parse_legacy,
)
from ._router import Ctx, Router
from ._util import NIL_UUID, parse_uuid

MAX_IDS = 500


def _filtered_ids(ctx: Ctx) -> tuple[list[str], bool]:
    """Sorted ids matching the request's filter, and whether a credential filter was used."""
    store = ctx.state.store
    ids = ctx.q_all("ids")
    org = ctx.q("organization_id") or ""
    ident_filter = ctx.q("credentials_identifier") or ""
    similar = ctx.q("preview_credentials_identifier_similar") or ""
    if len(ids) > MAX_IDS:
        raise bad_request("The number of ids to filter must not exceed 500.")
    wanted: set[str] = set()
    for raw in ids:
        try:
            wanted.add(parse_uuid(raw))
        except ValueError:
            raise bad_request(f"Invalid UUID value `{raw}` for parameter `ids`.") from None
    if org:
        try:
            org = parse_uuid(org)
        except ValueError:
            raise bad_request(
                f"Invalid UUID value `{org}` for parameter `organization_id`."
            ) from None
    if sum(1 for f in (ids, org, ident_filter, similar) if f) > 1:
        raise bad_request("You cannot combine multiple filters in this API")
    for value in ctx.q_all("include_credential"):
        if value not in INCLUDE_CREDENTIAL_TYPES:
            raise bad_request(f"Invalid value `{value}` for parameter `include_credential`.")
    all_ids = sorted(store.identities)
    if ids:
        return [i for i in all_ids if i in wanted], False
    if org:
        idents = store.identities
        return [i for i in all_ids if idents[i].get("organization_id") == org], False
    if ident_filter:
        return sorted(store.find_by_identifier(ident_filter)), True
    if similar:
        needle = similar.lower()
        found = [
            i
            for i in all_ids
            if any(
                str(x).lower().startswith(needle)
                for c in (store.identities[i].get("credentials") or {}).values()
                for x in c.get("identifiers") or []
            )
        ]
        return found, True
    return all_ids, False


async def list_identities(ctx: Ctx) -> web.StreamResponse:
    """GET /admin/identities: the mode is chosen per request as Kratos does."""
    rows, by_credential = _filtered_ids(ctx)
    include = frozenset(ctx.q_all("include_credential"))
    mode: CredentialView = include if (include or by_credential) else "none"
    store = ctx.state.store
    query = list(ctx.query)
    keys = {k for k, _ in query}
    keyset = "page_token" in keys or "page_size" in keys
    if not keyset and "page" not in keys:
        query = [("page_size" if k == "per_page" else k, v) for k, v in query]
        keyset = True
    if keyset:
        size = keyset_size(dict(query).get("page_size"), default=250, maximum=500)
        token = dict(query).get("page_token") or NIL_UUID
        try:
            token = parse_uuid(token)
        except ValueError:
            raise bad_request(INVALID_TOKEN_REASON) from None
        start = bisect_right(rows, token)
        page = rows[start : start + size + 1]
        more = len(page) > size
        page = page[:size]
        link = keyset_links(ctx.path, query, size, NIL_UUID, page[-1] if more else None)
        body = [store.view(store.identities[i], credentials=mode) for i in page]
        return json_response(body, headers={"Link": link})
    pp = parse_legacy(query, default=250, maximum=500)
    if pp.page * pp.per_page > 1000:
        raise bad_request(LEGACY_LIMIT_REASON)
    offset = pp.page * pp.per_page
    page = rows[offset : offset + pp.per_page]
    total = len(page) if ctx.q("credentials_identifier") else len(store.identities)
    link = header_links(total, pp.page, pp.per_page, legacy_formatter(ctx.path, query))
    body = [store.view(store.identities[i], credentials=mode) for i in page]
    return json_response(body, headers={"Link": link, "X-Total-Count": str(total)})


async def list_identities_v0(ctx: Ctx) -> web.StreamResponse:
    """GET /identities on Kratos v0.5: id DESC, 1-based rows under 0-based links."""
    store = ctx.state.store
    pp = parse_legacy(list(ctx.query), default=250, maximum=1000)
    rows = sorted(store.identities, reverse=True)
    offset = (max(pp.page, 1) - 1) * pp.per_page
    page = rows[offset : offset + pp.per_page]
    fmt = absolute_formatter(f"{ctx.state.admin_url}/identities")
    link = header_links(len(rows), pp.page, pp.per_page, fmt)
    return json_response([store.view(store.identities[i]) for i in page], headers={"Link": link})


def register(router: Router, *, v0: bool = False) -> None:
    """Add the list route."""
    if v0:
        router.add("GET", "/identities", list_identities_v0)
    else:
        router.add("GET", "/admin/identities", list_identities)
