"""Batches: BatchGetItem and BatchWriteItem for any number of items, with nothing lost.

The native client splits a batch into DynamoDB's request limits (100 keys, 25 writes), runs the
requests concurrently and sends what DynamoDB leaves unprocessed again with exponential backoff
and jitter, for up to `timeout` seconds; whatever is still not done then is raised as
`BatchIncompleteError`, listed, never dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from typing_extensions import TypedDict, Unpack

from .._expr.builder import Expression, ExpressionBuilder
from .._io.client import BATCH_TIMEOUT, DynamoClient, get_default_client
from .._io.costs import CallCost, TableStats
from .._io.driver import Call, Steps, awaitable, blocking, run_async, run_sync
from .._native import BatchGetOutput, BatchWriteOutput, NativeItem
from .._schema.wire import Item
from .._table.reads import Projection, projection_paths, read_shape, unread_fields
from .._table.requests import Decoding, Shape, TableKeys, Write
from ..exceptions import BatchIncompleteError, InvalidItemError, InvalidKeyError
from .bound import BoundTable, mapped, ready, record_units
from .objects import deleted_objects, pending

__all__ = [
    "BatchGetOptions",
    "BatchGetResults",
    "BatchWrite",
    "KeyInput",
    "batch_get",
    "batch_write",
    "key_values",
    "read_keys",
    "sync_batch_get",
]

M = TypeVar("M")

KeyInput = Mapping[str, Any] | tuple[Any, ...] | str | int | bytes
"""A primary key: `{"pk": ..., "sk": ...}`, a `(partition, sort)` tuple, or the partition key's
value alone for a table without a sort key."""

WRITE_LIMIT = 25
"""Writes in one BatchWriteItem."""


class BatchGetOptions(TypedDict, total=False):
    """What a batch get takes besides its keys.

    - `consistent_read`: strongly consistent reads (the table's setting by default).
    - `projection`: read only these attributes (paths or field names); models only if every
      required field is among them, and such models cannot be saved whole.
    - `skip_hooks`: do not run the model's `after_load`.
    - `timeout`: seconds to keep retrying unprocessed keys (60), then `BatchIncompleteError`.
    """

    consistent_read: bool | None
    projection: Projection | None
    skip_hooks: bool
    timeout: float


def key_values(table: BoundTable[Any], key: KeyInput, call: str) -> dict[str, Any]:
    """The key fields' values of `key`, in any of the `KeyInput` forms, checked to be the
    key fields (the error names the model's keys)."""
    mapping = table.mapping
    fields = mapping.key_fields
    if isinstance(key, Mapping):
        return mapping.key_values(key, call)
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


@dataclass(frozen=True)
class _TableRead:
    """One table's part of a batch get, compiled."""

    table: BoundTable[Any]
    keys: list[Item]
    consistent_read: bool
    projection: Expression | None
    unread: frozenset[str] | None
    """The fields the projection leaves out, recorded on the models read."""


def _compiled(
    table: BoundTable[Any], keys: Iterable[KeyInput], options: BatchGetOptions, as_dict: bool
) -> tuple[_TableRead, Shape]:
    mapping = table.mapping
    paths = projection_paths(mapping, options.get("projection"))
    shape = read_shape(mapping, None, paths, as_dict)
    expression = None
    if paths is not None:
        builder = ExpressionBuilder()
        expression = Expression(builder.projection(paths), builder.names, builder.values)
    consistent = options.get("consistent_read")
    if consistent is None:
        consistent = table.consistent_read
    encoded = mapping.codec.keys([key_values(table, key, "batch_get") for key in keys])
    unread = unread_fields(mapping, None, paths) if shape == "models" else None
    return _TableRead(table, encoded, consistent, expression, unread), shape


def read_keys(
    table: BoundTable[M], keys: Iterable[KeyInput], options: BatchGetOptions, as_dict: bool
) -> Steps[list[Any]]:
    """The items of `keys` in one table, in the order of their keys."""
    read, shape = _compiled(table, keys, options, as_dict)
    timeout = options.get("timeout", BATCH_TIMEOUT)
    found, _ = yield from _read_batches(
        table.client, [read], shape, timeout, options.get("skip_hooks", False)
    )
    return found[0]


def _read_batches(
    client: DynamoClient,
    reads: Sequence[_TableRead],
    shape: Shape,
    timeout: float,
    skip_hooks: bool,
) -> Steps[tuple[list[list[Any]], CallCost]]:
    """The items of every read, each read's in the order of its keys (duplicates once, missing
    items absent), `after_load` run on models. Reads of one table (two models sharing it) go in
    separate calls: DynamoDB's answer does not say which model an item belongs to."""
    native = client.native
    found: list[list[Any]] = [[] for _ in reads]
    unprocessed: list[tuple[str, str, dict[str, Any]]] = []
    gave_up: str | None = None
    cost = CallCost(0.0, 0.0, 0.0)
    for batch in _rounds(reads):
        tables = [
            TableKeys(r.table.name, r.keys, r.consistent_read, r.projection) for _, r in batch
        ]
        decodings = [Decoding(r.table.mapping.codec.native, shape, r.unread) for _, r in batch]
        yield from ready((r.table for _, r in batch), client)
        output: BatchGetOutput = yield Call(native.batch_get, (tables, decodings, timeout))
        counts = {r.table: len(r.keys) for _, r in batch}
        units, duration = output.units_by_table, output.cost.duration
        record_units(counts, units, duration, client.table_prefix, False)
        cost += CallCost.of(output.cost)
        for (position, read), items in zip(batch, output.items, strict=True):
            if shape == "models":
                yield from read.table.loaded(items, skip_hooks)
            found[position] = items
        unprocessed += [(t, "get", key) for t, keys in output.unprocessed for key in keys]
        gave_up = gave_up or output.gave_up
    if unprocessed:
        raise BatchIncompleteError(
            f"{len(unprocessed)} keys were not read: {gave_up}",
            unprocessed=unprocessed,
            items=[item for items in found for item in items],
        )
    return found, cost


def _rounds(reads: Sequence[_TableRead]) -> list[list[tuple[int, _TableRead]]]:
    """`reads` with their positions, grouped so that no group names a table twice."""
    rounds: list[list[tuple[int, _TableRead]]] = []
    for position, read in enumerate(reads):
        for batch in rounds:
            if all(other.table.name != read.table.name for _, other in batch):
                batch.append((position, read))
                break
        else:
            rounds.append([(position, read)])
    return rounds


class BatchGetResults:
    """What a batch get of several models read: `results[Order]` is the list of `Order`s found
    (in the order of their keys), for each model or table asked."""

    def __init__(self, found: Mapping[BoundTable[Any], list[Any]], cost: CallCost) -> None:
        self._found = found
        self.cost = cost
        """The capacity and time of the whole batch."""

    def __getitem__(self, target: type[M] | BoundTable[M]) -> list[M]:
        return self._found[mapped(target)]

    def __len__(self) -> int:
        return sum(len(items) for items in self._found.values())

    def __repr__(self) -> str:
        counts = ", ".join(f"{t.model.__name__}: {len(i)}" for t, i in self._found.items())
        return f"BatchGetResults({counts})"


Requests = Mapping[type[Any] | BoundTable[Any], Iterable[KeyInput]]
"""The keys to read, by mapped model or table."""


def _batch_get(
    requests: Requests, *, client: DynamoClient | None = None, **options: Unpack[BatchGetOptions]
) -> Steps[BatchGetResults]:
    """BatchGetItem of the keys of several models (or tables) at once: `results[Order]` is the
    list of orders found, in the order of their keys. Requests of 100 keys, duplicates read
    once, unprocessed keys retried with backoff for up to `timeout` seconds, then
    `BatchIncompleteError`. Through `client`, else the first model's. Costs what GetItem would
    per item (0.5 RCU per 4 KB, 1 RCU consistent)."""
    tables = [mapped(target) for target in requests]
    reads = [
        _compiled(table, keys, {"consistent_read": options.get("consistent_read")}, False)[0]
        for table, keys in zip(tables, requests.values(), strict=True)
    ]
    chosen = client or (tables[0].client if tables else get_default_client())
    timeout = options.get("timeout", BATCH_TIMEOUT)
    skip_hooks = options.get("skip_hooks", False)
    found, cost = yield from _read_batches(chosen, reads, "models", timeout, skip_hooks)
    return BatchGetResults(dict(zip(tables, found, strict=True)), cost)


batch_get = awaitable(_batch_get)
sync_batch_get = blocking(_batch_get)


def batch_write(
    *,
    client: DynamoClient | None = None,
    discard_on_error: bool = False,
    timeout: float = BATCH_TIMEOUT,
) -> BatchWrite[Any]:
    """A batch of puts and deletes of any mapped models, tables mixed, through `client` (else
    the default client): `async with dynomodel.batch_write() as batch:` or `with` (see
    `BatchWrite`)."""
    return BatchWrite(client, discard_on_error=discard_on_error, timeout=timeout)


_Write = tuple[BoundTable[Any], bool, Item | NativeItem]
"""(table, is_put, item or key): one write."""

_Key = tuple[tuple[str, Any], ...]
_Identity = tuple[str, _Key]
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

    Every request goes through the client the batch was made with (`Order.batch_write()`:
    `Order`'s; `dynomodel.batch_write(client=...)`: that one), whatever client the models name.
    A batch made from a table (`table.batch_write()`, `Order.batch_write()`) writes its model's
    instances to that table; instances of other models go to their own tables.

    Batch writes carry no conditions (DynamoDB's BatchWriteItem has none): a `Version` field is
    written as the instance holds it, neither checked nor bumped, and no hooks run. Costs 1 WCU
    per KB of each item, as PutItem and DeleteItem would.
    """

    def __init__(
        self,
        client: DynamoClient | None,
        *,
        table: BoundTable[Any] | None = None,
        discard_on_error: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> None:
        self._client = client
        self._table = table
        self._discard_on_error = discard_on_error
        self._timeout = timeout
        self._blocking: bool | None = None
        self._queued: dict[_Identity, _Write] = {}
        self._sent: list[asyncio.Future[None]] = []
        self._in_flight: dict[_Identity, asyncio.Future[None]] = {}
        self._unprocessed: list[tuple[str, str, dict[str, Any]]] = []
        self._gave_up: str | None = None
        self._objects: dict[_Identity, tuple[BoundTable[Any], object]] = {}
        """The instances deleted whose objects in S3 go once their items are gone."""
        self.stats = TableStats()
        """The requests this batch sent: their consumed capacity and time."""

    def put(self, instance: M) -> None:
        """Queue a PutItem of the whole item (unknown attributes it was loaded with included);
        the item is encoded now, so a value DynamoDB cannot store raises here, and so does an
        instance a projection read only in part (`PartialInstanceError`)."""
        table = self._table_of(instance)
        mapping = table.mapping
        mapping.check_whole(instance, "batch_write().put")
        if mapping.s3_fields:
            for name, _, _ in pending(table, instance):
                raise InvalidItemError(
                    f"{table.model.__name__}.{name}: batch_write() does not upload S3 content "
                    "(a failed batch could not take it back): save() the instance, or put it "
                    "in a transaction"
                )
        item, identity = mapping.codec.to_native(instance)
        self._queue(table, True, item, identity)

    def delete(self, instance: M) -> None:
        """Queue a DeleteItem of the instance's key; the objects its `InS3` fields point at
        are deleted once the item is (unless the field keeps them)."""
        table = self._table_of(instance)
        key = table.mapping.key_of(instance)
        if table.mapping.s3_fields:
            self._objects[(table.name, table.mapping.identity(key))] = (table, instance)
        self._queue(table, False, key, table.mapping.identity(key))

    def delete_by_key(self, target: type[M] | BoundTable[M], key: KeyInput) -> None:
        """Queue a DeleteItem of `key` (a dict, a `(partition, sort)` tuple, or the partition
        key's value) in the table of `target`, a mapped model or a `Table`."""
        table = mapped(target)
        encoded = table.mapping.codec.key(key_values(table, key, "delete_by_key"))
        self._queue(table, False, encoded, table.mapping.identity(encoded))

    def _table_of(self, instance: object) -> BoundTable[Any]:
        if self._table is not None and type(instance) is self._table.model:
            return self._table
        return mapped(type(instance))

    def _queue(self, table: BoundTable[Any], put: bool, item: Item | NativeItem, key: _Key) -> None:
        """Queue one write; `key` tells its item apart (`Mapping.identity`)."""
        if self._blocking is None:
            raise RuntimeError("use the batch as `with` / `async with` block")
        identity = (table.name, key)
        self._queued.pop(identity, None)
        if put:
            self._objects.pop(identity, None)
        self._queued[identity] = (table, put, item)
        if len(self._queued) >= WRITE_LIMIT:
            self._send()

    @property
    def _client_now(self) -> DynamoClient:
        if self._client is not None:
            return self._client
        return self._table.client if self._table is not None else get_default_client()

    def _send(self) -> None:
        queued, self._queued = self._queued, {}
        objects = [self._objects.pop(i) for i in queued if i in self._objects]
        steps = self._written(list(queued.values()), objects)
        if self._blocking:
            run_sync(steps, "with ...sync_batch_write()", "async with ...batch_write()")
            return
        earlier = {
            future
            for identity in queued
            if (future := self._in_flight.get(identity)) is not None and not future.done()
        }
        future = asyncio.ensure_future(self._after(earlier, steps))
        for identity in queued:
            self._in_flight[identity] = future
        self._sent.append(future)

    async def _after(self, earlier: set[asyncio.Future[None]], steps: Steps[None]) -> None:
        # Their failures are reported on exit, with everyone else's.
        if earlier:
            await asyncio.wait(earlier)
        await run_async(steps)

    def _written(
        self, writes: list[_Write], objects: list[tuple[BoundTable[Any], object]]
    ) -> Steps[None]:
        client = self._client_now
        counts: dict[BoundTable[Any], int] = {}
        sent: list[Write] = []
        for table, put, item in writes:
            counts[table] = counts.get(table, 0) + 1
            sent.append((table.name, put, item))
        yield from ready(counts, client)
        output: BatchWriteOutput = yield Call(client.native.batch_write, (sent, self._timeout))
        self.stats.add(CallCost.of(output.cost))
        units, duration = output.units_by_table, output.cost.duration
        record_units(counts, units, duration, client.table_prefix, True)
        self._unprocessed += [
            (table, "put" if put else "delete", item) for table, put, item in output.unprocessed
        ]
        self._gave_up = self._gave_up or output.gave_up
        # Objects go with their items: those of deletes left unprocessed stay.
        kept = {(name, item) for name, put, item in output.unprocessed if not put}
        for table, instance in objects:
            key = table.mapping.key_of(instance)
            if not any(key == item for name, item in kept if name.endswith(table.name)):
                yield from deleted_objects(table, [instance])

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
        outcomes = await asyncio.gather(*self._sent, return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if failures:
            raise failures[0]
        self._raise_unprocessed()
