"""Every Python example in the README runs as written (against the embedded FakeOry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit.doc_examples import ROOT, Block, page_examples, run_files, run_script

README = page_examples(ROOT / "README.md")


def test_the_readme_has_examples() -> None:
    assert len(README.scripts) >= 1
    assert {"conftest.py", "pytest.ini", "test_signup.py"} <= set(README.files)


@pytest.mark.parametrize("block", README.scripts, ids=README.script_ids())
def test_example_runs(block: Block) -> None:
    assert run_script(block, README.path).strip(), "the example printed nothing"


def test_pytest_example_passes(tmp_path: Path) -> None:
    done = run_files(README.files, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
