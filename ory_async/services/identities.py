"""``ory.identities``: create, read, update, patch, delete, list and batch-create identities."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, Literal

from .. import _revocations, models
from .._pagination import AsyncPager, Style
from .._urls import QueryValue, segment
from ..auth import Auth
from ..errors import ClientClosedError
from ._base import (
    Service,
    check_int,
    check_nonempty_str,
    check_str,
    check_str_list,
    check_timeout,
)
from ._batch import BatchCreate, BatchInput
from ._get_many import ID_COST, MAX_URL, GetMany

if TYPE_CHECKING:
    from ..models import (
        Consistency,
        CreateIdentityBody,
        Identity,
        JsonPatch,
        LoginFlow,
        UpdateIdentityBody,
    )

__all__ = ["IdentitiesService"]

MAX_IDS: Final = 500
MAX_PROVIDER_ID: Final = 255
MAX_PAGE_SIZE: Final = 500
LEGACY_CAP: Final = 1000


class IdentitiesService(Service):
    """Identities (``/admin/identities`` on v1, ``/identities`` on v0)."""

    __slots__ = ()

    async def create(
        self, body: CreateIdentityBody, *, auth: Auth | None = None, timeout: float | None = None
    ) -> Identity:
        """Create an identity (``POST /admin/identities``, 201).

        Raises:
            BadRequestError: the body does not validate (unknown schema, traits that do
                not match the identity schema, a bad state).
            ConflictError: a credential identifier or address already belongs to another
                identity.
        """
        if not isinstance(body, models.CreateIdentityBody):
            msg = f"body must be a CreateIdentityBody, not {type(body).__name__}"
            raise TypeError(msg)
        request = self._request(
            "POST", self._admin_url("identities"), json=body, auth=auth, timeout=timeout
        )
        return await self._transport.call(request, models.Identity)

    async def get(
        self,
        id: str,
        *,
        include_credential: Iterable[str] | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> Identity:
        """Get one identity (``GET /admin/identities/{id}``).

        ``include_credential`` (v1) names credential types whose ``config`` should be
        included, e.g. ``["oidc"]`` for the social sign-in tokens; it is sent as a repeated
        query key.

        Raises:
            NotFoundError: no identity has this id.
        """
        included = check_str_list("include_credential", include_credential)
        if included:
            self._require("v1", "identities.get(include_credential=...)")
        request = self._request(
            "GET",
            self._admin_url("identities", segment(id)),
            query={"include_credential": included} if included else None,
            auth=auth,
            timeout=timeout,
        )
        return await self._transport.call(request, models.Identity)

    async def get_by_external_id(
        self,
        external_id: str,
        *,
        include_credential: Iterable[str] | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> Identity:
        """Get the identity with this ``external_id`` (``GET /admin/identities/by/external/{id}``, v1).

        The external id is the one your system set at creation; it is sent as one path
        segment (``/`` and ``?`` included). ``include_credential`` works as in :meth:`get`.

        Raises:
            NotFoundError: no identity has this external id.
        """
        self._require("v1", "identities.get_by_external_id")
        included = check_str_list("include_credential", include_credential)
        request = self._request(
            "GET",
            self._admin_url(
                "identities", "by", "external", segment(external_id, name="external_id")
            ),
            query={"include_credential": included or None},
            auth=auth,
            timeout=timeout,
        )
        result: Identity = await self._transport.call(request, models.Identity)
        return result

    async def create_test_login_flow(
        self, provider_id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> LoginFlow:
        """Start a dry-run OIDC login against one provider (``POST /admin/test-login-flows``, 201).

        The flow's UI has a single button for ``provider_id``; completing it in a browser
        creates no identity and no session, and records what the provider answered (claims,
        the Jsonnet mapper's input and output, schema errors) in the flow's
        ``test_context.debug_payload``, which ``flows.get_login`` then shows. It lives on
        ``identities`` because it tests how identities are made from a provider's claims.

        Raises:
            ValueError: before any request, an empty ``provider_id`` or one longer than
                255 characters (the server's limit).
            NotFoundError: no OIDC provider has this id.
            BadRequestError: the server refused the body.
        """
        self._require("v1", "identities.create_test_login_flow")
        check_nonempty_str("provider_id", provider_id)
        if len(provider_id) > MAX_PROVIDER_ID:
            msg = (
                f"provider_id must be at most {MAX_PROVIDER_ID} characters, got {len(provider_id)}"
            )
            raise ValueError(msg)
        request = self._request(
            "POST",
            self._admin_url("test-login-flows"),
            json={"provider_id": provider_id},
            auth=auth,
            timeout=timeout,
        )
        result: LoginFlow = await self._transport.call(request, models.LoginFlow)
        return result

    async def update(
        self,
        id: str,
        body: UpdateIdentityBody,
        *,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> Identity:
        """Replace an identity (``PUT /admin/identities/{id}``).

        The server replaces what the body leaves out (metadata and ``external_id`` are
        cleared); build the body with :meth:`UpdateIdentityBody.from_identity` to change
        one thing and keep the rest.

        Raises:
            NotFoundError: no identity has this id.
            BadRequestError: the body does not validate.
            ConflictError: the change collides with another identity.
        """
        if not isinstance(body, models.UpdateIdentityBody):
            msg = f"body must be an UpdateIdentityBody, not {type(body).__name__}"
            raise TypeError(msg)
        request = self._request(
            "PUT", self._admin_url("identities", segment(id)), json=body, auth=auth, timeout=timeout
        )
        return await self._transport.call(request, models.Identity)

    async def patch(
        self,
        id: str,
        operations: Sequence[JsonPatch],
        *,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> Identity:
        """Change an identity with JSON Patch operations (``PATCH /admin/identities/{id}``, v1).

        Only ``add``, ``remove`` and ``replace`` exist (checked when each
        :class:`JsonPatch` is built). The server refuses patches of ``/id`` and of oidc/saml
        credentials.

        Raises:
            NotFoundError: no identity has this id.
            BadRequestError: a denied path, or a result that does not validate.
            ConflictError: the change collides with another identity.
        """
        self._require("v1", "identities.patch")
        ops = list(operations)
        if not ops:
            msg = "patch needs at least one JsonPatch operation"
            raise ValueError(msg)
        for op in ops:
            if not isinstance(op, models.JsonPatch):
                msg = f"operations must be JsonPatch objects, not {type(op).__name__}"
                raise TypeError(msg)
        request = self._request(
            "PATCH",
            self._admin_url("identities", segment(id)),
            json=ops,
            auth=auth,
            timeout=timeout,
        )
        return await self._transport.call(request, models.Identity)

    async def delete(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> None:
        """Delete an identity for good (``DELETE /admin/identities/{id}``, 204).

        Raises:
            NotFoundError: no identity has this id.
        """
        request = self._request(
            "DELETE", self._admin_url("identities", segment(id)), auth=auth, timeout=timeout
        )
        await self._transport.call_empty(request)
        # Its sessions went with it: caches of them (contrib.SessionVerifier) drop them.
        _revocations.announce(str(self._context.public_url), identities=(id,))

    async def delete_credentials(
        self,
        id: str,
        type: str,
        *,
        identifier: str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> None:
        """Delete one credential of an identity (v1), e.g. its TOTP or a social sign-in link.

        ``DELETE /admin/identities/{id}/credentials/{type}``. ``identifier`` is required for
        ``oidc`` and ``saml`` (``provider:subject``: which link to remove) and for
        ``deviceauthn`` (the ``client_key_id`` of the device key to revoke); read it with
        ``get(id, include_credential=[type])``. Passkeys and code credentials cannot be
        deleted this way.

        Raises:
            NotFoundError: no such identity, or it has no credential of that type.
            BadRequestError: the type cannot be deleted, it is the last first factor, or
                ``identifier`` is missing for ``deviceauthn``.
        """
        self._require("v1", "identities.delete_credentials")
        check_str("identifier", identifier)
        request = self._request(
            "DELETE",
            self._admin_url("identities", segment(id), "credentials", segment(type, name="type")),
            query={"identifier": identifier},
            auth=auth,
            timeout=timeout,
        )
        await self._transport.call_empty(request)

    def list(
        self,
        *,
        page_size: int | None = None,
        page_token: str | None = None,
        per_page: int | None = None,
        page: int | None = None,
        credentials_identifier: str | None = None,
        preview_credentials_identifier_similar: str | None = None,
        ids: Iterable[str] | None = None,
        organization_id: str | None = None,
        include_credential: Iterable[str] | None = None,
        consistency: Consistency | Literal["", "strong", "eventual"] | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[Identity]:
        """List identities: ``await`` it for the first page, ``async for`` it for all.

        On v1 the walk uses ``page_size``/``page_token`` (the default, up to 500 a page).
        Passing ``per_page``/``page`` uses the legacy form; the server stops that form at
        1,000 items, and the walk then carries on in the token form without the caller
        noticing. v0 servers know only ``per_page``/``page``.

        Filters (one at a time, v1): ``credentials_identifier`` (exact, e.g. an email),
        ``preview_credentials_identifier_similar`` (prefix), ``ids`` (up to 500, sent as
        repeated keys), ``organization_id``. ``include_credential`` adds the named
        credential types' ``config`` to every item. ``consistency="eventual"`` allows a
        faster, slightly stale read on Ory Network; ``""`` (:attr:`Consistency.DEFAULT`)
        sends the parameter empty, which means the server's default.

        Raises (before any request):
            ValueError: both paging forms, page sizes out of range, more than 500 ``ids``,
                several filters, or v1-only parameters on v0.
        """
        token_form = page_size is not None or page_token is not None
        page_form = per_page is not None or page is not None
        if token_form and page_form:
            msg = "use either page_size/page_token or per_page/page, not both"
            raise ValueError(msg)
        v0 = self._api == "v0"
        if v0 and token_form:
            msg = "v0 servers page identities with per_page/page only"
            raise ValueError(msg)
        check_int("page_size", page_size, low=1, high=MAX_PAGE_SIZE)
        check_str("page_token", page_token)
        check_int("per_page", per_page, low=1, high=1000 if v0 else MAX_PAGE_SIZE)
        check_int("page", page, low=0)
        id_list = check_str_list("ids", ids)
        if len(id_list) > MAX_IDS:
            msg = f"ids takes at most {MAX_IDS} ids per call, got {len(id_list)}; split the list"
            raise ValueError(msg)
        included = check_str_list("include_credential", include_credential)
        filters = {
            "credentials_identifier": check_str("credentials_identifier", credentials_identifier),
            "preview_credentials_identifier_similar": check_str(
                "preview_credentials_identifier_similar", preview_credentials_identifier_similar
            ),
            "ids": id_list or None,
            "organization_id": check_str("organization_id", organization_id),
        }
        used = [name for name, value in filters.items() if value is not None]
        if len(used) > 1:
            msg = f"the server takes one filter at a time, got {', '.join(used)}"
            raise ValueError(msg)
        if consistency is not None and consistency not in {c.value for c in models.Consistency}:
            msg = (
                f'consistency must be "strong", "eventual" or "" (the default), got {consistency!r}'
            )
            raise ValueError(msg)
        if v0 and (used or included or consistency is not None):
            msg = "v0 servers have no identity filters, include_credential or consistency"
            raise ValueError(msg)

        style: Style = "page" if (page_form or v0) else "token"
        size = per_page if per_page is not None else (page_size or 250)
        query: dict[str, QueryValue] = {
            **filters,
            "include_credential": included or None,
            "consistency": None if consistency is None else str(consistency),
        }
        if style == "page":
            query["page"] = page if page is not None else 0
            query["per_page"] = size
        else:
            query["page_size"] = page_size
            query["page_token"] = page_token
        return self._pager(
            self._admin_url("identities"),
            query,
            item_type=models.Identity,
            style=style,
            per_page=size,
            auth=auth,
            timeout=timeout,
            legacy_cap=None if v0 else LEGACY_CAP,
            token_after=_token_after,
            # Keyset pages hold only ids after the page token (kratos-facts §1.2).
            order="asc" if style == "token" else None,
        )

    def get_many(
        self,
        ids: Iterable[str] | AsyncIterable[str],
        *,
        include_credential: Iterable[str] | None = None,
        concurrency: int = 4,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> GetMany:
        """Many identities by id, through the list endpoint's ``ids`` filter (v1).

        An async iterable that yields each existing identity once: ids no identity has
        are simply absent, and an id given twice (in any spelling of the same UUID) is
        asked for once. Ids (an iterable or an async iterable) are read lazily and sent
        in chunks that keep every request URL within 8 KB (about 190 ids; the server
        takes at most 500 and aiohttp and common proxies refuse longer request lines);
        ``concurrency`` chunks are in flight at once, so memory holds at most that many
        chunks of identities, plus the set of ids already asked for. Identities come
        chunk by chunk, sorted by id within a chunk (not in input order)::

            async with ory.identities.get_many(user_ids) as found:
                async for identity in found:
                    ...

        ``include_credential`` works as in :meth:`get`; ``timeout`` replaces the
        client's for each request. Each request is retried on its own; an error that
        remains stops the iteration.

        Raises:
            ValueError: an id that is not a UUID (raised before the chunk it would travel
                in is sent; no identity can have such an id, and the server would refuse
                the whole chunk).
            TypeError: an id that is not a string, or a single string instead of an
                iterable of ids.
        """
        self._require("v1", "identities.get_many")
        if isinstance(ids, str | bytes):
            msg = "get_many takes an iterable of ids, not a single string; wrap it: [id]"
            raise TypeError(msg)
        included = check_str_list("include_credential", include_credential)
        check_int("concurrency", concurrency, low=1)
        seconds = check_timeout(timeout)
        url = self._admin_url("identities")
        # The longest fixed part: the page size, the credentials asked for, and the token
        # a next link would add (keyset paging applies to the ids filter too).
        fixed = url.with_query(
            [
                ("page_size", str(MAX_PAGE_SIZE)),
                ("page_token", "00000000-0000-0000-0000-000000000000"),
                *(("include_credential", t) for t in included),
            ]
        )
        room = (MAX_URL - len(str(fixed))) // ID_COST
        if room < 1:
            msg = f"the base URL is too long for an ids filter within {MAX_URL} bytes"
            raise ValueError(msg)

        async def fetch(chunk: list[str]) -> list[Identity]:
            pager = self.list(
                ids=chunk,
                page_size=MAX_PAGE_SIZE,
                include_credential=included or None,
                auth=auth,
                timeout=seconds,
            )
            return await pager.collect()

        return GetMany(
            ids,
            fetch=fetch,
            chunk_size=min(MAX_IDS, room),
            concurrency=concurrency,
            deadline=self._transport.limits.deadline,
        )

    def batch_create(
        self,
        bodies: Iterable[BatchInput] | AsyncIterable[BatchInput],
        *,
        chunk_size: int = 1000,
        concurrency: int = 4,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> BatchCreate:
        """Create many identities with ``PATCH /admin/identities`` (v1), in chunks.

        Yields one :class:`~ory_async.BatchCreateResult` per input row, in input order:
        ``created`` with the new id, ``failed`` with the server's reason (a conflict, a
        schema violation, ...) or ``unknown`` when the answer for a body was lost and the
        server may have applied it. A request that may have been applied is never sent
        again.

        Rows are :class:`~ory_async.models.CreateIdentityBody` objects, or
        :class:`~ory_async.models.IdentityPatch` objects whose ``patch_id`` (a UUID of
        yours, to correlate with your source rows) comes back on the result's
        ``patch_id``. Each row is encoded before anything is sent: one that cannot be
        encoded (a lone surrogate in the traits, an object that is not a body, a
        ``patch_id`` that is not a UUID) gets a ``failed`` result with an
        :class:`~ory_async.errors.InvalidBodyError` and is never sent; the others go on.

        Bad rows are isolated: when the server refuses a chunk as a whole with 400 (one
        structurally invalid entry, such as a bad ``state``, fails the whole request and
        applies nothing), the chunk is split in halves and resent until each invalid entry
        is alone, so the valid ones are created and only the invalid ones fail, with the
        server's reason. A 504 (a batch too large for the gateway) halves the chunk and
        resends it; a body that then conflicts (409) is reported ``unknown``, since the
        request that timed out may have created it.

        Chunks hold at most ``chunk_size`` bodies (at most 1,000; at most 200 when a body
        carries a plain-text password, the server's limits), and ``concurrency`` chunks
        are in flight at once. Rows are read lazily, so a generator of a million bodies
        runs in bounded memory::

            async with ory.identities.batch_create(bodies) as results:
                async for result in results:
                    ...

        Raises:
            ClientClosedError: the client is closed (when iteration starts, or mid-run).
        """
        self._require("v1", "identities.batch_create")
        check_int("chunk_size", chunk_size, low=1, high=1000)
        check_int("concurrency", concurrency, low=1)
        if self._transport.closed:
            msg = "This OryClient is closed; create a new one (or keep one open for the app's lifetime)"
            raise ClientClosedError(msg)
        return BatchCreate(
            transport=self._transport,
            url=self._admin_url("identities"),
            bodies=bodies,
            chunk_size=chunk_size,
            concurrency=concurrency,
            auth=self._auth(auth),
            timeout=check_timeout(timeout),
            existing=self._existing_ids(auth, check_timeout(timeout)),
        )

    def _existing_ids(
        self, auth: Auth | None, timeout: float | None
    ) -> Callable[[Sequence[str]], Awaitable[set[str]]] | None:
        if self._api != "v1":
            return None

        async def existing(ids: Sequence[str]) -> set[str]:
            found = self.get_many(ids, auth=auth, timeout=timeout)
            return {identity.id async for identity in found}

        return existing


def _token_after(last_id: str, size: int) -> Mapping[str, str]:
    # Identities are ordered by id in both forms, and a keyset token is the last id seen.
    return {"page_size": str(min(size, MAX_PAGE_SIZE)), "page_token": last_id}
