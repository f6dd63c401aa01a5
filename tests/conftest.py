"""A DynamoDB Local for the whole session, unless DYNOMODEL_TEST_ENDPOINT names another server.

When DynamoDB Local cannot be fetched or started, every test that needs it errors with the
reason: nothing is skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dynomodel import DynamoClient, set_default_client
from dynomodel.testing import DynamoDBLocal

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    configured = os.environ.get("DYNOMODEL_TEST_ENDPOINT")
    if configured:
        yield configured
        return
    with DynamoDBLocal(ROOT / ".cache" / "dynamodb-local") as local:
        yield local.endpoint


@pytest.fixture(scope="session")
def client(endpoint: str) -> Iterator[DynamoClient]:
    client = DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="local",
        secret_access_key="local",
    )
    set_default_client(client)
    yield client
    set_default_client(None)


@pytest.fixture
def table_name() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def put_raw(client: DynamoClient, table: str, item: dict[str, Any]) -> None:
    """Store an item as another writer would, in wire form, bypassing every model."""
    client.native.put_item(table, item, None, True)


def get_raw(client: DynamoClient, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """An item as stored, in wire form, read strongly consistent and without a codec."""
    item: dict[str, Any] | None = client.native.get_item(table, key, True, True).item
    return item
