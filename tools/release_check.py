"""Check that the release artefacts are fit to upload: ``make release-check``.

``python tools/release_check.py [--dist DIR]`` builds the sdist and the wheel from what
git tracks (into ``dist/`` by default, emptied first), then:

1. runs ``twine check --strict`` on both;
2. checks their contents: the wheel holds ``ory_async`` (with ``py.typed``, FakeOry's
   data and the pytest plugin) and its ``dist-info`` only, the licence text in both;
3. installs the wheel into a fresh virtual environment per extra (none, each extra of
   ``pyproject.toml``) and imports what that extra is for, from a folder outside the
   checkout; with ``[cli]`` alone it runs ``ory-async demo``.

It prints one line per check and exits non-zero at the first failure. The packaging
tests run the same checks (``tests/packaging/test_release.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 900
PACKAGE = "ory_async"

# What each extra is for: a Python snippet that fails without it.
EXTRA_IMPORTS: Mapping[str, str] = {
    "": "import ory_async; import ory_async.models; import ory_async.errors",
    "testing": "import ory_async.testing, ory_async.testing.pytest_plugin, bcrypt, argon2, passlib, cryptography",
    "cli": "import ory_async._cli, tqdm, jsonschema",
    "fastapi": "import ory_async.contrib.fastapi",
    "django": "import django, ory_async.contrib.django",
    "flask": "import flask, asgiref, ory_async.contrib.flask",
    "jwt": "import jwt, cryptography; from ory_async.contrib import TokenVerifier",
    "examples": "import fastapi, httpx, uvicorn",
}
# Extras for contributors or a comparison run only: they are not checked as installs.
UNCHECKED_EXTRAS = frozenset({"dev", "compat"})


class CheckError(Exception):
    """A release check failed; the message says which and why."""


def run(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; raise :class:`CheckError` with its output when it fails."""
    done = subprocess.run(  # noqa: S603 - our own argv, no shell
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise CheckError(f"$ {' '.join(argv)}\n{done.stdout}\n{done.stderr}")
    return done


def copy_tracked(dest: Path) -> Path:
    """The files git tracks or would track, copied to ``dest`` (no venvs, caches, dist/)."""
    git = shutil.which("git") or "git"
    listed = run([git, "ls-files", "--cached", "--others", "--exclude-standard", "-z"], ROOT)
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def build(source: Path, dist: Path) -> tuple[Path, Path]:
    """Build the sdist and the wheel of ``source`` into an emptied ``dist``."""
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], source)
    [sdist] = dist.glob(f"{PACKAGE}-*.tar.gz")
    [wheel] = dist.glob(f"{PACKAGE}-*.whl")
    return sdist, wheel


def twine_check(sdist: Path, wheel: Path) -> None:
    """``twine check --strict``: metadata and the README render on the index."""
    run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)], ROOT)


def check_contents(sdist: Path, wheel: Path, version: str) -> None:
    """The wheel ships the package and its metadata only; both carry the licence."""
    names = set(zipfile.ZipFile(wheel).namelist())
    info = f"{PACKAGE}-{version}.dist-info"
    tops = {name.split("/", 1)[0] for name in names}
    if tops != {PACKAGE, info}:
        raise CheckError(f"the wheel holds more than {PACKAGE} and {info}: {sorted(tops)}")
    needed = {
        f"{PACKAGE}/py.typed",
        f"{PACKAGE}/testing/pytest_plugin.py",
        f"{info}/licenses/LICENSE",
        f"{info}/METADATA",
        f"{info}/entry_points.txt",
    }
    if missing := needed - names:
        raise CheckError(f"the wheel lacks {sorted(missing)}")
    data = {p.relative_to(ROOT).as_posix() for p in (ROOT / PACKAGE / "testing/data").rglob("*")}
    if missing := data - names:
        raise CheckError(f"the wheel lacks FakeOry's data {sorted(missing)}")
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    needed = {"LICENSE", "pyproject.toml", "README.md", "CHANGELOG.md", f"{PACKAGE}/py.typed"}
    if missing := needed - members:
        raise CheckError(f"the sdist lacks {sorted(missing)}")
    licence = (ROOT / "LICENSE").read_bytes()
    if zipfile.ZipFile(wheel).read(f"{info}/licenses/LICENSE") != licence:
        raise CheckError("the wheel's LICENSE differs from the repository's")


def extras() -> list[str]:
    """The extras to install one by one: "" (none) and every user-facing extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = set(project.get("optional-dependencies", {})) - UNCHECKED_EXTRAS
    unknown = declared - set(EXTRA_IMPORTS)
    if unknown:
        raise CheckError(f"no import check for the extras {sorted(unknown)}: add them")
    return ["", *sorted(declared)]


def venv_env(venv: Path) -> dict[str, str]:
    """The environment of a shell that activated ``venv`` (and nothing of ours)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not k.startswith("PYTEST_")
    }
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONNOUSERSITE"] = "1"
    return env


def check_install(wheel: Path, extra: str, work: Path) -> str:
    """Install ``wheel[extra]`` in a fresh venv and import what the extra is for.

    Returns the demo's output for ``cli`` (run with that extra alone), else "".
    """
    venv = work / f"venv-{extra or 'base'}"
    outside = work / f"project-{extra or 'base'}"
    outside.mkdir(parents=True)
    run([sys.executable, "-m", "venv", str(venv)], work)
    env = venv_env(venv)
    python = str(venv / "bin" / "python")
    requirement = f"{wheel}[{extra}]" if extra else str(wheel)
    run([python, "-m", "pip", "install", "--quiet", requirement], outside, env)
    where = run([python, "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"], outside, env)
    if not Path(where.stdout.strip()).is_relative_to(venv):
        raise CheckError(f"{PACKAGE} was imported from {where.stdout.strip()}, not the venv")
    run([python, "-c", EXTRA_IMPORTS[extra]], outside, env)
    if extra != "cli":
        return ""
    demo = run([str(venv / "bin" / "ory-async"), "demo"], outside, env)
    if "FakeOry at http://127.0.0.1:" not in demo.stdout:
        raise CheckError(f"ory-async demo did not run against FakeOry:\n{demo.stdout}")
    return demo.stdout


def version_of(wheel: Path) -> str:
    """The version in a wheel's file name."""
    return wheel.name.split("-")[1]


def check_all(dist: Path, report: Callable[[str], None] = print) -> None:
    """Every check in order, each reported as it passes."""
    with tempfile.TemporaryDirectory(prefix="release-check-") as tmp:
        work = Path(tmp)
        source = copy_tracked(work / "source")
        sdist, wheel = build(source, dist)
        report(f"built {sdist.name} and {wheel.name}")
        twine_check(sdist, wheel)
        report("twine check --strict: passed")
        check_contents(sdist, wheel, version_of(wheel))
        report("contents: the package, its data and the licence; nothing else")
        for extra in extras():
            check_install(wheel, extra, work)
            shown = f"[{extra}]" if extra else "(no extra)"
            ran = ", ran ory-async demo" if extra == "cli" else ""
            report(f"installed {wheel.name} {shown} in a fresh venv: imports{ran}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks; 0 when all pass."""
    parser = argparse.ArgumentParser(prog="release_check", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where to build")
    args = parser.parse_args(argv)
    try:
        check_all(args.dist.resolve())
    except CheckError as exc:
        print(f"release check failed: {exc}", file=sys.stderr)
        return 1
    print(f"ready to upload: {args.dist}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
