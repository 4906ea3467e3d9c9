"""The README's coverage tables, row by row."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


ROW = re.compile(
    r"^\| (?P<ref>[^|]+?) \| (?P<op>\w+) \| (?P<verb>[A-Z]+) (?P<path>\S+) \| `ory\.(?P<service>\w+)\.(?P<method>\w+)` \|$"
)


def table_rows(table: str = "coverage") -> list[re.Match[str]]:
    """The rows of a README coverage table: ``coverage`` (the seeds) or ``coverage-beyond``."""
    text = README.read_text()
    block = text.split(f"<!-- {table}:start -->", 1)[1].split(f"<!-- {table}:end -->", 1)[0]
    lines = [line for line in block.strip().splitlines()[2:] if line.strip()]
    rows = [ROW.match(line) for line in lines]
    assert all(rows), [line for line, row in zip(lines, rows, strict=True) if row is None]
    return [row for row in rows if row is not None]


def beyond_rows() -> list[re.Match[str]]:
    """The rows of the "beyond the seeds" table."""
    return table_rows("coverage-beyond")
