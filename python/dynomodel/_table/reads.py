"""Query and Scan requests, compiled from what the caller asks: key conditions, filters,
projections and what the items become. No I/O; `_ops.reads` sends them."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from typing_extensions import TypedDict

from .._expr.builder import Expression, ExpressionBuilder
from .._expr.nodes import BeginsWith, Between, Comparison, Condition
from .._expr.paths import Path, owner, steps, stored
from .._native import Entities
from .._schema.wire import Item
from ..exceptions import InvalidExpressionError
from .indexes import SecondaryIndex
from .mapping import TableMapping
from .requests import WIRE, Decoding, ReadRequest, Shape

__all__ = [
    "NO_KEY",
    "QUERY_OPTIONS",
    "CountOptions",
    "Projection",
    "QueryOptions",
    "ReadOptions",
    "ReadPlan",
    "ScanOptions",
    "Shape",
    "plan_query",
    "plan_scan",
    "projection_paths",
    "read_shape",
    "unread_fields",
]

Projection: TypeAlias = Sequence[Path[Any] | str]
"""The attributes to read: paths (`attr(Order.total)`, `Order.address.city`) or field names."""


_SORT_KEY_OPERATORS = {"=", "<", "<=", ">", ">="}


class ReadOptions(TypedDict, total=False):
    """What every Query and Scan takes besides its keys.

    - `filter_condition`: drops items after they are read (they still cost capacity).
    - `limit`: the most items handed out (and counted) in all.
    - `page_size`: the most items each request reads (DynamoDB's `Limit`); by default what is
      left of `limit`, else DynamoDB's 1 MB pages.
    - `consistent_read`: strongly consistent reads (twice the capacity; the table's setting by
      default; global indexes refuse it).
    - `last_evaluated_key`: where to resume, from an earlier result's `last_evaluated_key`.
    - `projection`: read only these attributes (paths or field names); models only if every
      required field is among them, and such models cannot be saved whole.
    - `skip_hooks`: do not run the model's `after_load`.
    """

    filter_condition: Condition | None
    limit: int | None
    page_size: int | None
    consistent_read: bool | None
    last_evaluated_key: Mapping[str, Any] | None
    projection: Projection | None
    skip_hooks: bool


class QueryOptions(ReadOptions, total=False):
    """A Query's options: `sort_key_condition` (`= < <= > >= between begins_with` on the sort
    key) and `scan_index_forward` (False: descending sort key order), beside `ReadOptions`."""

    sort_key_condition: Condition | None
    scan_index_forward: bool


QUERY_OPTIONS = QueryOptions.__optional_keys__ | {"as_dict"}
"""The names a Query takes besides its keys (and `as_dict`)."""


class ScanOptions(ReadOptions, total=False):
    """A Scan's options: `segments`, to read N segments concurrently (a parallel scan, which
    cannot resume from `last_evaluated_key`), beside `ReadOptions`."""

    segments: int | None


class CountOptions(TypedDict, total=False):
    """What a count takes: `filter_condition`, `segments` (a parallel count) and
    `consistent_read`."""

    filter_condition: Condition | None
    segments: int | None
    consistent_read: bool | None


@dataclass(frozen=True)
class ReadPlan:
    """One Query or Scan, compiled: everything but where the next page starts."""

    table: TableMapping[Any]
    index: str | None
    """The index read instead of the table, by name."""
    key_condition: Expression | None
    """None for a Scan."""
    filter: Expression | None
    projection: Expression | None
    counting: tuple[Expression | None, Expression | None]
    """The key condition and filter of a Select=COUNT request (no projection)."""
    consistent_read: bool
    forward: bool
    shape: Shape
    segments: int
    """Parallel scan segments; 0 for one sequential read."""
    key_fields: tuple[str, ...]
    """The keys a LastEvaluatedKey holds, the table's then the index's: fields, or the
    attributes key templates fill."""
    unread: frozenset[str] | None = None
    """The fields a projection (or the index) leaves out of models, recorded on each one so
    that it is never saved whole over the stored values."""
    entities: Entities | None = None
    """For a collection: the codecs of the entities its items may be, by type."""

    def signature(self) -> str:
        """A digest of what this read asks for (table, index, key condition with its values,
        filter, projection, order), apart from where it starts and how much it takes: equal for
        equal reads, in any process. What binds a resume token to the read it came from."""
        expressions = [self.key_condition, self.filter, self.projection]
        parts = [self.table.name, self.index, self.forward, self.shape, *expressions]
        text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=_plain)
        return hashlib.sha256(text.encode()).hexdigest()

    def request(self, limit: int | None, start_key: Item | None, count_only: bool) -> ReadRequest:
        """One page's request: up to `limit` items from `start_key`, or only their count."""
        if count_only:
            filter_, projection = self.counting[1], None
        else:
            filter_, projection = self.filter, self.projection
        return ReadRequest(filter_, projection, limit, start_key, self.consistent_read, count_only)

    def decoding(self, count_only: bool) -> Decoding:
        """How the page's items become Python values (none are read when counting)."""
        if count_only:
            return WIRE
        return Decoding(self.entities or self.table.codec.native, self.shape, self.unread)


