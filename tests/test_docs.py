"""The documentation runs: the README's Python blocks in order, every ```python example in a
docstring of the package, and `examples/quickstart.py`, on both engines; every page of `docs/`
top to bottom on `memory://`, its test files under pytest; and the site builds with
`mkdocs build --strict`.

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
DOCS = ROOT / "docs"
MARKED_BLOCK = re.compile(
    r"(?:^<!-- (?P<mark>fragment|pytest) -->\n)?^```python\n(?P<code>.*?)^```",
    re.DOTALL | re.MULTILINE,
)
"""A docs block; `<!-- fragment -->` above it: a piece that does not run alone (skipped, by
name); `<!-- pytest -->`: a test file, run by pytest with the page's other test blocks."""
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


def page_blocks(page: Path) -> list[tuple[str | None, str]]:
    return [
        (found["mark"], textwrap.dedent(found["code"]))
        for found in MARKED_BLOCK.finditer(page.read_text())
    ]


PAGES = sorted(DOCS.glob("*.md"))
TEST_FUNCTION = re.compile(r"^(?:async )?def test_", re.MULTILINE)


def test_every_page_is_in_the_site() -> None:
    site = (ROOT / "mkdocs.yml").read_text()
    assert len(PAGES) >= 16
    assert [page.name for page in PAGES if page.name not in site] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
async def test_docs_page_runs(
    page: Path,
    monkeypatch: pytest.MonkeyPatch,
    pytester: pytest.Pytester,
    request: pytest.FixtureRequest,
) -> None:
    """The page's blocks in order, in one namespace, on a fresh `memory://` database made the
    default client; the same database is the environment's endpoint, so boto3, PynamoDB and
    pydynox code on the page reach it too. A page about KMS or S3 finds both on the session's
    moto server, through the environment's endpoints."""
    blocks = page_blocks(page)
    if any(marker in page.read_text() for marker in ("Encrypted(", "InS3(")):
        moto = str(request.getfixturevalue("moto_endpoint"))
        for service in ("KMS", "S3"):
            monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto)
    memory = DynamoClient(endpoint_url="memory://")
    server = memory.serve()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.url)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "docs")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("DYNOMODEL_CACHE", str(ROOT / ".cache"))
    previous = set_default_client(memory)
    namespace = module(f"docs_{page.stem.replace('-', '_')}", monkeypatch)
    try:
        for number, (mark, code) in enumerate(blocks):
            if mark is None:
                await run(code, namespace, f"{page.name} block {number}")
    finally:
        set_default_client(previous)
        server.stop()
    tests = [code for mark, code in blocks if mark == "pytest"]
    if tests:
        pytester.makepyfile(**{f"test_{page.stem.replace('-', '_')}": "\n\n".join(tests)})
        pytester.makeini("[pytest]\nasyncio_mode = auto\n")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
        defined = sum(len(TEST_FUNCTION.findall(code)) for code in tests)
        result.assert_outcomes(passed=defined)


FRAGMENTS = [
    pytest.param(page, number, id=f"{page.name}:{number}")
    for page in PAGES
    for number, (mark, _) in enumerate(page_blocks(page))
    if mark == "fragment"
]


@pytest.mark.parametrize(("page", "number"), FRAGMENTS)
def test_docs_fragment(page: Path, number: int) -> None:
    """A fragment is named here, and compiles: it only does not run alone."""
    _, code = page_blocks(page)[number]
    compile(code, f"{page.name} block {number}", "exec", flags=TOP_LEVEL_AWAIT)
    pytest.skip(f"{page.name} block {number} is a fragment: it shows a piece, not a program")


def test_the_docs_site_builds_strict(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "fastapi" / "index.html").exists()
