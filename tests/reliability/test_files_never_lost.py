"""Files are never lost: an export that fails or is interrupted leaves what was there.

A fresh export is written beside its target and renamed over it only when complete;
the target (or, through a symlink, the file it points to) is never opened for
writing. A failed or interrupted export says how many identities it wrote, where they
are and the command that continues it. Without a terminal, long jobs print a progress
line now and then; an import file that starts with a UTF-8 byte order mark is read.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import orjson
import pytest

from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit.cli import SECRET, Cli
from tests.kit.waiting import wait_until

OLD = b'{"id":"old","note":"what was there before"}\n'


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"api_key": SECRET, "seed": 11}


@pytest.fixture
def cli(ory_fake: FakeOry, tmp_path: Path) -> Cli:
    return Cli(ory_fake, tmp_path)


def leftovers(folder: Path) -> list[str]:
    """Temporary files an export left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


async def test_a_failed_export_leaves_an_existing_file_untouched(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(10)
    out = tmp_path / "identities.jsonl"
    out.write_bytes(OLD)
    ory_fake.faults.add("/admin/identities", method="GET", status=403, times=None)
    done = await cli("identities", "export", "--out", str(out))
    assert done.code == 1
    assert out.read_bytes() == OLD
    assert f"nothing was exported; {out} was left as it was" in done.err
    assert leftovers(tmp_path) == []


async def test_a_failed_export_through_a_symlink_leaves_its_target_untouched(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(10)
    real = tmp_path / "real.jsonl"
    real.write_bytes(OLD)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    ory_fake.faults.add("/admin/identities", method="GET", status=500, times=None)
    done = await cli("identities", "export", "--out", str(link))
    assert done.code == 1
    assert real.read_bytes() == OLD
    assert link.is_symlink()


async def test_a_complete_export_replaces_the_file_and_keeps_the_symlink(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(5)
    real = tmp_path / "real.jsonl"
    real.write_bytes(OLD)
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    done = await cli("identities", "export", "--out", str(link))
    assert done.code == 0, done.err
    assert link.is_symlink()
    lines = real.read_bytes().splitlines()
    assert len(lines) == 5
    assert OLD.strip() not in lines
    assert (real.stat().st_mode & 0o777) == 0o640
    assert leftovers(tmp_path) == []


async def test_a_failure_midway_keeps_the_partial_beside_an_existing_file(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(600)
    out = tmp_path / "identities.jsonl"
    out.write_bytes(OLD)
    ory_fake.faults.add("/admin/identities", method="GET", status=None, times=2)  # two pages pass
    ory_fake.faults.add("/admin/identities", method="GET", status=403, times=None)
    done = await cli("identities", "export", "--out", str(out))
    assert done.code == 1
    assert out.read_bytes() == OLD
    partial = tmp_path / "identities.jsonl.partial"
    assert len(partial.read_bytes().splitlines()) == 500
    assert f"{out} was left as it was; what was exported is in {partial}" in done.err
    assert f"500 identities were written to {partial}" in done.err
    assert f"ory-async identities export --out {partial} --resume" in done.err
    # The command it gives finishes the job.
    ory_fake.faults.clear()
    resumed = await cli("identities", "export", "--out", str(partial), "--resume")
    assert resumed.code == 0, resumed.err
    assert len(partial.read_bytes().splitlines()) == 600


async def test_an_interrupted_export_prints_counts_and_the_resume_command(
    ory_fake: FakeOry, cli: Cli, tmp_path: Path
) -> None:
    ory_fake.seed_identities(600)
    out = tmp_path / "identities.jsonl"
    out.write_bytes(OLD)
    ory_fake.faults.add("/admin/identities", method="GET", status=None, times=2)
    ory_fake.faults.add("/admin/identities", method="GET", status=None, delay=60.0, times=None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ory_async",
        "identities",
        "export",
        "--out",
        str(out),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli.environ({}),
        cwd=tmp_path,
    )
    # Wait until the third page is asked for: two pages (500 identities) are written.
    await wait_until(lambda: len(ory_fake.requests.matching("GET", "/admin/identities")) >= 3)
    proc.send_signal(signal.SIGINT)
    _, err_bytes = await asyncio.wait_for(proc.communicate(), timeout=30)
    err = err_bytes.decode()
    assert proc.returncode == 130
    assert SECRET not in err
    assert "the export was interrupted" in err
    partial = tmp_path / "identities.jsonl.partial"
    assert f"500 identities were written to {partial}" in err
    assert f"--out {partial} --resume" in err
    assert out.read_bytes() == OLD
    assert len(partial.read_bytes().splitlines()) == 500
    assert leftovers(tmp_path) == []


async def test_a_cron_export_prints_progress_lines(cli: Cli, ory_fake: FakeOry) -> None:
    ory_fake.seed_identities(3)
    # The command's stderr is a pipe here, like under cron: no bar, but lines.
    done = await cli("identities", "export", "--out", "x.jsonl")
    assert done.code == 0, done.err
    assert "\r" not in done.err  # no terminal bar drawn into a log


@pytest.mark.parametrize("dry_run", [True, False])
async def test_an_import_file_with_a_byte_order_mark_is_read(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path, dry_run: bool
) -> None:
    source = tmp_path / "bom.jsonl"
    rows = [{"schema_id": "default", "traits": {"email": f"bom{i}@example.org"}} for i in range(3)]
    source.write_bytes(b"\xef\xbb\xbf" + b"".join(orjson.dumps(r) + b"\n" for r in rows))
    args = ["identities", "import", str(source)] + (["--dry-run"] if dry_run else [])
    done = await cli(*args)
    assert done.code == 0, done.err
    assert "line 1" not in done.err
    if not dry_run:
        emails = {i["traits"]["email"] for i in ory_fake.identities.values()}
        assert {"bom0@example.org", "bom1@example.org", "bom2@example.org"} <= emails


async def test_a_byte_order_mark_only_counts_at_the_start(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "late.jsonl"
    good = orjson.dumps({"schema_id": "default", "traits": {"email": "a@example.org"}})
    source.write_bytes(good + b"\n\xef\xbb\xbf" + good + b"\n")
    done = await cli("identities", "import", str(source), "--dry-run")
    assert done.code == 1
    assert "line 2: invalid" in done.err
