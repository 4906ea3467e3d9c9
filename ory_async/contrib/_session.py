"""The framework-neutral part of the integrations: find the session, ask Ory, map errors."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import attrs
import orjson

from .._client import OryClient
from .._serde import structure
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
from ._cache import SessionCache
from ._jwt import JwtRejected, JwtUnavailable, TokenVerifier
from ._replies import Reply, login_url, wants_html

__all__ = ["SessionCheck", "SessionRejected", "SessionVerifier"]

Source = Literal["ory", "cache", "token"]
_AAL_RANK = {"aal0": 0, "aal1": 1, "aal2": 2, "aal3": 3}

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
        aal: on a 403, the assurance level to log in with (``aal2``).
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
        aal: str | None = None,
    ) -> None:
        super().__init__(f"{status}: {reason}")
        self.aal = aal
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


@attrs.frozen(slots=True)
class SessionCheck:
    """What a session check found: the session, where it came from, and what to pass on.

    Attributes:
        session: the active session. From a verified token it holds what the token says:
            the ``session`` claim when the token template puts one there (then it is the
            whole whoami answer), else the session id (``sid``), ``issued_at`` (``iat``)
            and no identity: use :attr:`identity_id`.
        source: ``"ory"`` (asked whoami), ``"cache"`` (an earlier answer Ory allowed to
            reuse) or ``"token"`` (a JWT verified locally; no call to Ory).
        set_cookies: ``Set-Cookie`` header values from whoami (a re-issued session
            cookie) that the app's response must carry to the browser.
        claims: the verified claims, when the session came from a token.
    """

    session: Session
    source: Source
    set_cookies: tuple[str, ...] = ()
    claims: Mapping[str, Any] | None = None

    @property
    def identity_id(self) -> str | None:
        """The identity's id: from the session's identity, else the token's ``sub``."""
        if self.session.identity is not None:
            return self.session.identity.id
        sub = self.claims.get("sub") if self.claims is not None else None
        return sub if isinstance(sub, str) else None

    @property
    def aal(self) -> str | None:
        """The session's authenticator assurance level (``aal1``, ``aal2``), if known."""
        level = self.session.authenticator_assurance_level
        return str(level) if level is not None else None


