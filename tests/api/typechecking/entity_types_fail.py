"""Must NOT type-check: each line marked `# error` is a mistake the checkers have to catch."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from dynomodel import Collection, DynamoModel, KeyTemplate, PartitionKey, attr


class Customer(DynamoModel, table="shop", partition_key=KeyTemplate("pk", "C#{customer_id}")):
    customer_id: str


class Order(DynamoModel, table="shop", partition_key=KeyTemplate("pk", "C#{customer_id}")):
    customer_id: str
    total: Decimal


class Card(BaseModel):
    kind: Literal["card"] = "card"
    last4: str


class Transfer(BaseModel):
    kind: Literal["transfer"] = "transfer"
    iban: str


class Invoice(DynamoModel, table="invoices"):
    id: Annotated[str, PartitionKey]
    payment: Annotated[Card | Transfer, Field(discriminator="kind")]


async def misuse() -> None:
    everything = await Collection("customer", Customer, Order).query(customer_id="C").collect()
    orders: list[Customer] = everything.of(Order)  # error
    attr(Invoice.payment, Card, lambda card: card.last4).set(4242)  # error
    attr(Invoice.payment, Card, lambda card: card.last4).add(1)  # error
    Order.query(partition_key="C#1", limt=3)  # error
    print(orders)
