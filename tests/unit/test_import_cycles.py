"""No import cycle among the modules of ``ory_async``, counting every import.

Imports at module level, inside functions and under ``if TYPE_CHECKING:`` all count:
the graph is read from the source with :mod:`ast`, not from what happens to be
imported at run time. Run ``python -m tests.unit.test_import_cycles`` to print it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ory_async"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # ``from pkg import sub`` imports the submodule; ``from mod import name`` the module.
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in known else base


def import_graph() -> dict[str, set[str]]:
    """Each ``ory_async`` module mapped to the ``ory_async`` modules it imports."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        graph[name] = {t for t in _imported(name, path, known) if t in known and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_function_level_and_type_checking_imports() -> None:
    graph = import_graph()
    # Sanity: the graph is not empty and has the edges the layout promises.
    assert "ory_async._transport" in graph["ory_async._client"]
    assert "ory_async._markers" in graph["ory_async._serde"]
    assert "ory_async._markers" in graph["ory_async._fastgen"]
    assert len(graph) > 50


def test_a_cycle_is_found_when_there_is_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_in_ory_async() -> None:
    assert cycles(import_graph()) == []


if __name__ == "__main__":
    graph = import_graph()
    edges = sum(len(targets) for targets in graph.values())
    found = cycles(graph)
    print(f"{len(graph)} modules, {edges} import edges, {len(found)} cycles")
    for component in found:
        print("cycle:", " <-> ".join(component))
    sys.exit(1 if found else 0)
