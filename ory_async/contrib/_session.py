"""The framework-neutral part of the integrations: find the session, ask Ory, map errors."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from .._client import OryClient
from ..auth import SessionCookie, SessionToken
from ..errors import (
    ApiError,
    ClientClosedError,
    ForbiddenError,
    OryError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnauthorizedError,
)
from ..models import Session

__all__ = ["SessionRejected", "SessionVerifier"]

logger = logging.getLogger("ory_async.contrib")

_NO_SESSION = "No valid session credentials found in the request."
_UNAVAILABLE = "The identity service is unavailable; try again shortly."


class SessionRejected(Exception):
    """The request cannot go on: 401, 403 or 503. Each integration turns it into a response.

    Attributes:
        status: 401 (no or invalid session), 403 (assurance level too low) or 503
            (Ory unreachable, rate-limiting or failing).
        reason: a short explanation for the client.
        error_id: Ory's error id (``session_aal2_required``, ...), when it sent one.
        redirect_browser_to: where Ory asks to send a browser (403 on AAL), if it said.
        retry_after: whole seconds for the ``Retry-After`` header of a 503.
        challenge: the ``WWW-Authenticate`` header of a 401 (how to send a session).
    """

    def __init__(
        self,
        status: int,
        reason: str,
        *,
        error_id: str | None = None,
        redirect_browser_to: str | None = None,
        retry_after: int | None = None,
        challenge: str | None = None,
    ) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason
        self.error_id = error_id
        self.redirect_browser_to = redirect_browser_to
        self.retry_after = retry_after
        self.challenge = challenge

    @property
    def headers(self) -> dict[str, str]:
        """Response headers: ``Retry-After`` on a 503, ``WWW-Authenticate`` on a 401."""
        out: dict[str, str] = {}
        if self.retry_after is not None:
            out["Retry-After"] = str(self.retry_after)
        if self.challenge is not None:
            out["WWW-Authenticate"] = self.challenge
        return out

    def detail(self) -> dict[str, str]:
        """The JSON detail of the response: ``reason``, plus ``error_id``/``redirect_browser_to``."""
        out = {"reason": self.reason}
        if self.error_id:
            out["error_id"] = self.error_id
        if self.redirect_browser_to:
            out["redirect_browser_to"] = self.redirect_browser_to
        return out


def _redirect_of(exc: ApiError) -> str | None:
    try:
        data = orjson.loads(exc.body) if exc.body else None
    except orjson.JSONDecodeError:
        return None
    value = data.get("redirect_browser_to") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


class SessionVerifier:
    """Finds a request's Ory session credentials and checks them with ``sessions.whoami()``.

    Credentials are looked for in Kratos's order: the ``X-Session-Token`` header (native
    apps), then the Ory session cookies (browsers), then, only with
    ``accept_bearer=True``, ``Authorization: Bearer <session token>``. Cookies are
    forwarded to whoami as a ``Cookie`` header holding only the Ory session cookies; the
    app's other cookies never leave it.

    Args:
        cache_ttl: seconds to reuse a successful answer for the same credentials (0, the
            default, asks Ory every time). A cached session is never used past its
            ``expires_at``. Keys are SHA-256 hashes: no token is kept in memory as such.
        cache_size: most sessions cached (least recently used go first).
        cookie_names: exact names of session cookies (self-hosted Kratos:
            ``ory_kratos_session``).
        cookie_prefixes: name prefixes of session cookies (Ory Network: ``ory_session_``
            followed by the project slug).
        accept_bearer: also read a session token from ``Authorization: Bearer``. Off by
            default: that header often carries the app's own tokens, which Ory must not see.
        retry_after: the ``Retry-After`` (seconds) of a 503 when Ory did not say how long.
        clock: monotonic time source (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        cache_ttl: float = 0.0,
        cache_size: int = 1024,
        cookie_names: Iterable[str] = ("ory_kratos_session",),
        cookie_prefixes: Iterable[str] = ("ory_session_",),
        accept_bearer: bool = False,
        retry_after: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if cache_ttl < 0 or cache_size < 1 or retry_after < 0:
            msg = "cache_ttl and retry_after must be >= 0 and cache_size >= 1"
            raise ValueError(msg)
        self.cache_ttl = float(cache_ttl)
        self.cache_size = cache_size
        self.cookie_names = frozenset(cookie_names)
        self.cookie_prefixes = tuple(cookie_prefixes)
        self.accept_bearer = accept_bearer
        self.retry_after = retry_after
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, Session]] = OrderedDict()

    def credentials(
        self, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> SessionToken | SessionCookie | None:
        """The session credentials a request carries, or None.

        A credential that could not travel in a header (a control character in it) is
        no credential: the request is treated as carrying none.
        """
        try:
            return self._credentials(headers, cookies)
        except ValueError:
            return None

    def _credentials(
        self, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> SessionToken | SessionCookie | None:
        token = headers.get("X-Session-Token", "").strip()
        if token:
            return SessionToken(token)
        ory_cookies = {
            name: value
            for name, value in cookies.items()
            if value and (name in self.cookie_names or name.startswith(self.cookie_prefixes))
        }
        if ory_cookies:
            return SessionCookie.from_cookies(ory_cookies)
        if self.accept_bearer:
            scheme, _, value = headers.get("Authorization", "").partition(" ")
            if scheme.lower() == "bearer" and value.strip():
                return SessionToken(value.strip())
        return None

    async def verify(
        self, ory: OryClient, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> Session:
        """The request's active session.

        Raises:
            SessionRejected: 401 (no or invalid session), 403 (AAL too low) or 503 (Ory
                unreachable, rate-limiting, failing, or answering something unexpected).
        """
        credentials = self.credentials(headers, cookies)
        if credentials is None:
            raise self._unauthorized(_NO_SESSION)
        key = self._key(ory, credentials)
        cached = self._cached(key)
        if cached is not None:
            return cached
        try:
            session = await ory.sessions.whoami(auth=credentials)  # no client view per check
        except UnauthorizedError as exc:
            raise self._unauthorized(exc.reason or _NO_SESSION, exc.error_id) from None
        except ForbiddenError as exc:
            raise SessionRejected(
                403,
                exc.reason or "The session does not meet the required assurance level.",
                error_id=exc.error_id,
                redirect_browser_to=_redirect_of(exc),
            ) from None
        except (RateLimitedError, ServerError) as exc:
            logger.warning("Ory could not check a session: %s", exc)
            raise self._unavailable(exc.retry_after) from None
        except TransportError as exc:
            logger.warning("Ory could not be reached to check a session: %s", exc)
            raise self._unavailable(None) from None
        except ClientClosedError:
            raise  # a bug in the app (the client was closed), not Ory's answer
        except OryError as exc:  # a redirect, a 404 from a proxy, a body that does not fit ...
            logger.error("Unexpected answer while checking a session: %s", exc)
            raise self._unavailable(None) from None
        if session.active is False:
            raise self._unauthorized("The session is no longer active.")
        self._store(key, session)
        return session

    def _unauthorized(self, reason: str, error_id: str | None = None) -> SessionRejected:
        # A 401 must say how to authenticate (RFC 9110): the scheme names the header that
        # carries an Ory session token; Bearer is offered only when it is read.
        challenge = 'X-Session-Token realm="ory"'
        if self.accept_bearer:
            challenge += ', Bearer realm="ory"'
        return SessionRejected(401, reason, error_id=error_id, challenge=challenge)

    def _unavailable(self, retry_after: float | None) -> SessionRejected:
        seconds = self.retry_after if retry_after is None else max(1, math.ceil(retry_after))
        return SessionRejected(503, _UNAVAILABLE, retry_after=seconds)

    @staticmethod
    def _key(ory: OryClient, credentials: SessionToken | SessionCookie) -> str:
        raw = f"{ory.public_url}\0{type(credentials).__name__}\0{credentials.token}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def _cached(self, key: str) -> Session | None:
        if not self.cache_ttl:
            return None
        entry = self._cache.get(key)
        if entry is None:
            return None
        until, session = entry
        if self._clock() >= until:
            del self._cache[key]
            return None
        self._cache.move_to_end(key)
        return session

    def _store(self, key: str, session: Session) -> None:
        if not self.cache_ttl:
            return
        ttl = self.cache_ttl
        if session.expires_at is not None:
            ttl = min(ttl, (session.expires_at - datetime.now(UTC)).total_seconds())
        if ttl <= 0:
            return
        self._cache[key] = (self._clock() + ttl, session)
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def clear_cache(self) -> None:
        """Forget every cached session (e.g. after logging someone out)."""
        self._cache.clear()

    def __repr__(self) -> str:
        return f"SessionVerifier(cache_ttl={self.cache_ttl}, cached={len(self._cache)})"


def detail_json(rejected: SessionRejected) -> dict[str, Any]:
    """The response body both integrations send: ``{"detail": {...}}``."""
    return {"detail": rejected.detail()}
