"""Credentials: how a request proves who sends it.

Every kind keeps its secret out of ``repr()`` and ``str()`` so that logging a
client, a config object or an exception can never print it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._headers import check_header_value

__all__ = ["Auth", "BearerToken", "SessionCookie", "SessionToken"]


class Auth:
    """Base class of the credentials ory_async can send.

    Subclasses name the header they set; the transport adds it only to requests
    for the client's own configured origins.
    """

    __slots__ = ("_token",)
    header_name: ClassVar[str] = ""

    def __init__(self, token: str) -> None:
        if not isinstance(token, str):
            msg = f"{type(self).__name__} takes the token as a str, not {type(token).__name__}"
            raise TypeError(msg)
        token = token.strip()
        if not token:
            msg = f"{type(self).__name__} needs a non-empty token"
            raise ValueError(msg)
        check_header_value(token, what=f"{type(self).__name__} token")
        self._token = token

    @property
    def token(self) -> str:
        """The secret itself. Avoid printing it."""
        return self._token

    def header_value(self) -> str:
        """The value of :attr:`header_name` for this credential."""
        return self._token

    def secrets(self) -> tuple[str, ...]:
        """Every form of this credential that must never be printed (used to scrub messages)."""
        return (self._token,)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._token == self._token

    def __hash__(self) -> int:
        return hash((type(self), self._token))

    def __reduce__(self) -> tuple[type[Auth], tuple[str]]:
        return (type(self), (self._token,))


class BearerToken(Auth):
    """An Ory API key (``ory_pat_…``/``ory_apikey_…``) sent as ``Authorization: Bearer``.

    This is what every ``/admin/...`` endpoint of Ory Network needs.
    """

    __slots__ = ()
    header_name = "Authorization"

    def header_value(self) -> str:
        """``Bearer <token>``."""
        return f"Bearer {self._token}"


class SessionToken(Auth):
    """A user's session token sent as ``X-Session-Token`` (``sessions.whoami()``, flows)."""

    __slots__ = ()
    header_name = "X-Session-Token"


class SessionCookie(Auth):
    """A browser's Ory session cookie(s) sent as a ``Cookie`` header (``sessions.whoami()``).

    Browsers carry the session in a cookie: ``ory_kratos_session`` on self-hosted
    Kratos, ``ory_session_<slug>`` on Ory Network. Forward it to whoami exactly as the
    browser sent it, as a cookie; the cookie's value is not a session token.

    ``SessionCookie("ory_kratos_session=MTY...")`` takes the ``Cookie`` header value;
    :meth:`from_cookies` builds it from name/value pairs.
    """

    __slots__ = ()
    header_name = "Cookie"

    def secrets(self) -> tuple[str, ...]:
        """The whole header, each ``name=value`` pair and each value on its own."""
        forms = [self._token]
        for pair in self._token.split(";"):
            pair = pair.strip()
            _, sep, value = pair.partition("=")
            forms.append(pair)
            if sep:
                value = value.strip()
                forms += [value, value.strip('"')]
        return tuple(dict.fromkeys(f for f in forms if f))

    @classmethod
    def from_cookies(cls, cookies: Mapping[str, str]) -> SessionCookie:
        """Build the ``Cookie`` header from ``{name: value}`` (e.g. the Ory cookies of a request).

        Raises:
            ValueError: no cookies, or a name or value that cannot travel in a ``Cookie`` header.
        """
        parts = []
        for name, value in cookies.items():
            if not name or any(c in name for c in "=; \t,") or any(c in value for c in "; "):
                msg = "SessionCookie.from_cookies: a cookie name or value is not usable in a Cookie header"
                raise ValueError(msg)
            parts.append(f"{name}={value}")
        return cls("; ".join(parts))
