"""``make release-check`` passes, and each of its content checks catches what it guards."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from ory_async import __version__
from tools.release_check import ROOT, CheckError, check_all, check_contents, extras

INFO = f"ory_async-{__version__}.dist-info"
LICENCE = (ROOT / "LICENSE").read_bytes()


def test_the_release_check_passes(tmp_path: Path) -> None:
    lines: list[str] = []
    check_all(tmp_path / "dist", report=lines.append)
    assert lines[0] == (
        f"built ory_async-{__version__}.tar.gz and ory_async-{__version__}-py3-none-any.whl"
    )
    assert lines[1] == "twine check --strict: passed"
    installed = [line for line in lines if line.startswith("installed ")]
    assert len(installed) == len(extras())
    assert any("[cli] in a fresh venv: imports, ran ory-async demo" in line for line in lines)
    assert sorted((tmp_path / "dist").iterdir()) == sorted(
        [
            tmp_path / "dist" / f"ory_async-{__version__}.tar.gz",
            tmp_path / "dist" / f"ory_async-{__version__}-py3-none-any.whl",
        ]
    )


def test_every_user_facing_extra_is_installed_on_its_own() -> None:
    assert extras()[0] == ""
    assert {"testing", "cli", "fastapi", "examples"} <= set(extras())
    assert "dev" not in extras()


def test_the_licence_is_apache_2_and_the_metadata_says_so() -> None:
    assert LICENCE.lstrip().startswith(b"Apache License\n")
    assert b"Version 2.0, January 2004" in LICENCE
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'license = "Apache-2.0"' in pyproject
    assert 'license-files = ["LICENSE"]' in pyproject


def write_artefacts(
    tmp_path: Path, *, wheel_licence: bool = True, sdist_licence: bool = True
) -> tuple[Path, Path]:
    """A minimal wheel and sdist shaped like ours, with or without the licence."""
    wheel = tmp_path / f"ory_async-{__version__}-py3-none-any.whl"
    data = [p.relative_to(ROOT).as_posix() for p in (ROOT / "ory_async/testing/data").rglob("*")]
    with zipfile.ZipFile(wheel, "w") as zf:
        for name in [
            "ory_async/py.typed",
            "ory_async/testing/pytest_plugin.py",
            f"{INFO}/METADATA",
            f"{INFO}/entry_points.txt",
            *data,
        ]:
            zf.writestr(name, "")
        if wheel_licence:
            zf.writestr(f"{INFO}/licenses/LICENSE", LICENCE)
    sdist = tmp_path / f"ory_async-{__version__}.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        names = ["pyproject.toml", "README.md", "CHANGELOG.md", "ory_async/py.typed"]
        for name in names + (["LICENSE"] if sdist_licence else []):
            info = tarfile.TarInfo(f"ory_async-{__version__}/{name}")
            tar.addfile(info, io.BytesIO(b""))
    return sdist, wheel


def test_the_content_check_accepts_artefacts_with_the_licence(tmp_path: Path) -> None:
    check_contents(*write_artefacts(tmp_path), __version__)


def test_the_content_check_fails_without_the_licence_in_the_wheel(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="the wheel lacks.*licenses/LICENSE"):
        check_contents(*write_artefacts(tmp_path, wheel_licence=False), __version__)


def test_the_content_check_fails_without_the_licence_in_the_sdist(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match=r"the sdist lacks \['LICENSE'\]"):
        check_contents(*write_artefacts(tmp_path, sdist_licence=False), __version__)


def test_the_content_check_fails_on_anything_beside_the_package(tmp_path: Path) -> None:
    sdist, wheel = write_artefacts(tmp_path)
    with zipfile.ZipFile(wheel, "a") as zf:
        zf.writestr("tests/conftest.py", "")
    with pytest.raises(CheckError, match="holds more than ory_async"):
        check_contents(sdist, wheel, __version__)
