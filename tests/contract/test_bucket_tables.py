"""The rate-limit tables in the package are what ``tools/gen_bucket_table.py`` makes of the
vendored copy of Ory's data: the client's endpoint-to-bucket map, FakeOry's own copy of
it, and FakeOry's per-tier limits. A hand edit to either map fails here."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest

from tests.kit.shared_files import require_shared

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_bucket_table", ROOT / "tools" / "gen_bucket_table.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _source(name: str) -> object:
    return orjson.loads((require_shared() / "openapi" / name).read_bytes())


@pytest.mark.parametrize(
    ("target", "renderer"),
    [
        ("ory_async/_bucket_table.py", "render"),
        ("ory_async/testing/_bucket_table.py", "render_fake"),
    ],
)
def test_each_bucket_map_is_generated_from_ory_data(target: str, renderer: str) -> None:
    gen = _generator()
    rows = gen.rows(_source("ory-network-rate-limits.json"), _source("ory-network-client.json"))
    assert (ROOT / target).read_text() == getattr(gen, renderer)(rows)
    assert [Path(t).relative_to(ROOT).as_posix() for t in (gen.TARGET, gen.FAKE_TARGET)] == [
        "ory_async/_bucket_table.py",
        "ory_async/testing/_bucket_table.py",
    ]


def _table(relative: str, name: str) -> Any:
    """The literal value a generated module assigns to ``name``, read from its text."""
    tree = ast.parse((ROOT / relative).read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == name:
            assert node.value is not None
            return ast.literal_eval(node.value)
    raise AssertionError(f"{relative} assigns no {name}")


def test_both_maps_hold_the_same_endpoints() -> None:
    client = _table("ory_async/_bucket_table.py", "BUCKETS")
    fake = _table("ory_async/testing/_bucket_table.py", "ENDPOINTS")
    endpoints = {(*e.split(" ", 1), bucket) for bucket, es in fake.items() for e in es}
    assert endpoints == set(client)


def test_fake_tiers_are_generated_from_ory_data() -> None:
    gen = _generator()
    tiers = gen.render_tiers(_source("ory-network-rate-limits.json"))
    assert (ROOT / "ory_async" / "testing" / "_tiers.py").read_text() == tiers


def test_the_fake_never_reads_the_clients_map() -> None:
    for path in (ROOT / "ory_async" / "testing").rglob("*.py"):
        text = path.read_text()
        assert "from .._bucket_table" not in text
        assert "bucket_for" not in text.replace("_BUCKETS.bucket_for", "")