_Options = TypeVar("_Options", QueryOptions, ScanOptions)

NO_KEY: Any = object()
"""`partition_key` not given: the fields of its template are."""


def plan_query(
    table: TableMapping[Any],
    index: SecondaryIndex | None,
    partition_key: Any,
    options: QueryOptions,
    consistent_default: bool,
    as_dict: bool,
    fields: Mapping[str, Any] | None = None,
    own_items: bool = True,
) -> ReadPlan:
    """Compile a Query; every value is encoded and checked here, before anything is sent.

    The partition is `partition_key` (its stored value), or built by its key template from
    `fields`; `fields` may also give the first fields of the sort key's template, which become
    a `begins_with` on the sort key. An entity's query is kept to its own items: a
    `begins_with` on its sort key template's literal prefix, or else a filter on its type.
    """
    partition_field, sort_field = _keys_of(table, index)
    fields = dict(fields or {})
    where = f"{table.model.__name__}.query"
    partition_key = _partition_value(table, partition_field, partition_key, fields, where)
    sort_key_condition = options.get("sort_key_condition")
    sort_template = table.templates.get(sort_field) if sort_field is not None else None
    if fields:
        sort_key_condition = _sort_prefix(table, sort_field, fields, sort_key_condition, where)
    elif (
        sort_key_condition is None
        and own_items
        and table.entity is not None
        and sort_template is not None
        and sort_template.prefix
    ):
        sort_key_condition = table.path(sort_template.attribute).begins_with(sort_template.prefix)
    if own_items and sort_key_condition is None:
        options = _own_items(table, options)
    builder = ExpressionBuilder()
    key_text = builder.condition(table.path(partition_field) == partition_key)
    if sort_key_condition is not None:
        _check_sort_key_condition(table, sort_key_condition, sort_field)
        key_text = f"{key_text} AND {builder.condition(sort_key_condition)}"
    forward = options.get("scan_index_forward", True)
    return _plan(table, index, builder, key_text, options, consistent_default, forward, as_dict, 0)


def _own_items(table: TableMapping[Any], options: _Options) -> _Options:
    """`options` with a filter on the entity's type beside the caller's, for an entity."""
    if table.type_attribute is None:
        return options
    own = table.path(table.type_attribute) == table.entity
    given = options.get("filter_condition")
    kept = copy(options)
    kept["filter_condition"] = own if given is None else own & given
    return kept


def _partition_value(
    table: TableMapping[Any],
    partition_field: str,
    given: Any,
    fields: dict[str, Any],
    where: str,
) -> Any:
    """The partition key's value: as given, or built by its template from `fields` (which
    loses the fields it takes)."""
    template = table.templates.get(partition_field)
    if given is not NO_KEY:
        return given
    if template is None:
        raise InvalidExpressionError(f"{where}: give partition_key, the {partition_field!r} value")
    missing = [f for f in template.fields if f not in fields]
    if missing:
        raise InvalidExpressionError(
            f"{where}: the partition key {partition_field!r} is built from "
            f"{', '.join(template.fields)}; give {', '.join(missing)} too (or partition_key)"
        )
    parts = {f: fields.pop(f) for f in template.fields}
    return table.codec.template_text(template.attribute, parts, True)


