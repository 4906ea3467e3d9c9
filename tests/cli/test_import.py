"""``ory-async identities import``: checks every line, creates the good ones, re-runs safely."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import orjson

from ory_async.testing import FakeOry
from tests.kit.cli import Cli
from tests.kit.waiting import wait_until

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


async def test_import_then_import_again(cli: Cli, ory_fake: FakeOry, tmp_path: Path) -> None:
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
    assert len(ory_fake.identities) == 1000
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
    assert set(created) == set(ory_fake.identities)
    # Malformed lines were never sent.
    sent = b"".join(r.body for r in ory_fake.requests.matching("PATCH", "/admin/identities"))
    assert b"bogus" not in sent
    assert b"y@example.com" not in sent

    again = await cli("identities", "import", str(source), "--report", str(second))
    assert again.code == 1
    assert "created    0" in again.out
    assert "conflicts  1,000" in again.out
    assert len(ory_fake.identities) == 1000
    outcomes = [e["outcome"] for e in report(second)]
    assert outcomes.count("conflict") == 1000
    assert outcomes.count("invalid") == 5


async def test_clean_rerun_exits_0(cli: Cli, ory_fake: FakeOry, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"schema_id": "default", "traits": {"email": "a@example.com"}}\n\n'
        b'{"schema_id": "default", "traits": {"email": "b@example.com"}}\n'
    )
    assert (await cli("identities", "import", str(source))).code == 0
    done = await cli("identities", "import", "-", "--json", stdin=source.read_bytes())
    assert done.code == 0, done.err
    assert orjson.loads(done.out)["conflicts"] == 2
    assert len(ory_fake.identities) == 2


async def test_dry_run_checks_and_sends_nothing(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    source, rep = tmp_path / "in.jsonl", tmp_path / "report.jsonl"
    good = [
        b'{"schema_id": "default", "traits": {"email": "g%d@example.com"}}' % i for i in range(10)
    ]
    source.write_bytes(b"\n".join(good + list(MALFORMED.values())) + b"\n")
    done = await cli("identities", "import", str(source), "--dry-run", "--report", str(rep))
    assert done.code == 1
    assert "valid    10" in done.out
    assert "invalid  5" in done.out
    assert not ory_fake.requests.matching("PATCH")
    assert {e["outcome"] for e in report(rep)} == {"valid", "invalid"}


async def test_one_bad_line_among_1000_costs_only_itself(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    source, rep = tmp_path / "in.jsonl", tmp_path / "report.jsonl"
    lines = [
        orjson.dumps({"schema_id": "default", "traits": {"email": f"one{i}@example.com"}})
        for i in range(1000)
    ]
    # Valid JSON and a valid body shape, but a state the server refuses: it fails the
    # whole batch request that carries it.
    lines[500] = b'{"schema_id": "default", "traits": {"email": "x@example.com"}, "state": "bogus"}'
    source.write_bytes(b"\n".join(lines) + b"\n")
    done = await cli("identities", "import", str(source), "--report", str(rep), "--json")
    assert done.code == 1
    assert orjson.loads(done.out) == {
        "created": 999,
        "conflicts": 0,
        "failed": 0,
        "unknown": 0,
        "invalid": 1,
    }
    assert "line 501: invalid" in done.err
    assert "bogus" in done.err  # the server's reason
    (bad,) = [e for e in report(rep) if e["outcome"] != "created"]
    assert bad["line"] == 501
    assert "bogus" in str(bad["error"])
    assert len(ory_fake.identities) == 999


async def test_ctrl_c_prints_the_summary_and_how_to_resume(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    write_input(source, good=2995)  # 3,000 lines, the five MALFORMED among them
    ory_fake.faults.add("/admin/identities", method="PATCH", status=None)  # the first batch passes
    ory_fake.faults.add("/admin/identities", method="PATCH", status=None, delay=600, times=None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ory_async",
        "identities",
        "import",
        str(source),
        "--concurrency",
        "1",
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli.environ({}),
        cwd=tmp_path,
    )
    # The second batch is in the server (held there): interrupt the command.
    await wait_until(lambda: len(ory_fake.requests.matching("PATCH", "/admin/identities")) == 2)
    proc.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert orjson.loads(out) == {
        "created": 1000,  # the first batch: lines 1-1004 less the four malformed ones
        "conflicts": 0,
        "failed": 0,
        "unknown": 0,
        "invalid": 4,
    }
    assert "every line up to 1,004 has its result" in text
    assert f"resume with: ory-async identities import {source} --start-line 1005" in text
    assert len(ory_fake.identities) == 1000

    ory_fake.faults.clear()
    resumed = await cli("identities", "import", str(source), "--start-line", "1005", "--json")
    assert orjson.loads(resumed.out)["created"] == 1995
    assert orjson.loads(resumed.out)["invalid"] == 1  # line 1005
    assert len(ory_fake.identities) == 2995
