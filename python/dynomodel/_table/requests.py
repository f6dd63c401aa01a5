"""The requests the native client takes, as named tuples whose fields it reads in order (see
`crates/python/src/convert/args.rs`); `_native.pyi` types its methods with them."""

from __future__ import annotations

from typing import Literal, NamedTuple, TypeAlias

from .._expr.builder import Expression
from .._native import Codec, Entities, NativeItem
from .._schema.wire import Item

__all__ = [
    "WIRE",
    "Action",
    "Decoding",
    "Get",
    "IndexSpec",
    "ReadRequest",
    "Shape",
    "TableKeys",
    "Write",
]

Shape: TypeAlias = Literal["models", "dicts", "partial"]
"""What a read's items become: models, dicts of the model's Python values, or the partial dicts
of a projection that leaves required fields out."""


class ReadRequest(NamedTuple):
    """What a Query and a Scan page share."""

    filter: Expression | None
    projection: Expression | None
    limit: int | None
    start_key: Item | None
    consistent_read: bool
    count_only: bool


class Decoding(NamedTuple):
    """How the items of a read become Python values: decoded by `codec` (or, for the entities
    of one table, by the codec each item's type names; None keeps the wire form) into `shape`,
    the fields a projection left out recorded on each model."""

    codec: Codec | Entities | None
    shape: Shape
    unread: frozenset[str] | None


WIRE = Decoding(None, "partial", None)
"""Items left in wire form: what a count reads (nothing) or a raw read wants."""


class IndexSpec(NamedTuple):
    """A secondary index as CreateTable takes it."""

    name: str
    is_global: bool
    partition_key: tuple[str, Literal["S", "N", "B"]]
    sort_key: tuple[str, Literal["S", "N", "B"]] | None
    projection: tuple[str, list[str]]
    """`("ALL" | "KEYS_ONLY" | "INCLUDE", included attributes)`."""
    provisioned: tuple[int, int] | None
    """`(read, write)` units of a global index of a provisioned table."""


class TableKeys(NamedTuple):
    """One table's part of a batch get."""

    table: str
    keys: list[Item]
    consistent_read: bool
    projection: Expression | None


Write: TypeAlias = tuple[str, bool, Item | NativeItem]
"""One write of a batch, `(table, put, item)`: a put of `item` (encoded for the request as it
is, or in wire form), or a delete of the key `item`. A plain tuple: a batch makes one per
write, and a named tuple's constructor is a Python call."""


class Action(NamedTuple):
    """One action of a transaction: `put` (the item), `update`, `delete` or `check` (the
    key)."""

    kind: Literal["put", "update", "delete", "check"]
    table: str
    item: Item
    update: Expression | None
    condition: Expression | None


class Get(NamedTuple):
    """One read of a transaction."""

    table: str
    key: Item
