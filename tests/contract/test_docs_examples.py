"""Every Python example of the documentation site runs as written.

Scripts run in-process and must print. Most start their own FakeOry; the ones that read
the environment (``OryClient.from_env()``, and the "before" snippets of the migration
page, which use Ory's official SDK) find ``ORY_SDK_URL``, ``ORY_PUBLIC_URL`` and
``ORY_API_KEY`` pointing at a FakeOry served from a background thread, so the same code
would run against a real project. Files (``# name.py`` blocks) are run with pytest, one
directory per page. The rules for which blocks run are in ``tests/kit/doc_examples.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ory_async.testing import FakeOry, serve_in_thread
from tests.kit.doc_examples import ROOT, Block, PageExamples, page_examples, run_files, run_script

DOCS = ROOT / "docs"
PAGES = [page_examples(path) for path in sorted(DOCS.rglob("*.md"))]
SCRIPTS = [(page, block) for page in PAGES for block in page.scripts]
WITH_FILES = [page for page in PAGES if page.files]
API_KEY = "ory_pat_docs_example"


@pytest.fixture
def ory_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOry]:
    """A FakeOry in a background thread, named by the variables ``from_env`` reads."""
    with serve_in_thread(api_key=API_KEY) as fake:
        monkeypatch.setenv("ORY_SDK_URL", str(fake.url))
        monkeypatch.setenv("ORY_PUBLIC_URL", str(fake.public_url))
        monkeypatch.setenv("ORY_API_KEY", API_KEY)
        yield fake


def test_every_guide_has_examples() -> None:
    guides = {page.path.name: page for page in PAGES if page.path.parent.name == "guides"}
    without = sorted(name for name, page in guides.items() if not page.scripts and not page.files)
    # Performance shows the benchmark table; every other guide shows running code.
    assert without == ["performance.md"]
    assert len(SCRIPTS) >= 25


@pytest.mark.parametrize(
    ("page", "block"),
    SCRIPTS,
    ids=[ident for page in PAGES for ident in page.script_ids()],
)
def test_example_runs(page: PageExamples, block: Block, ory_env: FakeOry) -> None:
    assert run_script(block, page.path).strip(), "the example printed nothing"


@pytest.mark.parametrize(
    "page", WITH_FILES, ids=[p.path.relative_to(ROOT).as_posix() for p in WITH_FILES]
)
def test_pytest_examples_pass(page: PageExamples, tmp_path: Path) -> None:
    done = run_files(page.files, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout
    assert "failed" not in done.stdout
