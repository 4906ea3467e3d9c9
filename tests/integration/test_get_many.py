"""``identities.get_many`` against FakeOry: each existing identity once, URL-sized chunks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from ory_async import OryClient, UnsupportedOperationError
from ory_async.testing import FakeOry

covers = pytest.mark.covers


def unknown_ids(n: int) -> list[str]:
    return [str(uuid.UUID(int=(1 << 120) + i)) for i in range(n)]


@covers("IdentityApi.list_identities")
async def test_each_existing_identity_once(ory: OryClient, fake: FakeOry) -> None:
    known = fake.seed_identities(1500)
    asked = [*known, *unknown_ids(300), *known[:200], *(i.upper() for i in known[200:250])]
    found = await ory.identities.get_many(asked).collect()

    assert sorted(i.id for i in found) == sorted(known)
    listing = fake.requests.matching("GET", "/admin/identities")
    sent = [r.query_values("ids") for r in listing]
    assert sorted(i for chunk in sent for i in chunk) == sorted([*known, *unknown_ids(300)])
    # Every request within 8 KB and 500 ids, and the chunk as large as that allows.
    for request in listing:
        url = f"{fake.url}{request.raw_path}?{request.query_string}"
        assert len(url) <= 8192
        assert request.query_values("page_size") == ["500"]
    assert max(len(c) for c in sent) < 500
    assert max(len(c) for c in sent) > 180
    assert len(listing) == -(-1800 // max(len(c) for c in sent))


async def test_async_iterable_input_read_lazily(ory: OryClient, fake: FakeOry) -> None:
    known = fake.seed_identities(50)
    pulled = 0

    async def ids() -> AsyncIterator[str]:
        nonlocal pulled
        for ident in [*unknown_ids(20_000), *known]:
            pulled += 1
            yield ident

    fake.reset_counters()
    # Each answer is held a little, so requests in flight overlap in the server.
    fake.faults.add("/admin/identities", method="GET", status=None, delay=0.02, times=None)
    found = await ory.identities.get_many(ids(), concurrency=2).collect()
    assert {i.id for i in found} == set(known)
    assert pulled == 20_050
    assert fake.max_in_flight == 2  # two chunks at a time, never more


async def test_reading_ahead_is_bounded(ory: OryClient, fake: FakeOry) -> None:
    (known,) = fake.seed_identities(1)
    pulled = 0

    def ids() -> Iterator[str]:
        nonlocal pulled
        yield known
        for ident in unknown_ids(100_000):
            pulled += 1
            yield ident

    async with ory.identities.get_many(ids(), concurrency=3) as stream:
        first = await stream.__anext__()
        chunk = stream.chunk_size
    assert first.id == known
    # The first chunk is yielded once three chunks are in flight: no more was read.
    assert pulled <= 3 * chunk
    assert len(fake.requests.matching("GET", "/admin/identities")) <= 3


async def test_include_credential_and_bad_ids(ory: OryClient, fake: FakeOry) -> None:
    from ory_async.models import (
        CreateIdentityBody,
        IdentityWithCredentials,
        IdentityWithCredentialsPassword,
        IdentityWithCredentialsPasswordConfig,
    )

    password = IdentityWithCredentialsPassword(
        config=IdentityWithCredentialsPasswordConfig(password="correct horse battery")
    )
    known = []
    for n in range(3):
        body = CreateIdentityBody(
            schema_id="default",
            traits={"email": f"cred{n}@example.com"},
            credentials=IdentityWithCredentials(password=password),
        )
        known.append((await ory.identities.create(body)).id)
    fake.requests.clear()
    found = await ory.identities.get_many(known, include_credential=["password"]).collect()
    assert len(found) == 3
    for identity in found:
        assert identity.credentials is not None
        config = identity.credentials["password"].config
        assert config is not None
        assert str(config["hashed_password"]).startswith("$2a$04$")
    (request,) = fake.requests.matching("GET", "/admin/identities")
    assert request.query_values("include_credential") == ["password"]

    fake.requests.clear()
    with pytest.raises(ValueError, match="'not-a-uuid' is not one"):
        await ory.identities.get_many([known[0], "not-a-uuid"]).collect()
    with pytest.raises(TypeError, match="not a single string"):
        ory.identities.get_many(known[0])
    with pytest.raises(TypeError, match="must be str"):
        await ory.identities.get_many([uuid.UUID(known[0])]).collect()  # type: ignore[list-item]
    assert fake.requests.matching("GET", "/admin/identities") == []
    assert await ory.identities.get_many([]).collect() == []


async def test_v0_has_no_ids_filter(ory_v0: OryClient) -> None:
    with pytest.raises(UnsupportedOperationError):
        ory_v0.identities.get_many([str(uuid.uuid4())])
