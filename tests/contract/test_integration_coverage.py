"""Every operation of both SDK references, and every one beyond them, has an integration
test (``@pytest.mark.covers``), and the integration harness really captures traffic for the
contract checks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ory_async import OryClient
from ory_async.testing import FakeOry
from tests.kit.coverage_tables import beyond_rows, table_rows
from tests.kit.differential import not_in_kratos
from tests.kit.harness import Harness
from tests.kit.spec import spec_for

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


_FAKE_ONLY_ARGUMENTS = frozenset({"fake", "fake_v0", "ory_v0"})


def covered_operations(*, on_both_servers: bool = False) -> set[str]:
    """Operations named by ``covers`` (only in scenarios that also run on Kratos, if asked)."""
    found: set[str] = set()
    for path in INTEGRATION.glob("test_*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            arguments = {a.arg for a in node.args.args}
            neutral = bool(arguments & {"ory", "server"}) and not arguments & _FAKE_ONLY_ARGUMENTS
            if on_both_servers and not neutral:
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", "") == "covers"
                ):
                    found.update(
                        str(arg.value) for arg in decorator.args if isinstance(arg, ast.Constant)
                    )
    return found


def test_every_listed_operation_has_an_integration_test() -> None:
    expected = {f"{row['ref']}.{row['op']}" for row in [*table_rows(), *beyond_rows()]}
    assert len(expected) == 31 + 24
    missing = sorted(expected - covered_operations())
    assert not missing, f"operations without an integration test: {missing}"
    unknown = sorted(covered_operations() - expected)
    assert not unknown, f"covers() names that are not reference operations: {unknown}"


def test_every_v1_operation_runs_against_kratos_too() -> None:
    # Every v1 operation (the seeds' IdentityApi and those beyond them) has a scenario that
    # runs on both servers, unless Kratos v1.3.1 lacks it (tests/kratos/DEVIATIONS.md).
    v1 = {
        f"{row['ref']}.{row['op']}"
        for row in [*table_rows(), *beyond_rows()]
        if row["ref"] in ("IdentityApi", "Kratos v1", "Ory Network")
    }
    absent = set(not_in_kratos())
    assert absent <= v1
    missing = sorted(v1 - absent - covered_operations(on_both_servers=True))
    assert not missing, f"v1 operations no scenario runs against a real Kratos: {missing}"


def test_the_contract_check_knows_every_operation_beyond_the_seeds() -> None:
    spec = spec_for("v1")
    for row in beyond_rows():
        concrete = re.sub(r"\{[^}]+\}", "some-id", row["path"])
        op = spec.find(row["verb"], concrete)
        assert op is not None, row.group(0)
        assert op.template == row["path"], row.group(0)


async def test_harness_captures_requests_and_responses() -> None:
    harness = Harness()
    try:
        fake: FakeOry = await harness.start("v1")
        ory: OryClient = await harness.client(fake)
        await ory.ping()
        await ory.identities.list().collect()
    finally:
        await harness.close()
    exchanges = harness.exchanges["v1"]
    assert [(e.method, e.path, e.status) for e in exchanges] == [
        ("GET", "/health/ready", 200),
        ("GET", "/admin/identities", 200),
    ]
    assert exchanges[1].response_body == b"[]"
    assert harness.contract_problems() == []
