"""The README's coverage table lists every operation of both SDK references, and each
call it names exists on the client."""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from ory_async import OryClient
from tests.shared_files import require_shared

README = Path(__file__).resolve().parents[2] / "README.md"
SEEDS = {"IdentityApi": "000_aac60c3e3847a138.txt", "AdminApi (v0)": "002_aa0ab0053514b549.txt"}
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


def seed_operations(filename: str) -> dict[str, tuple[str, str]]:
    text = (require_shared() / "seeds" / filename).read_text()
    found = re.findall(r"^\[\*\*(\w+)\*\*\]\([^)]*\) \| \*\*(\w+)\*\* (\S+) \|", text, re.MULTILINE)
    return {op: (verb, path) for op, verb, path in found}


def test_table_has_every_seed_operation_and_nothing_else() -> None:
    rows = table_rows()
    assert len(rows) == 31
    for ref, filename in SEEDS.items():
        expected = seed_operations(filename)
        listed = {r["op"]: (r["verb"], r["path"]) for r in rows if r["ref"] == ref}
        assert listed == expected, ref
    assert sum(len(seed_operations(f)) for f in SEEDS.values()) == 31


def beyond_rows() -> list[re.Match[str]]:
    """The rows of the "beyond the seeds" table."""
    return table_rows("coverage-beyond")


BEYOND_OPERATIONS = {
    "getIdentityByExternalID",
    "manageSessions",
    "listCourierMessages",
    "getCourierMessage",
    "getVersion",
    "isAlive",
    "isReady",
}


def test_beyond_table_rows_are_v1_spec_operations() -> None:
    spec = orjson.loads((require_shared() / "openapi" / "kratos-v1.json").read_bytes())
    by_id = {
        op["operationId"]: (verb.upper(), path)
        for path, item in spec["paths"].items()
        for verb, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    rows = beyond_rows()
    assert {r["op"] for r in rows} == BEYOND_OPERATIONS
    for row in rows:
        assert row["ref"] == "Kratos v1", row.group(0)
        assert by_id[row["op"]] == (row["verb"], row["path"]), row.group(0)


def test_every_named_call_exists() -> None:
    ory = OryClient("http://127.0.0.1:4434")
    for row in [*table_rows(), *beyond_rows()]:
        service = getattr(ory, row["service"])
        method = getattr(service, row["method"])
        assert callable(method), row.group(0)
        assert method.__doc__, f"{row['service']}.{row['method']} has no docstring"
