"""`Reader[M]`: Query, Scan and count of a table or of one of its indexes."""

from __future__ import annotations

import difflib
from typing import Any, Generic, Literal, Never, TypeVar, cast, overload

from typing_extensions import Unpack

from .._io.driver import Steps, awaitable, blocking
from .._ops.bound import BoundTable
from .._ops.reads import Results
from .._table.indexes import SecondaryIndex
from .._table.reads import (
    NO_KEY,
    QUERY_OPTIONS,
    CountOptions,
    QueryOptions,
    ScanOptions,
    plan_query,
    plan_scan,
)
from ..exceptions import InvalidExpressionError

__all__ = ["Reader", "queried", "scanned"]

M = TypeVar("M")


class Reader(Generic[M]):
    """Query, Scan and count of items of `M`, on a table (`Table`) or one of its indexes
    (`Index`). Each method compiles its request first, so bad input raises before any call; the
    options are those of `QueryOptions` and `ScanOptions`."""

    __slots__ = ()

    def target(self) -> tuple[BoundTable[M], SecondaryIndex | None]:
        """The table a read goes to, and the index it reads instead, if any."""
        raise NotImplementedError

    @overload
    def query(
        self,
        *,
        partition_key: Any,
        as_dict: Literal[False] = False,
        **options: Unpack[QueryOptions],
    ) -> Results[M]: ...
    @overload
    def query(
        self, *, partition_key: Any, as_dict: Literal[True], **options: Unpack[QueryOptions]
    ) -> Results[dict[str, Any]]: ...
    @overload
    def query(
        self, *, partition_key: Any, as_dict: bool, **options: Unpack[QueryOptions]
    ) -> Results[Any]: ...
    @overload
    def query(
        self, *, partition_key: Never = ..., as_dict: Literal[False] = False, **key_fields: Any
    ) -> Results[M]: ...
    @overload
    def query(
        self, *, partition_key: Never = ..., as_dict: Literal[True], **key_fields: Any
    ) -> Results[dict[str, Any]]: ...
    def query(self, *, partition_key: Any = NO_KEY, **options: Any) -> Results[Any]:
        """Query: the items under `partition_key`, in sort key order (descending with
        `scan_index_forward=False`), read a page at a time as `async for` asks.

        Where the partition key is a `KeyTemplate`, its fields may be given instead
        (`Order.query(customer_id="C1")`), followed by the first fields of the sort key's
        template for a `begins_with` on it (`placed_at=...`). An entity's query returns its own
        items only: DynamoDB reads the sort key range of its template's prefix, or else a filter
        on its type drops the others (after they are read and paid for).

        Each request costs 0.5 RCU per 4 KB read (1 RCU consistent), summed over the page, not
        per item; items a `filter_condition` drops are paid for too. `as_dict=True` gives dicts
        of the model's Python values (its dumps; built without pydantic for a plain model). The
        model's `after_load` runs on each model unless `skip_hooks`. See `QueryOptions` for the
        rest.
        """
        return queried(self, partition_key, options)

    sync_query = query
    """`query`, by the name blocking code knows: iterate its result with `for`."""

    @overload
    def scan(
        self, *, as_dict: Literal[False] = False, **options: Unpack[ScanOptions]
    ) -> Results[M]: ...
    @overload
    def scan(
        self, *, as_dict: Literal[True], **options: Unpack[ScanOptions]
    ) -> Results[dict[str, Any]]: ...
    @overload
    def scan(self, *, as_dict: bool, **options: Unpack[ScanOptions]) -> Results[Any]: ...
    def scan(self, **options: Any) -> Results[Any]:
        """Scan: every item, a page at a time. Reads (and pays for) the whole table or index:
        0.5 RCU per 4 KB eventually consistent, whatever the filter drops.

        With `segments=N`, a parallel scan: N segments read concurrently on the Rust runtime,
        one request per segment per page; it cannot resume from `last_evaluated_key`. See
        `ScanOptions` for the rest.
        """
        return scanned(self, options)

    sync_scan = scan
    """`scan`, by the name blocking code knows: iterate its result with `for`."""

    def _count(self, **options: Unpack[CountOptions]) -> Steps[int]:
        """How many items there are (matching `filter_condition`): a Scan with Select=COUNT
        over every page. It reads, and pays for, every item; nothing is returned."""
        return scanned(self, {**options, "as_dict": True}).counted()

    count = awaitable(_count)
    sync_count = blocking(_count)


def queried(reader: Reader[Any], partition_key: Any, options: dict[str, Any]) -> Results[Any]:
    """The results of a Query through `reader`, compiled from `options` (and the key
    templates' fields among them)."""
    table, index = reader.target()
    mapping = table.mapping
    keys = mapping.sources(mapping.index_keys[index.name] if index else mapping.key_fields)
    fields = {name: options.pop(name) for name in list(options) if name not in QUERY_OPTIONS}
    unknown = [name for name in fields if name not in keys]
    if unknown:
        close = difflib.get_close_matches(unknown[0], [*QUERY_OPTIONS, *keys], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InvalidExpressionError(
            f"{mapping.model.__name__}.query: unknown option {unknown[0]!r}{hint}; a query takes "
            f"{', '.join(sorted(QUERY_OPTIONS))}"
            + (f" and the key template fields {', '.join(keys)}" if mapping.templates else "")
        )
    as_dict = bool(options.pop("as_dict", False))
    read = cast(QueryOptions, options)
    plan = plan_query(mapping, index, partition_key, read, table.consistent_read, as_dict, fields)
    return Results(table, plan, read)


def scanned(reader: Reader[Any], options: dict[str, Any]) -> Results[Any]:
    """The results of a Scan through `reader`, compiled from `options`."""
    table, index = reader.target()
    as_dict = bool(options.pop("as_dict", False))
    read = cast(ScanOptions, options)
    plan = plan_scan(table.mapping, index, read, table.consistent_read, as_dict)
    return Results(table, plan, read)