def _sort_prefix(
    table: TableMapping[Any],
    sort_field: str | None,
    fields: dict[str, Any],
    condition: Condition | None,
    where: str,
) -> Condition:
    """A `begins_with` on the sort key from the first fields of its template."""
    template = table.templates.get(sort_field) if sort_field is not None else None
    names = ", ".join(fields)
    if template is None:
        raise InvalidExpressionError(
            f"{where}: unknown option {names} (the sort key is no template to build a prefix of)"
        )
    leading = template.fields[: len(fields)]
    if set(leading) != set(fields):
        raise InvalidExpressionError(
            f"{where}: the sort key {template.attribute!r} is built from "
            f"{', '.join(template.fields)}; a prefix gives its first fields in that order, "
            f"not {names}"
        )
    if condition is not None:
        raise InvalidExpressionError(
            f"{where}: the sort key fields {names} make a begins_with condition already; "
            "give them or sort_key_condition"
        )
    prefix = table.codec.template_text(template.attribute, fields, False)
    return table.path(template.attribute).begins_with(prefix or "")


def plan_scan(
    table: TableMapping[Any],
    index: SecondaryIndex | None,
    options: ScanOptions,
    consistent_default: bool,
    as_dict: bool,
) -> ReadPlan:
    """Compile a Scan (split in `segments` read concurrently, if given). An entity's scan is
    kept to its own items by a filter on its type (the others are read, and paid for, too)."""
    segments = options.get("segments")
    if segments is not None and not 1 <= segments <= 1_000_000:
        raise InvalidExpressionError(f"segments is 1 to 1,000,000, not {segments}")
    options = _own_items(table, options)
    builder = ExpressionBuilder()
    return _plan(
        table, index, builder, None, options, consistent_default, True, as_dict, segments or 0
    )


def _plan(
    table: TableMapping[Any],
    index: SecondaryIndex | None,
    builder: ExpressionBuilder,
    key_text: str | None,
    options: ReadOptions,
    consistent_default: bool,
    forward: bool,
    as_dict: bool,
    segments: int,
) -> ReadPlan:
    consistent_read = options.get("consistent_read")
    consistent = consistent_default if consistent_read is None else consistent_read
    if consistent and index is not None and index.is_global:
        raise InvalidExpressionError(
            f"{index.name!r} is a global index: DynamoDB reads global indexes eventually "
            "consistent only"
        )
    filter_condition = options.get("filter_condition")
    filter_text = None if filter_condition is None else builder.condition(filter_condition)
    # A Select=COUNT request takes no projection, and DynamoDB refuses unused placeholders: the
    # count's expressions carry the placeholders as they were before the projection's.
    counting = _with_placeholders(builder, [key_text, filter_text])
    paths = projection_paths(table, options.get("projection"))
    projection_text = None if paths is None else builder.projection(paths)
    shape = read_shape(table, index, paths, as_dict)
    unread = unread_fields(table, index, paths) if shape == "models" else None
    reading = _with_placeholders(builder, [key_text, filter_text, projection_text])
    key_condition, filter_expression, projection_expression = reading
    keys = list(table.key_fields)
    if index is not None:
        keys += [k for k in _keys_of(table, index) if k is not None and k not in keys]
    return ReadPlan(
        table=table,
        index=None if index is None else index.name,
        key_condition=key_condition,
        filter=filter_expression,
        projection=projection_expression,
        counting=(counting[0], counting[1]),
        consistent_read=consistent,
        forward=forward,
        shape=shape,
        segments=segments,
        key_fields=tuple(keys),
        unread=unread,
    )


