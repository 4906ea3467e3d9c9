"""``ory.sessions``: look up, list, revoke and extend sessions; ``whoami`` for a session token."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .._pagination import AsyncPager
from .._urls import join_path, segment
from ..auth import Auth, SessionCookie, SessionToken
from ..models import Session
from ._base import Service, check_bool, check_int, check_str, check_str_list

__all__ = ["SessionsService"]

MAX_PAGE_SIZE: Final = 1000
EXPANDABLE: Final = ("identity", "devices")


def _expand(values: Iterable[str] | None) -> list[str]:
    expand = check_str_list("expand", values)
    unknown = [v for v in expand if v.lower() not in EXPANDABLE]
    if unknown:
        msg = f"expand takes {' and/or '.join(EXPANDABLE)}, got {', '.join(map(repr, unknown))}"
        raise ValueError(msg)
    return expand


class SessionsService(Service):
    """Sessions (v1: ``/admin/sessions``, ``/admin/identities/{id}/sessions``, ``/sessions/whoami``)."""

    __slots__ = ()

    async def get(
        self, id: str, *, expand: Iterable[str] | None = None, auth: Auth | None = None
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
        )
        return await self._transport.call(request, Session)

    def list(
        self,
        *,
        page_size: int | None = None,
        page_token: str | None = None,
        active: bool | None = None,
        expand: Iterable[str] | None = None,
        auth: Auth | None = None,
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
            item_type=Session,
            style="token",
            per_page=page_size or 250,
            auth=auth,
        )

    def list_for_identity(
        self,
        identity_id: str,
        *,
        per_page: int | None = None,
        page: int | None = None,
        active: bool | None = None,
        auth: Auth | None = None,
    ) -> AsyncPager[Session]:
        """List one identity's sessions (``GET /admin/identities/{id}/sessions``, v1).

        Sessions come with ``identity`` and ``devices`` expanded. Kratos serves its first
        page twice and never links to its last page; the walk still yields every session
        exactly once, using ``X-Total-Count`` to know when it has them all. An unknown
        identity gives an empty list.
        """
        self._require("v1", "sessions.list_for_identity")
        size = check_int("per_page", per_page, low=1, high=MAX_PAGE_SIZE) or 250
        start = check_int("page", page, low=0) or 0
        check_bool("active", active)
        return self._pager(
            self._admin_url("identities", segment(identity_id, name="identity_id"), "sessions"),
            {"page": start, "per_page": size, "active": active},
            item_type=Session,
            style="page",
            per_page=size,
            auth=auth,
        )

    async def delete_for_identity(self, identity_id: str, *, auth: Auth | None = None) -> None:
        """Revoke and delete every session of an identity (``DELETE /admin/identities/{id}/sessions``, 204).

        Raises:
            NotFoundError: the identity has no sessions (or does not exist).
        """
        self._require("v1", "sessions.delete_for_identity")
        request = self._request(
            "DELETE",
            self._admin_url("identities", segment(identity_id, name="identity_id"), "sessions"),
            auth=auth,
        )
        await self._transport.call_empty(request)

    async def disable(self, id: str, *, auth: Auth | None = None) -> None:
        """Revoke one session (``DELETE /admin/sessions/{id}``, 204); it is kept, inactive.

        Raises:
            NotFoundError: no session has this id.
        """
        self._require("v1", "sessions.disable")
        request = self._request("DELETE", self._admin_url("sessions", segment(id)), auth=auth)
        await self._transport.call_empty(request)

    async def extend(self, id: str, *, auth: Auth | None = None) -> Session | None:
        """Extend a session's lifetime (``PATCH /admin/sessions/{id}/extend``).

        Current servers answer 204 and this returns ``None``; older Ory Network projects
        answer 200 with the session, which is returned. A session not yet due for
        extension is left as it is (still a success).

        Raises:
            NotFoundError: no session has this id.
        """
        self._require("v1", "sessions.extend")
        request = self._request(
            "PATCH", self._admin_url("sessions", segment(id), "extend"), auth=auth
        )
        return await self._transport.call_optional(request, Session)

    async def whoami(self, *, tokenize_as: str | None = None, auth: Auth | None = None) -> Session:
        """The session a user's credentials belong to (``GET /sessions/whoami`` on the public URL).

        Needs a :class:`~ory_async.SessionToken` (native apps; sent as ``X-Session-Token``)
        or a :class:`~ory_async.SessionCookie` (browsers; the Ory session cookie sent as a
        ``Cookie`` header): use ``ory.with_auth(SessionToken(token)).sessions.whoami()`` or
        pass ``auth=``. An API key is never sent to this endpoint.

        Raises:
            ValueError: before any request, when the credentials are neither a SessionToken
                nor a SessionCookie (Kratos would read a bearer API key as a session token).
            UnauthorizedError: no valid session for this token.
            ForbiddenError: the session's assurance level is too low (``error_id`` is
                ``session_aal2_required``).
        """
        token = self._auth(auth)
        if not isinstance(token, SessionToken | SessionCookie):
            got = "no credentials" if token is None else type(token).__name__
            msg = (
                f"sessions.whoami() needs a SessionToken or SessionCookie, got {got}; use "
                "ory.with_auth(SessionToken(token)).sessions.whoami()"
            )
            raise ValueError(msg)
        check_str("tokenize_as", tokenize_as)
        request = self._request(
            "GET",
            join_path(self._context.public_url, "sessions", "whoami"),
            query={"tokenize_as": tokenize_as},
            auth=token,
        )
        return await self._transport.call(request, Session)
