"""What DynamoDB can hold, as hypothesis strategies, and a model with a field of every kind:
shared by the codec's round trips and the tests that read the same values back through the
client's several paths."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from hypothesis import strategies as st
from pydantic import BaseModel
from typing_extensions import TypedDict

from dynomodel import DynamoModel, PartitionKey

# Numbers DynamoDB can hold: up to 38 significant digits, exponent within its range.
dynamo_decimals = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in digits), exponent)),
    st.sampled_from([0, 1]),
    st.text("0123456789", min_size=1, max_size=38).filter(lambda d: d.strip("0") != ""),
    st.integers(-120, 80),
)
dynamo_ints = st.integers(-(10**38) + 1, 10**38 - 1)
dynamo_floats = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda f: f == 0 or 1e-130 <= abs(f) < 1e125
)
aware_datetimes = st.datetimes(
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]),
    min_value=dt.datetime(2, 1, 1),
    max_value=dt.datetime(9998, 12, 31),
)


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Address(BaseModel):
    street: str
    city: str | None = None
    zip_codes: set[str] = set()


class Dims(TypedDict):
    width: Decimal
    height: int


class Fields(BaseModel):
    """A field of every kind the codec maps, each with a default."""

    text: str = ""
    flag: bool = False
    tally: int = 0
    amount: Decimal = Decimal(0)
    ratio: float = 0.0
    blob: bytes = b""
    maybe: str | None = None
    names: set[str] = set()
    numbers: frozenset[Decimal] = frozenset()
    ints: set[int] = set()
    blobs: set[bytes] = set()
    mixed_numbers: set[int | Decimal] = set()
    items: list[int] = []
    pair: tuple[str, int] = ("", 0)
    scores: dict[str, Decimal] = {}
    address: Address | None = None
    addresses: list[Address] = []
    dims: Dims | None = None
    kind: Literal["a", "b"] = "a"
    color: Color = Color.RED
    level: Level = Level.LOW
    ident: uuid.UUID | None = None
    day: dt.date | None = None
    clock: dt.time | None = None
    when: dt.datetime | None = None
    either: int | str = 0
    anything: Any = None


class Everything(DynamoModel, Fields, table="everything"):
    pk: Annotated[str, PartitionKey]


key = st.text(min_size=1, max_size=20)
addresses = st.builds(
    Address, street=st.text(), city=st.none() | st.text(), zip_codes=st.sets(st.text(), max_size=3)
)
plain_json = st.recursive(
    st.none() | st.booleans() | st.text() | dynamo_ints,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
# DynamoDB refuses an empty attribute name at any depth: what the server tests store.
stored_json = st.recursive(
    st.none() | st.booleans() | st.text() | dynamo_ints,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1), inner, max_size=3)
    ),
    max_leaves=8,
)

# A value of each field of `Fields`, as DynamoDB can store it.
field_values: dict[str, st.SearchStrategy[Any]] = {
    "text": st.text(),
    "flag": st.booleans(),
    "tally": dynamo_ints,
    "amount": dynamo_decimals,
    "ratio": dynamo_floats,
    "blob": st.binary(),
    "maybe": st.none() | st.text(),
    "names": st.sets(st.text(), max_size=4),
    "numbers": st.frozensets(dynamo_decimals, max_size=4),
    "ints": st.sets(dynamo_ints, max_size=4),
    "blobs": st.sets(st.binary(), max_size=4),
    "mixed_numbers": st.sets(dynamo_ints | dynamo_decimals, max_size=4),
    "items": st.lists(dynamo_ints, max_size=5),
    "pair": st.tuples(st.text(), dynamo_ints),
    "scores": st.dictionaries(st.text(min_size=1), dynamo_decimals, max_size=4),
    "address": st.none() | addresses,
    "addresses": st.lists(addresses, max_size=3),
    "dims": st.none() | st.fixed_dictionaries({"width": dynamo_decimals, "height": dynamo_ints}),
    "kind": st.sampled_from(["a", "b"]),
    "color": st.sampled_from(Color),
    "level": st.sampled_from(Level),
    "ident": st.none() | st.uuids(),
    "day": st.none() | st.dates(),
    "clock": st.none() | st.times(),
    "when": st.none() | aware_datetimes,
    "either": dynamo_ints | st.text(),
    "anything": stored_json,
}
# Every field of `Fields` at once.
every_field = st.fixed_dictionaries(field_values)
