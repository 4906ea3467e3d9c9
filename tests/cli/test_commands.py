"""get, delete, sessions, recovery: tables for people, JSON for scripts, exit codes."""

from __future__ import annotations

import orjson

from ory_async.testing import FakeOry
from tests.kit.cli import Cli


async def test_get_identity_as_table_and_json(cli: Cli, ory_fake: FakeOry) -> None:
    (identity_id,) = ory_fake.seed_identities(1)
    table = await cli("identities", "get", identity_id)
    assert table.code == 0, table.err
    first = table.out.splitlines()[:4]
    assert first[0].split() == ["id", identity_id]
    assert first[3].split() == ["traits", '{"email":"user0@example.org"}']
    as_json = await cli("--json", "identities", "get", identity_id)
    assert orjson.loads(as_json.out)["id"] == identity_id
    missing = await cli("identities", "get", "00000000-0000-0000-0000-000000000001", "--json")
    assert missing.code == 1
    assert "404 Not Found" in missing.err
    assert "Unable to locate the resource" in missing.err  # the server's reason


async def test_delete_asks_or_refuses(cli: Cli, ory_fake: FakeOry) -> None:
    a, b = ory_fake.seed_identities(2)
    refused = await cli("identities", "delete", a)  # stdin is not a terminal
    assert refused.code == 2
    assert "--yes" in refused.err
    assert len(ory_fake.identities) == 2
    done = await cli("identities", "delete", a, b, "--yes", "--json")
    assert done.code == 0, done.err
    assert [orjson.loads(line)["outcome"] for line in done.out.splitlines()] == ["deleted"] * 2
    assert not ory_fake.identities
    again = await cli("identities", "delete", a, "--yes")
    assert again.code == 1
    assert "failed" in again.out


async def test_sessions_list_revoke_and_recovery_code(cli: Cli, ory_fake: FakeOry) -> None:
    ada, bob = ory_fake.seed_identities(2)
    active, _ = ory_fake.create_session(ada)
    ory_fake.create_session(ada, active=False)
    ory_fake.create_session(bob)

    everything = await cli("sessions", "list")
    assert everything.code == 0, everything.err
    header, *rows = everything.out.splitlines()
    assert header.split()[:3] == ["ID", "IDENTITY_ID", "ACTIVE"]
    assert len(rows) == 3
    assert "3 sessions" in everything.err

    mine = await cli("sessions", "list", "--identity", ada, "--active", "--json")
    assert [orjson.loads(line)["id"] for line in mine.out.splitlines()] == [active["id"]]

    revoked = await cli("sessions", "revoke", "--identity", ada)
    assert revoked.code == 0, revoked.err
    left = await cli("sessions", "list", "--active", "--json")
    assert {orjson.loads(line)["identity_id"] for line in left.out.splitlines()} == {bob}

    code = await cli("recovery", "code", bob, "--expires-in", "1h", "--json")
    assert code.code == 0, code.err
    assert orjson.loads(code.out)["recovery_code"]
    bad = await cli("recovery", "code", bob, "--expires-in", "1d")
    assert bad.code == 2
    assert "not a Go duration" in bad.err


async def test_missing_url_is_a_usage_error(cli: Cli) -> None:
    done = await cli("identities", "get", "x", env={"ORY_SDK_URL": None})
    assert done.code == 2
    assert "ORY_SDK_URL" in done.err
    assert "--url" in done.err


async def test_revoking_no_sessions_is_not_an_error(cli: Cli, ory_fake: FakeOry) -> None:
    (lonely,) = ory_fake.seed_identities(1)
    done = await cli("sessions", "revoke", "--identity", lonely, "--json")
    assert done.code == 0, done.err
    assert orjson.loads(done.out) == {"identity_id": lonely, "sessions": "none to revoke"}
    unknown = await cli("sessions", "revoke", "--identity", "00000000-0000-0000-0000-00000000000f")
    assert unknown.code == 1
    assert "404 Not Found" in unknown.err


async def test_get_several_identities_in_few_requests(cli: Cli, ory_fake: FakeOry) -> None:
    ids = ory_fake.seed_identities(5)
    unknown = "00000000-0000-0000-0000-00000000abcd"
    done = await cli("identities", "get", ids[3], unknown, ids[0], ids[3].upper(), "--json")
    assert done.code == 1  # one id has no identity
    assert [orjson.loads(line)["id"] for line in done.out.splitlines()] == [ids[3], ids[0]]
    assert f"no identity has the id {unknown}" in done.err
    (listing,) = ory_fake.requests.matching("GET", "/admin/identities")
    assert sorted(listing.query_values("ids")) == sorted([ids[3], unknown, ids[0]])
    assert not [r for r in ory_fake.requests if r.path.startswith("/admin/identities/")]

    table = await cli("identities", "get", *ids[:2])
    assert table.code == 0, table.err
    blocks = table.out.split("\n\n")
    assert [b.splitlines()[0].split() for b in blocks] == [["id", ids[0]], ["id", ids[1]]]
    bad = await cli("identities", "get", ids[0], "not-an-id")
    assert bad.code == 2
    assert "'not-an-id' is not one" in bad.err
