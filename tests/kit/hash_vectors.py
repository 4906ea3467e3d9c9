"""Password hashes of every format Kratos imports, made by the library that owns each.

Each maker takes the password's bytes and returns the hash in the encoding Kratos reads
(``ory_async/testing/_hashes.py`` lists them). Salts are random: every call gives a new
hash. Used against FakeOry (``tests/fake``) and, the same vectors, against a real Kratos
(``tests/integration``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable

import argon2
import bcrypt
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from passlib import hash as crypt_schemes
from passlib.crypto.digest import lookup_hash


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def b64_raw(raw: bytes) -> str:
    return b64(raw).rstrip("=")


def make_bcrypt(prefix: bytes) -> Callable[[bytes], str]:
    return lambda pw: bcrypt.hashpw(pw, bcrypt.gensalt(4, prefix=prefix)).decode()


def make_argon2(kind: argon2.Type) -> Callable[[bytes], str]:
    hasher = argon2.PasswordHasher(time_cost=2, memory_cost=256, parallelism=2, type=kind)
    return hasher.hash


# Kratos's names for PBKDF2 digests; it reads sha224 and sha384 as SHA3 (its own quirk).
PBKDF2 = {
    "sha1": "sha1",
    "sha224": "sha3_224",
    "sha256": "sha256",
    "sha384": "sha3_384",
    "sha512": "sha512",
}


def make_pbkdf2(name: str) -> Callable[[bytes], str]:
    def make(pw: bytes) -> str:
        salt = os.urandom(16)
        key = hashlib.pbkdf2_hmac(PBKDF2[name], pw, salt, 1000, dklen=32)
        return f"$pbkdf2-{name}$i=1000,l=32${b64_raw(salt)}${b64_raw(key)}"

    return make


def make_scrypt(pw: bytes) -> str:
    salt = os.urandom(16)
    key = hashlib.scrypt(pw, salt=salt, n=1024, r=8, p=1, dklen=32)
    return f"$scrypt$ln=1024,r=8,p=1${b64(salt)}${b64(key)}"


def make_firebase_scrypt(pw: bytes) -> str:
    salt, separator, signer = os.urandom(12), b"\x07", os.urandom(64)
    derived = hashlib.scrypt(pw, salt=salt + separator, n=1 << 10, r=8, p=1, dklen=32)
    encryptor = Cipher(algorithms.AES(derived), modes.CTR(bytes(16))).encryptor()
    signed = encryptor.update(signer) + encryptor.finalize()
    return f"$firescrypt$ln=10,r=8,p=1${b64(salt)}${b64(signed)}${b64(separator)}${b64(signer)}"


def make_ssha(tag: str, digest: str) -> Callable[[bytes], str]:
    def make(pw: bytes) -> str:
        salt = os.urandom(8)
        return "{" + tag + "}" + b64(hashlib.new(digest, pw + salt).digest() + salt)

    return make


def make_sha(digest: str, pattern: str) -> Callable[[bytes], str]:
    def make(pw: bytes) -> str:
        salt = os.urandom(8)
        text = pattern.encode().replace(b"{SALT}", salt).replace(b"{PASSWORD}", pw)
        value = hashlib.new(digest, text).digest()
        return f"${digest}$pf={b64(pattern.encode())}${b64(salt)}${b64(value)}"

    return make


def make_md5_plain(pw: bytes) -> str:
    return f"$md5${b64(hashlib.md5(pw, usedforsecurity=False).digest())}"


def make_md5_salted(pw: bytes) -> str:
    salt, pattern = os.urandom(8), b"{SALT}::{PASSWORD}"
    value = hashlib.md5(salt + b"::" + pw, usedforsecurity=False).digest()
    return f"$md5$pf={b64(pattern)}${b64(salt)}${b64(value)}"


def make_hmac(digest: str) -> Callable[[bytes], str]:
    def make(pw: bytes) -> str:
        key = os.urandom(16)
        digestmod = lookup_hash("md4").const if digest == "md4" else digest
        value = hmac.new(key, pw, digestmod).hexdigest().encode()
        return f"$hmac-{digest}${b64(value)}${b64(key)}"

    return make


def make_crypt(scheme: str, ident: str, name: str) -> Callable[[bytes], str]:
    # crypt(3) writes "$<id>$..."; Kratos imports the same string under "$<name>$...".
    def make(pw: bytes) -> str:
        handler = getattr(crypt_schemes, scheme)
        if scheme != "md5_crypt":
            handler = handler.using(rounds=5000)
        made = str(handler.hash(pw))
        assert made.startswith(f"${ident}$")
        return f"${name}$" + made.removeprefix(f"${ident}$")

    return make


FORMATS: dict[str, Callable[[bytes], str]] = {
    "bcrypt-2b": make_bcrypt(b"2b"),
    "bcrypt-2a": make_bcrypt(b"2a"),
    "argon2id": make_argon2(argon2.Type.ID),
    "argon2i": make_argon2(argon2.Type.I),
    **{f"pbkdf2-{name}": make_pbkdf2(name) for name in PBKDF2},
    "scrypt": make_scrypt,
    "firebase-scrypt": make_firebase_scrypt,
    "ssha": make_ssha("SSHA", "sha1"),
    "ssha256": make_ssha("SSHA256", "sha256"),
    "ssha512": make_ssha("SSHA512", "sha512"),
    "sha1-salt-first": make_sha("sha1", "{SALT}{PASSWORD}"),
    "sha256-password-first": make_sha("sha256", "{PASSWORD}{SALT}"),
    "sha512-salt-twice": make_sha("sha512", "{SALT}{PASSWORD}{SALT}"),
    "md5": make_md5_plain,
    "md5-salted": make_md5_salted,
    **{
        f"hmac-{d}": make_hmac(d)
        for d in ("md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512")
    },
    "md5-crypt": make_crypt("md5_crypt", "1", "md5-crypt"),
    "sha256-crypt": make_crypt("sha256_crypt", "5", "sha256-crypt"),
    "sha512-crypt": make_crypt("sha512_crypt", "6", "sha512-crypt"),
}
