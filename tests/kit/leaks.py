"""A secret in every encoding it could leak in, and a check that finds any of them in a text."""

from __future__ import annotations

import base64
from urllib.parse import quote

import orjson

from tests.kit.cli import SECRET


def encodings(secret: str) -> dict[str, str]:
    """The secret as a hostile server may echo it, each inside some text."""
    raw = secret.encode()
    return {
        "plain": f"key {secret} refused",
        "percent": f"key={quote(secret, safe='')}",
        "json": orjson.dumps(secret).decode()[1:-1],
        "base64": base64.b64encode(b"Bearer " + raw).decode(),
        "base64, one byte in": base64.b64encode(b"x" + raw + b"y").decode(),
        "base64, two bytes in": base64.b64encode(b"xy" + raw).decode(),
        "base64 url-safe": base64.urlsafe_b64encode(b"Authorization: Bearer " + raw).decode(),
        "hex": f"0x{raw.hex()}",
    }


def detectable(secret: str) -> list[str]:
    """What must not appear: the secret and the inner part of each encoding of it."""
    raw = secret.encode()
    cores = [secret, quote(secret, safe=""), raw.hex()]
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode()
        core = encoded[4 if pad else 0 : 4 * ((pad + len(raw)) // 3)]
        cores += [core, core.replace("+", "-").replace("/", "_")]
    return cores


def leaked(text: str, secret: str = SECRET) -> list[str]:
    return [c for c in detectable(secret) if c in text]
