"""Tokens a forger would make: other keys, ``alg=none``, HMAC keyed with the public key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(issuer: str, **extra: Any) -> dict[str, Any]:
    """Kratos's claims for a session (``sid``/``sub`` made up unless given)."""
    now = int(time.time())
    out = {
        "jti": "b5e1bd7e-0000-4000-8000-000000000000",
        "iss": issuer,
        "exp": now + 60,
        "sid": "9f6b6a37-0000-4000-8000-000000000001",
        "nbf": now,
        "iat": now,
        "sub": "4f2a7b1c-0000-4000-8000-000000000002",
    }
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None}


def signed(payload: dict[str, Any], key: Any, kid: str, alg: str = "ES256") -> str:
    """A token signed with ``key``."""
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


def other_key() -> Any:
    """A fresh EC key that no JWKS knows."""
    return ec.generate_private_key(ec.SECP256R1())


def unsigned(payload: dict[str, Any], kid: str) -> str:
    """``alg: none``, no signature."""
    header = _b64(json.dumps({"alg": "none", "kid": kid, "typ": "JWT"}).encode())
    body = _b64(json.dumps(payload).encode())
    return f"{header}.{body}."


def hmac_with_public_key(payload: dict[str, Any], public_jwk: dict[str, Any], key: Any) -> str:
    """``HS256`` keyed with the public key (as PEM and as the JWK's JSON): the classic confusion."""
    header = _b64(json.dumps({"alg": "HS256", "kid": public_jwk["kid"], "typ": "JWT"}).encode())
    body = _b64(json.dumps(payload).encode())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signature = hmac.new(pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"
