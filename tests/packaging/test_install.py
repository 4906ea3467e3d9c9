"""The README's Install and Testing sections, run as written in fresh virtual environments.

The checkout is copied (what git tracks or would track) so that building never writes
into it. Each install runs in its own new venv; the installed package is then used from
a folder outside the copy, as a user would: ``ory-async --version``, ``ory-async demo``
and the README's pytest example with the shipped ``ory_fake`` fixture.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from ory_async import __version__

ROOT = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"
GIT = shutil.which("git") or "git"
README = (ROOT / "README.md").read_text()
TIMEOUT = 600


def section(title: str) -> str:
    """The README text under ``## <title>`` up to the next second-level heading."""
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def sh_blocks(title: str) -> list[list[str]]:
    """The command lines of each ``sh`` block of a section."""
    blocks = re.findall(r"```sh\n(.*?)```", section(title), re.DOTALL)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def install_line(prefix: str) -> str:
    """The one line of the Install section's first block that starts with ``prefix``."""
    [line] = [line for line in sh_blocks("Install")[0] if line.startswith(prefix)]
    return line


def readme_testing_files() -> dict[str, str]:
    """The files the Testing section shows (blocks whose first line is ``# <name>``)."""
    found = re.findall(
        r"```(?:python|ini)\n# (\S+\.(?:py|ini))\n(.*?)```",
        section("Testing your app with FakeOry"),
        re.DOTALL,
    )
    return {name: f"# {name}\n{body}" for name, body in found}


@dataclass(frozen=True)
class Venv:
    """A fresh virtual environment; commands run with its ``bin`` first on ``PATH``."""

    path: Path

    @classmethod
    def create(cls, path: Path) -> Venv:
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=TIMEOUT)
        return cls(path)

    def environ(self) -> Mapping[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not k.startswith("PYTEST_")
        }
        env["VIRTUAL_ENV"] = str(self.path)
        env["PATH"] = f"{self.path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONNOUSERSITE"] = "1"
        return env

    def run(self, command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run one shell line as written; fails the test with its output when it fails."""
        done = subprocess.run(
            [BASH, "-c", command],
            cwd=cwd,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        return done


def copy_checkout(dest: Path) -> Path:
    """The files git tracks or would track (nothing ignored: no venvs, caches or dist/)."""
    listed = subprocess.run(
        [GIT, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def assert_installed_in(venv: Venv, folder: Path) -> None:
    where = venv.run('python -c "import ory_async; print(ory_async.__file__)"', folder)
    assert Path(where.stdout.strip()).is_relative_to(venv.path), where.stdout


def assert_demo_runs(venv: Venv, folder: Path) -> None:
    demo = venv.run("ory-async demo", folder)
    assert "FakeOry at http://127.0.0.1:" in demo.stdout, demo.stdout
    assert "2000" in demo.stdout.replace(",", ""), demo.stdout


def assert_testing_example_passes(venv: Venv, folder: Path) -> None:
    files = readme_testing_files()
    assert set(files) == {"conftest.py", "pytest.ini", "test_signup.py"}
    for name, text in files.items():
        (folder / name).write_text(text)
    done = venv.run("python -m pytest -q -p no:cacheprovider", folder)
    assert "1 passed" in done.stdout, done.stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "user-project"
    folder.mkdir()
    assert not folder.is_relative_to(ROOT)
    return folder


@pytest.fixture(scope="module")
def built(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """The second Install block, line by line, in the checkout copy and a fresh venv."""
    venv = Venv.create(tmp_path_factory.mktemp("wheel") / "venv")
    [_, wheel_block] = sh_blocks("Install")
    outputs = [venv.run(line, checkout) for line in wheel_block]
    assert outputs[-1].stdout.strip() == f"ory-async {__version__}"
    return venv


def test_install_section_shows_the_checkout_and_the_wheel_and_the_index_once_released() -> None:
    checkout_block, wheel_block = sh_blocks("Install")
    assert [line.split("#")[0].strip() for line in checkout_block] == [
        "pip install .",
        "pip install '.[testing]'",
        "pip install '.[cli]'",
        "pip install '.[fastapi]'",
        "pip install '.[django]'",
        "pip install '.[flask]'",
        "pip install '.[jwt]'",
        "pip install '.[examples]'",
    ]
    assert "python -m build" in " ".join(wheel_block)
    assert "Once released on PyPI, `pip install 'ory-async[testing,cli]'`" in section("Install")


def test_the_wheel_holds_the_package_its_types_and_fakeory_data_only(
    built: Venv, checkout: Path
) -> None:
    [wheel] = (checkout / "dist").glob("ory_async-*.whl")
    [sdist] = (checkout / "dist").glob("ory_async-*.tar.gz")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ory_async/py.typed" in names
    assert "ory_async/testing/pytest_plugin.py" in names
    data = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ory_async/testing/data").rglob("*")}
    assert data
    assert data <= names
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"ory_async", f"ory_async-{__version__}.dist-info"}
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {"pyproject.toml", "README.md", "ory_async/py.typed"} <= members


def test_the_wheel_works_from_a_folder_outside_the_checkout(built: Venv, outside: Path) -> None:
    assert_installed_in(built, outside)
    version = built.run("ory-async --version", outside)
    assert version.stdout.strip() == f"ory-async {__version__}"
    assert_demo_runs(built, outside)
    assert_testing_example_passes(built, outside)


def test_the_cli_extra_runs_the_demo_and_the_testing_extra_the_testing_example(
    checkout: Path, tmp_path: Path, outside: Path
) -> None:
    # One venv for both extras, in an order that shows what each brings: with [cli]
    # alone the demo runs and pytest is absent; adding [testing] makes the example pass.
    venv = Venv.create(tmp_path / "venv")
    venv.run(install_line("pip install '.[cli]'"), checkout)
    assert_installed_in(venv, outside)
    assert_demo_runs(venv, outside)
    absent = venv.run(
        "python -c \"import importlib.util as u; print(u.find_spec('pytest'))\"", outside
    )
    assert absent.stdout.strip() == "None"
    venv.run(install_line("pip install '.[testing]'"), checkout)
    assert_testing_example_passes(venv, outside)
    requires = venv.run(
        "python -c \"from importlib.metadata import requires; print(*requires('ory-async'), sep='\\n')\"",
        outside,
    ).stdout.splitlines()
    testing = {
        re.split(r"[<>=; ]", r, maxsplit=1)[0]
        for r in requires
        if re.search(r"extra == [\"']testing[\"']", r)
    }
    assert testing == {
        "jsonschema",
        "pytest",
        "pytest-asyncio",
        "bcrypt",
        "argon2-cffi",
        "libpass",
        "cryptography",
    }
