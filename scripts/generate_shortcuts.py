"""Write `python/dynomodel/_api/shortcuts.py`: the operations of `Table` as `DynamoModel` methods.

`Order.get(...)` runs `Order.table.get(...)` and `order.save()` runs `Order.table.save(order)`.
Their signatures are those of `Table[Order]` with `Self` for the model, which no decorator can
express for mypy and pyright (the type system has no way to say "`Table.get` with `M` bound
to the class it is read from"), so they are written out here from `Table`'s own source instead
of by hand: one place states each signature. `tests/api/test_shortcuts.py` fails when the
module is not what this script writes.

    python scripts/generate_shortcuts.py           # rewrite the module
    python scripts/generate_shortcuts.py --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "python" / "dynomodel" / "_api"
SOURCES = [API / "table.py", API / "reader.py"]
TARGET = API / "shortcuts.py"

CLASS_LEVEL = [
    "create_table",
    "describe_table",
    "table_exists",
    "delete_table",
    "get",
    "update_by_key",
    "delete_by_key",
    "query",
    "scan",
    "count",
    "batch_get",
    "batch_write",
]
"""Operations of the table, as class methods (`Order.get(...)`)."""

INSTANCE_LEVEL = ["save", "update", "delete", "refresh"]
"""Operations on one item, as methods of the instance (`order.save()` is `table.save(order)`)."""

HEADER = '''"""The operations of `Order.table` as methods of `DynamoModel`: `Order.get(...)` runs
`Order.table.get(...)`, and `order.save()` runs `Order.table.save(order)`.

