"""Password hashes as Kratos writes and reads them.

FakeOry hashes the passwords it is given with bcrypt, Kratos's default hasher, at cost 4
(the lowest Kratos accepts, in ``--dev`` mode: tests stay fast), as ``$2a$04$...`` like
Go's bcrypt. It verifies every format
Kratos imports, told apart by prefix as Kratos does:

======================  ==============================================================
``$2a$``/``$2b$``/...   bcrypt
``$argon2id$``          ``$argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<key>``
``$argon2i$``           the same with Argon2i
``$pbkdf2-sha<n>$``     ``$pbkdf2-sha256$i=<iterations>,l=<length>$<salt>$<key>``; sha1,
                        sha256, sha512, and (as Kratos maps them) sha224 = SHA3-224,
                        sha384 = SHA3-384
``$scrypt$``            ``$scrypt$ln=<N>,r=<r>,p=<p>$<salt>$<key>`` (N itself, not its log)
``$firescrypt$``        Firebase's modified scrypt:
                        ``$firescrypt$ln=<log N>,r=..,p=..$<salt>$<hash>$<separator>$<signer key>``
``{SSHA}`` ...          ``{SSHA}``, ``{SSHA256}``, ``{SSHA512}``: base64 of digest + salt
``$sha1$`` ...          ``$sha256$pf=<format>$<salt>$<digest>``, the format a pattern over
                        ``{SALT}`` and ``{PASSWORD}``
``$md5$``               ``$md5$<digest>`` or ``$md5$pf=<format>$<salt>$<digest>``
``$hmac-<digest>$``     ``$hmac-sha256$<hex digest>$<key>`` (md4, md5, sha1, sha2)
``$md5-crypt$``         md5-crypt (``$1$``) with Kratos's prefix
``$sha256-crypt$``      sha256-crypt (``$5$``) with Kratos's prefix
``$sha512-crypt$``      sha512-crypt (``$6$``) with Kratos's prefix
======================  ==============================================================

Argon2, PBKDF2 and scrypt keys and salts are unpadded base64 (padded for scrypt and the
rest). Cost parameters beyond what a login can afford (bcrypt cost 15, Argon2 1 GiB,
scrypt 2^17) never match, as in current Kratos. The verifying libraries (``bcrypt``,
``argon2-cffi``, ``libpass``, ``cryptography``) come with the ``testing`` extra and are
imported only when a hash of their kind is compared.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator

BCRYPT_COST = 4
BCRYPT_MAX_BYTES = 72

_MAX_BCRYPT_COST = 15
_MAX_ARGON2_MEMORY_KIB = 1 << 20
_MAX_ARGON2_ITERATIONS = 10
_MAX_ARGON2_LANES = 16
_MAX_PBKDF2_ITERATIONS = 10_000_000
_MAX_SCRYPT_N = 1 << 17
_MAX_SCRYPT_LOG_N = 17
_MAX_SCRYPT_R = 8
_MAX_SCRYPT_P = 10
_ARGON2_VERSION = 19

# Kratos maps these PBKDF2 names to SHA-3 and keeps it so for hashes already imported.
_PBKDF2_DIGESTS = {
    "sha1": "sha1",
    "sha224": "sha3_224",
    "sha256": "sha256",
    "sha384": "sha3_384",
    "sha512": "sha512",
}
_SSHA_DIGESTS = {"SSHA": ("sha1", 20), "SSHA256": ("sha256", 32), "SSHA512": ("sha512", 64)}


class PasswordTooLongError(ValueError):
    """bcrypt reads at most 72 bytes; Kratos refuses longer passwords rather than cut them."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"The password must be at most {BCRYPT_MAX_BYTES} characters long, but got {length}."
        )
        self.length = length


def generate(password: str) -> str:
    """Hash ``password`` the way Kratos's default (bcrypt) hasher does.

    Raises:
        PasswordTooLongError: the password is longer than 72 bytes.
    """
    with _needs("bcrypt"):
        import bcrypt

    raw = password.encode()
    if len(raw) > BCRYPT_MAX_BYTES:
        raise PasswordTooLongError(len(raw))
    # Go's bcrypt writes the $2a$ variant.
    return bcrypt.hashpw(raw, bcrypt.gensalt(BCRYPT_COST, prefix=b"2a")).decode()


def is_own_format(hashed: str) -> bool:
    """True for hashes FakeOry's hasher writes (others are rehashed after a login)."""
    return _BCRYPT.match(hashed) is not None


def is_known_format(hashed: str) -> bool:
    """True when Kratos would accept ``hashed`` on import (a known prefix)."""
    return any(pattern.match(hashed) for pattern, _ in _FORMATS)


