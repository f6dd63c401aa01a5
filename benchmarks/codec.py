"""Encode 10,000 orders to DynamoDB's wire form and decode 10,000 wire items into models.

Every library gets the same order values; after timing, each round trip is compared with the
input, so a library that is fast because it drops precision or types is reported as inexact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel
from pydynox import Model as PydynoxModel
from pydynox import ModelConfig
from pydynox import attributes as px
from pydynox.pydynox_core import item_from_dynamo, item_to_dynamo
from pynamodb import attributes as pn
from pynamodb.models import Model as PynamoModel

from dynomodel import DynamoModel, PartitionKey, SortKey

from ._orders import N_ITEMS, all_order_values
from ._report import Result, measure, table

PAGE = 1_000
FLOOR = "pydantic alone, on decoded values (floor)"
ENCODE_TARGET = 2.5  # dynomodel's encode items/s at least this multiple of pydynox's
DECODE_TARGET = 3.5  # and its decode items/s


class Line(BaseModel):
    sku: str
    qty: int
    price: Decimal


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    name: str
    email: str
    total: Decimal
    quantity: int
    weight: float
    paid: bool
    tags: set[str]
    lines: list[Line]
    address: dict[str, str]
    created_at: dt.datetime
    payload: bytes
    coupon: str | None = None


class PydynoxOrder(PydynoxModel):
    model_config = ModelConfig(table="orders")
    pk = px.StringAttribute(partition_key=True)
    sk = px.StringAttribute(sort_key=True)
    name = px.StringAttribute()
    email = px.StringAttribute()
    total = px.DecimalAttribute()
    quantity = px.NumberAttribute()
    weight = px.NumberAttribute()
    paid = px.BooleanAttribute()
    tags = px.StringSetAttribute()
    lines = px.ListAttribute()
    address = px.MapAttribute()
    created_at = px.DatetimeAttribute()
    payload = px.BinaryAttribute()
    coupon = px.StringAttribute()


# What pydynox's own reads pass so that DecimalAttribute fields come back as Decimal.
PYDYNOX_NUMBERS: Any = {
    "fields": PydynoxOrder._decimal_fields,
    "variants": {},
    "fallback_fields": PydynoxOrder._declared_decimal_fields,
}


class PynamoLine(pn.MapAttribute[str, Any]):
    sku = pn.UnicodeAttribute()
    qty = pn.NumberAttribute()
    price = pn.NumberAttribute()


class PynamoOrder(PynamoModel):
    class Meta:
        table_name = "orders"
        region = "us-east-1"

    pk = pn.UnicodeAttribute(hash_key=True)
    sk = pn.UnicodeAttribute(range_key=True)
    name = pn.UnicodeAttribute()
    email = pn.UnicodeAttribute()
    total = pn.NumberAttribute()
    quantity = pn.NumberAttribute()
    weight = pn.NumberAttribute()
    paid = pn.BooleanAttribute()
    tags = pn.UnicodeSetAttribute()
    lines = pn.ListAttribute(of=PynamoLine)
    address = pn.MapAttribute[str, str]()
    created_at = pn.UTCDateTimeAttribute()
    payload = pn.BinaryAttribute(legacy_encoding=False)
    coupon = pn.UnicodeAttribute(null=True)


def pynamo_order(values: dict[str, Any]) -> PynamoOrder:
    # PynamoDB numbers go through json.dumps, which refuses Decimal: its users pass floats.
    lines = [PynamoLine(**{**line, "price": float(line["price"])}) for line in values["lines"]]
    return PynamoOrder(**{**values, "total": float(values["total"]), "lines": lines})


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def boto3_encode(order: Order) -> dict[str, Any]:
    # TypeSerializer refuses floats and datetimes: the conversions every boto3 user writes.
    data = order.model_dump(exclude_none=True)
    data["weight"] = Decimal(repr(data["weight"]))
    data["created_at"] = data["created_at"].isoformat()
    return {k: _serializer.serialize(v) for k, v in data.items()}


def boto3_decode(item: dict[str, Any]) -> Order:
    data = {k: _deserializer.deserialize(v) for k, v in item.items()}
    data["payload"] = data["payload"].value  # boto3 wraps bytes in its Binary class
    return Order.model_validate(data)  # the same pydantic model, validated the plain way


def as_plain(obj: Any) -> dict[str, Any]:
    """Field values of any library's order, for the exactness check."""
    if isinstance(obj, BaseModel):
        return dict(obj)
    if isinstance(obj, PynamoModel):
        return {name: getattr(obj, name) for name in PynamoOrder.get_attributes()}
    return {name: getattr(obj, name) for name in PydynoxOrder._attributes}


def _normalize(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {k: _normalize(v) for k, v in value}
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, pn.MapAttribute):
        return {k: _normalize(v) for k, v in value.attribute_values.items()}
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


def inexact(source: dict[str, Any], loaded: Any) -> str:
    """What a round trip changed: a value, or a type (a set turned list, a Decimal turned float)."""
    got = as_plain(loaded)
    problems = []
    for name, want in source.items():
        have = got.get(name)
        if have is None and want is None:
            continue
        wn, hn = _normalize(want), _normalize(have)
        if wn != hn or _types(wn) != _types(hn):
            problems.append(f"{name} ({_first_change(wn, hn)})")
    return ", ".join(problems)


