"""``ory.frontend``: what a server does on behalf of its signed-in users.

Sign a browser out, sign a native app out, list and revoke the user's own sessions, and
exchange the codes of a native app's browser-based sign-in for a session token. Each call
goes to the public URL with the user's credentials only: the client's API key is never
sent along, whatever ``auth`` the client was made with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .. import models
from .._headers import check_header_value
from .._pagination import AsyncPager
from .._urls import segment
from ..auth import SessionCookie, SessionToken
from ._base import Service, check_nonempty_str, check_str

if TYPE_CHECKING:
    from ..models import LogoutFlow, RevokedSessionsCount, Session, SuccessfulNativeLogin

__all__ = ["FrontendService", "UserAuth"]

UserAuth = SessionToken | SessionCookie
"""A signed-in user's credentials: a native app's session token or a browser's cookie."""

_MAX_PAGE_SIZE: Final = 1000


def _user_auth(auth: object, call: str) -> UserAuth:
    if not isinstance(auth, SessionToken | SessionCookie):
        got = "None" if auth is None else type(auth).__name__
        msg = (
            f"frontend.{call}() needs the user's SessionToken or SessionCookie, got {got}; "
            "the API key is never sent to these endpoints"
        )
        raise TypeError(msg)
    return auth


class FrontendService(Service):
    """The user-facing calls a server makes (v1 public URL: ``/self-service/logout…``, ``/sessions…``).

    Every method takes the user's credentials as an argument; none falls back to the
    client's own ``auth``.
    """

    __slots__ = ()

    async def create_logout_url(
        self,
        cookie: SessionCookie | str,
        *,
        return_to: str | None = None,
        timeout: float | None = None,
    ) -> LogoutFlow:
        """A browser's logout URL and token (``GET /self-service/logout/browser``).

        ``cookie`` is the browser's ``Cookie`` header (or a :class:`~ory_async.SessionCookie`);
        send the user to ``logout_url`` (Ory ends the session and redirects to ``return_to``,
        which must be an allowed return URL).

        Raises:
            UnauthorizedError: the cookie holds no active session.
            BadRequestError: ``return_to`` is not allowed.
        """
        self._require("v1", "frontend.create_logout_url")
        if isinstance(cookie, str):
            cookie = SessionCookie(cookie)
        if not isinstance(cookie, SessionCookie):
            msg = f"cookie must be a SessionCookie or the Cookie header as a str, not {type(cookie).__name__}"
            raise TypeError(msg)
        check_str("return_to", return_to)
        request = self._user_request(
            "GET",
            "self-service",
            "logout",
            "browser",
            auth=cookie,
            query={"return_to": return_to},
            timeout=timeout,
        )
        result: LogoutFlow = await self._transport.call(request, models.LogoutFlow)
        return result

    async def logout(self, session_token: str, *, timeout: float | None = None) -> None:
        """Sign a native app out: revoke its session token (``DELETE /self-service/logout/api``, 204).

        Raises:
            ForbiddenError: the token is unknown, invalid or already revoked.
        """
        self._require("v1", "frontend.logout")
        token = check_nonempty_str("session_token", session_token)
        check_header_value(token, what="session_token")
        request = self._user_request(
            "DELETE",
            "self-service",
            "logout",
            "api",
            auth=None,
            json={"session_token": token},
            timeout=timeout,
        )
        await self._transport.call_empty(request)

    def my_sessions(
        self,
        auth: UserAuth,
        *,
        per_page: int | None = None,
        page: int | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[Session]:
        """The user's other active sessions, newest first (``GET /sessions``).

        The session ``auth`` belongs to is not listed (``sessions.whoami`` returns it).
        Paging works as in ``sessions.list_for_identity``.

        Raises:
            TypeError: before any request, ``auth`` is not a SessionToken or SessionCookie.
            UnauthorizedError: no active session for ``auth``.
        """
        self._require("v1", "frontend.my_sessions")
        user = _user_auth(auth, "my_sessions")
        return self._either_form_pager(
            self._public_url("sessions"),
            (per_page, page, page_size, page_token),
            item_type=models.Session,
            max_size=_MAX_PAGE_SIZE,
            auth=user,
            timeout=timeout,
        )

    async def revoke_my_session(
        self, auth: UserAuth, id: str, *, timeout: float | None = None
    ) -> None:
        """Revoke one of the user's other sessions (``DELETE /sessions/{id}``, 204).

        Raises:
            TypeError: before any request, ``auth`` is not a SessionToken or SessionCookie.
            BadRequestError: ``id`` is the current session (sign out instead) or not a UUID.
            NotFoundError: the user has no session with this id.
            UnauthorizedError: no active session for ``auth``.
        """
        self._require("v1", "frontend.revoke_my_session")
        user = _user_auth(auth, "revoke_my_session")
        request = self._user_request("DELETE", "sessions", segment(id), auth=user, timeout=timeout)
        await self._transport.call_empty(request)

    async def revoke_my_other_sessions(
        self, auth: UserAuth, *, timeout: float | None = None
    ) -> int:
        """Revoke every session of the user but the current one (``DELETE /sessions``).

        Returns:
            How many of the user's other sessions the server marked revoked (Kratos counts
            those revoked before too).

        Raises:
            TypeError: before any request, ``auth`` is not a SessionToken or SessionCookie.
            UnauthorizedError: no active session for ``auth``.
        """
        self._require("v1", "frontend.revoke_my_other_sessions")
        user = _user_auth(auth, "revoke_my_other_sessions")
        request = self._user_request("DELETE", "sessions", auth=user, timeout=timeout)
        result: RevokedSessionsCount = await self._transport.call(
            request, models.RevokedSessionsCount
        )
        return result.count

    async def exchange_session_token(
        self, init_code: str, return_to_code: str, *, timeout: float | None = None
    ) -> SuccessfulNativeLogin:
        """Trade a native app's exchange codes for its session (``GET /sessions/token-exchange``).

        A native flow started with ``return_session_token_exchange_code=True`` carries the
        ``init_code`` (``flow.session_token_exchange_code``); the browser part of the sign-in
        returns to the app with ``?code=<return_to_code>``.

        Raises:
            ValueError: before any request, an empty code.
            NotFoundError: no session for these codes (yet).
        """
        self._require("v1", "frontend.exchange_session_token")
        query = {
            "init_code": check_nonempty_str("init_code", init_code),
            "return_to_code": check_nonempty_str("return_to_code", return_to_code),
        }
        request = self._user_request(
            "GET", "sessions", "token-exchange", auth=None, query=query, timeout=timeout
        )
        result: SuccessfulNativeLogin = await self._transport.call(
            request, models.SuccessfulNativeLogin
        )
        return result
