"""The client against a real DynamoDB Local: tables, CRUD async and sync, errors, the GIL."""

from __future__ import annotations

import http.server
import socketserver
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import get_raw, put_raw
from pydantic import BaseModel, ValidationError

from dynomodel import (
    DynamoClient,
    DynamoModel,
    PartitionKey,
    RawCondition,
    SortKey,
    Table,
    dynamo_table,
    table_of,
    unknown_attributes,
)
from dynomodel.exceptions import (
    ConditionalCheckFailedError,
    DynamoValidationError,
    EmptyKeyError,
    EndpointError,
    InvalidExpressionError,
    ItemNotFoundError,
    TableExistsError,
    TableNotFoundError,
)


def order_model(name: str, **settings: Any) -> Any:
    class Order(DynamoModel, table=name, **settings):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        total: Decimal
        status: str = "new"
        tags: set[str] = set()
        note: str | None = None

    return Order


def test_table_management_sync(client: DynamoClient, table_name: str) -> None:
    assert client.sync_table_exists(table_name) is False
    created = client.sync_create_table(table_name, ("id", "S"), ("n", "N"))
    assert created.status == "ACTIVE"
    assert created.partition_key == ("id", "S") and created.sort_key == ("n", "N")
    assert client.sync_describe_table(table_name).billing_mode == "PAY_PER_REQUEST"
    with pytest.raises(TableExistsError):
        client.sync_create_table(table_name)
    client.sync_delete_table(table_name)
    assert client.sync_table_exists(table_name) is False
    with pytest.raises(TableNotFoundError, match=table_name):
        client.sync_describe_table(table_name)


async def test_table_management_async(client: DynamoClient, table_name: str) -> None:
    created = await client.create_table(
        table_name, billing_mode="PROVISIONED", read_capacity=2, write_capacity=3
    )
    assert created.billing_mode == "PROVISIONED" and created.sort_key is None
    assert await client.table_exists(table_name)
    await client.delete_table(table_name)
    assert not await client.table_exists(table_name)


async def test_crud_async(client: DynamoClient, table_name: str) -> None:
    Order = order_model(table_name)
    description = await Order.create_table()
    assert description.partition_key == ("pk", "S") and description.sort_key == ("sk", "S")

    order = Order(pk="C#1", sk="O#1", total=Decimal("0.1000000000000000000000000000000000001"))
    await order.save()
    loaded = await Order.get(pk="C#1", sk="O#1", consistent_read=True)
    assert loaded == order and loaded is not order
    assert await Order.get(pk="C#1", sk="missing") is None

    await order.update(status="shipped", tags={"a", "b"})
    assert order.status == "shipped" and order.tags == {"a", "b"}
    assert (await Order.get(pk="C#1", sk="O#1", consistent_read=True)) == order

    await order.update(tags=set(), note=None)
    assert order.tags == set()

    updated = await Order.update_by_key(pk="C#1", sk="O#1", status="delivered")
    assert updated.status == "delivered" and updated.total == order.total
    await order.refresh()
    assert order.status == "delivered"

    await order.delete()
    assert await Order.get(pk="C#1", sk="O#1") is None
    with pytest.raises(ItemNotFoundError):
        await order.refresh()


def test_crud_sync_and_stats(client: DynamoClient, table_name: str) -> None:
    Order = order_model(table_name, consistent_read=True)
    Order.sync_create_table()
    order = Order(pk="C#2", sk="O#1", total=Decimal("5"))
    order.sync_save()
    stats = table_of(Order).stats
    assert stats.calls == 1 and stats.last_call is not None
    assert stats.last_call.write_units > 0 and stats.last_call.duration > 0
    assert Order.sync_get(pk="C#2", sk="O#1") == order
    assert stats.last_call.read_units == 1.0  # consistent read of a small item
    order.sync_update(total=Decimal("7.50"))
    Order.sync_delete_by_key(pk="C#2", sk="O#1")
    assert Order.sync_get(pk="C#2", sk="O#1") is None
    assert stats.calls == 5 and stats.write_units >= 3