def _first_change(want: Any, have: Any) -> str:
    if isinstance(want, dict) and isinstance(have, dict):
        for key in want:
            if _types(want[key]) != _types(have.get(key)) or want[key] != have.get(key):
                return _first_change(want[key], have.get(key))
    if isinstance(want, list) and isinstance(have, list) and want and have:
        return _first_change(want[0], have[0])
    if type(want) is not type(have):
        return f"{type(want).__name__} -> {type(have).__name__}"
    return f"{want!r} -> {have!r}"


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def stream(encode: Callable[[Any], object], objects: list[Any]) -> None:
    """Encode each object and drop the item, as a put or a batch request does."""
    for obj in objects:
        encode(obj)


def timed_encode(name: str, encode: Callable[[Any], object], objects: list[Any]) -> Result:
    kept = measure(lambda: [encode(obj) for obj in objects])
    dropped = measure(lambda: stream(encode, objects))
    return Result(name, [kept, dropped], len(objects))


def run() -> None:
    values = all_order_values()
    ours = [Order(**v) for v in values]
    pyd = [PydynoxOrder(**v) for v in values]
    pyn = [pynamo_order(v) for v in values]

    ours_items = [o.to_item() for o in ours]
    pyd_items = [item_to_dynamo(o.to_dict()) for o in pyd]
    pyn_items = [o.serialize() for o in pyn]
    boto_items = [boto3_encode(o) for o in ours]

    encoders: list[tuple[str, Callable[[Any], object], list[Any]]] = [
        ("dynomodel", Order.to_item, ours),
        ("pydynox", lambda o: item_to_dynamo(o.to_dict()), pyd),
        ("PynamoDB", PynamoOrder.serialize, pyn),
        ("boto3 TypeSerializer + pydantic", boto3_encode, ours),
    ]
    validate = Order.__pydantic_validator__.validate_python
    decoded_values = [o.model_dump() for o in ours]
    decoders: list[tuple[str, Callable[[], list[Any]]]] = [
        (
            "dynomodel",
            lambda: [
                m
                for start in range(0, N_ITEMS, PAGE)
                for m in Order.from_items(ours_items[start : start + PAGE])
            ],
        ),
        ("dynomodel, one item per call", lambda: [Order.from_item(i) for i in ours_items]),
        (
            "pydynox",
            lambda: [
                PydynoxOrder.from_dict(item_from_dynamo(i, _number_schema=PYDYNOX_NUMBERS))
                for i in pyd_items
            ],
        ),
        ("PynamoDB", lambda: [PynamoOrder.from_raw_data(i) for i in pyn_items]),
        ("boto3 TypeDeserializer + pydantic", lambda: [boto3_decode(i) for i in boto_items]),
        # No decoding at all: the values the decoder hands pydantic, validated. What any
        # library that validates its items with pydantic pays at least.
        (FLOOR, lambda: [validate(data) for data in decoded_values]),
    ]

    print(f"Codec: {N_ITEMS:,} orders of 15 attributes (sets, nested maps, Decimals, binary)")
    print(
        "Median of 5 runs; the fixtures of all four libraries are frozen out of the cyclic GC,\n"
        "so a full collection over them does not land in one library's timing at random\n"
        "(DYNOMODEL_BENCH_GC=live measures with them in the GC's reach instead)."
    )
    encoders.insert(1, ("dynomodel, to_items (pages of 1,000)", Order.to_items, []))
    encoded = [
        timed_encode(name, fn, objs) if objs else timed_pages(name, Order.to_items, ours)
        for name, fn, objs in encoders
    ]
    if Order.to_items(ours) != ours_items:
        raise AssertionError("Order.to_items differs from to_item")
    table("Encode model -> wire item", encoded, ["all kept", "each dropped"])
    best = max(encoded[0].per_second(0), encoded[1].per_second(0))
    speedup(
        "dynomodel's items/s, all kept, the better of to_item and to_items",
        best / encoded[2].per_second(0),
        ENCODE_TARGET,
    )

    decoded = []
    for name, fn in decoders:
        loaded = fn()
        problems = {inexact(v, m) for v, m in zip(values, loaded, strict=True)} - {""}
        note = f"page of {PAGE} per call" if name == "dynomodel" else ""
        if problems:
            note = "INEXACT: " + sorted(problems)[0]
        if name == "dynomodel" and problems:
            raise AssertionError(f"dynomodel lost data: {problems}")
        decoded.append(Result(name, [measure(fn)], N_ITEMS, note))
    table("Decode wire item -> model (round trip checked against the input)", decoded, ["all kept"])
    pydynox = next(r for r in decoded if r.library == "pydynox")
    floor = next(r for r in decoded if r.library == FLOOR)
    speedup(
        "dynomodel's items/s (pages of 1,000)",
        decoded[0].per_second(0) / pydynox.per_second(0),
        DECODE_TARGET,
    )
    print(
        f"  the floor's items/s / pydynox's = {floor.per_second(0) / pydynox.per_second(0):.2f}x; "
        f"dynomodel runs at {decoded[0].per_second(0) / floor.per_second(0):.0%} of the floor"
    )


def timed_pages(name: str, encode: Callable[[list[Any]], list[Any]], objects: list[Any]) -> Result:
    """`encode` of a page of PAGE objects at a time: every item kept, then each page dropped."""
    pages = [objects[start : start + PAGE] for start in range(0, len(objects), PAGE)]
    kept = measure(lambda: [item for page in pages for item in encode(page)])
    dropped = measure(lambda: stream(encode, pages))
    return Result(name, [kept, dropped], len(objects))


def speedup(what: str, ratio: float, target: float) -> None:
    """One target line: `ratio` is dynomodel's speed over pydynox's, met at or over `target`."""
    verdict = "met" if ratio >= target else "NOT met"
    print(f"  {what} / pydynox's = {ratio:.2f}x (target >= {target}x: {verdict})")
