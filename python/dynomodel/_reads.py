"""Query and Scan: the request a read makes, and the results that page through it on demand."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar, overload

from pydantic import BaseModel

from ._calls import Call, Steps, run_async, run_sync
from ._expressions import BeginsWith, Between, Comparison, Condition, ExpressionBuilder
from ._indexes import SecondaryIndex
from ._paths import Path
from ._types import Item
from .exceptions import InvalidExpressionError, ResultsConsumedError

if TYPE_CHECKING:
    from ._table import Table

__all__ = [
    "Index",
    "Projection",
    "ReadPlan",
    "Reader",
    "Results",
    "Shape",
    "SyncResults",
    "plan_query",
    "plan_scan",
    "projection_paths",
    "read_shape",
    "unread_fields",
]

R = TypeVar("R")

Projection: TypeAlias = Sequence[Path[Any] | str]
"""The attributes to read: paths (`attr(Order.total)`, `Order.address.city`) or field names."""

Shape: TypeAlias = Literal["models", "dicts", "partial"]
"""What a read's items become (see `read_shape`)."""

_Expression: TypeAlias = tuple[str, dict[str, str], dict[str, Any]]
_SORT_KEY_OPERATORS = {"=", "<", "<=", ">", ">="}


@dataclass(frozen=True)
class ReadPlan:
    """One Query or Scan, compiled: everything but where the next page starts."""

    table: Table[Any]
    index: str | None
    """The index read instead of the table, by name."""
    key_condition: _Expression | None
    """None for a Scan."""
    filter: _Expression | None
    projection: _Expression | None
    counting: tuple[_Expression | None, _Expression | None]
    """The key condition and filter of a Select=COUNT request (no projection)."""
    consistent_read: bool
    forward: bool
    shape: Shape
    segments: int
    """Parallel scan segments; 0 for one sequential read."""
    key_fields: tuple[str, ...]
    """The fields a LastEvaluatedKey holds: the table's keys, then the index's."""
    unread: frozenset[str] | None = None
    """The fields a projection (or the index) leaves out of models, recorded on each one so
    that it is never saved whole over the stored values."""

    def read_args(self, limit: int | None, start_key: Item | None, count_only: bool) -> Any:
        if count_only:
            return (self.counting[1], None, limit, start_key, self.consistent_read, True)
        return (self.filter, self.projection, limit, start_key, self.consistent_read, False)


def plan_query(
    table: Table[Any],
    index: SecondaryIndex | None,
    *,
    partition_key: Any,
    sort_key_condition: Condition | None,
    filter_condition: Condition | None,
    projection: Projection | None,
    consistent_read: bool | None,
    scan_index_forward: bool,
    as_dict: bool,
) -> ReadPlan:
    """Compile a Query; every value is encoded and checked here, before anything is sent."""
    partition_field, sort_field = _keys_of(table, index)
    builder = ExpressionBuilder()
    partition = table._path(partition_field) == partition_key
    key_text = builder.condition(partition)
    if sort_key_condition is not None:
        _check_sort_key_condition(table, sort_key_condition, sort_field)
        key_text = f"{key_text} AND {builder.condition(sort_key_condition)}"
    return _plan(
        table,
        index,
        builder,
        key_text,
        filter_condition,
        projection,
        consistent_read,
        scan_index_forward,
        as_dict,
        0,
    )


def plan_scan(
    table: Table[Any],
    index: SecondaryIndex | None,
    *,
    filter_condition: Condition | None,
    projection: Projection | None,
    consistent_read: bool | None,
    as_dict: bool,
    segments: int | None,
) -> ReadPlan:
    """Compile a Scan (split in `segments` read concurrently, if given)."""
    if segments is not None and not 1 <= segments <= 1_000_000:
        raise InvalidExpressionError(f"segments is 1 to 1,000,000, not {segments}")
    builder = ExpressionBuilder()
    return _plan(
        table,
        index,
        builder,
        None,
        filter_condition,
        projection,
        consistent_read,
        True,
        as_dict,
        segments or 0,
    )