class SessionVerifier:
    """Finds a request's Ory session credentials and checks them; every integration uses one.

    Credentials are looked for in Kratos's order: the ``X-Session-Token`` header (native
    apps), then the Ory session cookies (browsers), then ``Authorization: Bearer``. A
    bearer JWT is verified locally when ``jwt`` is set (a token from ``tokenize_as``,
    no call to Ory); a bearer session token is sent to whoami only with
    ``accept_bearer=True``. Cookies are forwarded to whoami as a ``Cookie`` header holding
    only the Ory session cookies; the app's other cookies never leave it.

    whoami answers are cached as Ory directs: for ``Ory-Session-Cache-For`` seconds,
    never past the session's ``expires_at``, never longer than ``cache_ttl``. A cached
    session is dropped as soon as the client (any ``OryClient`` in this process)
    disables, revokes or deletes it or its identity; tokens issued before such a revoke
    are refused too.

    The interface is the same for every caller, sync ones included (they run
    :meth:`check` on their loop): :meth:`credentials` and :meth:`reply` are plain
    functions, :meth:`check` and :meth:`verify` coroutines taking plain mappings.

    Args:
        cache_ttl: an upper bound, in seconds, on how long an answer is reused. None (the
            default): as long as Ory says. 0: never cached. A number: at most that long,
            and that long when Ory says nothing.
        cache_size: most sessions cached (least recently used go first).
        cookie_names: exact names of session cookies (self-hosted Kratos:
            ``ory_kratos_session``).
        cookie_prefixes: name prefixes of session cookies (Ory Network: ``ory_session_``
            followed by the project slug).
        accept_bearer: also send a bearer value that is not a JWT to whoami as a session
            token. Off by default: that header often carries the app's own tokens, which
            Ory must not see.
        jwt: verify bearer JWTs locally (``True`` for the project's JWKS with default
            checks, or a configured :class:`TokenVerifier`; needs the ``jwt`` extra).
        redirect_browsers: send a browser (a request that accepts HTML) without a valid
            session to the login flow (303) instead of a 401. Off for APIs.
        login_url: the login flow to send browsers to; default the client's public URL +
            ``/self-service/login/browser``. ``return_to`` (the original URL) and, when a
            second factor is needed, ``aal=aal2`` are added.
        retry_after: the ``Retry-After`` (seconds) of a 503 when Ory did not say how long.
        clock: monotonic time source (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        cache_ttl: float | None = None,
        cache_size: int = 1024,
        cookie_names: Iterable[str] = ("ory_kratos_session",),
        cookie_prefixes: Iterable[str] = ("ory_session_",),
        accept_bearer: bool = False,
        jwt: TokenVerifier | bool = False,
        redirect_browsers: bool = True,
        login_url: str | None = None,
        retry_after: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if (cache_ttl is not None and cache_ttl < 0) or cache_size < 1 or retry_after < 0:
            msg = "cache_ttl and retry_after must be >= 0 and cache_size >= 1"
            raise ValueError(msg)
        self.cache_ttl = None if cache_ttl is None else float(cache_ttl)
        self.cache_size = cache_size
        self.cookie_names = frozenset(cookie_names)
        self.cookie_prefixes = tuple(cookie_prefixes)
        self.accept_bearer = accept_bearer
        self.tokens: TokenVerifier | None = (
            TokenVerifier() if jwt is True else jwt if isinstance(jwt, TokenVerifier) else None
        )
        self.redirect_browsers = redirect_browsers
        self.login_url = login_url
        self.retry_after = retry_after
        self._clock = clock
        self._cache = SessionCache(cache_size, clock)

    def credentials(
        self, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> SessionToken | SessionCookie | None:
        """The session credentials (token or cookies) a request carries for whoami, or None.

        A bearer JWT is not among them (see :meth:`check`). A credential that could not
        travel in a header (a control character in it) is no credential.
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
        if cookies:
            ory_cookies = {
                name: value
                for name, value in cookies.items()
                if value and (name in self.cookie_names or name.startswith(self.cookie_prefixes))
            }
            if ory_cookies:
                return SessionCookie.from_cookies(ory_cookies)
        if self.accept_bearer:
            bearer = _bearer(headers)
            if bearer and not (self.tokens is not None and TokenVerifier.looks_like_jwt(bearer)):
                return SessionToken(bearer)
        return None

    async def verify(
        self, ory: OryClient, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> Session:
        """The request's active session (see :meth:`check`, which also says what to pass on).

        Raises:
            SessionRejected: as :meth:`check`.
        """
        return (await self.check(ory, headers, cookies)).session

    async def check(
        self,
        ory: OryClient,
        headers: Mapping[str, str],
        cookies: Mapping[str, str],
        *,
        fresh: bool = False,
        aal: str | None = None,
    ) -> SessionCheck:
        """Check the request's session: a bearer JWT locally, else the cache, else whoami.

        Args:
            ory: the app's client.
            headers: the request's headers (any mapping; case-insensitive ones work best).
            cookies: the request's cookies by name.
            fresh: skip the cache and ask Ory for a fresh answer (``Cache-Control:
                max-age=0``), e.g. before a sensitive action.
            aal: the least assurance level the route needs (``"aal2"``): a session below
                it is a 403 whose reply sends browsers to log in with a second factor.

        Raises:
            SessionRejected: 401 (no or invalid session), 403 (assurance level too low) or
                503 (Ory unreachable, rate-limiting, failing, or answering something
                unexpected; its keys could not be fetched).
        """
        credentials = self.credentials(headers, cookies)
        if credentials is None:
            bearer = _bearer(headers) if self.tokens is not None else None
            if bearer and TokenVerifier.looks_like_jwt(bearer):
                result = await self._check_token(ory, bearer)
            else:
                raise self._unauthorized(_NO_SESSION)
        else:
            result = await self._check_whoami(ory, credentials, fresh)
        self.require_aal(result, aal)
        return result

    @staticmethod
    def require_aal(check: SessionCheck, aal: str | None) -> None:
        """Refuse (403) a session below the assurance level ``aal`` (``"aal2"``).

        Raises:
            SessionRejected: 403 ``session_aal2_required``; its reply sends browsers to
                log in with ``aal=<aal>``.
        """
        if aal is not None and _AAL_RANK.get(check.aal or "", 0) < _AAL_RANK.get(aal, 2):
            raise SessionRejected(
                403,
                "The session does not meet the required assurance level.",
                error_id="session_aal2_required",
                aal=aal,
            )

    async def _check_token(self, ory: OryClient, token: str) -> SessionCheck:
        assert self.tokens is not None
        try:
            claims = await self.tokens.verify(token, ory)
        except JwtRejected as exc:
            raise self._unauthorized(str(exc)) from None
        except JwtUnavailable:
            raise self._unavailable(None) from None
        session = _session_of(claims, token)
        origin = str(ory.public_url)
        iat = claims.get("iat")
        if isinstance(iat, int | float) and self._cache.ended_since(
            origin, session.id, _sub(claims), float(iat)
        ):
            raise self._unauthorized("The session is no longer active.")
        return SessionCheck(session, "token", claims=claims)

    async def _check_whoami(
        self, ory: OryClient, credentials: SessionToken | SessionCookie, fresh: bool
    ) -> SessionCheck:
        caching = self.cache_ttl != 0
        origin = str(ory.public_url)
        key = b""
        if caching:
            key = SessionCache.key(origin, type(credentials).__name__, credentials.token)
            if not fresh:
                cached = self._cache.get(key)
                if cached is not None:
                    return SessionCheck(cached, "cache")
        try:
            # auth= for this call only: no client view per check
            session, response = await ory.sessions.whoami_response(auth=credentials, fresh=fresh)
        except UnauthorizedError as exc:
            if caching:
                self._cache.drop(key)
            raise self._unauthorized(exc.reason or _NO_SESSION, error_id=exc.error_id) from None
        except ForbiddenError as exc:
            raise SessionRejected(
                403,
                exc.reason or "The session does not meet the required assurance level.",
                error_id=exc.error_id,
                redirect_browser_to=_redirect_of(exc),
                aal="aal2",
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
        if caching:
            seconds = self._seconds(session, response.headers.get("Ory-Session-Cache-For"))
            self._cache.put(key, session, origin, seconds)
        return SessionCheck(session, "ory", tuple(response.headers.getall("Set-Cookie", ())))

    def _seconds(self, session: Session, cache_for: str | None) -> float:
        """How long an answer may be reused: Ory's word, capped by cache_ttl and expiry."""
        seconds = _parse_seconds(cache_for)
        if seconds is None:
            seconds = self.cache_ttl or 0.0
        elif self.cache_ttl is not None:
            seconds = min(seconds, self.cache_ttl)
        if seconds > 0 and session.expires_at is not None:
            seconds = min(seconds, (session.expires_at - datetime.now(UTC)).total_seconds())
        return seconds

    def _unauthorized(self, reason: str, error_id: str | None = None) -> SessionRejected:
        # A 401 must say how to authenticate (RFC 9110): the scheme names the header that
        # carries an Ory session token; Bearer is offered only when it is read.
        challenge = 'X-Session-Token realm="ory"'
        if self.accept_bearer or self.tokens is not None:
            challenge += ', Bearer realm="ory"'
        return SessionRejected(401, reason, error_id=error_id, challenge=challenge)

    def _unavailable(self, retry_after: float | None) -> SessionRejected:
        seconds = self.retry_after if retry_after is None else max(1, math.ceil(retry_after))
        return SessionRejected(503, _UNAVAILABLE, retry_after=seconds)

    def reply(
        self,
        rejected: SessionRejected,
        *,
        ory: OryClient | None,
        url: str,
        method: str = "GET",
        accept: str | None = None,
    ) -> Reply:
        """The response for a rejected request (framework-neutral).

        A browser (a request accepting HTML) without a valid session, or below the
        needed assurance level, gets a 303 to the login flow with ``return_to`` (and
        ``aal=aal2``) when ``redirect_browsers`` is on; other clients get JSON 401/403;
        Ory being unavailable is a JSON 503 with ``Retry-After`` for everyone.
        ``url`` is the request's full URL (the ``return_to`` of the login flow).
        """
        base = self.login_url
        if base is None and ory is not None:
            base = str(ory.public_url).rstrip("/") + "/self-service/login/browser"
        if (
            base is not None
            and self.redirect_browsers
            and rejected.status in (401, 403)
            and wants_html(method, accept)
        ):
            aal = rejected.aal if rejected.status == 403 else None
            return Reply.redirect(login_url(base, return_to=url, aal=aal))
        return Reply.json(rejected.status, detail_json(rejected), rejected.headers)

    def clear_cache(self) -> None:
        """Forget every cached session (e.g. after logging someone out)."""
        self._cache.clear()

    def __repr__(self) -> str:
        jwt = "on" if self.tokens is not None else "off"
        return f"SessionVerifier(cache_ttl={self.cache_ttl}, cached={len(self._cache)}, jwt={jwt})"


def _bearer(headers: Mapping[str, str]) -> str:
    scheme, _, value = headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _sub(claims: Mapping[str, Any]) -> str | None:
    sub = claims.get("sub")
    return sub if isinstance(sub, str) else None


def _parse_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


def _session_of(claims: Mapping[str, Any], token: str) -> Session:
    """The session a verified token describes."""
    embedded = claims.get("session")
    if isinstance(embedded, dict):
        try:
            return attrs.evolve(structure(embedded, Session), tokenized=token)
        except Exception:
            logger.warning("A token's session claim does not decode; using its other claims")
    sid = claims.get("sid")
    iat = claims.get("iat")
    return Session(
        id=sid if isinstance(sid, str) else "",
        active=True,
        issued_at=datetime.fromtimestamp(iat, UTC) if isinstance(iat, int | float) else None,
        tokenized=token,
    )


def detail_json(rejected: SessionRejected) -> dict[str, Any]:
    """The response body both integrations send: ``{"detail": {...}}``."""
    return {"detail": rejected.detail()}
