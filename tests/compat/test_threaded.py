"""A synchronous test suite: FakeOry served from a background thread, the SDK called directly."""

from __future__ import annotations

import threading

import ory_client
import pytest
from ory_client.exceptions import NotFoundException
from urllib3.exceptions import MaxRetryError

from ory_async.testing import FakeOry, FakeOryOptions, serve_in_thread


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    """The plugin's own default here (the compatibility suite's fake requires a key)."""
    return {}


def test_sync_fixture(ory_fake_sync: FakeOry) -> None:
    (identity_id,) = ory_fake_sync.seed_identities(1)
    config = ory_client.Configuration(host=ory_fake_sync.url)
    with ory_client.ApiClient(config) as api_client:
        api = ory_client.IdentityApi(api_client)
        got = api.get_identity(identity_id)
        assert got.traits == {"email": "user0@example.org"}
        api.delete_identity(identity_id)
        with pytest.raises(NotFoundException):
            api.get_identity(identity_id)
    assert ory_fake_sync.identities == {}
    assert [r.method for r in ory_fake_sync.requests] == ["GET", "DELETE", "GET"]


def test_serve_in_thread_stops_its_thread() -> None:
    before = {t.name for t in threading.enumerate()}
    with serve_in_thread(api="v0") as fake:
        assert fake.api == "v0"
        assert "FakeOry" in {t.name for t in threading.enumerate()}
        url = fake.url
    assert {t.name for t in threading.enumerate()} == before
    config = ory_client.Configuration(host=url)
    # Nothing listens there any more.
    with ory_client.ApiClient(config) as api_client, pytest.raises(MaxRetryError):
        ory_client.MetadataApi(api_client).get_version(_request_timeout=2)