Written by `scripts/generate_shortcuts.py` from the methods of `Table` and `Reader`, with the
model's own type (`Self`) for theirs; do not edit: `tests/api/test_shortcuts.py` checks that
this module is what the script writes.
"""
'''


class _Source:
    """The methods, steps methods and twins (`get = awaitable(_get)`) of the classes in
    `SOURCES`, and the names their modules import."""

    def __init__(self) -> None:
        self.functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.twins: dict[str, tuple[str, str]] = {}
        """public name -> (steps method, "awaitable" or "blocking")"""
        self.aliases: dict[str, str] = {}
        self.imports: dict[str, str] = {}
        for path in SOURCES:
            module = ast.parse(path.read_text())
            for node in module.body:
                if isinstance(node, ast.ImportFrom):
                    for alias in node.names:
                        self.imports[alias.asname or alias.name] = "." * node.level + (
                            node.module or ""
                        )
                elif isinstance(node, ast.ClassDef):
                    self._read_class(node)

    def _read_class(self, node: ast.ClassDef) -> None:
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(item.name, []).append(item)
            elif isinstance(item, ast.Assign) and len(item.targets) == 1:
                target = item.targets[0]
                if not isinstance(target, ast.Name):
                    continue
                value = item.value
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                    steps = value.args[0]
                    assert isinstance(steps, ast.Name)
                    self.twins[target.id] = (steps.id, value.func.id)
                elif isinstance(value, ast.Name):
                    self.aliases[target.id] = value.id


class _Model(ast.NodeTransformer):
    """Annotations of `Table[M]` rewritten for the model class: `M` is `Self`."""

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name("Self", node.ctx) if node.id == "M" else node


def _unwrap_steps(annotation: ast.expr | None) -> ast.expr | None:
    """`X` from `Steps[X]`."""
    if (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id == "Steps"
    ):
        return annotation.slice
    return annotation


def _forwarded(args: ast.arguments) -> list[str]:
    """The arguments that pass each parameter of `args` on, by position or by name."""
    passed = [a.arg for a in args.posonlyargs + args.args]
    passed += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    if args.vararg is not None:
        passed.append(f"*{args.vararg.arg}")
    if args.kwarg is not None:
        passed.append(f"**{args.kwarg.arg}")
    return passed


def _summary(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    docstring = ast.get_docstring(function) or ""
    return docstring.split("\n\n")[0].replace("\n", " ")


def _overloaded(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "overload" for d in function.decorator_list)


def _method(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    siblings: list[ast.FunctionDef | ast.AsyncFunctionDef],
    name: str,
    mode: str,
    on_instance: bool,
) -> str:
    """The shortcut `name` with the signature of `function` (a method of `Table`, one of
    `siblings`, its overloads), running it in `mode`: "awaitable", "blocking" or "plain" (a
    method that does no I/O itself)."""
    signature = ast.parse(f"def f({ast.unparse(function.args)}): pass").body[0]
    assert isinstance(signature, ast.FunctionDef)
    arguments = signature.args
    positional = arguments.posonlyargs + arguments.args
    del positional[: 2 if on_instance else 1]
    arguments.posonlyargs, arguments.args = [], positional
    arguments = _Model().visit(arguments)
    returns = function.returns if mode == "plain" else _unwrap_steps(function.returns)
    returns = _Model().visit(returns) if returns is not None else None
    overloaded = _overloaded(function)
    first = "self" if on_instance else "cls"
    head = "async def" if mode == "awaitable" else "def"
    lines = ["@overload"] if overloaded else []
    if not on_instance:
        lines.append("@classmethod")
    params = ", ".join(p for p in (first, ast.unparse(arguments)) if p)
    result = f" -> {ast.unparse(returns)}" if returns is not None else ""
    lines.append(f"{head} {name}({params}){result}:")
    if overloaded:
        lines[-1] += " ..."
        return "\n".join(lines)
    if mode == "blocking":
        doc = f"Blocking twin of `{name.removeprefix('sync_')}`."
    elif name != function.name:
        doc = f"`{function.name}`, by the name blocking code knows."
    else:
        doc = f"{_summary(function)} See `Table.{name}`."
    table = "table_of(type(self))" if on_instance else "table_of(cls)"
    passed = (["self"] if on_instance else []) + _forwarded(arguments)
    wrapped = textwrap.fill(f'"""{doc}"""', width=92, subsequent_indent="    ")
    lines.append("    " + wrapped)
    if any(_overloaded(other) for other in siblings):
        # The implementation's `**options: Any` fits no overload in particular, so the call
        # goes through an untyped handle; the overloads above type it for callers.
        lines.append(f"    table: Any = {table}")
        table = "table"
    call = f"{table}.{name}({', '.join(passed)})"
    if mode == "awaitable":
        call = f"await {call}"
    if table == "table":
        lines += [f"    found: {ast.unparse(returns)} = {call}", "    return found"]
    else:
        lines.append(f"    return {call}")
    return "\n".join(lines)


def _shortcuts(source: _Source, name: str, on_instance: bool) -> list[str]:
    """The methods `name` and its `sync_` twin (or alias), for the class body."""
    written: list[str] = []
    if name in source.twins:
        steps, _ = source.twins[name]
        for public in (name, f"sync_{name}"):
            _, mode = source.twins[public]
            written += [
                _method(f, source.functions[steps], public, mode, on_instance)
                for f in source.functions[steps]
            ]
    else:
        # An alias of a class method reads to mypy as an ambiguous generic attribute, so the
        # `sync_` name of a method that does no I/O (`sync_query = query`) is written out too.
        names = [name] + [a for a, target in source.aliases.items() if target == name]
        for public in names:
            functions = source.functions[name]
            written += [_method(f, functions, public, "plain", on_instance) for f in functions]
    return written


def generate() -> str:
    """The module's source, formatted and with sorted imports."""
    source = _Source()
    methods: list[str] = []
    for name in CLASS_LEVEL:
        methods += _shortcuts(source, name, on_instance=False)
    for name in INSTANCE_LEVEL:
        methods += _shortcuts(source, name, on_instance=True)
    body = "\n\n".join(methods)
    used = {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)}
    imported: dict[str, list[str]] = {}
    for name in sorted(used):
        if name in source.imports:
            imported.setdefault(source.imports[name], []).append(name)
    imports = [f"from {module} import {', '.join(names)}" for module, names in imported.items()]
    text = "\n".join(
        [
            HEADER,
            "from __future__ import annotations",
            "from typing import Self, overload",
            "from pydantic import BaseModel",
            *imports,
            "from .decorator import table_of",
            '__all__ = ["TableShortcuts"]',
            "class TableShortcuts(BaseModel):",
            '    """The operations of the model\'s `Table`, on the class and on its instances."""',
            "",
            *("    " + line if line else "" for line in body.splitlines()),
            "",
        ]
    )
    return _ruff(_ruff(text, "check", "--select", "I,F401", "--fix"), "format")


def _ruff(text: str, *command: str) -> str:
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), *command, "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode not in (0, 1) or not done.stdout:
        raise SystemExit(f"ruff {' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def main() -> int:
    text = generate()
    if "--check" in sys.argv[1:]:
        if TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run {Path(__file__).name}")
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
