"""The wire form is exactly DynamoDB's, and boto3's own deserializer reads it back unchanged."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

import pytest
from boto3.dynamodb.types import TypeDeserializer
from pydantic import AliasChoices, AliasPath, BaseModel, Field

from dynomodel import DynamoModel, PartitionKey, SortKey, unknown_attributes
from dynomodel.exceptions import EncodeError


class Line(BaseModel):
    sku: str
    qty: int
    price: Decimal


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal
    tags: set[str] = set()
    lines: list[Line] = []
    note: str | None = None
    placed: dt.datetime | None = None
    ref: uuid.UUID | None = None


def make_order() -> Order:
    return Order(
        pk="CUSTOMER#1",
        sk="ORDER#1",
        total=Decimal("19.90"),
        tags={"gift"},
        lines=[Line(sku="A-1", qty=2, price=Decimal("9.95"))],
        placed=dt.datetime(2024, 5, 1, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ref=uuid.UUID(int=1),
    )


def test_exact_wire_form() -> None:
    assert make_order().to_item() == {
        "pk": {"S": "CUSTOMER#1"},
        "sk": {"S": "ORDER#1"},
        "total": {"N": "19.90"},
        "tags": {"SS": ["gift"]},
        "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}, "price": {"N": "9.95"}}}]},
        "placed": {"S": "2024-05-01T09:30:00.000000Z"},
        "ref": {"S": "00000000-0000-0000-0000-000000000001"},
    }


def test_none_and_empty_sets_are_omitted_and_read_back() -> None:
    item = Order(pk="p", sk="s", total=Decimal(1)).to_item()
    assert set(item) == {"pk", "sk", "total", "lines"}
    back = Order.from_item(item)
    assert back.note is None and back.tags == set()


def test_boto3_reads_our_items() -> None:
    item = make_order().to_item()
    plain = {name: TypeDeserializer().deserialize(value) for name, value in item.items()}
    assert plain["total"] == Decimal("19.90")
    assert plain["tags"] == {"gift"}
    assert plain["lines"] == [{"sku": "A-1", "qty": Decimal(2), "price": Decimal("9.95")}]


def test_aliases_are_the_stored_names() -> None:
    class Aliased(DynamoModel, table="aliased"):
        pk: Annotated[str, PartitionKey] = Field(alias="PK")
        display_name: str = Field(serialization_alias="displayName")

    item = Aliased(PK="1", display_name="Ann").to_item()
    assert item == {"PK": {"S": "1"}, "displayName": {"S": "Ann"}}
    assert Aliased.from_item(item) == Aliased(PK="1", display_name="Ann")


def test_unknown_attributes_survive_a_save() -> None:
    item = make_order().to_item()
    item["legacy"] = {"M": {"x": {"NS": ["1", "2"]}}}
    item["flag"] = {"BOOL": False}
    order = Order.from_item(item)
    assert unknown_attributes(order) == {"legacy": item["legacy"], "flag": item["flag"]}
    order.total = Decimal("5")
    written = order.to_item()
    assert written["legacy"] == item["legacy"] and written["flag"] == item["flag"]
    assert written["total"] == {"N": "5"}
    assert "legacy" not in order.model_dump()


def test_from_items_validates_a_page() -> None:
    items = [make_order().to_item() for _ in range(3)]
    items[1]["extra"] = {"S": "x"}
    orders = Order.from_items(items)
    assert [type(o) for o in orders] == [Order] * 3
    assert unknown_attributes(orders[1]) == {"extra": {"S": "x"}}
    assert unknown_attributes(orders[0]) == {}


def test_to_items_encodes_like_to_item_and_refuses_like_it() -> None:
    orders = [make_order() for _ in range(3)]
    loaded = Order.from_item({**orders[1].to_item(), "extra": {"S": "x"}})
    assert Order.to_items([orders[0], loaded, orders[2]]) == [
        orders[0].to_item(),
        loaded.to_item(),
        orders[2].to_item(),
    ]
    assert loaded.to_item()["extra"] == {"S": "x"}
    assert Order.to_items([]) == []
    broken = make_order()
    broken.pk = ""
    with pytest.raises(EncodeError, match="pk") as caught:
        Order.to_items([orders[0], broken])
    assert caught.value.model == "Order"


def test_items_from_other_writers_load() -> None:
    # ISO datetimes in other spellings, numbers in exponent form, sets stored as lists.
    item = {
        "pk": {"S": "p"},
        "sk": {"S": "s"},
        "total": {"N": "1.5E+2"},
        "placed": {"S": "2024-05-01T09:30:00+00:00"},
        "tags": {"L": [{"S": "a"}]},
    }
    order = Order.from_item(item)
    assert order.total == Decimal(150)
    assert order.placed == dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)
    assert order.tags == {"a"}


def test_recursive_models() -> None:
    class Node(BaseModel):
        value: int
        children: list[Node] = []

    class Tree(DynamoModel, table="trees"):
        pk: Annotated[str, PartitionKey]
        root: Node

    tree = Tree(pk="t", root=Node(value=1, children=[Node(value=2, children=[Node(value=3)])]))
    assert Tree.from_item(tree.to_item()) == tree


def test_unknown_attributes_count_toward_the_size_limit() -> None:
    from dynomodel.exceptions import ItemTooLargeError

    item = make_order().to_item()
    order = Order.from_item(item)
    base = Order.__dynamo_codec__.item_size(order)
    item["legacy"] = {"S": "x" * 1000}
    with_legacy = Order.from_item(item)
    assert Order.__dynamo_codec__.item_size(with_legacy) == base + len("legacy") + 1000
    item["legacy"] = {"S": "x" * 409_600}
    with pytest.raises(ItemTooLargeError):
        Order.from_item(item).to_item()


def test_validation_aliases_of_every_shape() -> None:
    class Aliased(DynamoModel, table="aliased"):
        pk: Annotated[str, PartitionKey] = Field(validation_alias=AliasChoices("id", "pk"))
        full_name: str = Field(validation_alias=AliasPath("names", 0))

    model = Aliased.model_validate({"id": "1", "names": ["Ann"]})
    item = model.to_item()
    assert item == {"pk": {"S": "1"}, "full_name": {"S": "Ann"}}
    assert Aliased.from_item(item) == model
    assert Aliased.from_items([item, item]) == [model, model]
