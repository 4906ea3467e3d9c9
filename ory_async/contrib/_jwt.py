"""Local verification of tokenized sessions (``whoami?tokenize_as=...``) against a JWKS.

Needs PyJWT with ``cryptography`` (``pip install 'ory-async[jwt]'``), imported only when a
verifier is created.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import orjson

__all__ = ["DEFAULT_ALGORITHMS", "JwtRejected", "JwtUnavailable", "TokenVerifier"]

logger = logging.getLogger("ory_async.contrib")

DEFAULT_ALGORITHMS: Final = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "EdDSA")
"""Asymmetric algorithms only: ``none`` and the HMAC family can never be allowed."""

_FAMILIES: Final = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
_NEVER: Final = frozenset({"none", "HS256", "HS384", "HS512"})
_SALT: Final = os.urandom(16)

if TYPE_CHECKING:  # pragma: no cover
    from .._client import OryClient


class JwtRejected(Exception):
    """The token is not valid (forged, expired, for someone else, unknown key): a 401."""


class JwtUnavailable(Exception):
    """The keys could not be fetched: a 503, the token was not judged."""


def _import_jwt() -> Any:
    try:
        import jwt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        msg = "verifying tokenized sessions needs PyJWT: pip install 'ory-async[jwt]'"
        raise ImportError(msg) from exc
    return jwt


def _family(alg: str) -> str | None:
    return _FAMILIES.get(alg[:2])


class TokenVerifier:
    """Verifies session JWTs against a JSON Web Key Set, fetched once and cached by ``kid``.

    A token whose ``kid`` is not in the cached set makes the set be fetched again, at
    most once per ``refetch_interval`` seconds (key rotation); until then such tokens
    are rejected without a call. Only the allowed asymmetric algorithms are accepted, a
    key is used only for its own family (an RSA key never checks an ``ES256`` token),
    and ``exp``, ``iat``, ``nbf``, ``iss`` and, when given, ``aud`` are checked with
    ``leeway`` seconds of tolerance.

    Args:
        jwks_url: where the key set is published; default the project's
            ``/.well-known/jwks.json`` on the client's public URL.
        keys: a key set given in code (a JWKS as a dict); then nothing is fetched.
        issuer: accepted ``iss`` values; default the client's public URL (with or
            without a trailing slash), which is what Ory puts there.
        audience: the ``aud`` this app expects. None: a token that names an audience is
            refused, since it was meant for someone else.
        algorithms: the allow-list (``none`` and ``HS*`` are refused even if listed).
        leeway: seconds of clock skew tolerated on ``exp``/``nbf``/``iat``.
        refetch_interval: least seconds between two fetches of the key set.
        clock: monotonic time for the refetch interval.
    """

    def __init__(
        self,
        *,
        jwks_url: str | None = None,
        keys: Mapping[str, Any] | None = None,
        issuer: str | Iterable[str] | None = None,
        audience: str | Iterable[str] | None = None,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        leeway: float = 5.0,
        refetch_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        allowed = tuple(algorithms)
        bad = [a for a in allowed if a in _NEVER or _family(a) is None]
        if bad or not allowed:
            msg = f"algorithms must be asymmetric JWS algorithms (RS*, PS*, ES*, EdDSA), got {bad or allowed}"
            raise ValueError(msg)
        if leeway < 0 or refetch_interval < 0:
            msg = "leeway and refetch_interval must be >= 0"
            raise ValueError(msg)
        self._jwt = _import_jwt()
        self.jwks_url = jwks_url
        self._static = orjson.dumps(keys) if keys is not None else None
        self.issuer: tuple[str, ...] | None = (
            None if issuer is None else (issuer,) if isinstance(issuer, str) else tuple(issuer)
        )
        self.audience: str | tuple[str, ...] | None = (
            None if audience is None else audience if isinstance(audience, str) else tuple(audience)
        )
        self.algorithms = allowed
        self.leeway = float(leeway)
        self.refetch_interval = float(refetch_interval)
        self._clock = clock
        self._keys: dict[str, _Key] = {}
        # Tokens already verified, by digest: a client sends the same token for its
        # whole life, and a signature check costs more than a whoami's parsing.
        self._verified: OrderedDict[bytes, tuple[float, dict[str, Any], str]] = OrderedDict()
        self.verified_size = 4096
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0
        """How many times the key set was fetched (for monitoring and tests)."""

    @staticmethod
    def looks_like_jwt(value: str) -> bool:
        """Whether ``value`` has a JWT's shape (three dot-separated parts, a JSON header)."""
        return value.count(".") == 2 and value.startswith("eyJ")

    def _issuers(self, ory: OryClient) -> tuple[str, ...]:
        if self.issuer is not None:
            return self.issuer
        base = str(ory.public_url).rstrip("/")
        return (base, base + "/")

    async def verify(self, token: str, ory: OryClient) -> dict[str, Any]:
        """The token's claims, once its signature and claims are checked.

        A token verified before is recognised by its digest until its ``exp`` (plus
        the leeway), without checking its signature again.

        Raises:
            JwtRejected: the token is not valid (the request gets a 401).
            JwtUnavailable: the keys could not be fetched (a 503).
        """
        digest = hashlib.blake2b(token.encode(), digest_size=20, key=_SALT).digest()
        known = self._verified.get(digest)
        if known is not None:
            if time.time() < known[0]:
                return known[1]
            self._verified.pop(digest, None)
        claims, kid = await self._verify(token, ory)
        exp = claims.get("exp")
        if isinstance(exp, int | float):
            self._verified[digest] = (float(exp) + self.leeway, claims, kid)
            if len(self._verified) > self.verified_size:
                self._verified.popitem(last=False)
        return claims

    async def _verify(self, token: str, ory: OryClient) -> tuple[dict[str, Any], str]:
        jwt = self._jwt
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise JwtRejected("The token is malformed.") from None
        alg = header.get("alg")
        kid = header.get("kid")
        if not isinstance(alg, str) or alg not in self.algorithms:
            raise JwtRejected("The token's algorithm is not allowed.")
        if not isinstance(kid, str) or not kid:
            raise JwtRejected("The token names no key.")
        key = self._keys.get(kid)
        if key is None:
            key = await self._refetch_for(kid, ory)
        if key.key_type != _family(alg) or (key.algorithm_name not in (None, alg)):
            raise JwtRejected("The token's algorithm does not match its key.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self._issuers(ory),
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise JwtRejected("The token has expired.") from None
        except jwt.PyJWTError as exc:
            raise JwtRejected(f"The token is not valid: {_reason(exc)}") from None
        return claims, kid

    async def _refetch_for(self, kid: str, ory: OryClient) -> _Key:
        async with self._lock:
            key = self._keys.get(kid)  # another request may have fetched meanwhile
            if key is not None:
                return key
            now = self._clock()
            if self._fetched_at is not None and now - self._fetched_at < self.refetch_interval:
                raise JwtRejected("The token was signed by an unknown key.")
            await self._load(ory)
            key = self._keys.get(kid)
            if key is None:
                raise JwtRejected("The token was signed by an unknown key.")
            return key

    async def _load(self, ory: OryClient) -> None:
        try:
            raw = (
                self._static if self._static is not None else await ory.sessions.jwks(self.jwks_url)
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.warning("Could not fetch the session signing keys: %s", type(exc).__name__)
            raise JwtUnavailable from None
        self._fetched_at = self._clock()
        self.fetches += 1
        self._keys = self._parse(raw)
        # A key withdrawn from the set takes the tokens it signed with it.
        for digest in [d for d, entry in self._verified.items() if entry[2] not in self._keys]:
            del self._verified[digest]

    def _parse(self, raw: bytes) -> dict[str, _Key]:
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError:
            logger.error("The session signing key set is not JSON")
            return {}
        entries = document.get("keys") if isinstance(document, dict) else None
        keys: dict[str, _Key] = {}
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
                continue
            if entry.get("use", "sig") != "sig" or "d" in entry:  # never a private key
                continue
            kty = entry.get("kty")
            if kty not in ("RSA", "EC", "OKP"):  # "oct" (HMAC secrets) never
                continue
            try:
                parsed = self._jwt.PyJWK(entry)
            except self._jwt.PyJWTError:
                continue
            alg = entry.get("alg")
            keys[entry["kid"]] = _Key(kty, alg if isinstance(alg, str) else None, parsed.key)
        return keys

    def forget_keys(self) -> None:
        """Drop the cached key set (and what it verified); the next token fetches it again."""
        self._keys = {}
        self._verified.clear()
        self._fetched_at = None

    def __repr__(self) -> str:
        return f"TokenVerifier(algorithms={self.algorithms}, keys={len(self._keys)})"


class _Key:
    __slots__ = ("algorithm_name", "key", "key_type")

    def __init__(self, key_type: str, algorithm_name: str | None, key: Any) -> None:
        self.key_type = key_type
        self.algorithm_name = algorithm_name
        self.key = key


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:120]
