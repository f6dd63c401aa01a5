"""Checked by mypy and pyright: typed paths, conditions and update actions as users write them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, assert_type

from pydantic import BaseModel

from dynomodel import (
    Attr,
    Condition,
    DynamoModel,
    PartitionKey,
    Path,
    RawCondition,
    SortKey,
    UpdateAction,
    attr,
    size,
)
from dynomodel._expr.builder import ExpressionBuilder
from dynomodel._expr.paths import Size


class Line(BaseModel):
    sku: str
    qty: int


class Address(BaseModel):
    city: str
    zips: list[str] = []


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal
    status: str
    quantity: int
    weight: float
    tags: set[str] = set()
    codes: frozenset[int] = frozenset()
    lines: list[Line] = []
    names: list[str] = []
    meta: dict[str, int] = {}
    note: str | None = None
    discount: Decimal | None = None
    created_at: datetime
    data: bytes = b""
    blob: bytes | None = None
    address: Address | None = None


def paths() -> None:
    assert_type(attr(Order.total), Path[Decimal])
    assert_type(attr(Order.note), Path[str | None])
    assert_type(attr(Order.tags), Path[set[str]])
    assert_type(attr(Order.lines[0].sku), Path[str])
    assert_type(attr(Order.meta["k"]), Path[int])
    assert_type(attr(Order.lines)[0], Path[Any])
    assert_type(attr(Order.lines)[0].sku, Path[Any])
    assert_type(Attr("status"), Attr)
    assert_type(Attr("meta")["k"][0], Path[Any])
    assert_type(size(attr(Order.tags)), Size)
    # Through an optional nested model the rest of the path is a lambda (`Order.address.city`
    # is `.city` on `Address | None` to checkers), or untyped after attr().
    assert_type(attr(Order.address, lambda a: a.city), Path[str])
    assert_type(attr(Order.address, lambda a: a.zips[0]), Path[str])
    assert_type(attr(Order.lines, lambda lines: lines[0].qty), Path[int])
    assert_type(attr(Order.address).city, Path[Any])
    assert_type(attr(Order.address, lambda a: a.city) == "Paris", Condition)


def conditions() -> None:
    assert_type(attr(Order.total) >= 100, Condition)
    assert_type(attr(Order.total) >= Decimal("9.99"), Condition)
    assert_type(attr(Order.total) == 3, Condition)
    assert_type(attr(Order.total) < attr(Order.total), Condition)
    assert_type(100 < attr(Order.total), Condition)  # noqa: SIM300
    assert_type(attr(Order.discount) > 1, Condition)
    assert_type(attr(Order.discount) == None, Condition)  # noqa: E711
    assert_type(attr(Order.status) == "open", Condition)
    assert_type(attr(Order.status) != "void", Condition)
    assert_type(attr(Order.quantity) <= 3, Condition)
    assert_type(attr(Order.weight) > 1, Condition)
    assert_type(attr(Order.weight) > 1.5, Condition)
    assert_type(attr(Order.created_at) > datetime(2024, 1, 1), Condition)
    assert_type(attr(Order.note) == "x", Condition)
    assert_type(attr(Order.sk).begins_with("ORDER#"), Condition)
    assert_type(attr(Order.note).begins_with("a"), Condition)
    assert_type(attr(Order.data).begins_with(b"\x00"), Condition)
    assert_type(attr(Order.blob).begins_with(b"\x00"), Condition)
    assert_type(attr(Order.total).between(1, Decimal(10)), Condition)
    assert_type(attr(Order.status).between("a", "m"), Condition)
    assert_type(attr(Order.status).is_in("open", "shipped"), Condition)
    assert_type(attr(Order.total).is_in(1, Decimal(2)), Condition)
    assert_type(attr(Order.status).is_in(["open", "shipped"]), Condition)
    assert_type(attr(Order.total).is_in({1, Decimal(2)}), Condition)
    assert_type(attr(Order.status).contains("pen"), Condition)
    assert_type(attr(Order.tags).contains("gift"), Condition)
    assert_type(attr(Order.codes).contains(3), Condition)
    assert_type(attr(Order.names).contains("a"), Condition)
    assert_type(attr(Order.lines).contains(Line(sku="a", qty=1)), Condition)
    assert_type(attr(Order.note).exists(), Condition)
    assert_type(attr(Order.note).not_exists(), Condition)
    assert_type(attr(Order.note).attribute_type("NULL"), Condition)
    assert_type(size(attr(Order.tags)) > 2, Condition)
    assert_type(size(attr(Order.tags)) == 2, Condition)
    assert_type(Attr("anything") == 3, Condition)
    assert_type(Attr("anything").begins_with("x"), Condition)
    assert_type(attr(Order.lines)[0]["sku"] == "a", Condition)
    combined = (attr(Order.total) >= 100) & (attr(Order.status) != "void")
    assert_type(combined, Condition)
    assert_type(combined | ~attr(Order.note).exists(), Condition)
    assert_type(RawCondition("attribute_not_exists(#pk)", {"#pk": "pk"}) & combined, Condition)


def updates() -> None:
    assert_type(attr(Order.status).set("shipped"), UpdateAction)
    assert_type(attr(Order.total).set(5), UpdateAction)
    assert_type(attr(Order.total).set(attr(Order.total)), UpdateAction)
    assert_type(attr(Order.note).set(None), UpdateAction)
    assert_type(attr(Order.note).remove(), UpdateAction)
    assert_type(attr(Order.quantity).add(1), UpdateAction)
    assert_type(attr(Order.total).add(1), UpdateAction)
    assert_type(attr(Order.weight).add(0.5), UpdateAction)
    assert_type(attr(Order.tags).add({"a", "b"}), UpdateAction)
    assert_type(attr(Order.tags).add(frozenset({"a"})), UpdateAction)
    assert_type(attr(Order.codes).add({1}), UpdateAction)
    assert_type(attr(Order.tags).delete({"a"}), UpdateAction)
    assert_type(attr(Order.lines).append([Line(sku="a", qty=1)]), UpdateAction)
    assert_type(attr(Order.names).prepend(("a", "b")), UpdateAction)
    assert_type(attr(Order.status).if_not_exists("new"), UpdateAction)
    assert_type(attr(Order.quantity).increment(), UpdateAction)
    assert_type(attr(Order.total).increment(Decimal("0.5")), UpdateAction)
    assert_type(attr(Order.weight).decrement(by=2.5), UpdateAction)


def compile_request() -> None:
    builder = ExpressionBuilder()
    assert_type(builder.condition(attr(Order.total) > 1), str)
    assert_type(builder.update([attr(Order.quantity).increment()]), str)
    assert_type(builder.projection([attr(Order.total), Attr("x")]), str)
    assert_type(builder.path(attr(Order.total)), str)
    assert_type(builder.value({"S": "x"}), str)
    assert_type(builder.names, dict[str, str])
