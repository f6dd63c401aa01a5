"""Each mapping round-trips exactly: model -> wire item -> model, checked by hypothesis."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from samples import (
    Color,
    Everything,
    Level,
    addresses,
    aware_datetimes,
    dynamo_decimals,
    dynamo_floats,
    dynamo_ints,
    key,
    plain_json,
)

settings.register_profile("dynomodel", max_examples=150, deadline=None)
settings.load_profile("dynomodel")


def round_trip(model: Everything) -> Everything:
    item = model.to_item()
    return Everything.from_item(item)


@given(
    pk=key,
    text=st.text(),
    flag=st.booleans(),
    tally=dynamo_ints,
    amount=dynamo_decimals,
    ratio=dynamo_floats,
    blob=st.binary(),
    maybe=st.none() | st.text(),
    names=st.sets(st.text(), max_size=4),
    numbers=st.frozensets(dynamo_decimals, max_size=4),
    ints=st.sets(dynamo_ints, max_size=4),
    blobs=st.sets(st.binary(), max_size=4),
    mixed_numbers=st.sets(dynamo_ints | dynamo_decimals, max_size=4),
)
def test_scalars_and_sets(**values: Any) -> None:
    model = Everything(**values)
    back = round_trip(model)
    assert back == model
    for name, value in values.items():
        assert type(getattr(back, name)) is type(value), name


@given(
    pk=key,
    items=st.lists(dynamo_ints, max_size=5),
    pair=st.tuples(st.text(), dynamo_ints),
    scores=st.dictionaries(st.text(), dynamo_decimals, max_size=4),
    address=st.none() | addresses,
    addresses=st.lists(addresses, max_size=3),
    dims=st.none() | st.fixed_dictionaries({"width": dynamo_decimals, "height": dynamo_ints}),
    either=dynamo_ints | st.text(),
    anything=plain_json,
)
def test_containers(**values: Any) -> None:
    model = Everything(**values)
    assert round_trip(model) == model


@given(
    pk=key,
    kind=st.sampled_from(["a", "b"]),
    color=st.sampled_from(Color),
    level=st.sampled_from(Level),
    ident=st.none() | st.uuids(),
    day=st.none() | st.dates(),
    clock=st.none() | st.times(),
    when=st.none() | aware_datetimes,
)
def test_enums_and_time(**values: Any) -> None:
    model = Everything(**values)
    back = round_trip(model)
    assert back == model
    assert back.color is model.color and back.level is model.level


@given(a=aware_datetimes, b=aware_datetimes)
def test_datetime_string_order_is_time_order(a: dt.datetime, b: dt.datetime) -> None:
    ta = Everything(pk="k", when=a).to_item()["when"]["S"]
    tb = Everything(pk="k", when=b).to_item()["when"]["S"]
    assert len(ta) == len(tb) == 27
    assert (ta < tb) == (a < b)
    assert (ta == tb) == (a == b)


def test_decimal_is_exact_both_ways() -> None:
    value = Decimal("0.1000000000000000000000000000000000001")
    item = Everything(pk="k", amount=value, scores={"x": value}).to_item()
    assert item["amount"] == {"N": "0.1000000000000000000000000000000000001"}
    back = Everything.from_item(item)
    assert back.amount == value and back.scores["x"] == value
    assert type(back.scores["x"]) is Decimal


def test_float_is_shortest_exact() -> None:
    for value in [0.1, 1 / 3, 1e-100, 123456789.125, -2.5e120, 1e-129]:
        item = Everything(pk="k", ratio=value).to_item()
        back = Everything.from_item(item).ratio
        assert back == value and math.copysign(1, back) == math.copysign(1, value)
