"""Must NOT type-check: each line marked `# error` is a mistake the checkers have to catch."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel

from dynomodel import DynamoModel, Item, PartitionKey, dynamo_table, table_of, transact_get


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    total: Decimal


@dynamo_table("users", partition_key="email")
class User(BaseModel):
    email: str


def misuse(item: Item) -> None:
    users = table_of(User)
    users.to_item(Order(pk="a", total=Decimal(1)))  # error
    wrong: Order = users.from_item(item)  # error
    Order.from_item("not an item")  # error
    users.sync_save(Order(pk="a", total=Decimal(1)))  # error
    print(wrong)


async def batch_misuse() -> None:
    async with Order.batch_write() as batch:
        batch.put(User(email="a"))  # error
    orders: list[User] = await Order.batch_get(["a"])  # error
    dicts: list[Order] = await Order.batch_get(["a"], as_dict=True)  # error
    found: list[User | None] = await transact_get([(Order, "a")])  # error
    print(orders, dicts, found)