def matches(password: str, hashed: str) -> bool:
    """True when ``password`` is the one ``hashed`` was made from.

    A malformed hash, an unknown format or parameters out of bounds give False, as
    Kratos answers "invalid credentials" for each.
    """
    for pattern, compare in _FORMATS:
        if pattern.match(hashed):
            try:
                return compare(password.encode(), hashed)
            except (ValueError, TypeError, OverflowError, MemoryError, binascii.Error):
                return False
    return False


@contextlib.contextmanager
def _needs(package: str) -> Iterator[None]:
    """Name the extra that brings ``package`` when importing it fails."""
    try:
        yield
    except ImportError as exc:
        msg = f"FakeOry needs {package} for password hashes: pip install 'ory-async[testing]'"
        raise ImportError(msg) from exc


# --- decoding helpers ------------------------------------------------------------------------


def _b64(text: str) -> bytes:
    """Go's ``base64.StdEncoding.Strict()``: padded, nothing outside the alphabet."""
    return base64.b64decode(text.encode(), validate=True)


def _b64_raw(text: str) -> bytes:
    """Go's ``base64.RawStdEncoding.Strict()``: the same without padding."""
    if "=" in text:
        raise ValueError("padding in unpadded base64")
    return _b64(text + "=" * (-len(text) % 4))


def _ints(pattern: str, text: str) -> tuple[int, ...]:
    match = re.match(pattern, text)
    if match is None:
        raise ValueError(text)
    return tuple(int(g) for g in match.groups())


def _same(expected: bytes, actual: bytes) -> bool:
    return hmac.compare_digest(expected, actual)


def _apply_format(pattern: bytes, salt: bytes, password: bytes) -> bytes:
    """Kratos's one-pass replacement of ``{SALT}`` and ``{PASSWORD}`` in ``pattern``."""
    values = {b"{SALT}": salt, b"{PASSWORD}": password}
    return re.sub(rb"\{SALT\}|\{PASSWORD\}", lambda m: values[m.group(0)], pattern)


def _pattern_field(field: str) -> bytes:
    """The ``pf=<base64>`` field (Go's ``Sscanf("pf=%s")`` reads up to white space)."""
    words = field.removeprefix("pf=").split()
    if not field.startswith("pf=") or not words:
        raise ValueError(field)
    return _b64(words[0])


# --- comparators -----------------------------------------------------------------------------


def _bcrypt(password: bytes, hashed: str) -> bool:
    with _needs("bcrypt"):
        import bcrypt

    if len(password) > BCRYPT_MAX_BYTES:
        return False
    cost = _ints(r"\$2[abzy]?\$(\d\d)\$", hashed)[0]
    if cost > _MAX_BCRYPT_COST:
        return False
    return bcrypt.checkpw(password, hashed.encode())


def _argon2(kind: str) -> Callable[[bytes, str], bool]:
    def compare(password: bytes, hashed: str) -> bool:
        with _needs("argon2-cffi"):
            from argon2.low_level import Type, hash_secret_raw

        parts = hashed.split("$")
        if len(parts) != 6 or _ints(r"v=(\d+)", parts[2])[0] != _ARGON2_VERSION:
            return False
        memory, iterations, lanes = _ints(r"m=(\d+),t=(\d+),p=(\d+)", parts[3])
        if not (
            0 < memory <= _MAX_ARGON2_MEMORY_KIB
            and 0 < iterations <= _MAX_ARGON2_ITERATIONS
            and 0 < lanes <= _MAX_ARGON2_LANES
        ):
            return False
        salt, key = _b64_raw(parts[4]), _b64_raw(parts[5])
        derived = hash_secret_raw(
            password,
            salt,
            time_cost=iterations,
            memory_cost=memory,
            parallelism=lanes,
            hash_len=len(key),
            type=Type.ID if kind == "argon2id" else Type.I,
            version=_ARGON2_VERSION,
        )
        return _same(key, derived)

    return compare


def _pbkdf2(password: bytes, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) != 5:
        return False
    digest = _PBKDF2_DIGESTS.get(parts[1].split("-", 1)[1], "sha256")
    iterations, _ = _ints(r"i=(\d+),l=(\d+)", parts[2])
    if not 0 < iterations <= _MAX_PBKDF2_ITERATIONS:
        return False
    salt, key = _b64_raw(parts[3]), _b64_raw(parts[4])
    derived = hashlib.pbkdf2_hmac(digest, password, salt, iterations, dklen=len(key))
    return _same(key, derived)


def _scrypt_key(password: bytes, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=length, maxmem=2**30)


