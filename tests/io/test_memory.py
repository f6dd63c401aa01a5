"""`memory://`: a database per client, or one per name shared in the process, that needs
nothing of AWS: no region, credentials, profile or config file."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Annotated

from dynomodel import DynamoClient, DynamoModel, PartitionKey


def test_a_name_shares_one_database_and_no_name_keeps_its_own() -> None:
    name = f"memory://shared-{uuid.uuid4().hex[:8]}"
    first, second = DynamoClient(endpoint_url=name), DynamoClient(endpoint_url=name)
    first.sync_create_table("things", ("id", "S"))
    assert second.sync_table_exists("things")
    alone = DynamoClient(endpoint_url="memory://")
    assert not alone.sync_table_exists("things")
    assert not DynamoClient(endpoint_url="memory://").sync_table_exists("things")


def test_it_runs_on_a_machine_that_never_saw_aws(tmp_path: Path) -> None:
    script = """
from dynomodel import DynamoClient
client = DynamoClient(endpoint_url="memory://")
client.sync_create_table("things", ("id", "S"))
client.native.put_item("things", {"id": {"S": "a"}}, None, False, True)
print(client.native.get_item("things", {"id": {"S": "a"}}, True, True).item)
"""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and name not in {"HOME", "DYNOMODEL_TABLE_PREFIX"}
    }
    env["HOME"] = str(tmp_path)  # no ~/.aws to read
    env["AWS_CONFIG_FILE"] = str(tmp_path / "missing-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "missing-credentials")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'id': {'S': 'a'}}"


def test_the_environment_variable_chooses_it() -> None:
    script = "from dynomodel import DynamoClient; print(DynamoClient().sync_table_exists('things'))"
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": "memory://"}
    env.pop("AWS_REGION", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


async def test_tables_created_on_first_use_serve_concurrent_first_calls(endpoint: str) -> None:
    """Calls that meet a table while its creation is under way wait for it, rather than
    racing it (each creates it too, and DynamoDB answers that it exists)."""
    client = DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="firstuse",
        secret_access_key="firstuse",
        create_tables=True,
    )

    class Thing(DynamoModel, table=f"first-use-{uuid.uuid4().hex[:8]}", client=client):
        id: Annotated[str, PartitionKey]

    await asyncio.gather(*(Thing(id=str(n)).save() for n in range(20)))
    assert len([thing async for thing in Thing.scan()]) == 20


def test_the_engine_and_the_sdk_time_their_share_of_every_call() -> None:
    client = DynamoClient(endpoint_url="memory://")
    assert client.native.engine_seconds == 0.0 and client.native.sdk_seconds == 0.0
    client.sync_create_table("timed", ("pk", "S"))
    after_create = client.native.engine_seconds
    assert after_create is not None and after_create > 0.0
    client.sync_describe_table("timed")
    engine, sdk = client.native.engine_seconds, client.native.sdk_seconds
    assert engine is not None and engine > after_create
    # The SDK's clock runs while the engine answers within the call: it holds the engine's.
    assert sdk is not None and sdk > engine
    remote = DynamoClient(
        endpoint_url="http://127.0.0.1:9",
        region="us-east-1",
        access_key_id="x",
        secret_access_key="x",
    )
    assert remote.native.engine_seconds is None and remote.native.sdk_seconds is None


def test_a_long_scan_or_query_without_a_limit_reads_every_item_once() -> None:
    # The engine bounds a page without `Limit` at 10,000 items evaluated (it would otherwise
    # read the rest of the table for every page): 25,000 small items take several pages.
    from dynomodel import SortKey

    class Tiny(DynamoModel, table="tiny"):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]

    client = Tiny.table.client = DynamoClient(endpoint_url="memory://", create_tables=True)
    with Tiny.sync_batch_write() as batch:
        for sk in range(25_000):
            batch.put(Tiny(pk="p", sk=sk))
    assert [t.sk for t in Tiny.sync_scan()] == list(range(25_000))
    assert Tiny.sync_count() == 25_000
    # An explicit page size is the request's own.
    assert [t.sk for t in Tiny.sync_query(partition_key="p", page_size=7_000)] == list(
        range(25_000)
    )
    calls = {
        operation: totals.calls for (operation, _), totals in client.metrics.snapshot().items()
    }
    assert calls["Scan"] == 6  # the scan's pages of 10,000, 10,000 and 5,000; the count's too
    assert calls["Query"] == 4
