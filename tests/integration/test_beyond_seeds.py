"""The calls beyond the seed operations, end to end against FakeOry (v1 unless named)."""

from __future__ import annotations

import pytest

from ory_async import (
    BadRequestError,
    NotFoundError,
    OryClient,
    RequestTimeoutError,
    UnsupportedOperationError,
)
from ory_async.models import (
    CourierMessageStatus,
    CourierMessageTemplateType,
    CourierMessageType,
    CreateIdentityBody,
    Identity,
    MessageDispatchStatus,
    Session,
)
from ory_async.testing import FakeOry
from tests.kit.harness import Harness
from tests.kit.servers import ServerUnderTest

covers = pytest.mark.covers


@covers("Kratos v1.getIdentityByExternalID")
async def test_get_by_external_id(ory: OryClient) -> None:
    created = await ory.identities.create(
        CreateIdentityBody(
            schema_id="default", traits={"email": "ext@example.com"}, external_id="crm/42"
        )
    )
    found = await ory.identities.get_by_external_id("crm/42")
    assert isinstance(found, Identity)
    assert found.id == created.id
    assert found.external_id == "crm/42"
    with pytest.raises(NotFoundError):
        await ory.identities.get_by_external_id("crm/43")


@covers("Ory Network.manageSessions")
async def test_manage_sessions_by_ids_and_wildcard(ory: OryClient, fake: FakeOry) -> None:
    a, b = fake.seed_identities(2)
    s1, _ = fake.create_session(a)
    s2, _ = fake.create_session(a, active=False)
    s3, _ = fake.create_session(b)
    # disable counts only the sessions that were active
    assert await ory.sessions.manage("disable", identities=[a]) == 1
    assert (await ory.sessions.get(s1["id"])).active is False
    assert (await ory.sessions.get(s3["id"])).active is True
    assert await ory.sessions.manage("delete", sessions=[s2["id"]]) == 1
    with pytest.raises(NotFoundError):
        await ory.sessions.get(s2["id"])
    for _ in range(5):
        fake.create_session(b)
    fake.manage_sessions_batch_size = 2
    # 1 left for a, 6 for b: the wildcard is re-sent until the server has no more
    assert await ory.sessions.manage("delete", identities="*") == 7
    assert await ory.sessions.list().collect() == []


@pytest.mark.async_only  # reads the request trace of a borrowed aiohttp session
async def test_manage_sessions_chunks_past_the_server_limit(
    ory: OryClient, fake: FakeOry, harness: Harness
) -> None:
    (a,) = fake.seed_identities(1)
    made = [fake.create_session(a)[0]["id"] for _ in range(3)]
    unknown = [f"00000000-0000-4000-8000-{i:012d}" for i in range(1000)]
    before = len(harness.exchanges["v1"])
    assert await ory.sessions.manage("disable", sessions=unknown + made) == 3
    posts = [e for e in harness.exchanges["v1"][before:] if e.method == "POST"]
    assert [e.status for e in posts] == [200, 200, 200]


@covers("Ory Network.manageSessions")
async def test_manage_sessions_refused_id(ory: OryClient) -> None:
    with pytest.raises(BadRequestError, match="sessions"):
        await ory.sessions.manage("delete", sessions=["not-a-uuid"])


@covers("Kratos v1.listCourierMessages", "Kratos v1.getCourierMessage")
async def test_courier_list_and_get(harness: Harness) -> None:
    fake = await harness.start("v1", dev_mode=True)
    ory = await harness.client(fake)
    made = [
        fake.add_message(f"u{i}@example.com", subject=f"s{i}", body="b", status="sent")
        for i in range(5)
    ]
    fake.add_message(
        "u0@example.com",
        status="abandoned",
        template_type="recovery_code_valid",
        send_count=3,
        dispatches=[{"status": "failed", "error": {"reason": "dial tcp: refused"}}],
    )
    first = await ory.courier.list(page_size=2)
    assert len(first.items) == 2
    assert first.has_next
    every = await ory.courier.list(page_size=2).collect()
    assert len(every) == 6
    assert {m.id for m in every} >= {m["id"] for m in made}
    sent = [m async for m in ory.courier.list(status=CourierMessageStatus.SENT)]
    assert {m.id for m in sent} == {m["id"] for m in made}
    mine = await ory.courier.list(recipient="u0@example.com").collect()
    assert len(mine) == 2
    abandoned = next(m for m in mine if m.status is CourierMessageStatus.ABANDONED)
    message = await ory.courier.get(abandoned.id)
    assert message.type is CourierMessageType.EMAIL
    assert message.template_type is CourierMessageTemplateType.RECOVERY_CODE_VALID
    assert message.send_count == 3
    assert [d.status for d in message.dispatches] == [MessageDispatchStatus.FAILED]
    assert message.dispatches[0].error == {"reason": "dial tcp: refused"}
    with pytest.raises(NotFoundError):
        await ory.courier.get("00000000-0000-4000-8000-000000000000")
    with pytest.raises(BadRequestError):
        await ory.courier.get("not-a-uuid")


