"""The client: table management against a real DynamoDB Local (async and sync), endpoints
that do not answer, and blocking calls that release the GIL."""

from __future__ import annotations

import http.server
import socketserver
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Driver

from dynomodel import DynamoClient
from dynomodel.exceptions import EndpointError, TableExistsError, TableNotFoundError


async def test_table_management(client: DynamoClient, table_name: str, driver: Driver) -> None:
    assert await driver(client.table_exists, table_name) is False
    created = await driver(client.create_table, table_name, ("id", "S"), ("n", "N"))
    assert created.status == "ACTIVE"
    assert created.partition_key == ("id", "S") and created.sort_key == ("n", "N")
    described = await driver(client.describe_table, table_name)
    assert described.billing_mode == "PAY_PER_REQUEST"
    with pytest.raises(TableExistsError):
        await driver(client.create_table, table_name)
    await driver(client.delete_table, table_name)
    assert await driver(client.table_exists, table_name) is False
    with pytest.raises(TableNotFoundError, match=table_name):
        await driver(client.describe_table, table_name)


async def test_a_provisioned_table(client: DynamoClient, table_name: str, driver: Driver) -> None:
    created = await driver(
        client.create_table,
        table_name,
        billing_mode="PROVISIONED",
        read_capacity=2,
        write_capacity=3,
    )
    assert created.billing_mode == "PROVISIONED" and created.sort_key is None
    assert await driver(client.table_exists, table_name)
    await driver(client.delete_table, table_name)
    assert not await driver(client.table_exists, table_name)


def test_unreachable_endpoint_is_named() -> None:
    with socketserverless_port() as port:
        client = DynamoClient(
            endpoint_url=f"http://127.0.0.1:{port}",
            region="us-east-1",
            access_key_id="x",
            secret_access_key="x",
            max_retries=0,
            connect_timeout=2,
        )
        with pytest.raises(EndpointError, match=f"127.0.0.1:{port}"):
            client.sync_table_exists("anything")


class socketserverless_port:
    """A loopback port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        return None


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(1.0)
        body = b'{"Table": {"TableName": "slow", "TableStatus": "ACTIVE"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def slow_server() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_sync_calls_release_the_gil(slow_server: int) -> None:
    client = DynamoClient(
        endpoint_url=f"http://127.0.0.1:{slow_server}",
        region="us-east-1",
        access_key_id="x",
        secret_access_key="x",
        max_retries=0,
    )
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.05)
    before = ticks
    started = time.perf_counter()
    assert client.sync_table_exists("slow") is True
    elapsed = time.perf_counter() - started
    during = ticks - before
    stop.set()
    spinner.join()
    assert elapsed >= 1.0
    # A thread that holds the GIL for the whole second would leave the spinner a few switch
    # intervals at most; released, it counts for the whole second.
    assert during > 1_000_000, during