def _plain(value: object) -> str:
    """Bytes (a `B` value) as JSON can hold them."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    raise TypeError(f"no JSON form for {type(value).__name__}")


def read_shape(
    table: TableMapping[Any],
    index: SecondaryIndex | None,
    paths: list[Path[Any]] | None,
    as_dict: bool,
) -> Shape:
    """What the items of a read become: models, dicts of the model's types, or partial dicts
    when the projection (or the index) leaves out required fields, which as models is an error.
    """
    projected = _projected_fields(table, index, paths)
    if projected is None:
        return "dicts" if as_dict else "models"
    missing = [
        name for name, info in table.fields.items() if info.is_required() and name not in projected
    ]
    if not missing:
        return "dicts" if as_dict else "models"
    if not as_dict:
        raise InvalidExpressionError(
            f"{table.model.__name__}: the read leaves out required fields "
            f"({', '.join(missing)}), so its items cannot be {table.model.__name__} "
            "models; project them too, or pass as_dict=True for partial dicts"
        )
    return "partial"


def unread_fields(
    table: TableMapping[Any], index: SecondaryIndex | None, paths: list[Path[Any]] | None
) -> frozenset[str] | None:
    """The fields of the model a read leaves out (they get their defaults), or None when it
    reads whole items."""
    projected = _projected_fields(table, index, paths)
    if projected is None:
        return None
    unread = frozenset(table.fields) - projected
    return unread or None


def projection_paths(
    table: TableMapping[Any], projection: Projection | None
) -> list[Path[Any]] | None:
    """A projection's items as paths (field names allowed)."""
    return None if projection is None else [_as_path(table, p) for p in projection]


def _with_placeholders(
    builder: ExpressionBuilder, texts: list[str | None]
) -> list[Expression | None]:
    """The expressions of one request, the placeholder maps riding on the first of them."""
    expressions: list[Expression | None] = [
        None if text is None else Expression(text, {}, {}) for text in texts
    ]
    for position, text in enumerate(texts):
        if text is not None:
            expressions[position] = Expression(text, dict(builder.names), dict(builder.values))
            break
    return expressions


def _keys_of(table: TableMapping[Any], index: SecondaryIndex | None) -> tuple[str, str | None]:
    if index is None:
        return table.partition_key, table.sort_key
    return table.index_keys[index.name]


def _as_path(table: TableMapping[Any], item: Path[Any] | str) -> Path[Any]:
    if isinstance(item, str):
        if item not in table.fields:
            raise InvalidExpressionError(f"{table.model.__name__} has no field {item!r}")
        return table.path(item)
    return item


def _projected_fields(
    table: TableMapping[Any], index: SecondaryIndex | None, paths: list[Path[Any]] | None
) -> set[str] | None:
    """The top-level fields a read returns, or None for all of them."""
    fields = set(table.fields)
    if paths is not None:
        return {str(steps(p)[0]) for p in paths if owner(p) is not None and len(steps(p)) == 1}
    if index is None or index.projection == "ALL":
        return None
    included: set[str] = set() if index.projection == "KEYS_ONLY" else set(index.projection)
    keys = {*table.key_fields, *(k for k in _keys_of(table, index) if k)}
    keys |= set(table.sources(tuple(keys)))
    return (included | keys) & fields


def _check_sort_key_condition(
    table: TableMapping[Any], condition: Condition, sort_field: str | None
) -> None:
    where = f"{table.model.__name__}.query(sort_key_condition=...)"
    if sort_field is None:
        raise InvalidExpressionError(f"{where}: the table or index has no sort key")
    allowed = isinstance(condition, Between | BeginsWith) or (
        isinstance(condition, Comparison) and condition.op in _SORT_KEY_OPERATORS
    )
    paths = list(condition.paths())
    if not allowed or len(paths) != 1 or stored(paths[0]) != stored(table.path(sort_field)):
        raise InvalidExpressionError(
            f"{where}: a key condition is = < <= > >= between or begins_with on the sort key "
            f"{sort_field!r}, with values; filter on anything else with filter_condition"
        )