def _plan(
    table: Table[Any],
    index: SecondaryIndex | None,
    builder: ExpressionBuilder,
    key_text: str | None,
    filter_condition: Condition | None,
    projection: Projection | None,
    consistent_read: bool | None,
    forward: bool,
    as_dict: bool,
    segments: int,
) -> ReadPlan:
    consistent = table.consistent_read if consistent_read is None else consistent_read
    if consistent and index is not None and index.is_global:
        raise InvalidExpressionError(
            f"{index.name!r} is a global index: DynamoDB reads global indexes eventually "
            "consistent only"
        )
    filter_text = None if filter_condition is None else builder.condition(filter_condition)
    # A Select=COUNT request takes no projection, and DynamoDB refuses unused placeholders: the
    # count's expressions carry the placeholders as they were before the projection's.
    counting = _with_placeholders(builder, [key_text, filter_text])
    paths = projection_paths(table, projection)
    projection_text = None if paths is None else builder.projection(paths)
    shape = read_shape(table, index, paths, as_dict)
    unread = unread_fields(table, index, paths) if shape == "models" else None
    reading = _with_placeholders(builder, [key_text, filter_text, projection_text])
    key_condition, filter_expression, projection_expression = reading
    keys = list(table.key_fields)
    if index is not None:
        index_keys = _keys_of(table, index)
        keys += [k for k in index_keys if k is not None and k not in keys]
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


def read_shape(
    table: Table[Any], index: SecondaryIndex | None, paths: list[Path[Any]] | None, as_dict: bool
) -> Shape:
    """What the items of a read become: models, dicts of the model's types, or partial dicts
    when the projection (or the index) leaves out required fields, which as models is an error.
    """
    projected = _projected_fields(table, index, paths)
    if projected is None:
        return "dicts" if as_dict else "models"
    missing = [
        name
        for name, info in table.model.model_fields.items()
        if info.is_required() and name not in projected
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
    table: Table[Any], index: SecondaryIndex | None, paths: list[Path[Any]] | None
) -> frozenset[str] | None:
    """The fields of the model a read leaves out (they get their defaults), or None when it
    reads whole items."""
    projected = _projected_fields(table, index, paths)
    if projected is None:
        return None
    unread = frozenset(table.model.model_fields) - projected
    return unread or None


def projection_paths(table: Table[Any], projection: Projection | None) -> list[Path[Any]] | None:
    """A projection's items as paths (field names allowed)."""
    return None if projection is None else [_as_path(table, p) for p in projection]


def _with_placeholders(
    builder: ExpressionBuilder, texts: list[str | None]
) -> list[_Expression | None]:
    """The expressions of one request, the placeholder maps riding on the first of them."""
    expressions: list[_Expression | None] = [
        None if text is None else (text, {}, {}) for text in texts
    ]
    for position, text in enumerate(texts):
        if text is not None:
            expressions[position] = (text, dict(builder.names), dict(builder.values))
            break
    return expressions


def _keys_of(table: Table[Any], index: SecondaryIndex | None) -> tuple[str, str | None]:
    if index is None:
        return table.partition_key, table.sort_key
    return index.partition_key or table.partition_key, index.sort_key


def _as_path(table: Table[Any], item: Path[Any] | str) -> Path[Any]:
    if isinstance(item, str):
        if item not in table.model.model_fields:
            raise InvalidExpressionError(f"{table.model.__name__} has no field {item!r}")
        return table._path(item)
    return item


def _projected_fields(
    table: Table[Any], index: SecondaryIndex | None, paths: list[Path[Any]] | None
) -> set[str] | None:
    """The top-level fields a read returns, or None for all of them."""
    fields = set(table.model.model_fields)
    if paths is not None:
        return {str(p._steps[0]) for p in paths if p._model is not None and len(p._steps) == 1}
    if index is None or index.projection == "ALL":
        return None
    included: set[str] = set() if index.projection == "KEYS_ONLY" else set(index.projection)
    keys = {*table.key_fields, *(k for k in _keys_of(table, index) if k)}
    return (included | keys) & fields


def _check_sort_key_condition(
    table: Table[Any], condition: Condition, sort_field: str | None
) -> None:
    where = f"{table.model.__name__}.query(sort_key_condition=...)"
    if sort_field is None:
        raise InvalidExpressionError(f"{where}: the table or index has no sort key")
    allowed = isinstance(condition, Between | BeginsWith) or (
        isinstance(condition, Comparison) and condition.op in _SORT_KEY_OPERATORS
    )
    paths = list(condition.paths())
    if not allowed or len(paths) != 1 or paths[0]._stored != table._path(sort_field)._stored:
        raise InvalidExpressionError(
            f"{where}: a key condition is = < <= > >= between or begins_with on the sort key "
            f"{sort_field!r}, with values; filter on anything else with filter_condition"
        )


