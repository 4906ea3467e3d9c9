"""ory-client's schema, recovery, courier and metadata operations against FakeOry."""

from __future__ import annotations

from urllib.parse import unquote
from uuid import UUID

import ory_client
import pytest
from ory_client.exceptions import BadRequestException, NotFoundException

from ory_async.testing import FakeOry
from tests.kit.compat import run


async def test_schemas_through_the_admin_url(
    ory_fake: FakeOry, identity_api: ory_client.IdentityApi
) -> None:
    # The SDK sends these without the API key and follows FakeOry's redirect to the
    # public port, as with self-hosted Kratos.
    ory_fake.add_schema("other", {"type": "object", "properties": {"traits": {"type": "object"}}})
    listed = await run(identity_api.list_identity_schemas)
    assert [s.id for s in listed] == ["default", "other"]
    assert listed[1].var_schema == {
        "type": "object",
        "properties": {"traits": {"type": "object"}},
    }
    page = await run(identity_api.list_identity_schemas, page_size=1)
    assert [s.id for s in page] == ["default"]
    schema = await run(identity_api.get_identity_schema, "ZGVmYXVsdA")  # base64url id
    assert isinstance(schema, dict)
    assert schema["title"] == "Person"
    with pytest.raises(NotFoundException):
        await run(identity_api.get_identity_schema, "missing")
    assert {r.site for r in ory_fake.requests if r.path.startswith("/schemas")} == {
        "admin",
        "public",
    }


async def test_recovery_code_and_link(
    ory_fake: FakeOry, identity_api: ory_client.IdentityApi, public_client: ory_client.ApiClient
) -> None:
    (identity_id,) = ory_fake.seed_identities(1)
    code = await run(
        identity_api.create_recovery_code_for_identity,
        ory_client.CreateRecoveryCodeForIdentityBody(
            # The SDK's bodies type ids as UUID (its methods take str).
            identity_id=UUID(identity_id),
            expires_in="15m",
        ),
    )
    assert isinstance(code, ory_client.RecoveryCodeForIdentity)
    assert len(code.recovery_code) == 6
    flow_id = code.recovery_link.split("flow=")[1]
    # The flow behind the code can be fetched on the public URL.
    flow = await run(ory_client.FrontendApi(public_client).get_recovery_flow, flow_id)
    assert str(flow.id) == flow_id
    assert flow.state == "sent_email"

    link = await run(
        identity_api.create_recovery_link_for_identity,
        create_recovery_link_for_identity_body=ory_client.CreateRecoveryLinkForIdentityBody(
            identity_id=UUID(identity_id), expires_in="1h"
        ),
    )
    assert link.recovery_link.startswith(f"{ory_fake.public_url}/self-service/recovery?flow=")
    assert link.expires_at is not None
    with pytest.raises(BadRequestException) as caught:
        await run(
            identity_api.create_recovery_link_for_identity,
            create_recovery_link_for_identity_body=ory_client.CreateRecoveryLinkForIdentityBody(
                identity_id=UUID(int=0)
            ),
        )
    assert "does not exist" in (caught.value.body or "")


async def test_courier(ory_fake: FakeOry, client: ory_client.ApiClient) -> None:
    courier = ory_client.CourierApi(client)
    sent = ory_fake.add_message(
        "a@example.org",
        subject="Hi",
        body="Your code: 123456",
        status="sent",
        dispatches=[{"status": "success"}],
    )
    ory_fake.add_message("b@example.org", type="sms", template_type="login_code_valid")
    listed = await run(courier.list_courier_messages)
    assert [m.recipient for m in listed] == ["b@example.org", "a@example.org"]
    only_sent = await run(
        courier.list_courier_messages, status=ory_client.CourierMessageStatus.SENT
    )
    assert [str(m.id) for m in only_sent] == [sent["id"]]
    by_recipient = await run(courier.list_courier_messages, recipient="b@example.org")
    assert [m.type for m in by_recipient] == [ory_client.CourierMessageType.SMS]
    page = await run(courier.list_courier_messages_with_http_info, page_size=1)
    assert page.headers is not None
    nxt = next(p for p in page.headers["Link"].split(",") if 'rel="next"' in p)
    token = nxt.split("page_token=")[1].split("&")[0].split(">")[0]
    rest = await run(courier.list_courier_messages, page_size=1, page_token=unquote(token))
    assert [m.recipient for m in rest] == ["a@example.org"]

    got = await run(courier.get_courier_message, sent["id"])
    assert got.body == "Your code: 123456"  # dev_mode shows bodies
    assert got.dispatches is not None
    assert got.dispatches[0].status == "success"
    with pytest.raises(NotFoundException):
        await run(courier.get_courier_message, "00000000-0000-0000-0000-000000000000")


async def test_metadata_version(ory_fake: FakeOry, client: ory_client.ApiClient) -> None:
    version = await run(ory_client.MetadataApi(client).get_version)
    assert version.version == "v26.2.0"


async def test_flow_error(ory_fake: FakeOry, public_client: ory_client.ApiClient) -> None:
    error_id = ory_fake.add_error()
    container = await run(ory_client.FrontendApi(public_client).get_flow_error, error_id)
    assert str(container.id) == error_id
    assert container.error is not None
    assert container.error["code"] == 500
