"""Imported password hashes log in through FakeOry's native flow, as on Kratos.

Every vector is made at test time by the library that owns the algorithm (bcrypt,
argon2-cffi, hashlib, hmac, libpass, cryptography; ``tests/kit/hash_vectors.py``), in the
encoding Kratos imports. An identity is imported with it; the native login with the right
password gets a session, with a wrong one a 400 carrying the flow and "invalid
credentials".
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import bcrypt
import pytest

from ory_async.testing import FakeOry
from tests.kit.hash_vectors import FORMATS, make_md5_plain, make_scrypt
from tests.kit.raw_http import Reply, call

PASSWORD = "correct horse battery staple ✓"
WRONG = "correct horse battery staple ✗"


async def import_identity(
    fake: FakeOry, http: aiohttp.ClientSession, email: str, config: Mapping[str, object]
) -> Reply:
    body = {
        "schema_id": "default",
        "traits": {"email": email},
        "credentials": {"password": {"config": config}},
    }
    return await call(http, "POST", f"{fake.url}/admin/identities", json=body)


async def login(
    fake: FakeOry, http: aiohttp.ClientSession, identifier: str, password: str
) -> Reply:
    flow = await call(http, "GET", f"{fake.public_url}/self-service/login/api")
    body = {"method": "password", "identifier": identifier, "password": password}
    return await call(http, "POST", flow.json()["ui"]["action"], json=body)


async def stored_hash(fake: FakeOry, http: aiohttp.ClientSession, identity_id: str) -> str:
    url = f"{fake.url}/admin/identities/{identity_id}?include_credential=password"
    got = await call(http, "GET", url)
    return str(got.json()["credentials"]["password"]["config"]["hashed_password"])


def assert_invalid_credentials(reply: Reply) -> None:
    assert reply.status == 400
    [message] = reply.json()["ui"]["messages"]
    assert message["id"] == 4000006


@pytest.mark.parametrize("name", list(FORMATS))
async def test_an_imported_hash_logs_in_with_its_password_only(
    name: str, ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    hashed = FORMATS[name](PASSWORD.encode())
    email = f"{name}@example.org"
    created = await import_identity(ory_fake, http, email, {"hashed_password": hashed})
    assert created.status == 201, created.json()
    identity_id = created.json()["id"]

    wrong = await login(ory_fake, http, email, WRONG)
    assert_invalid_credentials(wrong)
    assert await stored_hash(ory_fake, http, identity_id) == hashed

    right = await login(ory_fake, http, email, PASSWORD)
    assert right.status == 200, right.json()
    session = right.json()
    assert session["session_token"].startswith("ory_st_")
    assert session["session"]["identity"]["id"] == identity_id

    # Kratos rehashes a password stored in a format other than its hasher's after a login.
    after = await stored_hash(ory_fake, http, identity_id)
    assert bcrypt.checkpw(PASSWORD.encode(), after.encode())
    if name.startswith("bcrypt"):
        assert after == hashed
    else:
        assert after.startswith("$2a$04$")
    again = await login(ory_fake, http, email, PASSWORD)
    assert again.status == 200


@pytest.mark.parametrize(
    "hashed",
    [
        "$pbkdf2-sha256$i=1000,l=32$!!!$AAAA",  # salt is not base64
        "$argon2id$v=16$m=256,t=2,p=2$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",  # old version
        "$argon2id$v=19$m=268435456,t=2,p=2$c2FsdHNhbHQ$AAAA",  # more memory than allowed
        "$scrypt$ln=1024,r=8$c2FsdA==$AAAA",  # a parameter missing
        "$2b$16$" + "a" * 53,  # bcrypt cost above 15
        "{SSHA}AAAA",  # shorter than a digest
    ],
)
async def test_a_malformed_hash_imports_but_never_matches(
    hashed: str, ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    created = await import_identity(ory_fake, http, "odd@example.org", {"hashed_password": hashed})
    assert created.status == 201
    assert_invalid_credentials(await login(ory_fake, http, "odd@example.org", PASSWORD))


@pytest.mark.parametrize("hashed", ["plain-text", "$unknown$abc", ""])
async def test_a_hash_of_no_known_format_is_refused_on_import(
    hashed: str, ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    created = await import_identity(ory_fake, http, "bad@example.org", {"hashed_password": hashed})
    assert created.status == 400
    assert created.error["reason"].startswith(
        "The imported password does not match any known hash format."
    )


async def test_a_plain_text_password_is_hashed_with_bcrypt_and_wins_over_a_hash(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    other = make_scrypt(b"another password")
    config = {"password": PASSWORD, "hashed_password": other}
    created = await import_identity(ory_fake, http, "plain@example.org", config)
    assert created.status == 201
    stored = await stored_hash(ory_fake, http, created.json()["id"])
    assert stored.startswith("$2a$04$")
    assert bcrypt.checkpw(PASSWORD.encode(), stored.encode())
    assert (await login(ory_fake, http, "plain@example.org", PASSWORD)).status == 200


async def test_the_migration_hook_flag_stands_alone(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    config = {"use_password_migration_hook": True, "hashed_password": make_md5_plain(b"x")}
    created = await import_identity(ory_fake, http, "hook@example.org", config)
    assert created.status == 201
    url = f"{ory_fake.url}/admin/identities/{created.json()['id']}?include_credential=password"
    got = await call(http, "GET", url)
    assert got.json()["credentials"]["password"]["config"] == {"use_password_migration_hook": True}


async def test_a_password_longer_than_bcrypt_reads_is_refused(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    long = "é" * 40  # 80 bytes
    created = await import_identity(ory_fake, http, "long@example.org", {"password": long})
    assert created.status == 400
    assert created.error["reason"] == (
        "The password must be at most 72 characters long, but got 80."
    )
    flow = await call(http, "GET", f"{ory_fake.public_url}/self-service/registration/api")
    body = {"method": "password", "traits": {"email": "long@example.org"}, "password": long}
    reply = await call(http, "POST", flow.json()["ui"]["action"], json=body)
    assert reply.status == 400
    [node] = [n for n in reply.json()["ui"]["nodes"] if n["attributes"]["name"] == "password"]
    assert [m["id"] for m in node["messages"]] == [4000033]
