"""``ory.sessions``: look up, list, revoke and extend sessions; ``whoami`` for a session token."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Literal

import attrs
from yarl import URL

from .. import _revocations, models
from .._pagination import AsyncPager
from .._transport import Response
from .._urls import join_path, segment
from ..auth import Auth, SessionCookie, SessionToken
from ..errors import DecodeError
from ._base import (
    Service,
    check_bool,
    check_int,
    check_str,
    check_str_list,
    migration_paging,
)

if TYPE_CHECKING:
    from ..models import ManageSessionsAction, ManageSessionsBody, ManageSessionsResponse, Session

__all__ = ["SessionsService"]

MAX_PAGE_SIZE: Final = 1000
MAX_MANAGE_IDS: Final = 500
WILDCARD: Final = "*"
EXPANDABLE: Final = ("identity", "devices")
_FRESH: Final = {"Cache-Control": "max-age=0"}


@functools.lru_cache(maxsize=16)
def _whoami_url(public_url: URL) -> URL:
    # The most frequent call of a web app: its URL is joined once per public URL.
    return join_path(public_url, "sessions", "whoami")


def _expand(values: Iterable[str] | None) -> list[str]:
    # Like an open enum: a value this client does not know (one a newer server added)
    # is sent as given, and the server decides.
    expand = check_str_list("expand", values)
    empty = [v for v in expand if not v]
    if empty:
        msg = f"expand values must not be empty; known values: {', '.join(EXPANDABLE)}"
        raise ValueError(msg)
    return expand


class SessionsService(Service):
    """Sessions (v1: ``/admin/sessions``, ``/admin/identities/{id}/sessions``, ``/sessions/whoami``)."""

    __slots__ = ()

    async def get(
        self,
        id: str,
        *,
        expand: Iterable[str] | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> Session:
        """Get one session (``GET /admin/sessions/{id}``, v1).

        ``expand`` may name ``"identity"`` and ``"devices"``; without it, the session's
        ``identity`` is ``None`` and ``devices`` is empty.

        Raises:
            NotFoundError: no session has this id.
            BadRequestError: the id is not a UUID.
        """
        self._require("v1", "sessions.get")
        request = self._request(
            "GET",
            self._admin_url("sessions", segment(id)),
            query={"expand": _expand(expand) or None},
            auth=auth,
            timeout=timeout,
        )
        return await self._transport.call(request, models.Session)

    def list(
        self,
        *,
        page_size: int | None = None,
        page_token: str | None = None,
        active: bool | None = None,
        expand: Iterable[str] | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[Session]:
        """List every session of the project (``GET /admin/sessions``, v1, page-token form).

        ``active=True`` keeps active, unexpired sessions; ``False`` the others; ``None``
        all. ``expand`` as in :meth:`get`. Newest first.
        """
        self._require("v1", "sessions.list")
        check_int("page_size", page_size, low=1, high=MAX_PAGE_SIZE)
        check_str("page_token", page_token)
        check_bool("active", active)
        return self._pager(
            self._admin_url("sessions"),
            {
                "page_size": page_size,
                "page_token": page_token,
                "active": active,
                "expand": _expand(expand) or None,
            },
            item_type=models.Session,
            style="token",
            per_page=page_size or 250,
            auth=auth,
            timeout=timeout,
        )

    def list_for_identity(
        self,
        identity_id: str,
        *,
        per_page: int | None = None,
        page: int | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
        active: bool | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[Session]:
        """List one identity's sessions (``GET /admin/identities/{id}/sessions``, v1).

        Sessions come with ``identity`` and ``devices`` expanded. Kratos serves its first
        page twice and never links to its last page; the walk still yields every session
        exactly once, using ``X-Total-Count`` to know when it has them all. An unknown
        identity gives an empty list. ``page_size``/``page_token`` use the token form
        (``page_token`` resumes an earlier walk); ``per_page``/``page`` the legacy one.

        Raises (before any request):
            ValueError: both paging forms, or page sizes out of range.
        """
        self._require("v1", "sessions.list_for_identity")
        url = self._admin_url("identities", segment(identity_id, name="identity_id"), "sessions")
        query, size = migration_paging(per_page, page, page_size, page_token)
        check_bool("active", active)
        return self._pager(
            url,
            {**query, "active": active},
            item_type=models.Session,
            style="page",
            per_page=size,
            auth=auth,
            timeout=timeout,
        )

    async def delete_for_identity(
        self, identity_id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> None:
        """Revoke and delete every session of an identity (``DELETE /admin/identities/{id}/sessions``, 204).

        Raises:
            NotFoundError: the identity has no sessions (or does not exist).
        """
        self._require("v1", "sessions.delete_for_identity")
        request = self._request(
            "DELETE",
            self._admin_url("identities", segment(identity_id, name="identity_id"), "sessions"),
            auth=auth,
            timeout=timeout,
        )
        await self._transport.call_empty(request)
        self._ended(identities=(identity_id,))

    async def disable(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> None:
        """Revoke one session (``DELETE /admin/sessions/{id}``, 204); it is kept, inactive.

        Raises:
            NotFoundError: no session has this id.
        """
        self._require("v1", "sessions.disable")
        request = self._request(
            "DELETE", self._admin_url("sessions", segment(id)), auth=auth, timeout=timeout
        )
        await self._transport.call_empty(request)
        self._ended(sessions=(id,))

    async def extend(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> Session | None:
        """Extend a session's lifetime (``PATCH /admin/sessions/{id}/extend``).

        Current servers answer 204 and this returns ``None``; older Ory Network projects
        answer 200 with the session, which is returned. A session not yet due for
        extension is left as it is (still a success).

        Raises:
            NotFoundError: no session has this id.
        """
        self._require("v1", "sessions.extend")
        request = self._request(
            "PATCH", self._admin_url("sessions", segment(id), "extend"), auth=auth, timeout=timeout
        )
        return await self._transport.call_optional(request, models.Session)

    async def manage(
        self,
        action: ManageSessionsAction | Literal["disable", "delete"],
        *,
        identities: Iterable[str] | Literal["*"] | None = None,
        sessions: Iterable[str] | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> int:
        """Disable or delete many sessions at once (``POST /admin/sessions``, v1).

        ``action`` is ``"disable"`` (revoke; rows kept) or ``"delete"``. Pass exactly one
        of ``identities`` (identity ids, every session of each; or ``"*"`` for every
        session of the project) and ``sessions`` (session ids). Explicit ids go out in
        calls of at most 500 (the server's limit), duplicates dropped; ``"*"`` is sent
        again while the server says more sessions are left. An empty list sends nothing.

        Returns:
            How many sessions were processed (for ``disable``, those that were active).

        Raises:
            ValueError, TypeError: before any request, for an unknown action, both or
                neither of ``identities`` and ``sessions``, or ``"*"`` mixed with ids or
                given as a session id.
            BadRequestError: the server refused an id (not a UUID).
        """
        self._require("v1", "sessions.manage")
        if action not in {a.value for a in models.ManageSessionsAction}:
            msg = f'action must be "disable" or "delete", got {action!r}'
            raise ValueError(msg)
        if (identities is None) == (sessions is None):
            msg = "pass exactly one of identities= and sessions="
            raise ValueError(msg)
        field = "identities" if identities is not None else "sessions"
        if sessions == WILDCARD:
            msg = 'sessions= takes session ids only; use identities="*" for every session'
            raise ValueError(msg)
        if identities == WILDCARD:
            ids = [WILDCARD]
        else:
            ids = list(
                dict.fromkeys(check_str_list(field, identities if sessions is None else sessions))
            )
        with self._transport.whole_call():  # the deadline bounds every round together
            if WILDCARD in ids:
                if field == "sessions":
                    msg = 'sessions= takes session ids only; use identities="*" for every session'
                    raise ValueError(msg)
                if len(ids) > 1:
                    msg = 'identities="*" stands alone; it cannot be mixed with identity ids'
                    raise ValueError(msg)
                try:
                    return await self._manage_all(str(action), auth, timeout)
                finally:  # some may have ended even if a later round failed
                    self._ended(everything=True)
            total = 0
            for start in range(0, len(ids), MAX_MANAGE_IDS):
                chunk = ids[start : start + MAX_MANAGE_IDS]
                body = (
                    models.ManageSessionsBody(action=str(action), sessions=chunk)
                    if field == "sessions"
                    else models.ManageSessionsBody(action=str(action), identities=chunk)
                )
                total += (await self._manage_once(body, auth, timeout)).processed
                if field == "sessions":
                    self._ended(sessions=chunk)
                else:
                    self._ended(identities=chunk)
            return total

    def _ended(
        self,
        *,
        sessions: Iterable[str] = (),
        identities: Iterable[str] = (),
        everything: bool = False,
    ) -> None:
        """Tell session caches (``contrib.SessionVerifier``) that these sessions ended."""
        _revocations.announce(
            str(self._context.public_url),
            sessions=sessions,
            identities=identities,
            everything=everything,
        )

    async def _manage_all(self, action: str, auth: Auth | None, timeout: float | None) -> int:
        body = models.ManageSessionsBody(action=action, identities=[WILDCARD])
        total = 0
        while True:
            answer = await self._manage_once(body, auth, timeout)
            total += answer.processed
            # A server that says "more" but processed nothing would loop for ever.
            if not answer.more or answer.processed <= 0:
                return total

    async def _manage_once(
        self, body: ManageSessionsBody, auth: Auth | None, timeout: float | None
    ) -> ManageSessionsResponse:
        # Disabling or deleting twice changes nothing more: safe to resend when unsent.
        request = self._request(
            "POST",
            self._admin_url("sessions"),
            json=body,
            auth=auth,
            timeout=timeout,
            retry_unsent=True,
        )
        result: ManageSessionsResponse = await self._transport.call(
            request, models.ManageSessionsResponse
        )
        return result

    async def whoami(
        self,
        *,
        tokenize_as: str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> Session:
        """The session a user's credentials belong to (``GET /sessions/whoami`` on the public URL).

        Needs a :class:`~ory_async.SessionToken` (native apps; sent as ``X-Session-Token``)
        or a :class:`~ory_async.SessionCookie` (browsers; the Ory session cookie sent as a
        ``Cookie`` header): pass ``auth=SessionToken(token)``, which sends it with this one
        call and builds nothing else (what a per-request check wants), or call it on an
        ``ory.with_auth(...)`` view. An API key is never sent to this endpoint.

        Raises:
            ValueError: before any request, when the credentials are neither a SessionToken
                nor a SessionCookie (Kratos would read a bearer API key as a session token).
            UnauthorizedError: no valid session for this token.
            ForbiddenError: the session's assurance level is too low (``error_id`` is
                ``session_aal2_required``).
        """
        session, _ = await self.whoami_response(tokenize_as=tokenize_as, auth=auth, timeout=timeout)
        return session

    async def whoami_response(
        self,
        *,
        tokenize_as: str | None = None,
        fresh: bool = False,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> tuple[Session, Response]:
        """As :meth:`whoami`, also returning the response, for its headers.

        What a session check in an app needs besides the session: ``Ory-Session-Cache-For``
        (how long the answer may be reused) and ``Set-Cookie`` (a re-issued session
        cookie to pass on to the browser). ``fresh=True`` sends ``Cache-Control:
        max-age=0``: Ory answers from its database, not from a cache of its own.
        """
        token = self._auth(auth)
        if not isinstance(token, SessionToken | SessionCookie):
            got = "no credentials" if token is None else type(token).__name__
            msg = (
                f"sessions.whoami() needs a SessionToken or SessionCookie, got {got}; use "
                "ory.sessions.whoami(auth=SessionToken(token))"
            )
            raise ValueError(msg)
        check_str("tokenize_as", tokenize_as)
        request = self._request(
            "GET",
            _whoami_url(self._context.public_url),
            query={"tokenize_as": tokenize_as} if tokenize_as is not None else None,
            auth=token,
            headers=_FRESH if fresh else None,
            timeout=timeout,
        )
        return await self._transport.call_with_response(request, models.Session)

    async def jwks(self, url: str | URL | None = None, *, timeout: float | None = None) -> bytes:
        """The JSON Web Key Set that verifies tokenized sessions, as JSON bytes.

        ``GET /.well-known/jwks.json`` on the public URL unless ``url`` names another place
        (self-hosted Kratos signs with keys you publish yourself). No credentials are sent.
        """
        target = join_path(self._context.public_url, ".well-known", "jwks.json")
        if url is not None:
            target = URL(url)
            if not target.is_absolute() or target.scheme not in ("http", "https"):
                msg = f"url must be an absolute http(s) URL, got {str(url)!r}"
                raise ValueError(msg)
        request = attrs.evolve(self._request("GET", target, timeout=timeout), auth=None)
        return (await self._transport.send(request)).body

    async def tokenize(
        self,
        credentials: str | SessionToken | SessionCookie,
        template: str,
        *,
        timeout: float | None = None,
    ) -> str:
        """A user's session as a short-lived JWT (``whoami?tokenize_as=<template>``).

        ``credentials`` is a session token (a ``str`` or :class:`~ory_async.SessionToken`)
        or a browser's :class:`~ory_async.SessionCookie`. ``template`` names a session
        token template configured in the project. Hand the token to services of your own,
        which verify it against the project's JWKS (``contrib.SessionVerifier(jwt=...)``)
        without calling Ory.

        Raises:
            ValueError: before any request, for an empty template.
            UnauthorizedError: no valid session for these credentials.
            BadRequestError: the project has no such template.
            DecodeError: Ory answered without a token.
        """
        check_str("template", template)
        if not template:
            msg = "template must name a session token template"
            raise ValueError(msg)
        auth = SessionToken(credentials) if isinstance(credentials, str) else credentials
        session, _ = await self.whoami_response(tokenize_as=template, auth=auth, timeout=timeout)
        if not session.tokenized:
            msg = f"GET /sessions/whoami?tokenize_as={template} answered without a token"
            raise DecodeError(msg, body=b"", field="tokenized", target="Session")
        return session.tokenized
