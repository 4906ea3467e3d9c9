"""Imported password hashes of every format, on FakeOry and on a real Kratos alike.

The same vectors (``tests/kit/hash_vectors.py``, made by the library that owns each
algorithm) are imported on both servers; the native login with the right password gets a
session, a wrong one a 400, and after the login the stored hash is the server's own
bcrypt unless it was bcrypt already.
"""

from __future__ import annotations

import bcrypt
import pytest

from ory_async import OryClient
from ory_async.models import (
    CreateIdentityBody,
    IdentityWithCredentials,
    IdentityWithCredentialsPassword,
    IdentityWithCredentialsPasswordConfig,
)
from tests.kit.hash_vectors import FORMATS
from tests.kit.servers import ServerUnderTest

PASSWORD = "correct horse battery staple ✓"


async def stored_hash(ory: OryClient, identity_id: str) -> str:
    got = await ory.identities.get(identity_id, include_credential=["password"])
    assert got.credentials is not None
    config = got.credentials["password"].config
    assert config is not None
    return str(config["hashed_password"])


@pytest.mark.parametrize("name", list(FORMATS))
async def test_an_imported_hash_signs_in_with_its_password_only(
    name: str, ory: OryClient, server: ServerUnderTest
) -> None:
    hashed = FORMATS[name](PASSWORD.encode())
    email = server.email(f"hash-{name}")
    creds = IdentityWithCredentials(
        password=IdentityWithCredentialsPassword(
            config=IdentityWithCredentialsPasswordConfig(hashed_password=hashed)
        )
    )
    body = CreateIdentityBody(schema_id="default", traits={"email": email}, credentials=creds)
    ident = await ory.identities.create(body)
    assert await server.login_status(email, PASSWORD + "!") == 400
    assert await stored_hash(ory, ident.id) == hashed
    session = await server.login(email, PASSWORD)
    assert session.identity_id == ident.id
    after = await stored_hash(ory, ident.id)
    assert bcrypt.checkpw(PASSWORD.encode(), after.encode())
    if name.startswith("bcrypt"):
        assert after == hashed
    else:  # rehashed with the server's own hasher (bcrypt, cost 4 in both)
        assert after.startswith("$2a$04$")
