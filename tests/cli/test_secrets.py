"""The API key never shows: not in output, error messages, --help, or argparse's complaints."""

from __future__ import annotations

from pathlib import Path

from ory_async.testing import FakeOry
from tests.kit.cli import SECRET, Cli


async def test_the_key_authenticates_but_never_prints(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    (identity_id,) = ory_fake.seed_identities(1)
    key_file = tmp_path / "key"
    key_file.write_text(SECRET + "\n")
    # From a file (the environment has no key) ...
    done = await cli(
        "identities", "get", identity_id, "--api-key-file", str(key_file), env={"ORY_API_KEY": None}
    )
    assert done.code == 0, done.err
    assert ory_fake.requests[-1].headers["Authorization"] == f"Bearer {SECRET}"
    # ... a wrong key: the server's reason, no key ...
    wrong = await cli(
        "identities", "get", identity_id, env={"ORY_API_KEY": "ory_pat_WRONG_0123456789"}
    )
    assert wrong.code == 1
    assert "401 Unauthorized" in wrong.err
    assert "the API key from ORY_API_KEY was refused" in wrong.err
    assert "ory_pat_WRONG_0123456789" not in wrong.err
    # ... and none at all.
    none = await cli("identities", "get", identity_id, env={"ORY_API_KEY": None})
    assert none.code == 1
    assert "401" in none.err
    assert "no API key was given" in none.err
    from_file = await cli(
        "identities", "export", "--api-key-file", str(key_file), env={"ORY_API_KEY": None}
    )
    assert from_file.code == 0, from_file.err
    key_file.write_text("ory_pat_STALE_0123456789\n")
    stale = await cli(
        "identities", "export", "--api-key-file", str(key_file), env={"ORY_API_KEY": None}
    )
    assert stale.code == 1
    lines = stale.err.splitlines()
    assert lines[0].startswith("ory-async: the export failed: 401 Unauthorized")
    assert lines[1] == (
        "ory-async: the API key from --api-key-file was refused: check that it is valid "
        "and belongs to this project"
    )
