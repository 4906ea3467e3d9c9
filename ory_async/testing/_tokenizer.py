"""Tokenized sessions, the JWKS that verifies them, whoami caching headers and cookie re-issue.

Like Kratos's session tokenizer: ``whoami?tokenize_as=<template>`` adds ``tokenized``, a
JWT with ``jti, iss, exp, sid, nbf, iat, sub``, signed with FakeOry's own key (ES256),
whose public half is served at ``/.well-known/jwks.json`` on the public site (as Ory
Network does). Like Kratos's ``feature_flags.cacheable_sessions``: whoami answers carry
``Ory-Session-Cache-For``. Like Kratos's ``RefreshCookie``: a cookie older than the
session's current expiry (the session was extended) is re-issued with ``Set-Cookie``.

Signing needs PyJWT with ``cryptography`` (``pip install 'ory-async[testing,jwt]'``),
imported only when a token is asked for.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from ._errors import KratosError

__all__ = ["ClaimsMapper", "SessionTokens", "TokenTemplate"]

ClaimsMapper = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
"""``(session_json, claims) -> claims``: what a template's Jsonnet claims mapper does."""


@dataclass
class TokenTemplate:
    """A session token template (``session.whoami.tokenizer.templates.<name>``)."""

    ttl: timedelta = timedelta(minutes=1)
    subject_source: str = "id"
    claims_mapper: ClaimsMapper | None = None


@dataclass
class SessionTokens:
    """What FakeOry keeps for tokenizing sessions and for whoami's caching headers."""

    seed: int = 0
    templates: dict[str, TokenTemplate] = field(default_factory=dict)
    keys: list[tuple[str, Any]] = field(default_factory=list)
    """Signing keys, newest first: ``(kid, private key)``; the first one signs."""
    cacheable: bool = False
    cache_max_age: timedelta | None = None
    cookie_expiry: dict[str, datetime] = field(default_factory=dict)
    """The session expiry each session's cookie was last issued with."""

    def signing_key(self) -> tuple[str, Any]:
        """The current key, made on first use."""
        if not self.keys:
            self.rotate()
        return self.keys[0]

    def rotate(self, *, keep_old: bool = True) -> str:
        """A new signing key; the old ones stay in the JWKS unless ``keep_old=False``."""
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        digest = hashlib.sha256(f"{self.seed}:{len(self.keys)}".encode()).hexdigest()[:16]
        kid = f"fakeory-{digest}"
        self.keys = [(kid, key), *(self.keys if keep_old else [])]
        return kid

    def jwks(self) -> dict[str, Any]:
        """The public key set."""
        self.signing_key()
        return {"keys": [_public_jwk(kid, key) for kid, key in self.keys]}

    def tokenize(
        self, name: str, session: dict[str, Any], issuer: str, now: datetime, jti: str
    ) -> str:
        """The session as a JWT, as Kratos's tokenizer builds it."""
        template = self.templates.get(name)
        if template is None:
            raise KratosError(400, reason=f'Unable to find tokenizer template "{name}".')
        import jwt

        stamp = int(now.timestamp())
        claims: dict[str, Any] = {
            "jti": jti,
            "iss": issuer,
            "exp": int((now + template.ttl).timestamp()),
            "sid": session["id"],
            "nbf": stamp,
            "iat": stamp,
        }
        _subject(claims, session, template.subject_source)
        if template.claims_mapper is not None:
            claims.update(template.claims_mapper(session, dict(claims)))
            _subject(claims, session, template.subject_source)
        kid, key = self.signing_key()
        token: str = jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})
        return token


def _subject(claims: dict[str, Any], session: dict[str, Any], source: str) -> None:
    identity = session.get("identity") or {}
    if source in ("", "id"):
        claims["sub"] = identity.get("id")
    elif source == "external_id":
        if not identity.get("external_id"):
            raise KratosError(
                400,
                reason="The session's identity does not have an external ID set, but it is "
                "required for the subject claim.",
            )
        claims["sub"] = identity["external_id"]
    else:
        raise KratosError(400, reason=f'Unknown subject source "{source}"')


def _b64(value: int, size: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(size, "big")).rstrip(b"=").decode()


def _public_jwk(kid: str, key: Any) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x, 32),
        "y": _b64(numbers.y, 32),
        "use": "sig",
        "alg": "ES256",
        "kid": kid,
    }


def cache_headers(tokens: SessionTokens, expires_at: datetime, now: datetime) -> dict[str, str]:
    """``Ory-Session-Cache-For`` for a whoami answer, when caching is on."""
    if not tokens.cacheable:
        return {}
    expiry = expires_at - now
    if tokens.cache_max_age is not None and expiry > tokens.cache_max_age:
        expiry = tokens.cache_max_age
    return {"Ory-Session-Cache-For": f"{expiry.total_seconds():.0f}"}


def refresh_cookie(
    tokens: SessionTokens,
    response: web.StreamResponse,
    *,
    cookie_name: str,
    token: str,
    session_id: str,
    expires_at: datetime,
    now: datetime,
) -> None:
    """Re-issue the session cookie when it predates the session's current expiry."""
    issued = tokens.cookie_expiry.get(session_id)
    tokens.cookie_expiry[session_id] = expires_at
    if issued is None or issued >= expires_at:
        return
    response.set_cookie(
        cookie_name,
        token,
        path="/",
        max_age=max(0, int((expires_at - now).total_seconds())),
        httponly=True,
        samesite="Lax",
    )
