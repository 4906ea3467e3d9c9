"""The README's coverage table lists every operation of both SDK references, and each
call it names exists on the client."""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from ory_async import OryClient
from tests.kit.coverage_tables import beyond_rows, table_rows
from tests.kit.shared_files import require_shared

SEEDS = {"IdentityApi": "000_aac60c3e3847a138.txt", "AdminApi (v0)": "002_aa0ab0053514b549.txt"}


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


BEYOND_OPERATIONS = {
    "getIdentityByExternalID",
    "manageSessions",
    "listCourierMessages",
    "getCourierMessage",
    "getVersion",
    "isAlive",
    "isReady",
    "createTestLoginFlow",
    "createBrowserLogoutFlow",
    "performNativeLogout",
    "listMySessions",
    "disableMySession",
    "disableMyOtherSessions",
    "exchangeSessionToken",
    "createNativeLoginFlow",
    "updateLoginFlow",
    "createNativeRegistrationFlow",
    "updateRegistrationFlow",
    "createNativeSettingsFlow",
    "updateSettingsFlow",
    "createNativeRecoveryFlow",
    "updateRecoveryFlow",
    "createNativeVerificationFlow",
    "updateVerificationFlow",
}
# Live on Ory Network, in Kratos's master, in no Kratos release yet (v1.3.1 lacks them).
ORY_NETWORK_ONLY = {"manageSessions", "createTestLoginFlow"}
SPEC_OF_REFERENCE = {"Kratos v1": "kratos-v1.json", "Ory Network": "ory-network-client.json"}


def _operations_of(spec_file: str) -> dict[str, tuple[str, str]]:
    spec = orjson.loads((require_shared() / "openapi" / spec_file).read_bytes())
    return {
        op["operationId"]: (verb.upper(), path)
        for path, item in spec["paths"].items()
        for verb, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }


def test_beyond_table_rows_are_spec_operations() -> None:
    rows = beyond_rows()
    assert {r["op"] for r in rows} == BEYOND_OPERATIONS
    assert {r["op"] for r in rows if r["ref"] == "Ory Network"} == ORY_NETWORK_ONLY
    for row in rows:
        by_id = _operations_of(SPEC_OF_REFERENCE[row["ref"]])
        assert by_id[row["op"]] == (row["verb"], row["path"]), row.group(0)


def test_every_named_call_exists() -> None:
    ory = OryClient("http://127.0.0.1:4434")
    for row in [*table_rows(), *beyond_rows()]:
        service = getattr(ory, row["service"])
        method = getattr(service, row["method"])
        assert callable(method), row.group(0)
        assert method.__doc__, f"{row['service']}.{row['method']} has no docstring"


MIGRATING = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"
MIGRATION_ROW = re.compile(
    r"^\| `(?P<op>\w+)` \| (?P<verb>[A-Z]+) `(?P<path>[^`]+)` "
    r"\| `ory\.(?P<service>\w+)\.(?P<method>\w+)\([^`]*\)` \|[^|]*\|$"
)
MIGRATION_TABLES = {
    "IdentityApi": "000_aac60c3e3847a138.txt",
    "AdminApi": "002_aa0ab0053514b549.txt",
}
# A call on a client anywhere on the page: ``ory.sessions.whoami``, ``ory.with_auth``, ...
CLIENT_CALL = re.compile(r"(?<![\w.])ory((?:\.\w+)+)")


def migration_rows(table: str) -> list[re.Match[str]]:
    text = MIGRATING.read_text()
    block = text.split(f"<!-- ops:{table}:start -->", 1)[1].split(f"<!-- ops:{table}:end -->", 1)[0]
    lines = [line for line in block.strip().splitlines()[2:] if line.strip()]
    rows = [MIGRATION_ROW.match(line) for line in lines]
    assert all(rows), [line for line, row in zip(lines, rows, strict=True) if row is None]
    return [row for row in rows if row is not None]


def test_migration_page_maps_every_seed_operation() -> None:
    total = 0
    for table, filename in MIGRATION_TABLES.items():
        rows = migration_rows(table)
        listed = {r["op"]: (r["verb"], r["path"]) for r in rows}
        assert len(listed) == len(rows), f"{table}: an operation is listed twice"
        assert listed == seed_operations(filename), table
        total += len(rows)
    assert total == 31


def test_migration_page_maps_each_operation_to_the_readme_call() -> None:
    readme = {(r["ref"].split()[0], r["op"]): (r["service"], r["method"]) for r in table_rows()}
    for table in MIGRATION_TABLES:
        for row in migration_rows(table):
            assert readme[(table, row["op"])] == (row["service"], row["method"]), row.group(0)


def test_every_call_the_migration_page_names_exists() -> None:
    import ory_client

    ory = OryClient("http://127.0.0.1:4434")
    text = MIGRATING.read_text()
    chains = {tuple(m[1].split(".")[1:]) for m in CLIENT_CALL.finditer(text)}
    assert len(chains) >= 25
    for chain in sorted(chains):
        target: object = ory
        for name in chain:
            target = getattr(target, name)
        where = "ory." + ".".join(chain)
        if len(chain) > 1:
            assert callable(target), where
        if len(chain) == 2:  # a service's method, or the client's own
            assert target.__doc__, f"{where} has no docstring"
    # The names on the SDK side are the SDK's own (IdentityApi is installed for the
    # compatibility suite; the v0 SDK is not, its names are checked against the seed).
    for row in migration_rows("IdentityApi"):
        assert callable(getattr(ory_client.IdentityApi, row["op"])), row["op"]
