"""Checking that a hook request comes from Kratos: the ``auth`` of its ``web_hook`` config.

Kratos signs nothing; it sends a shared secret, either as an API key (a header or a
cookie of your choosing) or as HTTP basic auth. Both are compared in constant time, so
the time an answer takes says nothing about how much of a guess was right.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from typing import Literal

__all__ = ["ApiKeyAuth", "BasicAuth", "WebhookAuth"]


def _same(given: str | None, expected: str) -> bool:
    # compare_digest over bytes takes as long for every wrong guess of the same length.
    return hmac.compare_digest((given or "").encode(), expected.encode())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, item in headers.items():
        if key.lower() == wanted:
            return item
    return None


class WebhookAuth:
    """How a hook request proves it comes from Kratos; subclasses say how."""

    __slots__ = ()

    def check(self, headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
        """True when the request carries the configured secret."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"


class ApiKeyAuth(WebhookAuth):
    """Kratos's ``auth: {type: api_key, config: {name, value, in}}``.

    ``name`` is the header (or cookie, with ``in_="cookie"``) that carries ``value``.
    """

    __slots__ = ("_in", "_name", "_value")

    def __init__(
        self, name: str, value: str, *, in_: Literal["header", "cookie"] = "header"
    ) -> None:
        if not name or not value:
            msg = "ApiKeyAuth needs a non-empty name and value"
            raise ValueError(msg)
        if in_ not in ("header", "cookie"):
            msg = f'in_ must be "header" or "cookie", got {in_!r}'
            raise ValueError(msg)
        self._name = name
        self._value = value
        self._in = in_

    def check(self, headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
        """True when the header (or cookie) holds exactly the configured value."""
        given = _header(headers, self._name) if self._in == "header" else cookies.get(self._name)
        return _same(given, self._value)


class BasicAuth(WebhookAuth):
    """Kratos's ``auth: {type: basic_auth, config: {user, password}}``."""

    __slots__ = ("_password", "_user")

    def __init__(self, user: str, password: str) -> None:
        if not user or not password:
            msg = "BasicAuth needs a non-empty user and password"
            raise ValueError(msg)
        self._user = user
        self._password = password

    def check(self, headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
        """True when ``Authorization: Basic`` carries exactly the configured user and password."""
        scheme, _, encoded = (_header(headers, "Authorization") or "").partition(" ")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        user, _, password = decoded.partition(":")
        # Both halves are always compared: no early exit on a wrong user.
        user_ok = _same(user, self._user)
        password_ok = _same(password, self._password)
        return scheme.lower() == "basic" and user_ok & password_ok
