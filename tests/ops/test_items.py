"""Single-item operations against a real DynamoDB Local, each through the async API and the
`sync_` one (the `driver` fixture): save, get, update, update_by_key, refresh, delete,
delete_by_key, conditions, unknown attributes and the stats they leave."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import Driver, get_raw, put_raw
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
    InvalidExpressionError,
    ItemNotFoundError,
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


async def test_crud(client: DynamoClient, table_name: str, driver: Driver) -> None:
    Order = order_model(table_name)
    description = await driver(Order.create_table)
    assert description.partition_key == ("pk", "S") and description.sort_key == ("sk", "S")

    order = Order(pk="C#1", sk="O#1", total=Decimal("0.1000000000000000000000000000000000001"))
    await driver(order.save)
    loaded = await driver(Order.get, pk="C#1", sk="O#1", consistent_read=True)
    assert loaded == order and loaded is not order
    assert await driver(Order.get, pk="C#1", sk="missing") is None

    await driver(order.update, status="shipped", tags={"a", "b"})
    assert order.status == "shipped" and order.tags == {"a", "b"}
    assert await driver(Order.get, pk="C#1", sk="O#1", consistent_read=True) == order

    await driver(order.update, tags=set(), note=None)
    assert order.tags == set()

    updated = await driver(Order.update_by_key, pk="C#1", sk="O#1", status="delivered")
    assert updated.status == "delivered" and updated.total == order.total
    await driver(order.refresh)
    assert order.status == "delivered"

    await driver(order.delete)
    assert await driver(Order.get, pk="C#1", sk="O#1") is None
    await driver(order.save)
    await driver(Order.delete_by_key, pk="C#1", sk="O#1")
    assert await driver(Order.get, pk="C#1", sk="O#1") is None
    with pytest.raises(ItemNotFoundError):
        await driver(order.refresh)


async def test_each_call_is_in_the_stats(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = order_model(table_name, consistent_read=True)
    await driver(Order.create_table)
    order = Order(pk="C#2", sk="O#1", total=Decimal("5"))
    await driver(order.save)
    stats = table_of(Order).stats
    assert stats.calls == 1 and stats.last_call is not None
    assert stats.last_call.write_units > 0 and stats.last_call.duration > 0
    assert await driver(Order.get, pk="C#2", sk="O#1") == order
    assert stats.last_call.read_units == 1.0  # consistent read of a small item
    await driver(order.update, total=Decimal("7.50"))
    await driver(Order.delete_by_key, pk="C#2", sk="O#1")
    assert await driver(Order.get, pk="C#2", sk="O#1") is None
    assert stats.calls == 5 and stats.write_units >= 3


async def test_update_validates_first_and_guards_keys(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = order_model(table_name)
    await driver(Order.create_table)
    order = Order(pk="C", sk="O", total=Decimal(1))
    await driver(order.save)
    with pytest.raises(ValidationError):
        await driver(order.update, total="not a number")
    assert order.total == Decimal(1)
    with pytest.raises(InvalidExpressionError, match="cannot change the key"):
        await driver(order.update, pk="other")
    with pytest.raises(ValidationError):
        await driver(Order.update_by_key, pk="C", sk="O", total="nope")
    with pytest.raises(ItemNotFoundError, match="sk: 'absent'"):
        # No upsert of partial items.
        await driver(Order.update_by_key, pk="C", sk="absent", status="x")
    assert await driver(Order.get, pk="C", sk="absent") is None


async def test_conditions_return_the_stored_item(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = order_model(table_name)
    await driver(Order.create_table)
    order = Order(pk="C", sk="O", total=Decimal(1), status="open")
    await driver(order.save)
    not_there = RawCondition("attribute_not_exists(#pk)", names={"#pk": "pk"})
    with pytest.raises(ConditionalCheckFailedError) as raised:
        await driver(Order(pk="C", sk="O", total=Decimal(2)).save, condition=not_there)
    assert raised.value.raw_item is not None and raised.value.raw_item["status"] == {"S": "open"}
    assert raised.value.item == order and raised.value.model is Order
    assert raised.value.table == table_name and raised.value.key == {
        "pk": {"S": "C"},
        "sk": {"S": "O"},
    }
    assert f"Order in {table_name!r} with the key {{pk: 'C', sk: 'O'}}" in str(raised.value)
    closed = RawCondition("#s = :s", names={"#s": "status"}, values={":s": {"S": "closed"}})
    with pytest.raises(ConditionalCheckFailedError):
        await driver(order.delete, condition=closed)
    with pytest.raises(ConditionalCheckFailedError):
        await driver(order.update, status="x", condition=closed)
    assert await driver(Order.get, pk="C", sk="O", consistent_read=True) == order


async def test_unknown_attributes_survive_a_save_through_dynamodb(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = order_model(table_name)
    await driver(Order.create_table)
    item = Order(pk="C", sk="O", total=Decimal(1)).to_item()
    item["legacy"] = {"M": {"nested": {"NS": ["1", "2.5"]}}}
    put_raw(client, table_name, item)
    order = await driver(Order.get, pk="C", sk="O")
    assert order is not None and "legacy" in unknown_attributes(order)
    order.total = Decimal(2)
    await driver(order.save)
    raw = get_raw(client, table_name, {"pk": {"S": "C"}, "sk": {"S": "O"}})
    assert raw is not None
    assert raw["legacy"]["M"]["nested"]["NS"] in (["1", "2.5"], ["2.5", "1"])
    assert raw["total"] == {"N": "2"}


async def test_decorated_model_through_its_table(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    @dynamo_table(table_name, partition_key="email")
    class User(BaseModel):
        email: str
        name: str

    users: Table[User] = table_of(User)
    await driver(users.create_table)
    await driver(users.save, User(email="a@b", name="Ann"))
    assert await driver(users.get, email="a@b") == User(email="a@b", name="Ann")


async def test_errors_are_typed(client: DynamoClient, table_name: str, driver: Driver) -> None:
    Order = order_model(table_name)
    with pytest.raises(TableNotFoundError):
        await driver(Order.get, pk="a", sk="b")
    with pytest.raises(EmptyKeyError):
        await driver(Order.get, pk="", sk="b")
    await driver(client.create_table, table_name, ("pk", "N"), ("sk", "S"))
    with pytest.raises(DynamoValidationError, match=r"(?i)type"):
        await driver(Order(pk="not a number", sk="b", total=Decimal(1)).save)