async def test_courier_bodies_are_redacted_outside_dev_mode(ory: OryClient, fake: FakeOry) -> None:
    fake.add_message("a@example.com", subject="Hi", body="code 123456")
    [message] = await ory.courier.list().collect()
    assert message.body == "<redacted-unless-dev-mode>"
    assert message.subject == "<redacted-unless-dev-mode>"


async def test_courier_list_resumes_from_a_page_token(ory: OryClient, fake: FakeOry) -> None:
    for i in range(3):
        fake.add_message(f"r{i}@example.com")
    first = await ory.courier.list(page_size=2)
    link = first.headers["Link"]
    token = link.split("page_token=")[-1].split(">")[0].split("&")[0]
    rest = await ory.courier.list(page_size=2, page_token=token).collect()
    assert {m.id for m in first.items}.isdisjoint({m.id for m in rest})
    assert len(first.items) + len(rest) == 3


@covers("Kratos v1.getVersion", "Kratos v1.isAlive", "Kratos v1.isReady")
async def test_metadata(ory: OryClient, server: ServerUnderTest) -> None:
    version = await ory.metadata.version()
    assert version == "v1.3.1" if server.kind == "kratos" else version
    await ory.metadata.alive()
    await ory.metadata.ready()
    await ory.ping()


@covers("Kratos v1.listCourierMessages", "Kratos v1.getCourierMessage")
async def test_courier_lists_the_message_a_recovery_sent(
    ory: OryClient, server: ServerUnderTest
) -> None:
    email = server.email("mail")
    await ory.identities.create(CreateIdentityBody(schema_id="default", traits={"email": email}))
    await server.send_recovery_code(email)
    [message] = await ory.courier.list(recipient=email).collect()
    assert message.recipient == email
    assert message.type == CourierMessageType.EMAIL
    assert message.template_type == CourierMessageTemplateType.RECOVERY_CODE_VALID
    assert message.status == CourierMessageStatus.QUEUED
    again = await ory.courier.get(message.id)
    assert again.id == message.id
    assert again.recipient == email
    with pytest.raises(NotFoundError):
        await ory.courier.get("00000000-0000-4000-8000-000000000000")


async def test_metadata_v0(ory_v0: OryClient) -> None:
    assert await ory_v0.metadata.version()
    await ory_v0.metadata.alive()
    with pytest.raises(UnsupportedOperationError):
        _ = ory_v0.courier.list()


async def test_identity_sessions_and_schemas_in_the_token_form(
    ory: OryClient, fake: FakeOry
) -> None:
    (iid,) = fake.seed_identities(1)
    made = {fake.create_session(iid)[0]["id"] for _ in range(5)}
    got = [s async for s in ory.sessions.list_for_identity(iid, page_size=2)]
    assert all(isinstance(s, Session) for s in got)
    assert {s.id for s in got} == made
    assert len(got) == 5
    for name in ("a", "b", "c"):
        fake.add_schema(name, {"type": "object"})
    schemas = await ory.schemas.list(page_size=2).collect()
    assert sorted(s.id for s in schemas) == ["a", "b", "c", "default"]


@pytest.mark.async_only  # the facade cannot wrap it; tests/sync/test_blocking.py checks the blocking form
async def test_raw_response_over_fakeory(ory: OryClient, fake: FakeOry) -> None:
    fake.rate_limit(100, window=60)
    (iid,) = fake.seed_identities(1)
    raw = await ory.with_raw_response(ory.identities.get)(iid)
    assert raw.status == 200
    assert isinstance(raw.parsed, Identity)
    assert raw.parsed.id == iid
    assert raw.ratelimit_limit == 100
    assert raw.ratelimit_remaining == 99
    created = await ory.with_raw_response.identities.create(
        CreateIdentityBody(schema_id="default", traits={"email": "raw@example.com"})
    )
    assert created.status == 201
    assert created.headers["Location"].endswith(f"/identities/{created.parsed.id}")
    assert created.ratelimit_remaining == 98


async def test_per_call_timeout_over_fakeory(ory: OryClient, fake: FakeOry) -> None:
    (iid,) = fake.seed_identities(1)
    fake.faults.add("/admin/identities/*", status=None, delay=1.0, times=None)
    with pytest.raises(RequestTimeoutError, match="within 0.05 s"):
        await ory.identities.get(iid, timeout=0.05)  # every attempt, retries included
    fake.faults.clear()
    assert (await ory.identities.get(iid, timeout=5)).id == iid