class _Pages(Generic[R]):
    """The paging state a result shares between its async and sync forms."""

    def __init__(
        self,
        plan: ReadPlan,
        *,
        limit: int | None,
        page_size: int | None,
        last_evaluated_key: Mapping[str, Any] | None,
        skip_hooks: bool = False,
    ) -> None:
        for name, value in (("limit", limit), ("page_size", page_size)):
            if value is not None and (isinstance(value, bool) or value < 1):
                raise InvalidExpressionError(f"{name} must be a positive int, not {value!r}")
        if last_evaluated_key is not None and plan.segments:
            raise InvalidExpressionError("a parallel scan cannot resume from one key")
        self._plan = plan
        self._skip_hooks = skip_hooks
        self._limit = limit
        self._page_size = page_size
        start = None if last_evaluated_key is None else dict(last_evaluated_key)
        self._start: Item | None = start
        segments = range(plan.segments) if plan.segments else range(1)
        self._pending: list[tuple[int, Item | None]] = [(s, start) for s in segments]
        self._buffer: deque[R] = deque()
        self._returned = 0
        self._page_start: Item | None = start
        self._page_end: Item | None = start
        self._last_handed: R | None = None
        """The last item handed out of the current page; None before the first."""
        self._iterated = False
        self.scanned_count = 0
        """Items DynamoDB read so far (before the filter): what the reads paid for."""

    @property
    def last_evaluated_key(self) -> Item | None:
        """Where a new read with `last_evaluated_key=` resumes: after the last item handed out,
        or None once everything was read. None for a parallel scan (it has one per segment)."""
        if self._plan.segments:
            return None
        if self._buffer:
            if self._last_handed is None:
                return self._page_start
            return self._key_of(self._last_handed)
        return self._page_end

    @property
    def _limit_reached(self) -> bool:
        return self._limit is not None and self._returned >= self._limit

    @property
    def _done(self) -> bool:
        return not self._pending or self._limit_reached

    @property
    def _ready(self) -> bool:
        """Whether an item read is waiting to be handed out."""
        return bool(self._buffer) and not self._limit_reached

    def _take(self) -> R:
        item = self._buffer.popleft()
        self._last_handed = item
        self._returned += 1
        return item

    def _request_limit(self, hint: int | None) -> int | None:
        """The request's `Limit`: an explicit `page_size`; else what is left of `limit` (and
        one item when one is all the caller wants)."""
        if self._page_size is not None:
            return self._page_size
        remaining = None if self._limit is None else self._limit - self._returned
        sizes = [s for s in (remaining, hint) if s is not None]
        return min(sizes) if sizes else None

    def _start_iteration(self) -> None:
        """A result reads its pages once: iterating again after the end would silently yield
        nothing, so it raises instead (after a `break`, iterating again goes on from there)."""
        if self._iterated and self._done and not self._ready:
            raise ResultsConsumedError(
                "this result was read to its end already: run the query or scan again for a "
                "fresh read, or keep the items (`list(...)`) to go over them twice"
            )
        self._iterated = True

    def _pages(
        self, pending: list[tuple[int, Item | None]], limit: int | None, count_only: bool
    ) -> Steps[list[tuple[int, dict[str, Any]]]]:
        """One Query page, or one Scan page of each pending segment (sent together), with the
        segment each came from; the consumed capacity is recorded."""
        plan = self._plan
        table = plan.table
        native = table.client._native
        codec = None if count_only else table.codec._native
        if plan.key_condition is not None:
            args = plan.read_args(limit, pending[0][1], count_only)
            key_condition = plan.counting[0] if count_only else plan.key_condition
            query = (table.name, plan.index, key_condition, args, plan.forward)
            outputs = [(yield Call(native.query, (*query, codec, plan.shape, plan.unread)))]
        else:
            args = plan.read_args(limit, None, count_only)
            scan = (table.name, plan.index, args, pending, plan.segments)
            outputs = yield Call(native.scan, (*scan, codec, plan.shape, plan.unread))
        for output in outputs:
            table.stats._record(output)
        return [(segment, output) for (segment, _), output in zip(pending, outputs, strict=True)]

    def _fetch(self, hint: int | None = None) -> Steps[None]:
        """Read the next page (one per pending segment) into the buffer."""
        segmented = bool(self._plan.segments)
        pages = yield from self._pages(self._pending, self._request_limit(hint), False)
        self._page_start = None if segmented else self._pending[0][1]
        items: list[R] = []
        for _, output in pages:
            self.scanned_count += output["scanned"]
            items.extend(output["items"])
        self._pending = [(s, out["last_key"]) for s, out in pages if out["last_key"] is not None]
        self._page_end = self._pending[0][1] if self._pending and not segmented else None
        # A page may hold more than `limit` leaves to hand out (an explicit page_size, the
        # segments of a parallel scan): they stay unhanded, and the resume key is the last
        # item handed out, so nothing is skipped.
        handed = items if self._limit is None else items[: self._limit - self._returned]
        if self._plan.shape == "models":
            yield from self._plan.table._loaded(handed, self._skip_hooks)
        self._buffer.extend(items)
        self._last_handed = None

    def _first(self) -> Steps[R | None]:
        # Without a filter every item read is returned, so one item is all a request needs.
        hint = 1 if self._plan.filter is None else None
        while not self._buffer and not self._done:
            yield from self._fetch(hint)
        return self._take() if self._ready else None

    def _count(self) -> Steps[int]:
        """Select=COUNT pages from where this result starts, following LastEvaluatedKey, up
        to `limit` items."""
        segments = range(self._plan.segments) if self._plan.segments else range(1)
        pending: list[tuple[int, Item | None]] = [(s, self._start) for s in segments]
        total = 0
        limit = self._limit
        while pending and (limit is None or total < limit):
            size = self._page_size
            if size is None and limit is not None and not self._plan.segments:
                size = limit - total
            pages = yield from self._pages(pending, size, True)
            total += sum(output["count"] for _, output in pages)
            pending = [(s, out["last_key"]) for s, out in pages if out["last_key"] is not None]
        return total if limit is None else min(total, limit)

    def _key_of(self, item: R) -> Item:
        if isinstance(item, BaseModel):
            values = {name: getattr(item, name) for name in self._plan.key_fields}
        else:
            data: Mapping[str, Any] = item  # type: ignore[assignment]
            values = {name: data[name] for name in self._plan.key_fields if name in data}
        encoded = self._plan.table.codec.fields(values)
        return {name: value for name, value in encoded.items() if value is not None}


