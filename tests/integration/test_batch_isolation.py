"""``identities.batch_create`` against FakeOry: bad rows isolated, 504 halving, patch ids.

These tests send structurally invalid bodies on purpose (a bad ``state``), so they use
their own FakeOry and client rather than the spec-checking harness.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from ory_async import BatchOutcome, OryClient, RetryPolicy
from ory_async.models import CreateIdentityBody, IdentityPatch
from ory_async.testing import FakeOry, FakeOryOptions

covers = pytest.mark.covers


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"seed": 3}


@pytest.fixture
async def ory(ory_fake: FakeOry) -> AsyncIterator[OryClient]:
    async with OryClient(ory_fake.url, retry=RetryPolicy.none()) as ory:
        yield ory


def body(n: int, **extra: object) -> CreateIdentityBody:
    return CreateIdentityBody(schema_id="default", traits={"email": f"row{n}@example.com"}, **extra)  # type: ignore[arg-type]


def sent_batches(ory_fake: FakeOry) -> list[list[dict[str, Any]]]:
    return [
        orjson.loads(r.body)["identities"]
        for r in ory_fake.requests.matching("PATCH", "/admin/identities")
    ]


def applied_emails(ory_fake: FakeOry) -> Counter[str]:
    return Counter(str(i["traits"]["email"]) for i in ory_fake.identities.values())


@covers("IdentityApi.create_identity")
async def test_one_bad_state_among_1000_creates_999(ory: OryClient, ory_fake: FakeOry) -> None:
    bodies = [body(i) for i in range(1000)]
    bodies[500] = body(500, state="bogus")  # structurally invalid: the server fails the request
    results = await ory.identities.batch_create(bodies).collect()

    assert [r.index for r in results] == list(range(1000))
    outcomes = Counter(r.outcome for r in results)
    assert outcomes == {BatchOutcome.CREATED: 999, BatchOutcome.FAILED: 1}
    bad = results[500]
    assert bad.outcome is BatchOutcome.FAILED
    assert bad.error is not None
    assert bad.error.code == 400
    assert "bogus" in bad.reason
    assert len(ory_fake.identities) == 999
    assert max(applied_emails(ory_fake).values()) == 1
    # The whole chunk, then two halves per split: 1000 → 500 → ... → 3 → 1 is 9 splits.
    batches = sent_batches(ory_fake)
    assert len(batches) == 1 + 2 * 9
    alone = [b for b in batches if any(e["create"].get("state") == "bogus" for e in b)]
    assert len(alone[-1]) == 1  # the last request that carried it carried it alone


@covers("IdentityApi.create_identity")
async def test_nothing_applied_is_sent_twice(ory: OryClient, ory_fake: FakeOry) -> None:
    bad = {3, 77, 78, 140}
    bodies = [body(i, region="mars") if i in bad else body(i) for i in range(200)]
    results = await ory.identities.batch_create(bodies, chunk_size=100).collect()

    assert {r.index for r in results if r.outcome is BatchOutcome.FAILED} == bad
    assert sum(r.ok for r in results) == 196
    assert all("not a valid Ory region" in results[i].reason for i in bad)
    # Replay what the server saw: a request that contains a bad row is refused whole and
    # applies nothing; every other request applies all its rows. No row is applied twice.
    applied: Counter[str] = Counter()
    for batch in sent_batches(ory_fake):
        if any(e["create"].get("region") == "mars" for e in batch):
            continue
        applied.update(e["patch_id"] for e in batch)
    assert len(applied) == 196
    assert set(applied.values()) == {1}
    assert len(ory_fake.identities) == 196


@covers("IdentityApi.create_identity")
async def test_504_halves_the_chunk(ory: OryClient, ory_fake: FakeOry) -> None:
    ory_fake.batch_gateway_limit(300)
    bodies = [body(i) for i in range(1000)]
    results = await ory.identities.batch_create(bodies, concurrency=2).collect()

    assert all(r.ok for r in results)
    assert len(ory_fake.identities) == 1000
    sizes = [len(b) for b in sent_batches(ory_fake)]
    # 1000, then 2 of 500, then 4 of 250: one 504 at 1000, two at 500, then four that pass.
    assert sorted(sizes) == [250, 250, 250, 250, 500, 500, 1000]


@covers("IdentityApi.create_identity")
async def test_caller_patch_ids_are_sent_and_returned(ory: OryClient, ory_fake: FakeOry) -> None:
    ids = [str(uuid.UUID(int=i + 1)) for i in range(5)]
    rows = [IdentityPatch(create=body(i), patch_id=ids[i]) for i in range(5)]
    rows[2] = IdentityPatch(create=body(2, state="nope"), patch_id=ids[2])
    mixed: list[IdentityPatch | CreateIdentityBody] = [*rows, body(99)]
    results = await ory.identities.batch_create(mixed).collect()

    assert [r.patch_id for r in results[:5]] == ids
    assert results[5].patch_id is not None
    uuid.UUID(results[5].patch_id)  # one was made up for the row without its own
    assert [r.outcome for r in results] == [
        "created",
        "created",
        "failed",
        "created",
        "created",
        "created",
    ]
    first = sent_batches(ory_fake)[0]
    assert [e["patch_id"] for e in first[:5]] == ids
    by_patch = {r.patch_id: r.identity_id for r in results if r.ok}
    for pid, identity_id in by_patch.items():
        assert identity_id in ory_fake.identities, pid


@covers("IdentityApi.create_identity")
async def test_conflict_after_a_timeout_is_unknown(ory: OryClient, ory_fake: FakeOry) -> None:
    # The row already exists: after a 504 the conflict may be our own timed-out request.
    await ory.identities.create(body(1))
    ory_fake.batch_gateway_limit(1)
    results = await ory.identities.batch_create([body(0), body(1)]).collect()
    assert [r.outcome for r in results] == ["created", "unknown"]
    assert "timed out (504)" in results[1].reason
    assert results[1].error is not None
    assert results[1].error.code == 409
