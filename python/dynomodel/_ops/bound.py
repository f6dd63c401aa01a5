"""`BoundTable`: a table mapping bound to the client its calls go through, with its statistics
and defaults; what every operation runs against. Models find theirs in a registry here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from .._io.client import (
    CreateOptions,
    DynamoClient,
    TableSpec,
    checked_capacity,
    created,
    get_default_client,
)
from .._io.costs import CallCost, TableStats
from .._io.driver import Hook, Steps
from .._io.limits import RateLimit
from .._io.objects import bind_objects
from .._native import Client as NativeClient
from .._native import Cost
from .._table.mapping import TableMapping
from ..exceptions import ModelDefinitionError

__all__ = ["BoundTable", "bind", "bound_of", "mapped", "ready", "record_units", "table_spec"]

M = TypeVar("M")

_TABLE_ATTRIBUTE = "__dynamo_table__"


class BoundTable(Generic[M]):
    """A `TableMapping` bound to a client (or, without one, the default client at call time),
    with the statistics of the calls made through it and its defaults for reads and hooks."""

    __slots__ = ("_client", "consistent_read", "mapping", "rate_limit", "skip_hooks", "stats")

    def __init__(
        self,
        mapping: TableMapping[M],
        *,
        client: DynamoClient | None = None,
        consistent_read: bool = False,
        skip_hooks: bool = False,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.mapping = mapping
        """The model-to-table mapping: keys, codec, special fields, indexes."""
        self._client = client
        self.consistent_read = consistent_read
        """The default of `consistent_read` for `get`, `query` and `scan`."""
        self.skip_hooks = skip_hooks
        """Never run the model's hooks through this table."""
        self.stats = TableStats()
        """Consumed capacity and time of the calls made through this table."""
        where = f"{mapping.model.__name__}: rate_limit"
        self.rate_limit = None if rate_limit is None else RateLimit.of(rate_limit, where)
        """The table's (and its indexes') budgets, set on each client it is used through,
        unless that client gives the table budgets of its own."""

    @property
    def client(self) -> DynamoClient:
        """The client this table's calls go through."""
        return self._client or get_default_client()

    @client.setter
    def client(self, client: DynamoClient | None) -> None:
        self._client = client

    @property
    def native(self) -> NativeClient:
        """The native client behind `client`."""
        return self.client.native

    @property
    def name(self) -> str:
        """The table name."""
        return self.mapping.name

    @property
    def model(self) -> type[M]:
        """The model of the items."""
        return self.mapping.model

    def record(self, cost: Cost) -> None:
        """Count a native call's cost in the stats."""
        self.stats.add(CallCost.of(cost))

    def runs(self, hook: str, skip_hooks: bool) -> bool:
        """Whether the model has `hook` and this call runs it."""
        return hook in self.mapping.hooks and not (skip_hooks or self.skip_hooks)

    def hook(self, name: str, instance: Any, skip_hooks: bool) -> Steps[None]:
        """Run the model's hook `name` on `instance`, unless it has none or hooks are skipped."""
        if self.runs(name, skip_hooks):
            yield Hook(getattr(instance, name))

    def loaded(self, items: Sequence[M], skip_hooks: bool) -> Steps[Sequence[M]]:
        """`after_load` on each model read; their `S3Object`s read through this table's
        client."""
        if self.mapping.s3_fields:
            bind_objects(items, self.mapping.s3_fields, self.client)
        if self.runs("after_load", skip_hooks):
            for item in items:
                yield Hook(item.after_load)  # type: ignore[attr-defined]
        return items


def table_spec(table: BoundTable[Any], options: CreateOptions) -> TableSpec:
    """The CreateTable of `table`: its mapping's keys, indexes and TTL attribute, with the
    capacity `options` give (on demand by default)."""
    mapping = table.mapping
    units = checked_capacity(
        options.get("billing_mode", "PAY_PER_REQUEST"),
        options.get("read_capacity"),
        options.get("write_capacity"),
    )
    partition, sort = mapping.key_schema()
    index_capacity = dict(options.get("index_capacity") or {})
    indexes = mapping.index_schema(units, index_capacity)
    return TableSpec(table.name, partition, sort, units, indexes, mapping.ttl_attribute())


def ready(tables: Iterable[BoundTable[Any]], client: DynamoClient) -> Steps[None]:
    """Before a call to `tables` through `client`: each model's encrypted attributes and
    each table's `rate_limit` (where the client gives the table none) are set on the client;
    on a client made with `create_tables=True`, each table it meets for the first time is
    created from its mapping (an existing one is left as it is)."""
    for table in tables:
        client.encryption.adopt(table.mapping)
        if table.rate_limit is not None:
            client.rate_limits.adopt(table.name, table.rate_limit, table.model.__name__)
        if client.creates(table.name):
            yield from created(client, table_spec(table, {}), True, True)


def record_units(
    counts: Mapping[BoundTable[Any], int],
    units_by_table: Mapping[str, float],
    duration: float,
    prefix: str,
    write: bool,
) -> None:
    """Charge each table's stats with its part of one batch call: the units DynamoDB reported
    for its table (`prefix` + name), shared by request count between models of one table."""
    sharing: dict[str, list[tuple[BoundTable[Any], int]]] = {}
    for table, count in counts.items():
        sharing.setdefault(prefix + table.name, []).append((table, count))
    for name, tables in sharing.items():
        units = units_by_table.get(name, 0.0)
        total = sum(count for _, count in tables)
        for table, count in tables:
            share = units * count / total if total else 0.0
            read, written = (0.0, share) if write else (share, 0.0)
            table.stats.add(CallCost(read, written, duration))


def bind(model: type[Any], table: BoundTable[Any]) -> None:
    """Register `table` as `model`'s own (not inherited by subclasses)."""
    setattr(model, _TABLE_ATTRIBUTE, table)


def bound_of(model: type[M]) -> BoundTable[M]:
    """The table `model` is mapped to.

    Raises:
        ModelDefinitionError: `model` is not mapped to a table.
    """
    table: BoundTable[M] | None = model.__dict__.get(_TABLE_ATTRIBUTE)
    if table is None:
        raise ModelDefinitionError(
            f"{model.__name__} is not mapped to a table: decorate it with @dynamo_table(...) "
            "or subclass DynamoModel with table=..."
        )
    return table


def mapped(target: type[M] | BoundTable[M]) -> BoundTable[M]:
    """The table of a mapped model, or the table itself."""
    return target if isinstance(target, BoundTable) else bound_of(target)
