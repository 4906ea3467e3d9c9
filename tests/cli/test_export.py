"""``ory-async identities export``: every identity once, stable lines, resumable."""

from __future__ import annotations

from pathlib import Path

import orjson

from ory_async.testing import FakeOry
from tests.kit.cli import SECRET, Cli


def ids_of(path: Path) -> list[str]:
    return [orjson.loads(line)["id"] for line in path.read_bytes().splitlines()]


async def test_export_writes_every_identity_once_page_by_page(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(3000)
    out = tmp_path / "identities.jsonl"
    done = await cli("identities", "export", "--out", str(out))
    assert done.code == 0, done.err
    assert "exported 3,000 identities" in done.err
    lines = out.read_bytes().splitlines()
    ids = ids_of(out)
    assert len(lines) == 3000
    assert set(ids) == set(ory_fake.identities)
    assert ids == sorted(ids)  # keyset order, no duplicates
    for line in lines[:50]:  # stable field order: keys sorted, compact
        assert line == orjson.dumps(orjson.loads(line), option=orjson.OPT_SORT_KEYS)
    # One request per page of 250, each continuing after the last id of the one before.
    pages = ory_fake.requests.matching("GET", "/admin/identities")
    assert len(pages) == 12
    assert [p.query_values("page_token") for p in pages[1:]] == [
        [ids[i * 250 - 1]] for i in range(1, 12)
    ]
    assert SECRET.encode() not in out.read_bytes()


async def test_export_to_stdout_with_a_filter(cli: Cli, ory_fake: FakeOry) -> None:
    ory_fake.seed_identities(20)
    done = await cli("identities", "export", "--filter", "credentials_identifier=user7@example.org")
    assert done.code == 0, done.err
    (line,) = done.out.splitlines()
    assert orjson.loads(line)["traits"] == {"email": "user7@example.org"}
    bad = await cli("identities", "export", "--filter", "email=x")
    assert bad.code == 2
    assert "credentials_identifier" in bad.err


async def test_resume_after_a_killed_export_gives_the_same_file(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(3000)
    full = tmp_path / "full.jsonl"
    assert (await cli("identities", "export", "--out", str(full), "--page-size", "500")).code == 0
    lines = full.read_bytes().splitlines(keepends=True)
    # What a killed export leaves behind: 1,234 complete lines and half of the next one.
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(b"".join(lines[:1234]) + lines[1234][:57])
    ory_fake.requests.clear()
    done = await cli("identities", "export", "--out", str(partial), "--resume")
    assert done.code == 0, done.err
    assert partial.read_bytes() == full.read_bytes()
    assert "exported 1,766 identities" in done.err
    first = ory_fake.requests.matching("GET", "/admin/identities")[0]
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


async def test_export_then_import_moves_identities_between_projects(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    from ory_async import OryClient
    from ory_async.models import (
        CreateIdentityBody,
        IdentityWithCredentials,
        IdentityWithCredentialsOidc,
        IdentityWithCredentialsOidcConfig,
        IdentityWithCredentialsOidcConfigProvider,
        IdentityWithCredentialsPassword,
        IdentityWithCredentialsPasswordConfig,
        VerifiableIdentityAddress,
    )

    async with OryClient(ory_fake.url, access_token=SECRET) as ory:
        for i in range(60):
            creds = IdentityWithCredentials(
                password=IdentityWithCredentialsPassword(
                    config=IdentityWithCredentialsPasswordConfig(password=f"secret-{i}-long")
                ),
                oidc=IdentityWithCredentialsOidc(
                    config=IdentityWithCredentialsOidcConfig(
                        providers=[
                            IdentityWithCredentialsOidcConfigProvider(
                                provider="github", subject=f"gh-{i}"
                            )
                        ]
                    )
                ),
            )
            await ory.identities.create(
                CreateIdentityBody(
                    schema_id="default",
                    traits={"email": f"move{i}@example.com"},
                    state="inactive" if i % 7 == 0 else "active",
                    metadata_public={"plan": i % 3},
                    metadata_admin={"row": i},
                    external_id=f"ext-{i}",
                    credentials=creds,
                    verifiable_addresses=[
                        VerifiableIdentityAddress(
                            value=f"move{i}@example.com", via="email", verified=i % 2 == 0
                        )
                    ],
                )
            )
    out = tmp_path / "moved.jsonl"
    exported = await cli(
        "identities",
        "export",
        "--out",
        str(out),
        "--include-credential",
        "password",
        "--include-credential",
        "oidc",
        "--page-size",
        "25",
    )
    assert exported.code == 0, exported.err
    assert ory_fake.requests.matching("GET", "/admin/identities")[0].query_values(
        "include_credential"
    ) == ["password", "oidc"]

    async with FakeOry(seed=99) as target:
        moved = await cli(
            "identities", "import", str(out), "--json", env={"ORY_SDK_URL": target.url}
        )
        assert moved.code == 0, moved.err
        assert orjson.loads(moved.out)["created"] == 60

        def portable(record: dict[str, object]) -> object:
            creds: dict[str, dict[str, object]] = record["credentials"]  # type: ignore[assignment]
            addresses: list[dict[str, object]] = record["verifiable_addresses"]  # type: ignore[assignment]
            return (
                record["traits"],
                record["state"],
                record.get("metadata_public"),
                record.get("metadata_admin"),
                record.get("external_id"),
                creds["password"]["config"],
                [(p["provider"], p["subject"]) for p in creds["oidc"]["config"]["providers"]],  # type: ignore[index]
                [(a["value"], a["verified"]) for a in addresses],
            )

        before = sorted(map(str, map(portable, ory_fake.identities.values())))
        after = sorted(map(str, map(portable, target.identities.values())))
        assert after == before
        assert not set(target.identities) & set(ory_fake.identities)  # new ids in the target


async def test_a_failed_export_says_so_first_and_leaves_no_empty_file(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.seed_identities(600)
    out = tmp_path / "never.jsonl"
    ory_fake.faults.add("/admin/identities", method="GET", status=403, times=None)
    done = await cli("identities", "export", "--out", str(out))
    assert done.code == 1
    first = done.err.splitlines()[0]
    assert first.startswith("ory-async: the export failed: 403 Forbidden")
    assert done.err.splitlines()[1:] == ["nothing was exported"]
    assert not out.exists()

    ory_fake.faults.clear()
    ory_fake.faults.add("/admin/identities", method="GET", status=None, times=2)  # two pages pass
    ory_fake.faults.add("/admin/identities", method="GET", status=403, times=None)
    part = tmp_path / "part.jsonl"
    done = await cli("identities", "export", "--out", str(part))
    assert done.code == 1
    lines = done.err.splitlines()
    assert lines[0].startswith("ory-async: the export failed: 403 Forbidden")
    assert "500 identities were written" in lines[1]
    assert f"--out {part} --resume" in lines[1]
    assert len(part.read_bytes().splitlines()) == 500
