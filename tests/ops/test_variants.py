"""Pydantic discriminated unions inside items, on both engines: a field and a list of them
round-trip exactly, and conditions and update actions reach into a named variant."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest
from conftest import Driver, get_raw
from pydantic import BaseModel, Field

from dynomodel import DynamoClient, DynamoModel, PartitionKey, attr
from dynomodel.exceptions import ConditionalCheckFailedError, InvalidExpressionError


class Card(BaseModel):
    kind: Literal["card"] = "card"
    last4: str
    amount: Decimal
    expires: datetime | None = None


class Transfer(BaseModel):
    kind: Literal["transfer"] = "transfer"
    iban: str
    amount: Decimal
    tags: set[str] = set()


Payment = Annotated[Card | Transfer, Field(discriminator="kind")]


def invoice_model(name: str) -> type[DynamoModel]:
    class Invoice(DynamoModel, table=name):
        id: Annotated[str, PartitionKey]
        payment: Payment
        history: list[Payment] = []
        by_name: dict[str, Payment] = {}

    return Invoice


async def test_variants_round_trip_exactly(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Invoice: Any = invoice_model(table_name)
    await driver(Invoice.create_table)
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    invoice = Invoice(
        id="1",
        payment=Card(last4="4242", amount=Decimal("12.50"), expires=when),
        history=[
            Transfer(
                iban="DE89", amount=Decimal("0.000000000000000000000000000000000001"), tags={"a"}
            ),
            Card(last4="0001", amount=Decimal(3)),
        ],
        by_name={"first": Transfer(iban="FR76", amount=Decimal(1))},
    )
    await driver(invoice.save)
    stored = get_raw(client, table_name, {"id": {"S": "1"}})
    assert stored is not None
    assert stored["payment"]["M"]["kind"] == {"S": "card"}
    assert stored["history"]["L"][0]["M"]["tags"] == {"SS": ["a"]}
    loaded = await driver(Invoice.get, id="1", consistent_read=True)
    assert loaded == invoice
    assert isinstance(loaded.history[0], Transfer) and isinstance(loaded.history[1], Card)
    assert Invoice.from_item(invoice.to_item()) == invoice


async def test_conditions_and_updates_in_a_variant(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Invoice: Any = invoice_model(table_name)
    await driver(Invoice.create_table)
    invoice = Invoice(
        id="1",
        payment=Card(last4="4242", amount=Decimal(5)),
        history=[Transfer(iban="DE", amount=Decimal(1))],
    )
    await driver(invoice.save)
    is_card = attr(Invoice.payment, Card, lambda card: card.kind) == "card"
    await driver(
        invoice.update,
        actions=[
            attr(Invoice.payment, Card, lambda card: card.last4).set("9999"),
            attr(Invoice.history[0], Transfer, lambda t: t.amount).add(Decimal("0.5")),
            attr(Invoice.history[0], Transfer, lambda t: t.tags).add({"paid"}),
        ],
        condition=is_card,
    )
    assert invoice.payment == Card(last4="9999", amount=Decimal(5))
    assert invoice.history[0] == Transfer(iban="DE", amount=Decimal("1.5"), tags={"paid"})
    is_transfer = attr(Invoice.payment, Transfer, lambda t: t.kind) == "transfer"
    with pytest.raises(ConditionalCheckFailedError):
        await driver(
            invoice.update,
            actions=[attr(Invoice.payment, Transfer, lambda t: t.iban).set("X")],
            condition=is_transfer,
        )
    cards = await driver.list(
        Invoice.scan(filter_condition=attr(Invoice.payment, Card, lambda c: c.last4) == "9999")
    )
    assert [i.id for i in cards] == ["1"]


def test_a_variant_the_field_cannot_hold_is_refused(table_name: str) -> None:
    Invoice: Any = invoice_model(table_name)

    class Other(BaseModel):
        x: int

    with pytest.raises(
        InvalidExpressionError, match="holds Card, Transfer; Other is not one of them"
    ):
        attr(Invoice.payment, Other, lambda o: o.x)
    with pytest.raises(InvalidExpressionError, match="Other is not one of them"):
        attr(Invoice.history[0], Other, lambda o: o.x)
    with pytest.raises(TypeError, match="the variant is a model"):
        attr(Invoice.payment, "Card", lambda o: o.x)  # type: ignore[call-overload]
