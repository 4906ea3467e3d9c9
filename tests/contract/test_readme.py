"""Every Python example in the README runs as written (against the embedded FakeOry)."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
FILE_BLOCKS = re.findall(
    r"```(?:python|ini)\n# (\S+\.(?:py|ini))\n(.*?)```", README.read_text(), re.DOTALL
)
FILES = {name: f"# {name}\n{body}" for name, body in FILE_BLOCKS}
SCRIPTS = [block for block in BLOCKS if block not in FILES.values()]


def test_the_readme_has_examples() -> None:
    assert len(SCRIPTS) >= 5
    assert {"conftest.py", "pytest.ini", "test_signup.py"} <= set(FILES)


@pytest.mark.parametrize("code", SCRIPTS, ids=[f"example-{i}" for i in range(len(SCRIPTS))])
def test_example_runs(code: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})  # noqa: S102
    assert out.getvalue().strip(), "the example printed nothing"


def test_pytest_example_passes(tmp_path: Path) -> None:
    for name, code in FILES.items():
        (tmp_path / name).write_text(code)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
