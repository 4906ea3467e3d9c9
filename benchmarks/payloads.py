"""Realistic Kratos v1 admin payloads, generated deterministically from a seed.

Shapes follow what the server really sends (see the Kratos facts in the design notes):

* identities: ``metadata_public``, ``metadata_admin`` and ``organization_id`` are always
  present and often ``null``; ``credentials`` only on a single GET (without ``config``);
  one verifiable and one recovery address; ``verified_at`` only once verified;
  ``state_changed_at`` absent on old rows; Go RFC 3339 timestamps with up to nine
  fractional digits (trailing zeros trimmed, as ``RFC3339Nano`` does);
* sessions listed with ``expand=identity``: the identity embedded (admin view), and
  ``"devices": null`` because devices were not expanded;
* keyset ``Link`` headers exactly as Kratos writes them: relative URL, query keys sorted,
  entries joined by ``,`` without a space, ``first`` always, ``next`` while more rows exist.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import quote_plus

import orjson

NIL_UUID: Final = "00000000-0000-0000-0000-000000000000"
SCHEMA_URL: Final = "https://bench.projects.oryapis.com/schemas/ZGVmYXVsdA"
_EPOCH: Final = datetime(2023, 1, 1, tzinfo=UTC)
_FIRST: Final = ("Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances")
_LAST: Final = ("Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie")
_CITIES: Final = (("Berlin", "DE"), ("Munich", "DE"), ("Paris", "FR"), ("Austin", "US"))


def go_time(moment: datetime, nanos: int) -> str:
    """A UTC timestamp as Go's ``time.RFC3339Nano`` writes it (trailing zeros trimmed)."""
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{nanos:09d}".rstrip("0")
    return f"{base}.{frac}Z" if frac else f"{base}Z"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def identity_ids(count: int, seed: int = 1) -> list[str]:
    """The ids of the ``count`` generated identities, in the server's order (id ascending)."""
    rng = random.Random(seed)
    return sorted(_uuid(rng) for _ in range(count))


def session_ids(count: int, seed: int = 2) -> list[str]:
    """The ids of the ``count`` generated sessions (newest first, as the server lists them)."""
    rng = random.Random(seed)
    return [_uuid(rng) for _ in range(count)]


def _stamp(rng: random.Random, after: datetime | None = None) -> tuple[datetime, str]:
    start = after or _EPOCH
    moment = start + timedelta(seconds=rng.randrange(1, 86_400 * 300))
    return moment, go_time(moment, rng.randrange(1_000_000_000))


def identity(ident: str, index: int, *, credentials: bool = False, seed: int = 3) -> dict[str, Any]:
    """One identity as the v1 admin API sends it (``credentials`` as on a single GET)."""
    rng = random.Random(seed * 1_000_003 + index)
    first = rng.choice(_FIRST)
    last = rng.choice(_LAST)
    email = f"{first.lower()}.{last.lower()}+{index}@example.com"
    city, country = rng.choice(_CITIES)
    created, created_s = _stamp(rng)
    _, updated_s = _stamp(rng, created)
    verified = index % 3 != 0
    address_id = _uuid(rng)
    verifiable: dict[str, Any] = {
        "id": address_id,
        "value": email,
        "verified": verified,
        "via": "email",
        "status": "completed" if verified else "sent",
        "created_at": created_s,
        "updated_at": updated_s,
    }
    if verified:
        verifiable["verified_at"] = updated_s
    body: dict[str, Any] = {
        "id": ident,
        "schema_id": "default",
        "schema_url": SCHEMA_URL,
        "state": "active" if index % 17 else "inactive",
        "traits": {
            "email": email,
            "name": {"first": first, "last": last},
            "address": {"street": f"{rng.randrange(1, 200)} Main St", "city": city},
            "locale": f"{country.lower()}-{country}",
            "newsletter": bool(index % 2),
            "tags": ["beta", "early-adopter"][: index % 3],
        },
        "verifiable_addresses": [verifiable],
        "recovery_addresses": [
            {
                "id": _uuid(rng),
                "value": email,
                "via": "email",
                "created_at": created_s,
                "updated_at": updated_s,
            }
        ],
        "metadata_public": {"plan": rng.choice(("free", "pro", "team"))} if index % 4 else None,
        "metadata_admin": {"crm_id": f"C-{index:07d}", "score": index % 100}
        if index % 5 == 0
        else None,
        "created_at": created_s,
        "updated_at": updated_s,
        "organization_id": None,
    }
    if index % 7:
        body["state_changed_at"] = created_s
    if credentials:
        body["credentials"] = {
            "password": {
                "type": "password",
                "identifiers": [email],
                "version": 0,
                "created_at": created_s,
                "updated_at": updated_s,
            }
        }
    return body


