"""Batch results never lie: every input gets exactly one result, and no created identity
goes unreported. The server's record of what it received is the judge.

A body that cannot be encoded is reported ``failed`` and never sent, while the others go
on (the input is read lazily, so failing before sending anything would mean reading it
all first). A 200 with no result for a body makes that body ``unknown``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from ory_async import BatchOutcome, ClientClosedError, InvalidBodyError, OryClient
from ory_async.models import CreateIdentityBody, IdentityPatch
from ory_async.testing import FakeOry


def body(n: int) -> CreateIdentityBody:
    return CreateIdentityBody(schema_id="default", traits={"email": f"r{n}@example.com"})


def received_emails(ory_fake: FakeOry) -> list[str]:
    return [
        e["create"]["traits"]["email"]
        for r in ory_fake.requests.matching("PATCH", "/admin/identities")
        for e in orjson.loads(r.body)["identities"]
    ]


async def test_a_body_the_encoder_refuses_fails_alone_and_the_rest_is_created(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    bodies = [body(i) for i in range(9)]
    bodies[3] = CreateIdentityBody(schema_id="default", traits={"email": "lone\ud800@example.com"})
    results = await ory.identities.batch_create(bodies, chunk_size=3, concurrency=2).collect()

    assert [r.index for r in results] == list(range(9))
    assert [r.outcome for r in results].count(BatchOutcome.CREATED) == 8
    bad = results[3]
    assert bad.outcome is BatchOutcome.FAILED
    assert isinstance(bad.exception, InvalidBodyError)
    assert "cannot be encoded" in bad.reason
    assert bad.patch_id is None
    assert bad.identity_id is None
    # Every created identity is reported, and the bad body never left.
    reported = {r.identity_id for r in results if r.ok}
    assert reported == set(ory_fake.identities)
    assert sorted(received_emails(ory_fake)) == sorted(
        f"r{i}@example.com" for i in range(9) if i != 3
    )


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ({"schema_id": "default"}, "got dict"),
        (None, "got NoneType"),
        (IdentityPatch(create=body(50), patch_id="row-50"), "patch_id must be a UUID"),
    ],
)
async def test_rows_that_are_not_bodies_fail_without_sending(
    ory: OryClient, ory_fake: FakeOry, row: Any, why: str
) -> None:
    rows = [body(0), row, body(2)]
    results = await ory.identities.batch_create(rows).collect()
    assert [r.outcome for r in results] == ["created", "failed", "created"]
    assert isinstance(results[1].exception, InvalidBodyError)
    assert why in results[1].reason
    assert received_emails(ory_fake) == ["r0@example.com", "r2@example.com"]


async def test_an_all_bad_input_sends_nothing(ory: OryClient, ory_fake: FakeOry) -> None:
    rows: list[Any] = ["not a body"] * 5
    results = await ory.identities.batch_create(rows, chunk_size=2).collect()
    assert [r.index for r in results] == list(range(5))
    assert all(r.outcome is BatchOutcome.FAILED for r in results)
    assert ory_fake.requests.matching("PATCH", "/admin/identities") == []


@pytest.mark.parametrize(
    "answer",
    [
        {"identities": []},
        {"identities": [None, None]},
        {
            "identities": [
                {"action": "create", "identity": str(uuid.uuid4()), "patch_id": str(uuid.uuid4())}
            ]
        },
        {
            "identities": [
                {"action": "create", "patch_id": "x"},
                {"action": "mystery", "identity": "y"},
            ]
        },
    ],
    ids=["empty list", "nulls", "patch id that matches nothing", "no id or unknown action"],
)
async def test_a_200_without_a_result_for_a_body_is_unknown(
    ory: OryClient, ory_fake: FakeOry, answer: dict[str, Any]
) -> None:
    ory_fake.faults.add("/admin/identities", method="PATCH", status=200, body=answer)
    results = await ory.identities.batch_create([body(0), body(1)]).collect()
    assert [r.outcome for r in results] == ["unknown", "unknown"]
    assert all(r.reason for r in results)


async def test_a_short_list_leaves_only_the_missing_body_unknown(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    created, patch_id = str(uuid.uuid4()), str(uuid.uuid4())
    ory_fake.faults.add(
        "/admin/identities",
        method="PATCH",
        status=200,
        body={"identities": [{"action": "create", "identity": created, "patch_id": patch_id}]},
    )
    rows: list[IdentityPatch | CreateIdentityBody] = [
        body(0),
        IdentityPatch(create=body(1), patch_id=patch_id),
        body(2),
    ]
    results = await ory.identities.batch_create(rows).collect()
    assert [r.outcome for r in results] == ["unknown", "created", "unknown"]
    assert results[1].identity_id == created
    assert results[1].patch_id == patch_id


async def test_batch_create_on_a_closed_client_raises(ory_fake: FakeOry) -> None:
    ory = OryClient(ory_fake.url)
    await ory.close()
    with pytest.raises(ClientClosedError):
        ory.identities.batch_create([body(0)])
    assert ory_fake.requests.matching("PATCH", "/admin/identities") == []


async def test_closed_between_call_and_iteration_raises(ory_fake: FakeOry) -> None:
    ory = OryClient(ory_fake.url)
    batch = ory.identities.batch_create([body(0)])
    await ory.close()
    with pytest.raises(ClientClosedError):
        await batch.collect()
    assert ory_fake.requests.matching("PATCH", "/admin/identities") == []


async def test_answers_are_matched_by_position_or_by_patch_id(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    # A server that does not echo patch ids: same length, same order.
    ory_fake.faults.add(
        "/admin/identities",
        method="PATCH",
        status=200,
        body={
            "identities": [{"action": "create", "identity": a}, {"action": "create", "identity": b}]
        },
    )
    results = await ory.identities.batch_create([body(0), body(1)]).collect()
    assert [(r.outcome, r.identity_id) for r in results] == [("created", a), ("created", b)]

    # One that answers in another order: the patch ids say which is which.
    p0, p1 = str(uuid.uuid4()), str(uuid.uuid4())
    ory_fake.faults.add(
        "/admin/identities",
        method="PATCH",
        status=200,
        body={
            "identities": [
                {"action": "create", "identity": b, "patch_id": p1},
                {"action": "create", "identity": a, "patch_id": p0},
            ]
        },
    )
    rows = [IdentityPatch(create=body(0), patch_id=p0), IdentityPatch(create=body(1), patch_id=p1)]
    results = await ory.identities.batch_create(rows).collect()
    assert [(r.patch_id, r.identity_id) for r in results] == [(p0, a), (p1, b)]


async def test_an_input_that_breaks_still_gets_what_was_read_reported(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    def rows() -> Iterator[CreateIdentityBody]:
        for n in range(5):
            yield body(n)
        raise RuntimeError("the source file went away")

    seen: list[int] = []

    async def consume() -> None:
        async with ory.identities.batch_create(rows(), chunk_size=2, concurrency=4) as batch:
            async for result in batch:
                assert result.ok
                seen.append(result.index)

    with pytest.raises(RuntimeError, match="went away"):
        await consume()
    # Every identity created is reported before the input's error comes through.
    assert seen == [0, 1, 2, 3, 4]
    assert len(ory_fake.identities) == 5
