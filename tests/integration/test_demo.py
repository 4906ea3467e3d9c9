"""The demo runs end to end against the embedded fake (a small version of ``make demo``)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path


def test_python_dash_m_runs_the_demo() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ory_async", "demo", "--fake", "--identities", "30"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ory_async demo against FakeOry" in done.stdout


def test_usage_errors_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ory_async", "demo", "--identities", "0", "--fake"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--identities must be at least 1" in done.stderr


async def test_demo_uses_the_url_and_key_file_options(tmp_path: Path) -> None:
    from ory_async.testing import FakeOry

    key = "ory_pat_DEMO_FILE_KEY_0123"
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORY_")}
    env["ORY_SDK_URL"] = "http://unused.invalid"  # the options win over the environment
    async with FakeOry(seed=5, api_key=key) as fake:
        fake.seed_identities(4)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "ory_async",
            "demo",
            "--url",
            fake.url,
            "--public-url",
            fake.public_url,
            "--api-key-file",
            str(key_file),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, stderr.decode()
        listed = fake.requests.matching("GET", "/admin/identities")
        assert listed
        assert all(r.headers.get("Authorization") == f"Bearer {key}" for r in listed)
    report = stdout.decode()
    assert f"ory_async demo against {fake.url}/" in report
    assert "walk up to 1,000 identities" in report
    assert key not in report + stderr.decode()
