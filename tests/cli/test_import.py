"""``ory-async identities import``: checks every line, creates the good ones, re-runs safely."""

from __future__ import annotations

from pathlib import Path

import orjson

from ory_async.testing import FakeOry
from tests.cli.conftest import Cli

MALFORMED = {
    8: b"{not json",
    210: b'["a", "list"]',
    411: b'{"schema_id": "default", "traits": {"email": "x@example.com"}, "bogus": 1}',
    612: b'{"traits": {"email": "y@example.com"}}',
    1005: b'{"schema_id": 5, "traits": {"email": "z@example.com"}}',
}


def write_input(path: Path, good: int) -> None:
    lines: list[bytes] = []
    n = 0
    while len(lines) < good + len(MALFORMED):
        number = len(lines) + 1
        if number in MALFORMED:
            lines.append(MALFORMED[number])
        else:
            body = {"schema_id": "default", "traits": {"email": f"import{n}@example.com"}}
            lines.append(orjson.dumps(body))
            n += 1
    path.write_bytes(b"\n".join(lines) + b"\n")


def report(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


async def test_import_then_import_again(cli: Cli, fake: FakeOry, tmp_path: Path) -> None:
    source, first, second = tmp_path / "in.jsonl", tmp_path / "r1.jsonl", tmp_path / "r2.jsonl"
    write_input(source, good=1000)

    done = await cli("identities", "import", str(source), "--report", str(first), "--json")
    assert done.code == 1  # five lines were not imported
    assert orjson.loads(done.out) == {
        "created": 1000,
        "conflicts": 0,
        "failed": 0,
        "unknown": 0,
        "invalid": 5,
    }
    assert len(fake.identities) == 1000
    for number in MALFORMED:
        assert f"line {number}: invalid" in done.err
    entries = report(first)
    assert [e["line"] for e in entries] == list(range(1, 1006))
    invalid = {e["line"]: e["error"] for e in entries if e["outcome"] == "invalid"}
    assert set(invalid) == set(MALFORMED)
    assert "not valid JSON" in str(invalid[8])
    assert "bogus" in str(invalid[411])
    assert "schema_id" in str(invalid[612])
    created = [e["identity_id"] for e in entries if e["outcome"] == "created"]
    assert set(created) == set(fake.identities)
    # Malformed lines were never sent.
    sent = b"".join(r.body for r in fake.requests.matching("PATCH", "/admin/identities"))
    assert b"bogus" not in sent
    assert b"y@example.com" not in sent

    again = await cli("identities", "import", str(source), "--report", str(second))
    assert again.code == 1
    assert "created    0" in again.out
    assert "conflicts  1,000" in again.out
    assert len(fake.identities) == 1000
    outcomes = [e["outcome"] for e in report(second)]
    assert outcomes.count("conflict") == 1000
    assert outcomes.count("invalid") == 5


async def test_clean_rerun_exits_0(cli: Cli, fake: FakeOry, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"schema_id": "default", "traits": {"email": "a@example.com"}}\n\n'
        b'{"schema_id": "default", "traits": {"email": "b@example.com"}}\n'
    )
    assert (await cli("identities", "import", str(source))).code == 0
    done = await cli("identities", "import", "-", "--json", stdin=source.read_bytes())
    assert done.code == 0, done.err
    assert orjson.loads(done.out)["conflicts"] == 2
    assert len(fake.identities) == 2


async def test_dry_run_checks_and_sends_nothing(cli: Cli, fake: FakeOry, tmp_path: Path) -> None:
    source, rep = tmp_path / "in.jsonl", tmp_path / "report.jsonl"
    good = [
        b'{"schema_id": "default", "traits": {"email": "g%d@example.com"}}' % i for i in range(10)
    ]
    source.write_bytes(b"\n".join(good + list(MALFORMED.values())) + b"\n")
    done = await cli("identities", "import", str(source), "--dry-run", "--report", str(rep))
    assert done.code == 1
    assert "valid    10" in done.out
    assert "invalid  5" in done.out
    assert not fake.requests.matching("PATCH")
    assert {e["outcome"] for e in report(rep)} == {"valid", "invalid"}
