"""The Python examples of a Markdown page (the README, the documentation site), and how
the tests run them.

Every block fenced ```` ```python ```` is an example, and runs:

- a block whose first line is ``# name.py`` is a file: a page's files are written to
  one directory and run there with pytest, which must pass (an ```` ```ini ```` block
  whose first line is ``# name.ini``, such as ``pytest.ini``, joins them);
- every other block is a script: it runs in-process and must print something.

A block may be indented (inside an admonition or a content tab). Code that cannot run
here (it needs a package ory_async does not depend on, say) is fenced ```` ```text ````
instead, so nothing that looks like a Python example goes untested.
"""

from __future__ import annotations

import ast
import contextlib
import io
import logging
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>python|ini)[^\n]*\n(?P<body>.*?)\n(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_OPENING = re.compile(r"^[ \t]*```python", re.MULTILINE)
_FILE_LINE = re.compile(r"# (?P<name>[\w./-]+\.(?:py|ini))")


@attrs.frozen
class Block:
    """One example: its code (dedented) and the page line its first line of code is on."""

    code: str
    line: int
    lang: str = "python"


@attrs.frozen
class PageExamples:
    """The examples of one page: scripts in page order, files by name."""

    path: Path
    scripts: list[Block]
    files: dict[str, str]

    def script_ids(self) -> list[str]:
        """Test ids for the scripts: the page's path and the script's number."""
        name = self.path.relative_to(ROOT).as_posix()
        return [f"{name}#{i}" for i in range(len(self.scripts))]


def python_blocks(text: str) -> list[Block]:
    """Every ```` ```python ```` (and ```` ```ini ````) block of ``text``, dedented, in order.

    Raises:
        ValueError: a block is never closed (it would go untested).
    """
    blocks = [
        Block(
            code=textwrap.dedent(match["body"]) + "\n",
            line=text.count("\n", 0, match.start("body")) + 1,
            lang=match["lang"],
        )
        for match in _FENCE.finditer(text)
    ]
    opened = len(_OPENING.findall(text))
    if opened != sum(block.lang == "python" for block in blocks):
        msg = f"{opened} python blocks open but fewer close"
        raise ValueError(msg)
    return blocks


def page_examples(path: Path) -> PageExamples:
    """Split a page's Python blocks into scripts and files."""
    scripts: list[Block] = []
    files: dict[str, str] = {}
    for block in python_blocks(path.read_text()):
        first = block.code.split("\n", 1)[0]
        named = _FILE_LINE.fullmatch(first)
        if named:
            if named["name"] in files:
                msg = f"{path}: two examples are both {named['name']}"
                raise ValueError(msg)
            files[named["name"]] = block.code
        elif block.lang == "python":
            scripts.append(block)
    return PageExamples(path=path, scripts=scripts, files=files)


def run_script(block: Block, path: Path) -> str:
    """Run one script as a ``__main__`` module would, and return what it printed.

    Tracebacks point at the page's lines.
    """
    tree = ast.increment_lineno(ast.parse(block.code, str(path)), block.line - 1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), _fresh_logging():
        exec(compile(tree, str(path), "exec"), {"__name__": "__docs__"})  # noqa: S102
    return out.getvalue()


@contextlib.contextmanager
def _fresh_logging() -> Iterator[None]:
    """Logging as a fresh interpreter has it (no root handler, so ``basicConfig`` works);
    the root and ``ory_async`` loggers are put back afterwards."""
    root, library = logging.getLogger(), logging.getLogger("ory_async")
    saved = (root.handlers[:], root.level, library.handlers[:], library.level)
    root.handlers[:] = []
    try:
        yield
    finally:
        root.handlers[:], library.handlers[:] = saved[0], saved[2]
        root.setLevel(saved[1])
        library.setLevel(saved[3])


def run_files(files: dict[str, str], directory: Path) -> subprocess.CompletedProcess[str]:
    """Write ``files`` into ``directory`` and run pytest there, configured by them only."""
    for name, code in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(directory),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=directory,
        check=False,
    )
