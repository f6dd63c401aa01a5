"""dynomodel quickstart: declare a model, store it in DynamoDB, query, update and delete it.

Run with `make demo`: it starts a DynamoDB Local on loopback and points the default client at it
through AWS_ENDPOINT_URL_DYNAMODB, the standard AWS variable (the same code runs against AWS).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pprint import pprint
from typing import Annotated, ClassVar

from pydantic import BaseModel

from dynomodel import (
    DynamoModel,
    GlobalIndex,
    PartitionKey,
    SortKey,
    attr,
    dynamo_table,
    table_of,
)
from dynomodel.exceptions import EncodeError


class Line(BaseModel):
    sku: str
    qty: int
    price: Decimal


class Order(DynamoModel, table="orders"):
    customer: Annotated[str, PartitionKey]
    order_id: Annotated[str, SortKey]
    total: Decimal
    tags: set[str] = set()
    lines: list[Line] = []
    placed_at: dt.datetime
    status: str = "new"
    note: str | None = None

    by_status: ClassVar[GlobalIndex] = GlobalIndex(
        "status-index", partition_key="status", sort_key="placed_at"
    )


@dynamo_table("users", partition_key="email")
class User(BaseModel):  # stays a plain pydantic model (FastAPI, JSON schema unchanged)
    email: str
    name: str


async def main() -> None:
    order = Order(
        customer="CUSTOMER#1",
        order_id="ORDER#001",
        total=Decimal("0.1000000000000000000000000000000000001"),
        tags={"gift", "express"},
        lines=[Line(sku="A-1", qty=2, price=Decimal("9.95"))],
        placed_at=dt.datetime(2024, 5, 1, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )
    item = order.to_item()
    print("Order as a DynamoDB item:")
    pprint(item)

    item["written_by_another_service"] = {"S": "kept"}
    loaded = Order.from_item(item)
    assert loaded == order, "the round trip is exact"
    print("\nRead back equal, Decimal exact:", loaded.total)
    print("Unknown attribute written back:", loaded.to_item()["written_by_another_service"])

    users = table_of(User)
    print("\nUser item:", users.to_item(User(email="ann@example.com", name="Ann")))

    try:
        Order.model_construct(**{**order.__dict__, "total": Decimal("NaN")}).to_item()
    except EncodeError as error:
        print(f"\nRefused before sending: {type(error).__name__}: {error}")

    print("\nAgainst DynamoDB:")
    table = await Order.create_table()
    print(f"  created {table.name!r}: {table.status}, keys {table.partition_key} {table.sort_key}")
    await order.save()
    fetched = await Order.get(customer="CUSTOMER#1", order_id="ORDER#001", consistent_read=True)
    print("  saved and read back equal:", fetched == order)
    await order.update(
        actions=[attr(Order.total).increment(Decimal("5")), attr(Order.tags).delete({"express"})],
        condition=attr(Order.tags).contains("gift"),
        note="leave at the door",
    )
    print("  updated in one UpdateItem:", order.total, order.tags, order.note)
    for n in range(2, 8):
        order.model_copy(
            update={"order_id": f"ORDER#{n:03d}", "total": Decimal(n * 10), "status": "shipped"}
        ).sync_save()  # every call has a blocking twin
    recent = Order.query(
        partition_key="CUSTOMER#1",
        sort_key_condition=attr(Order.order_id).begins_with("ORDER#00"),
        filter_condition=attr(Order.total) >= 30,
        scan_index_forward=False,
        limit=3,
    )
    print("  newest 3 over 30:", [(o.order_id, o.total) async for o in recent])
    print("  resume after:", recent.last_evaluated_key)
    shipped = Order.by_status.sync_query(partition_key="shipped")
    print("  shipped (status-index):", shipped.count(), "orders")
    print("  whole table (Select=COUNT):", await Order.count())
    await order.delete(condition=attr(Order.note).exists())
    gone = await Order.get(customer="CUSTOMER#1", order_id="ORDER#001")
    print("  deleted:", gone is None)
    stats = table_of(Order).stats
    print(f"  {stats.calls} calls, {stats.write_units} WCU, {stats.read_units} RCU")
    await users.create_table()
    await users.save(User(email="ann@example.com", name="Ann"))
    print("  user:", await users.get(email="ann@example.com"))


if __name__ == "__main__":
    asyncio.run(main())
