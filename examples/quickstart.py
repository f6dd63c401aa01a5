"""dynomodel quickstart: declare a model, store it in DynamoDB, query, update, batch, transact.

Run with `make demo`: it points the default client at the embedded engine through
AWS_ENDPOINT_URL_DYNAMODB=memory://, the standard AWS variable, so nothing needs to be installed
or started; the same code runs against DynamoDB Local or AWS with that variable set to them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pprint import pprint
from typing import Annotated, ClassVar

from pydantic import BaseModel

import dynomodel
from dynomodel import (
    TTL,
    DynamoModel,
    GlobalIndex,
    PartitionKey,
    SortKey,
    Version,
    attr,
    dynamo_table,
    expires_in,
    table_of,
)
from dynomodel.exceptions import ConditionalCheckFailedError, EncodeError, TransactionCanceledError


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


class Cart(DynamoModel, table="carts"):
    customer: Annotated[str, PartitionKey]
    items: int = 0
    version: Annotated[int, Version] = 0  # optimistic locking
    expires: Annotated[dt.datetime | None, TTL] = None  # DynamoDB deletes the cart after this

    def after_load(self) -> None:  # a hook: runs on every Cart read
        print(f"    (loaded the cart of {self.customer}, version {self.version})")


@dynamo_table("users", partition_key="email")
class User(BaseModel):  # stays a plain pydantic model (FastAPI, JSON schema unchanged)
    email: str
    name: str


def blocking_twins(order: Order) -> int:
    """Every call has a blocking twin, for scripts and threads (inside an event loop it would
    stall every task, and warns): six more orders, then how many are shipped."""
    for n in range(2, 8):
        order.model_copy(
            update={"order_id": f"ORDER#{n:03d}", "total": Decimal(n * 10), "status": "shipped"}
        ).sync_save()
    return Order.by_status.sync_query(partition_key="shipped").sync_count()


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
    shipped = await asyncio.to_thread(blocking_twins, order)
    recent = Order.query(
        partition_key="CUSTOMER#1",
        sort_key_condition=attr(Order.order_id).begins_with("ORDER#00"),
        filter_condition=attr(Order.total) >= 30,
        scan_index_forward=False,
        limit=3,
    )
    print("  newest 3 over 30:", [(o.order_id, o.total) async for o in recent])
    print("  resume after:", recent.last_evaluated_key)
    print("  shipped (status-index):", shipped, "orders")
    print("  whole table (Select=COUNT):", await Order.count())
    await order.delete(condition=attr(Order.note).exists())
    gone = await Order.get(customer="CUSTOMER#1", order_id="ORDER#001")
    print("  deleted:", gone is None)
    stats = table_of(Order).stats
    print(f"  {stats.calls} calls, {stats.write_units} WCU, {stats.read_units} RCU")
    await users.create_table()
    await users.save(User(email="ann@example.com", name="Ann"))
    print("  user:", await users.get(email="ann@example.com"))

    print("\nBatches, transactions, versions:")
    async with Order.batch_write() as batch:  # 25 writes a request, unprocessed ones retried
        for n in range(100, 160):
            batch.put(order.model_copy(update={"order_id": f"ORDER#{n}", "total": Decimal(n)}))
    found = await Order.batch_get([("CUSTOMER#1", f"ORDER#{n}") for n in range(150, 170)])
    print(f"  batch: wrote 60, read {len(found)} of 20 keys (10 exist), first {found[0].order_id}")
    await Cart.create_table()
    print("  TTL on:", await table_of(Cart).client.time_to_live("carts"))
    cart = Cart(customer="CUSTOMER#1", expires=expires_in(dt.timedelta(days=7)))
    await cart.save()
    stale = cart.model_copy()
    async with dynomodel.transaction() as tx:  # one TransactWriteItems: all or nothing
        tx.update(cart, items=1)
        tx.update(Order, ("CUSTOMER#1", "ORDER#100"), actions=[attr(Order.total).increment(1)])
    print("  transaction applied; cart version", cart.version)
    try:
        await stale.save()
    except ConditionalCheckFailedError:
        print("  a stale copy cannot overwrite it (version", stale.version, "is behind)")
    try:
        async with dynomodel.transaction() as tx:
            tx.put(stale)
            tx.delete(Order, ("CUSTOMER#1", "ORDER#101"))
    except TransactionCanceledError as error:
        print("  canceled:", error.failed[0].code, "on", error.failed[0].model.__name__)
    fresh, kept = await dynomodel.transact_get(
        [(Cart, "CUSTOMER#1"), (Order, ("CUSTOMER#1", "ORDER#101"))]
    )
    print("  transact_get:", fresh and fresh.items, "item(s) in the cart; order kept:", bool(kept))


if __name__ == "__main__":
    asyncio.run(main())