class Results(_Pages[R]):
    """The items of a Query or Scan, read a page at a time as `async for` asks for them.

    `limit` is the most items handed out in all; `page_size` the most each request reads
    (DynamoDB's `Limit`; without it, `limit` is the page size too, and DynamoDB's 1 MB pages
    otherwise). Each page crosses from Rust once and is validated there, item by item, with no
    Python loop. After iterating, `last_evaluated_key` says where a new read can resume.
    """

    async def __aiter__(self) -> AsyncIterator[R]:
        self._start_iteration()
        while True:
            while self._ready:
                yield self._take()
            if self._done:
                return
            await run_async(self._fetch())

    async def first(self) -> R | None:
        """The first item (or None), reading no more pages than it takes to find it."""
        return await run_async(self._first())

    async def count(self) -> int:
        """How many items match: Select=COUNT requests from this read's start, following every
        page (the capacity is that of reading the items; nothing is returned)."""
        return await run_async(self._count())


class SyncResults(_Pages[R]):
    """Blocking twin of `Results`: iterate it with `for`."""

    def __iter__(self) -> Iterator[R]:
        self._start_iteration()
        while True:
            while self._ready:
                yield self._take()
            if self._done:
                return
            run_sync(self._fetch(), _SYNC_READ, "async for over query() or scan()")

    def first(self) -> R | None:
        """The first item (or None), reading no more pages than it takes to find it."""
        return run_sync(self._first(), _SYNC_READ, "await ....first()")

    def count(self) -> int:
        """How many items match (Select=COUNT, every page, up to `limit`)."""
        return run_sync(self._count(), _SYNC_READ, "await ....count()")


_SYNC_READ = "a sync_query() or sync_scan() result"


M = TypeVar("M", bound=BaseModel)


