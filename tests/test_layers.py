"""The package's layers import downward only, and no module imports itself back at run time."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "dynomodel"

LAYERS = ["exceptions", "_native", "_schema", "_expr", "_table", "_io", "_ops", "_api"]
"""Bottom to top; the modules at the package root above them (`__init__`, `testing`) may import
anything."""


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(("dynomodel", *parts))] = path
    return found


def runtime_imports(name: str, path: Path) -> set[str]:
    """The package modules `name` imports when it runs (not those under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rsplit(".", 1)[0]
                target = (
                    (f"{base}.{node.module}" if node.module else base)
                    if node.level
                    else (node.module or "")
                )
                if target.startswith("dynomodel"):
                    found.add(target)
                    found.update(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("dynomodel"))
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and not isinstance(node, ast.FunctionDef):
                    visit([n for n in inner if isinstance(n, ast.stmt)])

    visit(tree.body)
    known = modules()
    return {m for m in found if m in known and m != name}


def layer(name: str) -> int:
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return len(LAYERS)


@pytest.mark.parametrize("name", sorted(modules()))
def test_each_module_imports_only_its_layer_and_those_below(name: str) -> None:
    above = [
        imported
        for imported in runtime_imports(name, modules()[name])
        if layer(imported) > layer(name)
    ]
    assert above == [], f"{name} imports {above}, above its layer"


def test_no_module_imports_itself_back() -> None:
    graph = {name: runtime_imports(name, path) for name, path in modules().items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as cycle:  # pragma: no cover - the failure message
        pytest.fail(f"import cycle: {' -> '.join(cycle.args[1])}")