def _scrypt(password: bytes, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) != 5:
        return False
    n, r, p = _ints(r"ln=(\d+),r=(\d+),p=(\d+)", parts[2])
    if not (0 < n <= _MAX_SCRYPT_N and 0 < r <= _MAX_SCRYPT_R and 0 < p <= _MAX_SCRYPT_P):
        return False
    salt, key = _b64(parts[3]), _b64(parts[4])
    return _same(key, _scrypt_key(password, salt, n, r, p, len(key)))


def _firebase_scrypt(password: bytes, hashed: str) -> bool:
    with _needs("cryptography"):
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    parts = hashed.split("$")
    if len(parts) != 7:
        return False
    log_n, r, p = _ints(r"ln=(\d+),r=(\d+),p=(\d+)", parts[2])
    if not (log_n <= _MAX_SCRYPT_LOG_N and 0 < r <= _MAX_SCRYPT_R and 0 < p <= _MAX_SCRYPT_P):
        return False
    salt, expected, separator, signer = (_b64(part) for part in parts[3:7])
    derived = _scrypt_key(password, salt + separator, 1 << log_n, r, p, 32)
    # Firebase encrypts the project's signer key with the derived key (AES-256-CTR, zero IV).
    encryptor = Cipher(algorithms.AES(derived), modes.CTR(bytes(16))).encryptor()
    return _same(expected, encryptor.update(signer) + encryptor.finalize())


def _ssha(password: bytes, hashed: str) -> bool:
    name = hashed[1 : hashed.index("}")]
    digest, size = _SSHA_DIGESTS[name]
    decoded = base64.b64decode(hashed[len(name) + 2 :].encode(), validate=True)
    if len(decoded) < size + 1:
        return False
    key, salt = decoded[:size], decoded[size:]
    return _same(key, hashlib.new(digest, password + salt).digest())


def _sha(password: bytes, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) != 5:
        return False
    pattern, salt, key = _pattern_field(parts[2]), _b64(parts[3]), _b64(parts[4])
    return _same(key, hashlib.new(parts[1], _apply_format(pattern, salt, password)).digest())


def _md5(password: bytes, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) == 3:
        text = password
        key = _b64(parts[2])
    elif len(parts) == 5:
        pattern, salt, key = _pattern_field(parts[2]), _b64(parts[3]), _b64(parts[4])
        text = _apply_format(pattern, salt, password)
    else:
        return False
    return _same(key, hashlib.md5(text, usedforsecurity=False).digest())


def _hmac(password: bytes, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) != 4:
        return False
    name = parts[1].removeprefix("hmac-")
    expected, key = _b64(parts[2]), _b64(parts[3])
    if name == "md4":
        with _needs("libpass"):
            from passlib.crypto.digest import lookup_hash

        mac = hmac.new(key, password, lookup_hash("md4").const)
    else:
        mac = hmac.new(key, password, name)
    return _same(expected, mac.hexdigest().encode())


def _crypt(prefix: str, scheme: str) -> Callable[[bytes, str], bool]:
    """md5-crypt and sha-crypt: Kratos stores ``$<name>-crypt$``, crypt(3) reads ``$<id>$``."""
    ident = {"md5_crypt": "$1", "sha256_crypt": "$5", "sha512_crypt": "$6"}[scheme]

    def compare(password: bytes, hashed: str) -> bool:
        with _needs("libpass"):
            from passlib import hash as schemes

        standard = ident + hashed.removeprefix(prefix)
        return bool(getattr(schemes, scheme).verify(password, standard))

    return compare


_BCRYPT = re.compile(r"\$2[abzy]?\$")
# Kratos's order: the first pattern that matches picks the comparator.
_FORMATS: list[tuple[re.Pattern[str], Callable[[bytes, str], bool]]] = [
    (re.compile(r"\$md5-crypt\$"), _crypt("$md5-crypt", "md5_crypt")),
    (_BCRYPT, _bcrypt),
    (re.compile(r"\$sha256-crypt\$"), _crypt("$sha256-crypt", "sha256_crypt")),
    (re.compile(r"\$sha512-crypt\$"), _crypt("$sha512-crypt", "sha512_crypt")),
    (re.compile(r"\$argon2id\$"), _argon2("argon2id")),
    (re.compile(r"\$argon2i\$"), _argon2("argon2i")),
    (re.compile(r"\$pbkdf2-sha[0-9]{1,3}\$"), _pbkdf2),
    (re.compile(r"\$scrypt\$"), _scrypt),
    (re.compile(r"\{SSHA(256|512)?\}"), _ssha),
    (re.compile(r"\$sha(1|256|512)\$"), _sha),
    (re.compile(r"\$firescrypt\$"), _firebase_scrypt),
    (re.compile(r"\$md5\$"), _md5),
    (re.compile(r"\$hmac-(md4|md5|sha1|sha224|sha256|sha384|sha512)\$"), _hmac),
]
