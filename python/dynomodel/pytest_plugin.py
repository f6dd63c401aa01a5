"""The pytest plugin (installed with the package): tests of code that uses dynomodel, on the
embedded engine, with nothing to set up.

```python
def test_create_and_get(dynomodel_memory):
    User(pk="USER#1", sk="PROFILE", name="John").sync_save()
    assert User.sync_get(pk="USER#1", sk="PROFILE").name == "John"
```

- `dynomodel_memory`: a fresh in-process database (`memory://`) as the default client for the
  test, yielded as a `DynamoClient`. A model's table is created from the model (keys, indexes,
  TTL) the first time the test uses it; a table the test creates itself stays as created.
  Models that name a client of their own (`client=` in the class keywords) keep it.
- `dynomodel_memory_url`: the same database served over HTTP on 127.0.0.1, as its
  `http://127.0.0.1:PORT` endpoint, for code under test that uses boto3 or another SDK.
- `@pytest.mark.dynomodel(create_tables=False)`: no table is created for the test, for tests
  of table management.
- `@pytest.mark.dynomodel(load={Order: "tests/data/orders.jsonl"})`: before the test, each
  model's table is created (if it does not exist) and the file's items imported into it: a
  file of DynamoDB JSON lines (plain or gzip) as `python -m dynomodel export` or DynamoDB's
  export to S3 writes it; a relative path is from pytest's root directory.

Sync and async tests alike: the fixtures do no I/O of their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from ._api.decorator import table_of
from ._io.client import DynamoClient, set_default_client
from ._ops.transfer import sync_import_table

__all__ = ["dynomodel_memory", "dynomodel_memory_url"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "dynomodel(create_tables=True, load={Model: file}): how the dynomodel_memory fixture "
        "sets up the test: tables created on first use, files of DynamoDB JSON lines loaded",
    )


@pytest.fixture
def dynomodel_memory(request: pytest.FixtureRequest) -> Iterator[DynamoClient]:
    """A fresh `memory://` database as the default client, tables created on first use and
    the marker's files loaded."""
    marker = request.node.get_closest_marker("dynomodel")
    create_tables = bool(marker.kwargs.get("create_tables", True)) if marker else True
    load: Mapping[type[Any], str | os.PathLike[str]] = (
        marker.kwargs.get("load", {}) if marker else {}
    )
    client = DynamoClient(endpoint_url="memory://", create_tables=create_tables)
    previous = set_default_client(client)
    try:
        for model, file in load.items():
            table = table_of(model)
            table.sync_create_table(exist_ok=True)
            sync_import_table(table.client, request.config.rootpath / Path(file), table.name)
        yield client
    finally:
        set_default_client(previous)


@pytest.fixture
def dynomodel_memory_url(dynomodel_memory: DynamoClient) -> Iterator[str]:
    """The `dynomodel_memory` database over HTTP on loopback: its endpoint URL."""
    server = dynomodel_memory.serve()
    try:
        yield server.url
    finally:
        server.stop()
