"""whoami answers cached as Ory directs, refreshed on demand, dropped when our client ends them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from ory_async import OryClient
from ory_async.contrib import SessionRejected, SessionVerifier
from ory_async.testing import FakeOry
from tests.kit.apps import Factory, Users


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def ory(factory: Factory) -> AsyncIterator[OryClient]:
    async with factory() as client:
        yield client


def whoamis(ory_fake: FakeOry) -> int:
    return len(ory_fake.requests.matching("GET", "/sessions/whoami"))


async def test_answers_are_reused_for_as_long_as_ory_says(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    ory_fake.cacheable_sessions(max_age=timedelta(seconds=30))
    clock = Clock()
    verifier = SessionVerifier(clock=clock)
    headers = {"X-Session-Token": users.token}
    assert (await verifier.check(ory, headers, {})).source == "ory"
    assert (await verifier.check(ory, headers, {})).source == "cache"
    clock.now += 29
    assert (await verifier.check(ory, headers, {})).source == "cache"
    clock.now += 1
    assert (await verifier.check(ory, headers, {})).source == "ory"
    assert whoamis(ory_fake) == 2


async def test_without_the_header_nothing_is_cached_unless_cache_ttl_says(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    headers = {"X-Session-Token": users.token}
    plain = SessionVerifier()
    await plain.check(ory, headers, {})
    assert (await plain.check(ory, headers, {})).source == "ory"
    clock = Clock()
    bounded = SessionVerifier(cache_ttl=10, clock=clock)
    await bounded.check(ory, headers, {})
    assert (await bounded.check(ory, headers, {})).source == "cache"


async def test_cache_ttl_caps_what_ory_allows_and_zero_turns_caching_off(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    ory_fake.cacheable_sessions()  # until the session expires: a day
    clock = Clock()
    capped = SessionVerifier(cache_ttl=5, clock=clock)
    headers = {"X-Session-Token": users.token}
    await capped.check(ory, headers, {})
    clock.now += 4.9
    assert (await capped.check(ory, headers, {})).source == "cache"
    clock.now += 0.2
    assert (await capped.check(ory, headers, {})).source == "ory"
    off = SessionVerifier(cache_ttl=0)
    await off.check(ory, headers, {})
    assert (await off.check(ory, headers, {})).source == "ory"


async def test_a_session_is_never_cached_past_its_expiry(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    _, short = ory_fake.create_session(users.ada, expires_in=timedelta(seconds=60))
    clock = Clock()
    verifier = SessionVerifier(cache_ttl=3600, clock=clock)
    headers = {"X-Session-Token": short}
    await verifier.check(ory, headers, {})
    clock.now += 30
    assert (await verifier.check(ory, headers, {})).source == "cache"
    clock.now += 31  # past expires_at: asked again (the fake's own clock has not moved)
    assert (await verifier.check(ory, headers, {})).source == "ory"


async def test_fresh_skips_the_cache_and_asks_for_a_fresh_answer(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    ory_fake.cacheable_sessions()
    verifier = SessionVerifier()
    headers = {"X-Session-Token": users.token}
    await verifier.check(ory, headers, {})
    assert "Cache-Control" not in ory_fake.requests[-1].headers
    assert (await verifier.check(ory, headers, {}, fresh=True)).source == "ory"
    assert ory_fake.requests[-1].headers["Cache-Control"] == "max-age=0"
    assert (await verifier.check(ory, headers, {})).source == "cache"


EndIt = Callable[[OryClient, Users], Awaitable[object]]


@pytest.mark.parametrize(
    "end",
    [
        lambda ory, users: ory.sessions.disable(users.session["id"]),
        lambda ory, users: ory.sessions.delete_for_identity(users.ada),
        lambda ory, users: ory.sessions.manage("disable", sessions=[users.session["id"]]),
        lambda ory, users: ory.sessions.manage("delete", identities=[users.ada]),
        lambda ory, users: ory.sessions.manage("disable", identities="*"),
        lambda ory, users: ory.identities.delete(users.ada),
    ],
    ids=[
        "disable",
        "delete_for_identity",
        "manage-sessions",
        "manage-identities",
        "manage-all",
        "identities.delete",
    ],
)
async def test_our_own_revoke_drops_the_cached_session(
    ory: OryClient, users: Users, ory_fake: FakeOry, end: EndIt
) -> None:
    verifier = SessionVerifier(cache_ttl=3600)
    headers = {"X-Session-Token": users.token}
    await verifier.check(ory, headers, {})
    assert (await verifier.check(ory, headers, {})).source == "cache"
    await end(ory, users)
    with pytest.raises(SessionRejected) as caught:
        await verifier.check(ory, headers, {})
    assert caught.value.status == 401


async def test_a_revoke_on_another_project_keeps_the_cache(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    verifier = SessionVerifier(cache_ttl=3600)
    headers = {"X-Session-Token": users.token}
    await verifier.check(ory, headers, {})
    async with FakeOry(seed=9) as elsewhere:
        (someone,) = elsewhere.seed_identities(1)
        elsewhere.create_session(someone)
        async with OryClient(elsewhere.url, public_url=elsewhere.public_url) as other:
            await other.sessions.manage("disable", identities="*")
    assert (await verifier.check(ory, headers, {})).source == "cache"


async def test_the_cache_is_bounded_and_holds_no_credential(
    ory: OryClient, ory_fake: FakeOry, users: Users
) -> None:
    verifier = SessionVerifier(cache_ttl=3600, cache_size=3)
    tokens = [ory_fake.create_session(users.ada)[1] for _ in range(5)]
    for token in tokens:
        await verifier.check(ory, {"X-Session-Token": token}, {})
    cache = verifier._cache
    assert len(cache) == 3
    for key, entry in cache._entries.items():
        for token in tokens:
            assert token.encode() not in key
            assert token not in repr(entry.session)
    # The oldest went first; the newest are served from memory.
    assert (await verifier.check(ory, {"X-Session-Token": tokens[-1]}, {})).source == "cache"
    assert (await verifier.check(ory, {"X-Session-Token": tokens[0]}, {})).source == "ory"
