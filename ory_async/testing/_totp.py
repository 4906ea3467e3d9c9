"""TOTP (authenticator apps) in FakeOry: linking one in settings and the second factor at login.

Codes follow RFC 6238 as Kratos's authenticator apps compute them: SHA-1, six digits,
30-second steps; the step before and after the current one are accepted too. Message and
label ids follow Kratos's ``text`` package (1050004 unlink, 1050005 QR code, 1050006 the
secret, 1050017 its label, 1070006 "Verify code", 1010006 "Authentication code",
1010009 "Use Authenticator", 4000008 a wrong code).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ._native_ui import csrf_node, input_node

ISSUER = "FakeOry"
STEP = 30
WRONG_CODE = {
    "id": 4000008,
    "text": "The provided authentication code is invalid, please try again.",
    "type": "error",
}


def totp_code(secret: str, at: datetime, *, offset: int = 0) -> str:
    """The six-digit code of the base32 ``secret`` at ``at`` (``offset`` steps away)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(at.timestamp()) // STEP + offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def code_matches(secret: str, code: str, at: datetime) -> bool:
    """True when ``code`` is the secret's code now or one step before or after."""
    return any(hmac.compare_digest(totp_code(secret, at, offset=o), code) for o in (-1, 0, 1))


def secret_of(totp_url: str) -> str | None:
    """The ``secret`` parameter of an ``otpauth://`` URL."""
    query = totp_url.partition("?")[2]
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == "secret":
            return value
    return None


def totp_url(secret: str, account: str) -> str:
    """The ``otpauth://`` URL an authenticator app scans."""
    label = quote(f"{ISSUER}:{account}")
    return (
        f"otpauth://totp/{label}?algorithm=SHA1&digits=6&issuer={ISSUER}&period={STEP}"
        f"&secret={secret}"
    )


def link_nodes(secret: str, url: str) -> list[dict[str, Any]]:
    """Settings nodes to link an app: the QR code, the secret, the code and "Save"."""
    qr = {
        "type": "img",
        "group": "totp",
        "attributes": {
            "src": "data:text/plain;charset=utf-8," + quote(url),
            "id": "totp_qr",
            "width": 256,
            "height": 256,
            "node_type": "img",
        },
        "messages": [],
        "meta": {"label": {"id": 1050005, "text": "Authenticator app QR code", "type": "info"}},
    }
    secret_node = {
        "type": "text",
        "group": "totp",
        "attributes": {
            "text": {
                "id": 1050006,
                "text": secret,
                "type": "info",
                "context": {"secret": secret},
            },
            "id": "totp_secret_key",
            "node_type": "text",
        },
        "messages": [],
        "meta": {
            "label": {
                "id": 1050017,
                "text": "This is your authenticator app secret. Use it if you can not scan the QR code.",
                "type": "info",
            }
        },
    }
    code = input_node(
        "totp_code",
        "totp",
        required=True,
        label={"id": 1070006, "text": "Verify code", "type": "info"},
    )
    save = input_node(
        "method",
        "totp",
        type="submit",
        value="totp",
        label={"id": 1070003, "text": "Save", "type": "info"},
    )
    return [qr, secret_node, code, save]


def unlink_nodes() -> list[dict[str, Any]]:
    """The settings button that unlinks the app."""
    return [
        input_node(
            "totp_unlink",
            "totp",
            type="submit",
            value="true",
            required=True,
            label={"id": 1050004, "text": "Unlink TOTP Authenticator App", "type": "info"},
        )
    ]


def login_nodes() -> list[dict[str, Any]]:
    """The second-factor form of an ``aal2`` login flow."""
    return [
        csrf_node(),
        input_node(
            "totp_code",
            "totp",
            required=True,
            label={"id": 1010006, "text": "Authentication code", "type": "info"},
        ),
        input_node(
            "method",
            "totp",
            type="submit",
            value="totp",
            label={"id": 1010009, "text": "Use Authenticator", "type": "info"},
        ),
    ]
