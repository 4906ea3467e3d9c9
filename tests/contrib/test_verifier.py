"""The session check itself: one whoami per uncached check, without a client view."""

from __future__ import annotations

from typing import Any

import pytest

from ory_async import OryClient
from ory_async.contrib import SessionVerifier
from ory_async.testing import FakeOry
from tests.kit.apps import Factory, Users


async def test_a_check_sends_the_credentials_for_that_call_only(
    factory: Factory, users: Users, ory_fake: FakeOry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_views(self: OryClient, auth: Any) -> OryClient:
        raise AssertionError("a session check built a client view")

    monkeypatch.setattr(OryClient, "with_auth", no_views)
    async with factory() as ory:
        verifier = SessionVerifier()
        session = await verifier.verify(ory, {"X-Session-Token": users.token}, {})
        assert session.id == users.session["id"]
        cookie = await verifier.verify(ory, {}, {"ory_kratos_session": users.token})
        assert cookie.id == users.session["id"]
        assert ory.auth is None  # the client itself is untouched
    first, second = ory_fake.requests.matching("GET", "/sessions/whoami")
    assert first.headers["X-Session-Token"] == users.token
    assert "Cookie" not in first.headers
    assert second.headers["Cookie"] == f"ory_kratos_session={users.token}"
    assert "X-Session-Token" not in second.headers


async def test_a_401_says_how_to_send_a_session(factory: Factory, ory_fake: FakeOry) -> None:
    from ory_async.contrib import SessionRejected

    async with factory() as ory:
        for verifier, challenge in (
            (SessionVerifier(), 'X-Session-Token realm="ory"'),
            (
                SessionVerifier(accept_bearer=True),
                'X-Session-Token realm="ory", Bearer realm="ory"',
            ),
        ):
            for headers in ({}, {"X-Session-Token": "unknown"}):
                with pytest.raises(SessionRejected) as info:
                    await verifier.verify(ory, headers, {})
                assert info.value.status == 401
                assert info.value.headers == {"WWW-Authenticate": challenge}
