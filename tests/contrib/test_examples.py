"""The example apps run as documented (``python examples/<app>.py``) against FakeOry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["fastapi_app.py", "aiohttp_app.py"])
def test_example_runs(name: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORY_")}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("GET /me with a session token: 200")
    assert lines[1].startswith("GET /me with a browser cookie: 200")
    assert lines[2].startswith("GET /me with no session: 401")
    assert lines[3].startswith("GET /me with a wrong token: 401")
    assert lines[4] == "GET /me while Ory is down: 503, Retry-After: 5"
    assert lines[5] == "GET /health: {'ory': 'ready'}"