class Reader(Generic[M]):
    """Query, Scan and count of items of `M`, on a table (`Table`) or one of its indexes
    (`Index`); each method compiles its request first, so bad input raises before any call."""

    __slots__ = ()

    def _target(self) -> tuple[Table[M], SecondaryIndex | None]:
        raise NotImplementedError

    @overload
    def query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[False] = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[M]: ...
    @overload
    def query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[True],
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[dict[str, Any]]: ...
    @overload
    def query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[Any]: ...
    def query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[Any]:
        """Query: the items under `partition_key`, in sort key order (descending with
        `scan_index_forward=False`), read a page at a time as `async for` asks.

        `sort_key_condition` is `= < <= > >= between begins_with` on the sort key;
        `filter_condition` drops items after they are read (they still cost capacity). Each
        request costs 0.5 RCU per 4 KB read (1 RCU consistent), summed over the page, not per
        item. `as_dict=True` gives dicts of the model's Python values; `projection` reads only
        the named attributes (as models only if every required field is among them).
        The model's `after_load` runs on each model unless `skip_hooks`.
        """
        table, index = self._target()
        plan = plan_query(
            table,
            index,
            partition_key=partition_key,
            sort_key_condition=sort_key_condition,
            filter_condition=filter_condition,
            projection=projection,
            consistent_read=consistent_read,
            scan_index_forward=scan_index_forward,
            as_dict=as_dict,
        )
        return Results(
            plan,
            limit=limit,
            page_size=page_size,
            last_evaluated_key=last_evaluated_key,
            skip_hooks=skip_hooks,
        )

    @overload
    def sync_query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[False] = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[M]: ...
    @overload
    def sync_query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[True],
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[dict[str, Any]]: ...
    @overload
    def sync_query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[Any]: ...
    def sync_query(
        self,
        *,
        partition_key: Any,
        sort_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[Any]:
        """Blocking twin of `query`: iterate the result with `for`."""
        table, index = self._target()
        plan = plan_query(
            table,
            index,
            partition_key=partition_key,
            sort_key_condition=sort_key_condition,
            filter_condition=filter_condition,
            projection=projection,
            consistent_read=consistent_read,
            scan_index_forward=scan_index_forward,
            as_dict=as_dict,
        )
        return SyncResults(
            plan,
            limit=limit,
            page_size=page_size,
            last_evaluated_key=last_evaluated_key,
            skip_hooks=skip_hooks,
        )

    @overload
    def scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[False] = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[M]: ...
    @overload
    def scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[True],
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[dict[str, Any]]: ...
    @overload
    def scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[Any]: ...
    def scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> Results[Any]:
        """Scan: every item, a page at a time. Reads (and pays for) the whole table or index:
        0.5 RCU per 4 KB eventually consistent, whatever the filter drops.

        With `segments=N`, a parallel scan: N segments read concurrently on the Rust runtime,
        one request per segment per page; it cannot resume from `last_evaluated_key`. The
        model's `after_load` runs on each model unless `skip_hooks`.
        """
        table, index = self._target()
        plan = plan_scan(
            table,
            index,
            filter_condition=filter_condition,
            projection=projection,
            consistent_read=consistent_read,
            as_dict=as_dict,
            segments=segments,
        )
        return Results(
            plan,
            limit=limit,
            page_size=page_size,
            last_evaluated_key=last_evaluated_key,
            skip_hooks=skip_hooks,
        )

    @overload
    def sync_scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[False] = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[M]: ...
    @overload
    def sync_scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: Literal[True],
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[dict[str, Any]]: ...
    @overload
    def sync_scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[Any]: ...
    def sync_scan(
        self,
        *,
        filter_condition: Condition | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
        last_evaluated_key: Mapping[str, Any] | None = None,
        as_dict: bool = False,
        projection: Projection | None = None,
        skip_hooks: bool = False,
    ) -> SyncResults[Any]:
        """Blocking twin of `scan`: iterate the result with `for`."""
        table, index = self._target()
        plan = plan_scan(
            table,
            index,
            filter_condition=filter_condition,
            projection=projection,
            consistent_read=consistent_read,
            as_dict=as_dict,
            segments=segments,
        )
        return SyncResults(
            plan,
            limit=limit,
            page_size=page_size,
            last_evaluated_key=last_evaluated_key,
            skip_hooks=skip_hooks,
        )

    async def count(
        self,
        *,
        filter_condition: Condition | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
    ) -> int:
        """How many items there are (matching `filter_condition`): a Scan with Select=COUNT
        over every page. It reads, and pays for, every item; nothing is returned."""
        return await self.scan(
            filter_condition=filter_condition,
            segments=segments,
            consistent_read=consistent_read,
            as_dict=True,  # counting decodes nothing: any projection will do
        ).count()

    def sync_count(
        self,
        *,
        filter_condition: Condition | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
    ) -> int:
        """Blocking twin of `count`."""
        return self.sync_scan(
            filter_condition=filter_condition,
            segments=segments,
            consistent_read=consistent_read,
            as_dict=True,  # counting decodes nothing: any projection will do
        ).count()


class Index(Reader[M]):
    """A secondary index of `M`'s table, to query and scan like the table itself:
    `Order.by_status.query(partition_key="shipped")`, or `table_of(User).index("by-name")`."""

    __slots__ = ("definition", "table")

    def __init__(self, table: Table[M], definition: SecondaryIndex) -> None:
        self.table = table
        self.definition = definition

    def __repr__(self) -> str:
        return f"Index({self.table.model.__name__}, {self.definition.name!r})"

    @property
    def name(self) -> str:
        """The index name."""
        return self.definition.name

    def _target(self) -> tuple[Table[M], SecondaryIndex | None]:
        return self.table, self.definition
