"""Every page tells the same install story as the README, and says what its examples need.

- Each ``pip install`` of ory_async on a page (the README, every page of the site) is one
  of the README's Install lines; the package name on an index appears only as "once
  released", since it is not on one yet. Other packages (Ory's SDKs, ``build``) are fine.
- A page whose examples import what an extra brings (FakeOry, FastAPI, httpx, ...) names
  that extra in a ``pip install '.[...]'``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.kit.doc_examples import ROOT, page_examples

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
INSTALL_SECTION = README.read_text().split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
README_LINES = {
    line.split("#", 1)[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", INSTALL_SECTION, re.DOTALL)
    for line in block.splitlines()
    if line.startswith("pip install")
}
PIP_INSTALL = re.compile(r"pip install (?:--\S+ \S+ )*(?P<what>'[^']*'|\S+)")
OTHER_PACKAGES = {"build", "ory-client", "ory-kratos-client"}
CHECKOUT_EXTRA = re.compile(r"pip install '\.\[(?P<extras>[\w,]+)\]'")

# The extra that brings each top-level import an example may need.
EXTRA_OF_IMPORT = {
    "ory_async.testing": "testing",
    "pytest": "testing",
    "pytest_asyncio": "testing",
    "jsonschema": "testing",
    "ory_async.contrib.fastapi": "fastapi",
    "fastapi": "fastapi",
    "httpx": "examples",
    "uvicorn": "examples",
    "tqdm": "cli",
}


def page_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def install_commands(text: str) -> list[tuple[str, str]]:
    """Each ``pip install`` (in code blocks and inline code): its whole line and target."""
    found = []
    for line in text.splitlines():
        for match in PIP_INSTALL.finditer(line):
            found.append((line, match.group(0)))
    return found


def extras_needed(path: Path) -> set[str]:
    """The extras the page's examples import from."""
    page = page_examples(path)
    needed: set[str] = set()
    codes = [block.code for block in page.scripts] + [
        code for name, code in page.files.items() if name.endswith(".py")
    ]
    for code in codes:
        for node in ast.walk(ast.parse(code)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                for prefix, extra in EXTRA_OF_IMPORT.items():
                    if name == prefix or name.startswith(prefix + "."):
                        needed.add(extra)
    return needed


def extras_named(text: str) -> set[str]:
    return {
        extra for match in CHECKOUT_EXTRA.finditer(text) for extra in match["extras"].split(",")
    }


def test_the_readme_install_lines_are_found() -> None:
    assert "pip install ." in README_LINES
    assert "pip install '.[testing]'" in README_LINES
    assert len(README_LINES) >= 5


@pytest.mark.parametrize("path", PAGES, ids=[page_id(p) for p in PAGES])
def test_install_lines_match_the_readme(path: Path) -> None:
    for line, command in install_commands(path.read_text()):
        target = PIP_INSTALL.match(command)
        assert target is not None
        if command.rstrip("`") in README_LINES:
            continue
        what = target["what"].strip("'`).,")
        if what in OTHER_PACKAGES:
            continue
        if what.startswith("ory-async"):
            assert "Once released" in line or "once released" in line, (
                f"{page_id(path)}: {command!r} names a package index ory-async is not on yet: {line}"
            )
            continue
        assert command.rstrip("`") in README_LINES, (
            f"{page_id(path)}: {command!r} is not one of the README's install lines "
            f"{sorted(README_LINES)}"
        )


@pytest.mark.parametrize("path", PAGES, ids=[page_id(p) for p in PAGES])
def test_each_page_names_the_extras_its_examples_need(path: Path) -> None:
    missing = extras_needed(path) - extras_named(path.read_text())
    assert not missing, (
        f"{page_id(path)}: its examples need {sorted(missing)}; say so with "
        f"pip install '.[{','.join(sorted(missing))}]'"
    )


def test_the_rules_see_what_an_example_needs(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nfrom ory_async.testing import FakeOry\nimport httpx\nprint(1)\n```\n"
    )
    assert extras_needed(page) == {"testing", "examples"}
    assert extras_named("pip install '.[testing,examples]'") == {"testing", "examples"}
    assert install_commands("Run `pip install 'ory-async[cli]'` now.") == [
        ("Run `pip install 'ory-async[cli]'` now.", "pip install 'ory-async[cli]'")
    ]
