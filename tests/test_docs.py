"""The documentation runs: the README's Python blocks in order, every ```python example in a
docstring of the package, and `examples/quickstart.py`, all against the session's DynamoDB Local.

Each runs under credentials of its own, so DynamoDB Local keeps its tables apart from the other
tests' (it namespaces tables by access key).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import fresh_client

from dynomodel import DynamoClient, set_default_client

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python" / "dynomodel"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT

PRELUDE = """
from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

import dynomodel
from dynomodel import *
from dynomodel._expr.builder import ExpressionBuilder
from dynomodel.testing import DynamoDBLocal

class Order(DynamoModel, table="doc-orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal = Decimal(0)
    status: str = "open"

class Customer(DynamoModel, table="doc-customers"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    orders: int = 0

class Stock(DynamoModel, table="doc-stock"):
    sku: Annotated[str, PartitionKey]
    quantity: int = 0

for model in (Order, Customer, Stock):
    await model.create_table(exist_ok=True)
await Stock(sku="SKU#1", quantity=3).save()
customer = Customer(pk="CUSTOMER#1", sk="PROFILE")
await customer.save()
order = Order(pk="CUSTOMER#1", sk="ORDER#1", total=Decimal(5))
"""


def blocks(text: str) -> list[str]:
    return [textwrap.dedent(block) for block in BLOCK.findall(text)]


def docstring_examples() -> Iterator[Any]:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        documented = [tree, *(n for n in ast.walk(tree) if isinstance(n, DOCUMENTED))]
        for node in documented:
            for number, block in enumerate(blocks(ast.get_docstring(node) or "")):
                where = getattr(node, "name", "module")
                name = f"{path.relative_to(PACKAGE)}:{where}:{number}"
                yield pytest.param(block, id=name)


DOCUMENTED = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def module(name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The namespace of a fresh module `name`, importable while the test runs (pydantic
    resolves a model's annotations through its module)."""
    made = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, made)
    return made.__dict__


async def run(source: str, namespace: dict[str, Any], name: str) -> None:
    """Run `source` as a notebook cell would: top-level `await` allowed."""
    code = compile(source, name, "exec", flags=TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if result is not None:
        await result


@pytest.fixture
def own_client(
    backend: str, client: DynamoClient, request: pytest.FixtureRequest
) -> Iterator[DynamoClient]:
    """The default client, for the length of one test, with tables of that test's own."""
    mine = fresh_client(
        backend, lambda: str(request.getfixturevalue("local_endpoint")), request.node.nodeid
    )
    set_default_client(mine)
    yield mine
    set_default_client(client)


async def test_the_readme_runs_from_top_to_bottom(
    own_client: DynamoClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = blocks((ROOT / "README.md").read_text())
    assert len(readme) >= 3
    namespace = module("readme", monkeypatch)
    for number, block in enumerate(readme):
        await run(block, namespace, f"README.md block {number}")
    assert namespace["Order"].table.stats.calls > 0


EXAMPLES = list(docstring_examples())


def test_the_package_has_docstring_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES)
async def test_docstring_example_runs(
    example: str, own_client: DynamoClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `dynomodel.testing`'s example starts a DynamoDB Local: from the jars the session fetched.
    monkeypatch.setenv("DYNOMODEL_CACHE", str(ROOT / ".cache"))
    namespace = module("example", monkeypatch)
    await run(PRELUDE, namespace, "prelude")
    await run(example, namespace, "example")


def test_the_quickstart_runs(backend: str, request: pytest.FixtureRequest) -> None:
    endpoint = "memory://" if backend == "memory" else request.getfixturevalue("local_endpoint")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "quickstart",
        "AWS_SECRET_ACCESS_KEY": "quickstart",
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "saved and read back equal: True" in done.stdout
    assert "transaction applied" in done.stdout
