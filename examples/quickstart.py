"""dynomodel quickstart: declare a model, turn it into a DynamoDB item and back.

Run with `make demo`. The item printed is exactly what DynamoDB stores; nothing here talks to a
server yet (the client arrives with the next release).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pprint import pprint
from typing import Annotated

from pydantic import BaseModel

from dynomodel import DynamoModel, PartitionKey, SortKey, dynamo_table, table_of
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
    note: str | None = None


@dynamo_table("users", partition_key="email")
class User(BaseModel):  # stays a plain pydantic model (FastAPI, JSON schema unchanged)
    email: str
    name: str


def main() -> None:
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


if __name__ == "__main__":
    main()
