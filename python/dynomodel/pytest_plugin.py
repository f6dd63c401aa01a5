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

Sync and async tests alike: the fixtures do no I/O of their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._io.client import DynamoClient, set_default_client

__all__ = ["dynomodel_memory", "dynomodel_memory_url"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "dynomodel(create_tables=True): how the dynomodel_memory fixture sets up the test",
    )


@pytest.fixture
def dynomodel_memory(request: pytest.FixtureRequest) -> Iterator[DynamoClient]:
    """A fresh `memory://` database as the default client, tables created on first use."""
    marker = request.node.get_closest_marker("dynomodel")
    create_tables = bool(marker.kwargs.get("create_tables", True)) if marker else True
    client = DynamoClient(endpoint_url="memory://", create_tables=create_tables)
    previous = set_default_client(client)
    try:
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
