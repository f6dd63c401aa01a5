"""Bad input is refused before anything is sent, with a typed error naming model, field and rule."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest
from pydantic import BaseModel

from dynomodel import DynamoModel, GlobalIndex, PartitionKey, SortKey
from dynomodel.exceptions import (
    DynamoError,
    EmptyKeyError,
    EncodeError,
    InvalidItemError,
    InvalidNumberError,
    InvalidSetError,
    ItemTooLargeError,
    KeyTooLargeError,
    NaiveDatetimeError,
    UnexpectedTypeError,
)


class Line(BaseModel):
    price: Decimal
    ratio: float = 0.0


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[bytes, SortKey]
    total: Decimal = Decimal(0)
    ratio: float = 0.0
    tally: int = 0
    body: str = ""
    lines: list[Line] = []
    nested_sets: list[set[str]] = []
    when: dt.datetime | None = None
    anything: Any = None


def encode(**changes: Any) -> None:
    base = {"pk": "p", "sk": b"s"}
    Order.model_construct(**{**Order(**base).__dict__, **changes}).to_item()


@pytest.mark.parametrize(
    ("changes", "error", "field", "words"),
    [
        ({"ratio": float("nan")}, InvalidNumberError, "ratio", "NaN"),
        ({"ratio": float("-inf")}, InvalidNumberError, "ratio", "finite"),
        ({"total": Decimal("NaN")}, InvalidNumberError, "total", "finite"),
        ({"total": Decimal("1" * 39)}, InvalidNumberError, "total", "39 significant digits"),
        ({"tally": 10**38 + 1}, InvalidNumberError, "tally", "39 significant digits"),
        ({"total": Decimal("1E+126")}, InvalidNumberError, "total", "range"),
        ({"total": Decimal("-1E-131")}, InvalidNumberError, "total", "range"),
        ({"ratio": 1e300}, InvalidNumberError, "ratio", "range"),
        (
            {"lines": [Line(price=Decimal(1)), Line.model_construct(price=Decimal("Infinity"))]},
            InvalidNumberError,
            "lines[1].price",
            "finite",
        ),
        ({"pk": ""}, EmptyKeyError, "pk", "non-empty"),
        ({"sk": b""}, EmptyKeyError, "sk", "non-empty"),
        ({"body": "x" * 410_000}, ItemTooLargeError, None, "409600"),
        (
            {"anything": {1, "a"}},
            InvalidSetError,
            "anything",
            "be strings, all numbers or all bytes",
        ),
        ({"nested_sets": [set()]}, InvalidSetError, "nested_sets[0]", "empty set"),
        ({"when": dt.datetime(2024, 1, 1)}, NaiveDatetimeError, "when", "tzinfo"),
        ({"tally": "12"}, UnexpectedTypeError, "tally", "expected int, found str"),
        ({"anything": object()}, UnexpectedTypeError, "anything", "DynamoDB can store"),
    ],
)
def test_refused_with_model_field_and_rule(
    changes: dict[str, Any], error: type[EncodeError], field: str | None, words: str
) -> None:
    with pytest.raises(error) as raised:
        encode(**changes)
    exc = raised.value
    assert isinstance(exc, DynamoError) and isinstance(exc, ValueError)
    assert exc.model == "Order" and exc.field == field
    assert words in str(exc)
    assert str(exc).startswith(f"Order.{field}:" if field else "Order:")


def test_item_just_under_the_limit_is_accepted() -> None:
    # 400 KB = 409600 bytes: names and values count; keep a little margin for pk/sk/lines.
    Order(pk="p", sk=b"s", body="x" * 409_000).to_item()


def test_item_size_follows_dynamodbs_rules() -> None:
    order = Order(pk="p", sk=b"s", total=Decimal("12345.000"))
    # pk 2+1, sk 2+1, total 5+(3+1), ratio 5+1, tally 5+1, body 4+0, lines 5+3 (empty list),
    # nested_sets 11+3
    assert order.__dynamo_codec__.item_size(order) == 3 + 3 + 9 + 6 + 6 + 4 + 8 + 14


@pytest.mark.parametrize(
    "item",
    [
        {"pk": "secret-value"},
        {"pk": {"S": "secret-value", "N": "1"}},
        {"pk": {"X": "secret-value"}},
        {"pk": {"S": "a"}, "total": ["secret-value"]},
        ["secret-value", "a", "dict"],
    ],
)
def test_malformed_wire_items(item: Any) -> None:
    with pytest.raises(InvalidItemError) as error:
        Order.from_item(item)
    # The model and the attribute are named, and what was wrong by keys and types, never by a
    # stored value.
    message = str(error.value)
    assert message.startswith("Order: ") and "secret-value" not in message
    if isinstance(item, dict):
        assert "attribute 'pk'" in message or "attribute 'total'" in message


def test_a_bad_value_in_a_page_is_named_by_its_item_and_path() -> None:
    good = Order(pk="a", sk=b"b", total=Decimal(1)).to_item()
    bad = {**good, "lines": {"L": [{"M": {"price": "12.5"}}]}}
    with pytest.raises(InvalidItemError, match=r"^Order, item 1: attribute 'lines': attribute "):
        Order.from_items([good, bad])


def test_a_failed_page_leaves_the_garbage_collector_running() -> None:
    # Pages are decoded with the cyclic GC paused; an error half way must not leave it off.
    good = Order(pk="a", sk=b"b", total=Decimal(1)).to_item()
    assert gc.isenabled()
    with pytest.raises(InvalidItemError):
        Order.from_items([good, {"pk": "not wrapped"}])
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(Order.from_items([good, good])) == 2
        assert not gc.isenabled()  # a caller's own pause is respected
    finally:
        gc.enable()


class Ticket(DynamoModel, table="tickets"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[bytes, SortKey]
    status: str | None = None
    by_status: ClassVar[GlobalIndex] = GlobalIndex("status-index", partition_key="status")


@pytest.mark.parametrize(
    ("changes", "field", "limit"),
    [
        ({"pk": "p" * 2049}, "pk", 2048),
        ({"pk": "é" * 1025}, "pk", 2048),  # bytes, not characters: é is two in UTF-8
        ({"sk": b"s" * 1025}, "sk", 1024),
        ({"status": "s" * 2049}, "status", 2048),  # an index key: DynamoDB refuses it too
    ],
)
def test_keys_of_the_table_and_its_indexes_have_a_size_limit(
    changes: dict[str, Any], field: str, limit: int
) -> None:
    ticket = Ticket(**{"pk": "p", "sk": b"s", **changes})
    with pytest.raises(KeyTooLargeError, match=f"longer than the {limit}") as raised:
        ticket.to_item()
    assert raised.value.model == "Ticket" and raised.value.field == field
    if field != "status":
        with pytest.raises(KeyTooLargeError):
            Ticket.table.mapping.codec.key({"pk": ticket.pk, "sk": ticket.sk})
    Ticket(pk="p" * 2048, sk=b"s" * 1024, status="s" * 2048).to_item()