def session(sid: str, index: int, ident: dict[str, Any], *, seed: int = 4) -> dict[str, Any]:
    """One session as ``GET /admin/sessions?expand=identity`` lists it."""
    rng = random.Random(seed * 1_000_003 + index)
    authed, authed_s = _stamp(rng)
    expires = go_time(authed + timedelta(days=3), rng.randrange(1_000_000_000))
    return {
        "id": sid,
        "active": index % 11 != 0,
        "expires_at": expires,
        "authenticated_at": authed_s,
        "authenticator_assurance_level": "aal1",
        "authentication_methods": [
            {"method": "password", "aal": "aal1", "completed_at": authed_s},
        ],
        "issued_at": authed_s,
        "identity": ident,
        "devices": None,
    }


def identities(count: int, *, seed: int = 1) -> Iterator[dict[str, Any]]:
    """The ``count`` identities of a project, in the server's list order (id ascending)."""
    for index, ident in enumerate(identity_ids(count, seed)):
        yield identity(ident, index)


def sessions(count: int, identity_pool: int, *, seed: int = 2) -> Iterator[dict[str, Any]]:
    """``count`` sessions, each embedding one of the first ``identity_pool`` identities."""
    ids = identity_ids(identity_pool)
    pool = [identity(ident, i) for i, ident in enumerate(ids)]
    for index, sid in enumerate(session_ids(count, seed)):
        yield session(sid, index, pool[index % len(pool)])


def render(value: Any) -> bytes:
    """JSON bytes as the server sends them."""
    return orjson.dumps(value)


def keyset_link(path: str, query: dict[str, str], first: str, following: str | None) -> str:
    """A Kratos keyset ``Link`` header: sorted query keys, no space after the comma."""

    def url(token: str) -> str:
        pairs = sorted({**query, "page_token": token}.items())
        return path + "?" + "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)

    link = f'<{url(first)}>; rel="first"'
    if following is not None:
        link += f',<{url(following)}>; rel="next"'
    return link


def session_token(sid: str, created_at: str) -> str:
    """A session page token: base64 (standard, no padding) of ``id=.../created_at=...``."""
    raw = f"id={sid}/created_at={created_at}".encode()
    return base64.b64encode(raw).decode().rstrip("=")


FIRST_SESSION_TOKEN: Final = session_token(NIL_UUID, "2200-12-31 23:59:59")


class SyntheticIdentities:
    """``count`` small identities served in keyset pages rendered on demand.

    Id ``n`` is ``{n // size:08x}-0000-4000-8000-{n % size:012x}``: ids ascend as Kratos
    lists them, and the page token (the last id of a page) names the page that follows.
    """

    def __init__(self, count: int, size: int) -> None:
        self.count = count
        self.size = size
        template = [
            {**identity(NIL_UUID, slot), "id": f"PPPPPPPP-0000-4000-8000-{slot:012x}"}
            for slot in range(size)
        ]
        self._template = render(template)

    def ids_checksum(self) -> tuple[int, int]:
        """How many ids the listing holds and the sum of their numbers."""
        total = 0
        for n in range(self.count):
            total += int(self.identity_id(n).replace("-", ""), 16)
        return self.count, total

    def identity_id(self, n: int) -> str:
        """The id of identity number ``n``."""
        return f"{n // self.size:08x}-0000-4000-8000-{n % self.size:012x}"

    def page(self, token: str) -> tuple[bytes, str] | None:
        """The body and ``Link`` header of the page after ``token``."""
        number = 0 if token == NIL_UUID else int(token[:8], 16) + 1
        start = number * self.size
        if start >= max(self.count, 1) and number:
            return None
        rows = min(self.size, self.count - start)
        body = self._template.replace(b"PPPPPPPP", f"{number:08x}".encode())
        if rows < self.size:
            items = orjson.loads(body)[:rows]
            body = render(items)
        following = self.identity_id(start + rows - 1) if start + rows < self.count else None
        link = keyset_link("/admin/identities", {"page_size": str(self.size)}, NIL_UUID, following)
        return body, link
