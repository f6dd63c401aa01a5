"""Checked by mypy and pyright in `make test`: what users' code sees."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, assert_type

from pydantic import BaseModel

from dynomodel import (
    CallCost,
    DynamoClient,
    DynamoModel,
    Item,
    PartitionKey,
    SortKey,
    Table,
    TableDescription,
    dynamo_table,
    table_of,
)


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal


@dynamo_table("users", partition_key="email")
class User(BaseModel):
    email: str
    name: str


def check(item: Item) -> None:
    order = Order(pk="a", sk="b", total=Decimal(1))
    assert_type(order.to_item(), Item)
    assert_type(Order.from_item(item), Order)
    assert_type(Order.from_items([item, item]), list[Order])

    users = table_of(User)
    assert_type(users, Table[User])
    assert_type(users.from_item(item), User)
    assert_type(users.from_items([item]), list[User])
    assert_type(users.to_item(User(email="a", name="b")), Item)
    assert_type(User(email="a", name="b"), User)
    assert_type(table_of(Order), Table[Order])


async def check_operations(client: DynamoClient) -> None:
    order = await Order.get(pk="a", sk="b")
    assert_type(order, Order | None)
    assert_type(Order.sync_get(pk="a", sk="b"), Order | None)
    assert_type(await Order.update_by_key(pk="a", sk="b", total=Decimal(2)), Order)
    assert_type(await Order.create_table(), TableDescription)
    users = table_of(User)
    assert_type(await users.get(email="a"), User | None)
    assert_type(users.sync_get(email="a"), User | None)
    assert_type(await client.table_exists("orders"), bool)
    assert_type(table_of(Order).stats.last_call, CallCost | None)
