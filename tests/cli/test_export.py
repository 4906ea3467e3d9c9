"""``ory-async identities export``: every identity once, stable lines, resumable."""

from __future__ import annotations

from pathlib import Path

import orjson

from ory_async.testing import FakeOry
from tests.cli.conftest import SECRET, Cli


def ids_of(path: Path) -> list[str]:
    return [orjson.loads(line)["id"] for line in path.read_bytes().splitlines()]


async def test_export_writes_every_identity_once_page_by_page(
    cli: Cli, fake: FakeOry, tmp_path: Path
) -> None:
    fake.seed_identities(3000)
    out = tmp_path / "identities.jsonl"
    done = await cli("identities", "export", "--out", str(out))
    assert done.code == 0, done.err
    assert "exported 3,000 identities" in done.err
    lines = out.read_bytes().splitlines()
    ids = ids_of(out)
    assert len(lines) == 3000
    assert set(ids) == set(fake.identities)
    assert ids == sorted(ids)  # keyset order, no duplicates
    for line in lines[:50]:  # stable field order: keys sorted, compact
        assert line == orjson.dumps(orjson.loads(line), option=orjson.OPT_SORT_KEYS)
    # One request per page of 250, each continuing after the last id of the one before.
    pages = fake.requests.matching("GET", "/admin/identities")
    assert len(pages) == 12
    assert [p.query_values("page_token") for p in pages[1:]] == [
        [ids[i * 250 - 1]] for i in range(1, 12)
    ]
    assert SECRET.encode() not in out.read_bytes()


async def test_export_to_stdout_with_a_filter(cli: Cli, fake: FakeOry) -> None:
    fake.seed_identities(20)
    done = await cli("identities", "export", "--filter", "credentials_identifier=user7@example.org")
    assert done.code == 0, done.err
    (line,) = done.out.splitlines()
    assert orjson.loads(line)["traits"] == {"email": "user7@example.org"}
    bad = await cli("identities", "export", "--filter", "email=x")
    assert bad.code == 2
    assert "credentials_identifier" in bad.err


async def test_resume_after_a_killed_export_gives_the_same_file(
    cli: Cli, fake: FakeOry, tmp_path: Path
) -> None:
    fake.seed_identities(3000)
    full = tmp_path / "full.jsonl"
    assert (await cli("identities", "export", "--out", str(full), "--page-size", "500")).code == 0
    lines = full.read_bytes().splitlines(keepends=True)
    # What a killed export leaves behind: 1,234 complete lines and half of the next one.
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(b"".join(lines[:1234]) + lines[1234][:57])
    fake.requests.clear()
    done = await cli("identities", "export", "--out", str(partial), "--resume")
    assert done.code == 0, done.err
    assert partial.read_bytes() == full.read_bytes()
    assert "exported 1,766 identities" in done.err
    first = fake.requests.matching("GET", "/admin/identities")[0]
    assert first.query_values("page_token") == [orjson.loads(lines[1233])["id"]]
    # Resuming a finished export adds nothing.
    again = await cli("identities", "export", "--out", str(partial), "--resume")
    assert again.code == 0
    assert partial.read_bytes() == full.read_bytes()


async def test_resume_refuses_a_file_that_is_not_an_export(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("shopping list\n")
    done = await cli("identities", "export", "--out", str(other), "--resume")
    assert done.code == 2
    assert "is not an exported identity" in done.err
    assert other.read_text() == "shopping list\n"
    stdout = await cli("identities", "export", "--resume")
    assert stdout.code == 2
    assert "--resume needs --out FILE" in stdout.err


async def test_export_from_a_legacy_server(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "v0.jsonl"
    async with FakeOry(api="v0", seed=3) as legacy:
        legacy.seed_identities(600)
        env: dict[str, str | None] = {
            "ORY_SDK_URL": legacy.url,
            "ORY_PUBLIC_URL": None,
            "ORY_API_KEY": None,
        }
        done = await cli("--api", "v0", "identities", "export", "--out", str(out), env=env)
        assert done.code == 0, done.err
        assert set(ids_of(out)) == set(legacy.identities)
        resume = await cli(
            "--api", "v0", "identities", "export", "--out", str(out), "--resume", env=env
        )
        assert resume.code == 2
        assert "--api v1" in resume.err
