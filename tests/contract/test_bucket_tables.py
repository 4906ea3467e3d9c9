"""The rate-limit tables in the package are what ``tools/gen_bucket_table.py`` makes of the
vendored copy of Ory's data: the client's endpoint-to-bucket map, FakeOry's own copy of
it, and FakeOry's per-tier limits. A hand edit to either map fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

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
    "target", ["ory_async/_bucket_table.py", "ory_async/testing/_bucket_table.py"]
)
def test_each_bucket_map_is_generated_from_ory_data(target: str) -> None:
    gen = _generator()
    rows = gen.rows(_source("ory-network-rate-limits.json"), _source("ory-network-client.json"))
    assert (ROOT / target).read_text() == gen.render(rows)
    assert [Path(t).relative_to(ROOT).as_posix() for t in gen.TARGETS] == [
        "ory_async/_bucket_table.py",
        "ory_async/testing/_bucket_table.py",
    ]


def test_fake_tiers_are_generated_from_ory_data() -> None:
    gen = _generator()
    tiers = gen.render_tiers(_source("ory-network-rate-limits.json"))
    assert (ROOT / "ory_async" / "testing" / "_tiers.py").read_text() == tiers


def test_the_fake_never_reads_the_clients_map() -> None:
    for path in (ROOT / "ory_async" / "testing").rglob("*.py"):
        text = path.read_text()
        assert "from .._bucket_table" not in text
        assert "bucket_for" not in text.replace("_BUCKETS.bucket_for", "")