def test_update_validates_first_and_guards_keys(client: DynamoClient, table_name: str) -> None:
    Order = order_model(table_name)
    Order.sync_create_table()
    order = Order(pk="C", sk="O", total=Decimal(1))
    order.sync_save()
    with pytest.raises(ValidationError):
        order.sync_update(total="not a number")
    assert order.total == Decimal(1)
    with pytest.raises(InvalidExpressionError, match="cannot change the key"):
        order.sync_update(pk="other")
    with pytest.raises(ValidationError):
        Order.sync_update_by_key(pk="C", sk="O", total="nope")
    with pytest.raises(ItemNotFoundError, match="sk: 'absent'"):
        Order.sync_update_by_key(pk="C", sk="absent", status="x")  # no upsert of partial items
    assert Order.sync_get(pk="C", sk="absent") is None


def test_conditions_return_the_stored_item(client: DynamoClient, table_name: str) -> None:
    Order = order_model(table_name)
    Order.sync_create_table()
    order = Order(pk="C", sk="O", total=Decimal(1), status="open")
    order.sync_save()
    not_there = RawCondition("attribute_not_exists(#pk)", names={"#pk": "pk"})
    with pytest.raises(ConditionalCheckFailedError) as raised:
        Order(pk="C", sk="O", total=Decimal(2)).sync_save(condition=not_there)
    assert raised.value.raw_item is not None and raised.value.raw_item["status"] == {"S": "open"}
    assert raised.value.item == order and raised.value.model is Order
    assert raised.value.table == table_name and raised.value.key == {
        "pk": {"S": "C"},
        "sk": {"S": "O"},
    }
    assert f"Order in {table_name!r} with the key {{pk: 'C', sk: 'O'}}" in str(raised.value)
    closed = RawCondition("#s = :s", names={"#s": "status"}, values={":s": {"S": "closed"}})
    with pytest.raises(ConditionalCheckFailedError):
        order.sync_delete(condition=closed)
    with pytest.raises(ConditionalCheckFailedError):
        order.sync_update(status="x", condition=closed)
    assert Order.sync_get(pk="C", sk="O", consistent_read=True) == order


def test_unknown_attributes_survive_a_save_through_dynamodb(
    client: DynamoClient, table_name: str
) -> None:
    Order = order_model(table_name)
    Order.sync_create_table()
    item = Order(pk="C", sk="O", total=Decimal(1)).to_item()
    item["legacy"] = {"M": {"nested": {"NS": ["1", "2.5"]}}}
    put_raw(client, table_name, item)
    order = Order.sync_get(pk="C", sk="O")
    assert order is not None and "legacy" in unknown_attributes(order)
    order.total = Decimal(2)
    order.sync_save()
    raw = get_raw(client, table_name, {"pk": {"S": "C"}, "sk": {"S": "O"}})
    assert raw is not None
    assert raw["legacy"]["M"]["nested"]["NS"] in (["1", "2.5"], ["2.5", "1"])
    assert raw["total"] == {"N": "2"}


def test_decorated_model_through_its_table(client: DynamoClient, table_name: str) -> None:
    @dynamo_table(table_name, partition_key="email")
    class User(BaseModel):
        email: str
        name: str

    users: Table[User] = table_of(User)
    users.sync_create_table()
    users.sync_save(User(email="a@b", name="Ann"))
    assert users.sync_get(email="a@b") == User(email="a@b", name="Ann")


def test_errors_are_typed(client: DynamoClient, table_name: str) -> None:
    Order = order_model(table_name)
    with pytest.raises(TableNotFoundError):
        Order.sync_get(pk="a", sk="b")
    with pytest.raises(EmptyKeyError):
        Order.sync_get(pk="", sk="b")
    client.sync_create_table(table_name, ("pk", "N"), ("sk", "S"))
    with pytest.raises(DynamoValidationError, match=r"(?i)type"):
        Order(pk="not a number", sk="b", total=Decimal(1)).sync_save()


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
