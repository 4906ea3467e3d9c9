"""What the blocking-framework integrations (Django, Flask) share: the answer to a refused request.

A browser (a request that accepts HTML) without a valid session is sent (303) to the
login flow with ``return_to`` the page it asked for, and one whose session is below the
required assurance level to the login flow with ``aal=...``; an API client gets 401 or
403 JSON; Ory being unreachable or rate-limiting is 503 with ``Retry-After`` for both,
never a 401 and never a redirect: nobody is logged out because Ory was slow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, Literal

import attrs
import orjson
from yarl import URL

from ..models import Session
from ._session import SessionRejected, detail_json

__all__ = [
    "AAL_LEVELS",
    "Aal",
    "Reply",
    "SelfServiceUrls",
    "aal_rejection",
    "login_url",
    "reply_for",
    "self_service_urls",
    "wants_html",
]

Aal = Literal["aal1", "aal2", "aal3"]
AAL_LEVELS: Final = ("aal1", "aal2", "aal3")
SELF_SERVICE: Final = ("login", "registration", "settings", "recovery", "verification")


@attrs.frozen
class Reply:
    """A response to send instead of running the view."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    content_type: str = "application/json"

    @property
    def location(self) -> str | None:
        """Where a redirect sends the browser."""
        return self.headers.get("Location")


def wants_html(accept: str) -> bool:
    """Whether a request's ``Accept`` header says a browser is asking (HTML before JSON)."""
    html = accept.find("text/html")
    if html < 0:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or html < json_at


def login_url(public_url: URL, *, return_to: str | None = None, aal: str | None = None) -> str:
    """The browser login flow's URL on the Ory public URL (``/self-service/login/browser``)."""
    query: dict[str, str] = {}
    if aal is not None:
        query["aal"] = aal
    if return_to is not None:
        query["return_to"] = return_to
    return str((public_url / "self-service/login/browser").with_query(query))


def self_service_urls(public_url: URL, *, return_to: str | None = None) -> dict[str, str]:
    """The self-service browser flows' URLs, keyed by flow, each with ``return_to`` if given.

    Keys: ``login``, ``registration``, ``settings``, ``recovery`` and ``verification``
    (logging out needs the user's own URL: :class:`SelfServiceUrls`).
    """
    query = {"return_to": return_to} if return_to is not None else {}
    return {
        kind: str((public_url / f"self-service/{kind}/browser").with_query(query))
        for kind in SELF_SERVICE
    }


class SelfServiceUrls:
    """One request's self-service URLs, as templates see them (``ory_urls``).

    ``login``, ``registration``, ``settings``, ``recovery`` and ``verification`` start
    a browser flow that returns to the page being rendered. ``logout`` is the user's own
    logout URL (with its logout token), asked of Ory with the user's session cookie the
    first time a template reads it and kept for the rest of the request; ``None`` when
    the request has no browser session.
    """

    __slots__ = (
        "_fetch",
        "_logout",
        "login",
        "recovery",
        "registration",
        "settings",
        "verification",
    )

    def __init__(
        self,
        public_url: URL,
        *,
        return_to: str | None,
        logout: Callable[[], str | None],
    ) -> None:
        urls = self_service_urls(public_url, return_to=return_to)
        self.login: str = urls["login"]
        self.registration: str = urls["registration"]
        self.settings: str = urls["settings"]
        self.recovery: str = urls["recovery"]
        self.verification: str = urls["verification"]
        self._fetch: Callable[[], str | None] | None = logout
        self._logout: str | None = None

    @property
    def logout(self) -> str | None:
        """The user's logout URL (``…/self-service/logout?token=…``), or ``None`` without a session.

        Raises:
            SessionRejected: 503 when Ory is unreachable or failing.
        """
        fetch = self._fetch
        if fetch is not None:
            self._logout = fetch()
            self._fetch = None
        return self._logout

    def __repr__(self) -> str:
        return f"SelfServiceUrls(login={self.login!r})"


def aal_rejection(session: Session, required: str | None) -> SessionRejected | None:
    """A 403 when ``session`` is below the ``required`` assurance level, else ``None``."""
    if required is None:
        return None
    if required not in AAL_LEVELS:
        msg = f"aal must be one of {', '.join(AAL_LEVELS)}, got {required!r}"
        raise ValueError(msg)
    level = str(session.authenticator_assurance_level or "aal1")
    rank = AAL_LEVELS.index(level) if level in AAL_LEVELS else 0
    if rank >= AAL_LEVELS.index(required):
        return None
    return SessionRejected(
        403,
        f"This page needs a session at assurance level {required}; this one is {level}.",
        error_id=f"session_{required}_required",
    )


def reply_for(
    rejected: SessionRejected,
    *,
    public_url: URL,
    accept: str,
    return_to: str,
    redirect_browsers: bool = True,
    aal: str | None = None,
) -> Reply:
    """The response to a refused request: a redirect for browsers, JSON for API clients."""
    if rejected.status in (401, 403) and redirect_browsers and wants_html(accept):
        if rejected.status == 401:
            target = login_url(public_url, return_to=return_to)
        else:
            needed = aal if aal is not None else _aal_of(rejected.error_id) or "aal2"
            target = rejected.redirect_browser_to or login_url(
                public_url, return_to=return_to, aal=needed
            )
        return Reply(303, {"Location": target}, b"", "text/plain")
    return Reply(rejected.status, rejected.headers, orjson.dumps(detail_json(rejected)))


def _aal_of(error_id: str | None) -> str | None:
    for level in AAL_LEVELS:
        if error_id == f"session_{level}_required":
            return level
    return None
