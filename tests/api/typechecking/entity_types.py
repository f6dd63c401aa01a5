"""Checked by mypy and pyright: single-table designs as users write them, key templates on
`get`, collections typed as the union of their entities, and paths into a variant."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, assert_type

from pydantic import BaseModel, Field

from dynomodel import (
    Collection,
    CollectionItems,
    CollectionResults,
    DynamoModel,
    Item,
    KeyTemplate,
    PartitionKey,
    Path,
    Results,
    Table,
    UpdateAction,
    attr,
    dynamo_table,
    table_of,
)


class Customer(
    DynamoModel,
    table="shop",
    partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
    sort_key=KeyTemplate("sk", "PROFILE"),
):
    customer_id: str
    name: str


class Order(
    DynamoModel,
    table="shop",
    partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
    sort_key=KeyTemplate("sk", "ORDER#{placed_at}#{number:06}"),
):
    customer_id: str
    placed_at: datetime
    number: int


@dynamo_table("shop", partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"), entity="note")
class Note(BaseModel):
    customer_id: str
    text: str


@dynamo_table("people")
@dataclasses.dataclass
class Person:
    email: Annotated[str, PartitionKey]
    name: str = ""


class Card(BaseModel):
    kind: Literal["card"] = "card"
    last4: str


class Transfer(BaseModel):
    kind: Literal["transfer"] = "transfer"
    iban: str
    amount: Decimal


class Invoice(DynamoModel, table="invoices"):
    id: Annotated[str, PartitionKey]
    payment: Annotated[Card | Transfer, Field(discriminator="kind")]
    history: list[Annotated[Card | Transfer, Field(discriminator="kind")]] = []


async def keys(when: datetime) -> None:
    assert_type(await Order.get(customer_id="C1", placed_at=when, number=1), Order | None)
    assert_type(await Order.get(pk="CUSTOMER#C1", sk="ORDER#x"), Order | None)
    assert_type(Order.sync_get(customer_id="C1", placed_at=when, number=1), Order | None)
    assert_type(await table_of(Note).get(customer_id="C1"), Note | None)
    assert_type(Order.query(customer_id="C1"), Results[Order])
    assert_type(Order.query(customer_id="C1", as_dict=True), Results[dict[str, Any]])
    assert_type(Order.query(partition_key="CUSTOMER#C1", limit=3), Results[Order])
    await Order.delete_by_key(customer_id="C1", placed_at=when, number=1)
    assert_type(await Order.update_by_key(customer_id="C1", placed_at=when, number=2), Order)


async def collections() -> None:
    view = Collection("customer", Customer, Order)
    assert_type(view, Collection[Customer | Order])
    assert_type(view.query(customer_id="C1"), CollectionResults[Customer | Order])
    assert_type(view.query(customer_id="C1", as_dict=True), CollectionResults[dict[str, Any]])
    everything = await view.query(customer_id="C1").collect()
    assert_type(everything, CollectionItems[Customer | Order])
    assert_type(everything.items, list[Customer | Order])
    assert_type(everything.of(Order), list[Order])
    assert_type(everything.unknown, list[Item])
    assert_type(Collection("all", Customer, Order, Note), Collection[Customer | Order | Note])
    async for item in view.query(customer_id="C1"):
        assert_type(item, Customer | Order)


def variants() -> None:
    assert_type(attr(Invoice.payment), Path[Card | Transfer])
    assert_type(attr(Invoice.payment, Card, lambda card: card.last4), Path[str])
    assert_type(attr(Invoice.payment, Transfer, lambda t: t.amount), Path[Decimal])
    assert_type(attr(Invoice.history[0], Transfer, lambda t: t.iban), Path[str])
    assert_type(attr(Invoice.payment, Card, lambda card: card.last4).set("4242"), UpdateAction)
    assert_type(attr(Invoice.payment, Transfer, lambda t: t.amount).add(1), UpdateAction)


async def dataclasses_as_tables() -> None:
    people = table_of(Person)
    assert_type(people, Table[Person])
    assert_type(await people.get(email="a@example.com"), Person | None)
    assert_type(people.scan(), Results[Person])
    assert_type(attr(Person.name), Path[str])
    await people.save(Person(email="a@example.com"))
