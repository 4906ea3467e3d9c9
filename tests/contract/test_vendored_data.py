"""The vendored reference data in tests/data is exactly what its README and checksums say."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.kit.shared_files import data_dir

BOOKKEEPING = {"README.md", "SHA256SUMS"}


def checksums() -> dict[str, str]:
    lines = (data_dir() / "SHA256SUMS").read_text().splitlines()
    entries = [re.fullmatch(r"([0-9a-f]{64})  (\S+)", line) for line in lines]
    assert all(entries), [line for line, m in zip(lines, entries, strict=True) if m is None]
    return {m[2]: m[1] for m in entries if m is not None}


def data_files() -> set[str]:
    root = data_dir()
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() not in BOOKKEEPING
    }


def test_every_vendored_file_has_a_checksum_and_nothing_else() -> None:
    assert sorted(data_files() ^ set(checksums())) == []


def test_every_vendored_file_matches_its_checksum() -> None:
    mismatched = [
        name
        for name, digest in checksums().items()
        if hashlib.sha256((data_dir() / name).read_bytes()).hexdigest() != digest
    ]
    assert mismatched == []


def test_the_readme_names_the_source_of_every_vendored_file() -> None:
    readme = (data_dir() / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([^`]+)` \| ([^|]+) \|", readme, re.MULTILINE))
    assert sorted(data_files() ^ set(rows)) == []
    for name, repo in rows.items():
        if name != "fixtures/kratos/MANIFEST.md":
            assert repo.strip() in {"ory/kratos", "ory/docs", "ory/sdk"}, name
    assert "Apache License 2.0" in readme
    assert "Ory Corp" in readme


def test_nothing_reads_reference_data_from_outside_the_repository() -> None:
    root = Path(__file__).resolve().parents[2]
    sources = [
        p
        for folder in ("tests", "benchmarks", "ory_async", "examples")
        for p in (root / folder).rglob("*")
        if p.suffix in {".py", ".md", ".txt", ".toml"}
        and ".venv" not in p.parts
        and "data" not in p.relative_to(root).parts[:2]
    ]
    sources += [root / "Makefile", root / "pyproject.toml", root / ".ci" / "run"]
    needles = ("../" + "shared", "ORY_ASYNC_" + "SHARED", "/work/" + "shared")
    offenders = [
        f"{p.relative_to(root)}: {needle}"
        for p in sources
        for needle in needles
        if needle in p.read_text()
    ]
    assert offenders == []
