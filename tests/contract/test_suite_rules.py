"""The suite's own import rules, checked on every file under ``tests/``.

- A test module or conftest takes shared helpers from ``tests.kit`` only: never from
  another test module, conftest or folder of the suite.
- Only the unit tests (``tests/unit``) import private ``ory_async`` modules or names
  (``ory_async._serde``, ``ory_async.testing._hashes``, ``from ory_async import _serde``);
  every other suite uses what users can use. A ``tests.kit`` module that imports private
  names serves the unit tests alone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import attrs

TESTS = Path(__file__).resolve().parents[1]
KIT = "tests.kit"


@attrs.frozen
class Imported:
    """One module (or module attribute) a file imports, with the line that imports it."""

    name: str
    line: int


def _module_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str) -> Iterator[Imported]:
    """Every dotted name ``source`` (the text of ``module``) imports, relative ones resolved;
    ``from a import b`` gives ``a.b``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Imported(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                yield Imported(f"{base}.{alias.name}", node.lineno)


def is_private(name: str) -> bool:
    """``ory_async._x``, ``ory_async.x._y`` or a private name of a public module."""
    parts = name.split(".")
    return parts[0] == "ory_async" and any(
        p.startswith("_") and not p.startswith("__") for p in parts[1:]
    )


def is_unit(module: str) -> bool:
    return module == "tests.unit" or module.startswith("tests.unit.")


def is_kit(module: str) -> bool:
    return module == KIT or module.startswith(KIT + ".")


def problems(root: Path) -> list[str]:
    """What breaks the rules among the ``.py`` files under ``root`` (a ``tests`` folder)."""
    found: list[str] = []
    imported: dict[str, list[Imported]] = {}
    where: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_of(path, root)
        where[module] = path
        imported[module] = list(imports_of(path.read_text("utf-8"), module))
    suite = root.name
    for module, names in imported.items():
        rel = where[module].relative_to(root.parent)
        for imp in names:
            first = imp.name.split(".")[0]
            if first == suite and not is_kit(imp.name):
                found.append(
                    f"{rel}:{imp.line}: imports {imp.name}; shared helpers live in tests.kit"
                )
            if is_private(imp.name) and not is_unit(module) and not is_kit(module):
                found.append(f"{rel}:{imp.line}: imports private {imp.name} outside tests/unit")
    # Kit modules that reach private names, directly or through another kit module.
    internal = {
        m for m, names in imported.items() if is_kit(m) and any(is_private(i.name) for i in names)
    }
    grew = True
    while grew:
        grew = False
        for m, names in imported.items():
            if (
                is_kit(m)
                and m not in internal
                and any(_kit_module(i.name) in internal for i in names)
            ):
                internal.add(m)
                grew = True
    for module, names in imported.items():
        if is_unit(module) or module in internal:
            continue
        rel = where[module].relative_to(root.parent)
        for imp in names:
            if _kit_module(imp.name) in internal:
                found.append(
                    f"{rel}:{imp.line}: imports {imp.name}, which reaches private ory_async "
                    "modules (for tests/unit only)"
                )
    return found


def _kit_module(name: str) -> str:
    """The ``tests.kit`` module a dotted import name points into (``tests.kit.x.f`` ->
    ``tests.kit.x``)."""
    parts = name.split(".")
    return ".".join(parts[:3]) if is_kit(name) else ""


def test_the_suite_keeps_its_import_rules() -> None:
    found = problems(TESTS)
    assert not found, "\n".join(found)


def _suite(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "tests"
    for name, text in {"__init__.py": "", "kit/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_check_sees_each_kind_of_break(tmp_path: Path) -> None:
    root = _suite(
        tmp_path,
        {
            "a/conftest.py": "X = 1\n",
            "a/test_one.py": "from tests.a.conftest import X\nfrom .conftest import X\n",
            "a/test_two.py": "from ory_async import _serde\nimport ory_async.testing._hashes\n",
            "a/test_three.py": "from tests.kit.sim import run\n",
            "kit/sim.py": "from ory_async._pacing import Pacer\n",
            "unit/test_ok.py": "from ory_async._serde import decode\nfrom tests.kit.sim import run\n",
            "b/test_fine.py": "from ory_async.testing import FakeOry\nfrom tests.kit.other import y\n",
            "kit/other.py": "y = 1\n",
        },
    )
    assert [p.split(": ", 1)[0] for p in problems(root)] == [
        "tests/a/test_one.py:1",
        "tests/a/test_one.py:2",
        "tests/a/test_two.py:1",
        "tests/a/test_two.py:2",
        "tests/a/test_three.py:1",
    ]
