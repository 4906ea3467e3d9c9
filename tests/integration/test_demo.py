"""The demo runs end to end against the embedded fake (a small version of ``make demo``)."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ory_async._cli import demo as _demo


async def test_demo_tour_reports_every_step() -> None:
    out, err = io.StringIO(), io.StringIO()
    await _demo.run_fake(out, err, identities=120)
    report = out.getvalue()
    assert "create 120 identities (concurrently)" in report
    assert "walk, page_size/page_token form" in report
    assert "walk, legacy per_page/page form" in report
    assert "list sessions with expand=identity" in report
    assert "requests sent:" in report
    assert "identities left in the fake: 20" in report


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


async def test_demo_against_a_project_url(monkeypatch: pytest.MonkeyPatch) -> None:

    from ory_async.testing import FakeOry

    async with FakeOry(seed=3) as fake:
        fake.seed_identities(30)
        monkeypatch.setenv("ORY_SDK_URL", fake.url)
        monkeypatch.setenv("ORY_PUBLIC_URL", fake.public_url)
        monkeypatch.delenv("ORY_API_KEY", raising=False)
        out, err = io.StringIO(), io.StringIO()
        await _demo.run_real(out, err, write=True, limit=10)
        assert len(fake.identities) == 30  # the throw-away identity was deleted again
        assert len(fake.requests.matching("POST", "/admin/identities")) == 1
        assert fake.requests.matching("DELETE")
    report = out.getvalue()
    assert "walk up to 10 identities" in report
    assert "create one identity" in report


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
