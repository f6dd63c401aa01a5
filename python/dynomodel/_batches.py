"""Batches: BatchGetItem and BatchWriteItem for any number of items, with nothing lost.

The native client splits a batch into DynamoDB's request limits (100 keys, 25 writes), runs the
requests concurrently and sends what DynamoDB leaves unprocessed again with exponential backoff
and jitter, for up to `timeout` seconds; whatever is still not done then is raised as
`BatchIncompleteError`, listed, never dropped.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from ._calls import Call, Steps, warn_if_blocking_a_loop
from ._client import BATCH_TIMEOUT
from ._expressions import ExpressionBuilder
from ._reads import Projection, Shape, projection_paths, read_shape, unread_fields
from ._table import CallCost, Table, TableStats, record_units, table_of
from ._types import Item
from .exceptions import BatchIncompleteError, InvalidKeyError

if TYPE_CHECKING:
    from ._client import DynamoClient

__all__ = ["BatchGetResults", "BatchWrite", "KeyInput", "TableRead", "batch_get", "key_values"]

M = TypeVar("M", bound=BaseModel)

KeyInput = Mapping[str, Any] | tuple[Any, ...] | str | int | bytes
"""A primary key: `{"pk": ..., "sk": ...}`, a `(partition, sort)` tuple, or the partition key's
value alone for a table without a sort key."""

WRITE_LIMIT = 25
"""Writes in one BatchWriteItem."""


def key_values(table: Table[Any], key: KeyInput, call: str) -> dict[str, Any]:
    """The key fields' values of `key`, in any of the `KeyInput` forms, checked to be the
    key fields (the error names the model's keys)."""
    fields = table.key_fields
    if isinstance(key, Mapping):
        return table.key_values(key, call)
    if isinstance(key, tuple):
        if len(key) != len(fields):
            raise InvalidKeyError(
                f"{table.model.__name__}.{call}: a key tuple holds {', '.join(fields)}, not "
                f"{len(key)} values"
            )
        return dict(zip(fields, key, strict=True))
    if len(fields) > 1:
        raise InvalidKeyError(
            f"{table.model.__name__}.{call}: the table has a sort key, so a key is a dict or a "
            f"({', '.join(fields)}) tuple"
        )
    return {fields[0]: key}


def mapped(target: type[BaseModel] | Table[Any]) -> Table[Any]:
    """The table of a mapped model, or the table itself."""
    return target if isinstance(target, Table) else table_of(target)


@dataclass(frozen=True)
class TableRead:
    """One table's part of a batch get, compiled."""

    table: Table[Any]
    keys: list[Item]
    consistent_read: bool
    projection: tuple[str, dict[str, str], dict[str, Any]] | None
    unread: frozenset[str] | None = None
    """The fields the projection leaves out, recorded on the models read."""

    @classmethod
    def of(
        cls,
        table: Table[Any],
        keys: Iterable[KeyInput],
        consistent_read: bool | None,
        projection: Projection | None = None,
        as_dict: bool = False,
    ) -> tuple[TableRead, Shape]:
        paths = projection_paths(table, projection)
        shape = read_shape(table, None, paths, as_dict)
        expression = None
        if paths is not None:
            builder = ExpressionBuilder()
            expression = (builder.projection(paths), builder.names, builder.values)
        consistent = table.consistent_read if consistent_read is None else consistent_read
        encoded = [table.codec.key(key_values(table, key, "batch_get")) for key in keys]
        unread = unread_fields(table, None, paths) if shape == "models" else None
        return cls(table, encoded, consistent, expression, unread), shape


def batch_get(
    client: DynamoClient, reads: Sequence[TableRead], shape: Shape, timeout: float, skip: bool
) -> Steps[tuple[list[list[Any]], CallCost]]:
    """The items of every read, each read's in the order of its keys (duplicates once, missing
    items absent), `after_load` run on models. Reads of one table (two models sharing it) go in
    separate calls: DynamoDB's answer does not say which model an item belongs to."""
    native = client._native
    found: list[list[Any]] = [[] for _ in reads]
    unprocessed: list[tuple[str, str, dict[str, Any]]] = []
    gave_up: str | None = None
    cost = CallCost(0.0, 0.0, 0.0)
    for batch in _rounds(reads):
        args = [(r.table.name, r.keys, r.consistent_read, r.projection) for _, r in batch]
        codecs = [r.table.codec._native for _, r in batch]
        # Only a one-table read takes a projection, so one record of what it left out serves.
        unread = batch[0][1].unread
        output = yield Call(native.batch_get, (args, codecs, shape, unread, timeout))
        record_units(
            Counter({r.table: len(r.keys) for _, r in batch}), output, client.table_prefix, False
        )
        cost = CallCost(
            cost.read_units + output["read"],
            cost.write_units + output["write"],
            cost.duration + output["duration"],
        )
        for (position, read), items in zip(batch, output["items"], strict=True):
            if shape == "models":
                items = yield from read.table._loaded(items, skip)
            found[position] = items
        unprocessed += [(t, "get", key) for t, keys in output["unprocessed"] for key in keys]
        gave_up = gave_up or output["gave_up"]
    if unprocessed:
        raise BatchIncompleteError(
            f"{len(unprocessed)} keys were not read: {gave_up}",
            unprocessed=unprocessed,
            items=[item for items in found for item in items],
        )
    return found, cost


def _rounds(reads: Sequence[TableRead]) -> list[list[tuple[int, TableRead]]]:
    """`reads` with their positions, grouped so that no group names a table twice."""
    rounds: list[list[tuple[int, TableRead]]] = []
    for position, read in enumerate(reads):
        for batch in rounds:
            if all(other.table.name != read.table.name for _, other in batch):
                batch.append((position, read))
                break
        else:
            rounds.append([(position, read)])
    return rounds


class BatchGetResults:
    """What a client-level `batch_get` read: `results[Order]` is the list of `Order`s found
    (in the order of their keys), for each model or table asked."""

    def __init__(self, found: Mapping[Table[Any], list[Any]], cost: CallCost) -> None:
        self._found = found
        self.cost = cost
        """The capacity and time of the whole batch."""

    def __getitem__(self, target: type[M] | Table[M]) -> list[M]:
        return self._found[mapped(target)]

    def __len__(self) -> int:
        return sum(len(items) for items in self._found.values())

    def __repr__(self) -> str:
        counts = ", ".join(f"{t.model.__name__}: {len(i)}" for t, i in self._found.items())
        return f"BatchGetResults({counts})"


_Write = tuple[Table[Any], bool, Item]
"""(table, is_put, item or key): one write, as the native client takes it once the table is
its name."""

_Identity = tuple[str, tuple[tuple[str, Any], ...]]
"""(table, key values): which item a write is to."""


class BatchWrite(Generic[M]):
    """Puts and deletes sent with BatchWriteItem, 25 to a request, as the requests fill.

    Use it as `async with Order.batch_write() as batch:` (requests go out concurrently while the
    block runs; the exit waits for all of them) or `with Order.sync_batch_write() as batch:`
    (each full request is sent, retries included, before `put` returns). On exit the last,
    partial request is sent and whatever DynamoDB left unprocessed is retried with backoff until
    written; what is still unwritten after `timeout` seconds raises `BatchIncompleteError`.

    Two writes of one key before it is sent are merged: the later one wins (DynamoDB refuses a
    request holding both). A later write of a key that is still in flight waits for it, so the
    last write of a key is the one that stays. When the block raises, what was queued is still
    sent, unless `discard_on_error=True`: then nothing more is sent (requests that already went
    out as they filled stay written).

    Every request goes through the client the batch was made from (`Order.batch_write()`:
    `Order`'s; `client.batch_write()`: that one), whatever client the models name. A batch made
    from a table (`table.batch_write()`, `Order.batch_write()`) writes its model's instances to
    that table; instances of other models go to their own tables.

    Batch writes carry no conditions (DynamoDB's BatchWriteItem has none): a `Version` field is
    written as the instance holds it, neither checked nor bumped, and no hooks run. Costs 1 WCU
    per KB of each item, as PutItem and DeleteItem would.
    """

    def __init__(
        self,
        client: DynamoClient,
        *,
        table: Table[Any] | None = None,
        discard_on_error: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> None:
        self._client = client
        self._table = table
        self._discard_on_error = discard_on_error
        self._timeout = timeout
        self._blocking: bool | None = None
        self._queued: dict[_Identity, _Write] = {}
        self._sent: list[tuple[asyncio.Future[Any], Counter[Table[Any]]]] = []
        self._in_flight: dict[_Identity, asyncio.Future[Any]] = {}
        self._unprocessed: list[tuple[str, str, dict[str, Any]]] = []
        self._gave_up: str | None = None
        self.stats = TableStats()
        """The requests this batch sent: their consumed capacity and time."""

    def put(self, instance: M) -> None:
        """Queue a PutItem of the whole item (unknown attributes it was loaded with included);
        the item is encoded now, so a value DynamoDB cannot store raises here, and so does an
        instance a projection read only in part (`PartialInstanceError`)."""
        table = self._table_of(instance)
        table.check_whole(instance, "batch_write().put")
        self._queue(table, True, table.codec.to_item(instance))

    def delete(self, instance: M) -> None:
        """Queue a DeleteItem of the instance's key."""
        table = self._table_of(instance)
        self._queue(table, False, table._key_of(instance))

    def delete_by_key(self, target: type[M] | Table[M], key: KeyInput) -> None:
        """Queue a DeleteItem of `key` (a dict, a `(partition, sort)` tuple, or the partition
        key's value) in the table of `target`, a mapped model or a `Table`."""
        table = mapped(target)
        self._queue(table, False, table.codec.key(key_values(table, key, "delete_by_key")))

    def _table_of(self, instance: BaseModel) -> Table[Any]:
        if self._table is not None and type(instance) is self._table.model:
            return self._table
        return mapped(type(instance))

    def _queue(self, table: Table[Any], put: bool, item: Item) -> None:
        if self._blocking is None:
            raise RuntimeError("use the batch as `with` / `async with` block")
        identity = (table.name, table._identity(item))
        self._queued.pop(identity, None)
        self._queued[identity] = (table, put, item)
        if len(self._queued) >= WRITE_LIMIT:
            self._send()

    def _send(self) -> None:
        queued, self._queued = self._queued, {}
        writes = [(table.name, put, item) for table, put, item in queued.values()]
        counts = Counter(table for table, _, _ in queued.values())
        native = self._client._native
        if self._blocking:
            self._settle(native.batch_write(writes, self._timeout, True), counts)
            return
        earlier = {
            future
            for identity in queued
            if (future := self._in_flight.get(identity)) is not None and not future.done()
        }
        if earlier:
            future = asyncio.ensure_future(self._after(earlier, writes))
        else:
            future = native.batch_write(writes, self._timeout, False)
        for identity in queued:
            self._in_flight[identity] = future
        self._sent.append((future, counts))

    async def _after(
        self, earlier: set[asyncio.Future[Any]], writes: list[tuple[str, bool, Item]]
    ) -> Any:
        # Their failures are reported on exit, with everyone else's.
        await asyncio.wait(earlier)
        return await self._client._native.batch_write(writes, self._timeout, False)

    def _settle(self, output: Mapping[str, Any], counts: Counter[Table[Any]]) -> None:
        self.stats._record(output)
        record_units(counts, output, self._client.table_prefix, True)
        self._unprocessed += [
            (table, "put" if put else "delete", item) for table, put, item in output["unprocessed"]
        ]
        self._gave_up = self._gave_up or output["gave_up"]

    def _flush_on_exit(self, failed: bool) -> None:
        if failed and self._discard_on_error:
            self._queued.clear()
        elif self._queued:
            self._send()

    def _raise_unprocessed(self) -> None:
        if self._unprocessed:
            raise BatchIncompleteError(
                f"{len(self._unprocessed)} writes were not written: {self._gave_up}",
                unprocessed=self._unprocessed,
            )

    def __enter__(self) -> BatchWrite[M]:
        warn_if_blocking_a_loop("with ...sync_batch_write()", "async with ...batch_write()")
        self._blocking = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._flush_on_exit(exc_type is not None)
        self._raise_unprocessed()

    async def __aenter__(self) -> BatchWrite[M]:
        self._blocking = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._flush_on_exit(exc_type is not None)
        outcomes = await asyncio.gather(*(f for f, _ in self._sent), return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        for outcome, (_, counts) in zip(outcomes, self._sent, strict=True):
            if not isinstance(outcome, BaseException):
                self._settle(outcome, counts)
        if failures:
            raise failures[0]
        self._raise_unprocessed()
