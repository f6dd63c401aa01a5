"""`Table[M]`: a DynamoDB table whose items are instances of a pydantic model."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast, overload

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import _native
from ._calls import Call, Hook, Steps, run_async, run_sync
from ._client import (
    BATCH_TIMEOUT,
    BillingMode,
    DynamoClient,
    KeyDefinition,
    TableDescription,
    checked_capacity,
    get_default_client,
)
from ._codec import ModelCodec
from ._expressions import Condition, ExpressionBuilder, UpdateAction, Value
from ._hooks import active_hooks
from ._indexes import SecondaryIndex, check_name
from ._keys import KeyRole, PartitionKey, SortKey
from ._markers import TTL, Version, marked_field
from ._paths import Path, located
from ._reads import Index, Projection, Reader
from ._types import AttributeValue, Item
from .exceptions import (
    ConditionalCheckFailedError,
    DynamoError,
    DynamoValidationError,
    InvalidExpressionError,
    InvalidKeyError,
    ItemNotFoundError,
    ModelDefinitionError,
    PartialInstanceError,
)

if TYPE_CHECKING:
    from ._batches import BatchWrite, KeyInput

__all__ = ["CallCost", "Table", "TableStats", "declared_keys", "table_of"]

M = TypeVar("M", bound=BaseModel)

_TABLE_ATTRIBUTE = "__dynamo_table__"


@dataclass(frozen=True)
class CallCost:
    """What one call consumed and how long it took (retries included)."""

    read_units: float
    write_units: float
    duration: float
    """Seconds."""


@dataclass
class TableStats:
    """Running totals of the calls made through one table (model)."""

    calls: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    duration: float = 0.0
    """Seconds, summed over calls."""
    last_call: CallCost | None = None

    def _record(self, output: Mapping[str, Any]) -> None:
        self._add(CallCost(output["read"], output["write"], output["duration"]))

    def _add(self, cost: CallCost) -> None:
        self.calls += 1
        self.read_units += cost.read_units
        self.write_units += cost.write_units
        self.duration += cost.duration
        self.last_call = cost


class Table(Reader[M]):
    """A DynamoDB table whose items are instances of `M`.

    This is the typed handle for models that stay plain pydantic models (`@dynamo_table`):
    `users = table_of(User)` is a `Table[User]`, so every call through it is checked by mypy and
    pyright. `DynamoModel` subclasses get the same operations as methods, served by the same object.

    Every I/O method is async and has a blocking `sync_` twin that releases the GIL; both run the
    same code. Each says which DynamoDB call it makes and what it costs.

    Args:
        model: the pydantic model of the items.
        name: the DynamoDB table name.
        partition_key: the field that is the partition (hash) key.
        sort_key: the field that is the sort (range) key, if the table has one.
        client: the client to use; None means the default client at call time.
        consistent_read: whether `get`, `query` and `scan` read strongly consistent by default.
        indexes: the table's secondary indexes (`GlobalIndex`, `LocalIndex`).
        skip_hooks: never run the model's hooks (`before_save`, ..., `after_load`) through this
            table; each operation also takes `skip_hooks=True` for itself.
        store_computed: store the model's `@computed_field`s with each item (True: all of them,
            or their names), where indexes and filters can use them; reading an item computes
            them again, from the other fields. `update_by_key` has no instance to compute them
            from, so it leaves the stored ones as they were.

    Hooks run around the operations on instances: `save` (before/after_save), `update`
    (before/after_update), `delete` (before/after_delete); `after_load` on every model an
    operation returns (get, refresh, update_by_key, query, scan, batch_get, transact_get). The
    `*_by_key` writes and batch writes have no instance to run write hooks on and run none.

    Raises:
        ModelDefinitionError: the table name is not one DynamoDB allows, a key field is
            missing, optional, or of a type DynamoDB keys cannot have, the model has a field the
            codec cannot store, an index names a field that is not there or cannot be a key, or
            a `Version`/`TTL` field is not an int/datetime.
    """

    __slots__ = (
        "_client",
        "_hooks",
        "codec",
        "computed_fields",
        "consistent_read",
        "indexes",
        "key_attributes",
        "key_fields",
        "model",
        "name",
        "partition_key",
        "skip_hooks",
        "sort_key",
        "stats",
        "ttl_field",
        "version_field",
    )

    def __init__(
        self,
        model: type[M],
        name: str,
        *,
        partition_key: str,
        sort_key: str | None = None,
        client: DynamoClient | None = None,
        consistent_read: bool = False,
        indexes: Sequence[SecondaryIndex] = (),
        skip_hooks: bool = False,
        store_computed: bool | Sequence[str] = False,
    ) -> None:
        check_name(f"{model.__name__}: the table name", name)
        self.computed_fields: tuple[str, ...] = _computed(model, store_computed)
        """The `@computed_field`s stored with each item."""
        stored = (*model.model_fields, *self.computed_fields)
        for role, key_field in (("partition", partition_key), ("sort", sort_key)):
            if key_field is not None and key_field not in model.model_fields:
                raise ModelDefinitionError(
                    f"{model.__name__}: the {role} key {key_field!r} is not a field of the model"
                )
        if partition_key == sort_key:
            raise ModelDefinitionError(
                f"{model.__name__}: {partition_key!r} cannot be both the partition and the sort key"
            )
        self.model = model
        self.name = name
        self.partition_key = partition_key
        self.sort_key = sort_key
        keys = (partition_key,) if sort_key is None else (partition_key, sort_key)
        self.key_fields = keys
        """The key fields, partition key first."""
        self.version_field = marked_field(model, Version)
        """The `Annotated[int, Version]` field, if any."""
        self.ttl_field = marked_field(model, TTL)
        """The `Annotated[datetime, TTL]` field, if any."""
        for special in (self.version_field, self.ttl_field):
            if special in keys:
                raise ModelDefinitionError(f"{model.__name__}.{special} cannot also be a key")
        epoch = [] if self.ttl_field is None else [self.ttl_field]
        self.codec: ModelCodec[M] = ModelCodec(model, keys, epoch, self.computed_fields)
        """The model's compiled codec (its plan, keys included)."""
        self.key_attributes = tuple(self.codec.attribute(k) for k in keys)
        """The key fields' stored attribute names."""
        self.skip_hooks = skip_hooks
        self._hooks = active_hooks(model)
        self._client = client
        self.consistent_read = consistent_read
        """The default of `get(consistent_read=None)`."""
        self.stats = TableStats()
        """Consumed capacity and time of the calls made through this table."""
        self.indexes: dict[str, SecondaryIndex] = {}
        """The secondary indexes by name."""
        for index in indexes:
            self._check_index(index, stored)
            self.indexes[index.name] = index

    def _target(self) -> tuple[Table[M], SecondaryIndex | None]:
        return self, None

    def index(self, name: str) -> Index[M]:
        """The secondary index `name`, to query and scan. Raises KeyError if there is none."""
        try:
            return Index(self, self.indexes[name])
        except KeyError:
            known = ", ".join(self.indexes) or "none"
            raise KeyError(f"{self!r} has no index {name!r} (indexes: {known})") from None

    def _check_index(self, index: SecondaryIndex, stored: Sequence[str]) -> None:
        where = f"{self.model.__name__}: index {index.name!r}"
        if index.name in self.indexes:
            raise ModelDefinitionError(f"{where} is declared twice")
        if not index.is_global and self.sort_key is None:
            raise ModelDefinitionError(f"{where}: a local index needs a table with a sort key")
        for role, key in (("partition", index.partition_key), ("sort", index.sort_key)):
            if key is None:
                continue
            if key not in stored:
                raise ModelDefinitionError(
                    f"{where}: the {role} key {key!r} is not a field (nor a stored computed field)"
                )
            if self.codec.key_type(key) is None:
                raise ModelDefinitionError(
                    f"{where}: the {role} key {key!r} must be a str, number or bytes field"
                )
        if not isinstance(index.projection, str):
            unknown = [f for f in index.projection if f not in self.model.model_fields]
            if unknown:
                raise ModelDefinitionError(f"{where} projects unknown fields {unknown}")

    def __repr__(self) -> str:
        return f"Table({self.model.__name__}, {self.name!r})"

    def to_item(self, instance: M) -> Item:
        """`instance` in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Attributes the instance was loaded with but the model does not declare are included
        unchanged. Raises an `EncodeError` subclass for a value DynamoDB cannot store.
        """
        return self.codec.to_item(instance)

    def item_size(self, instance: M) -> int:
        """The size of `instance` as an item, by DynamoDB's rules (the 400 KB limit's measure)."""
        return self.codec.item_size(instance)

    def from_item(self, item: Mapping[str, AttributeValue]) -> M:
        """Validate one wire-form item into `M`; no request is sent."""
        return self.codec.from_item(item)

    def from_items(self, items: Iterable[Mapping[str, AttributeValue]]) -> list[M]:
        """Validate many wire-form items into `M` with one pydantic call; no request is sent."""
        return self.codec.from_items(items)

    @property
    def client(self) -> DynamoClient:
        """The client this table's calls go through."""
        return self._client or get_default_client()

    @client.setter
    def client(self, client: DynamoClient | None) -> None:
        self._client = client

    # -- I/O: each operation is one generator (below); these are its async and sync drivers.

    async def create_table(
        self,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        index_capacity: Mapping[str, tuple[int, int]] | None = None,
        wait: bool = True,
        exist_ok: bool = False,
    ) -> TableDescription:
        """CreateTable with the key schema of the model's annotations and its secondary indexes;
        with `wait`, DescribeTable until ACTIVE. With a `TTL` field, it waits for the table
        whatever `wait` says and then enables time to live on it (UpdateTimeToLive).

        On-demand (`PAY_PER_REQUEST`) tables cost nothing until used. A `PROVISIONED` table
        needs `read_capacity` and `write_capacity` (units per second, billed from creation), and
        each global index its own `(read, write)` in `index_capacity` by index name (by default
        the table's). With `exist_ok`, an existing table is described instead of refused.
        """
        return await run_async(
            self._create_table(
                billing_mode, read_capacity, write_capacity, index_capacity, wait, exist_ok
            )
        )

    def sync_create_table(
        self,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        index_capacity: Mapping[str, tuple[int, int]] | None = None,
        wait: bool = True,
        exist_ok: bool = False,
    ) -> TableDescription:
        """Blocking twin of `create_table`."""
        return run_sync(
            self._create_table(
                billing_mode, read_capacity, write_capacity, index_capacity, wait, exist_ok
            )
        )

    async def describe_table(self) -> TableDescription:
        """DescribeTable. Raises `TableNotFoundError` if the table does not exist."""
        return await self.client.describe_table(self.name)

    def sync_describe_table(self) -> TableDescription:
        """Blocking twin of `describe_table`."""
        return self.client.sync_describe_table(self.name)

    async def table_exists(self) -> bool:
        """Whether the table exists (one DescribeTable)."""
        return await self.client.table_exists(self.name)

    def sync_table_exists(self) -> bool:
        """Blocking twin of `table_exists`."""
        return self.client.sync_table_exists(self.name)

    async def delete_table(self, *, wait: bool = True) -> None:
        """DeleteTable, every item with it; with `wait`, DescribeTable until it is gone."""
        await self.client.delete_table(self.name, wait=wait)

    def sync_delete_table(self, *, wait: bool = True) -> None:
        """Blocking twin of `delete_table`."""
        self.client.sync_delete_table(self.name, wait=wait)

    async def save(
        self, instance: M, *, condition: Condition | None = None, skip_hooks: bool = False
    ) -> None:
        """PutItem of the whole item (1 WCU per KB; replaces what was stored under the key).

        Unknown attributes the instance was loaded with are written back. With a `Version`
        field, the put is conditioned on the stored version and writes the next one. Raises
        `ConditionalCheckFailedError` (with the stored item) when a condition is false; the
        instance is then left as it was.
        """
        await run_async(self._save(instance, condition, skip_hooks))

    def sync_save(
        self, instance: M, *, condition: Condition | None = None, skip_hooks: bool = False
    ) -> None:
        """Blocking twin of `save`."""
        run_sync(self._save(instance, condition, skip_hooks))

    async def get(
        self, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> M | None:
        """GetItem by the key fields' values; None if there is no such item.

        Costs 0.5 RCU per 4 KB eventually consistent, 1 RCU strongly consistent (the table's
        `consistent_read` setting is the default).
        """
        return await run_async(self._get(key, consistent_read, skip_hooks))

    def sync_get(
        self, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> M | None:
        """Blocking twin of `get`."""
        return run_sync(self._get(key, consistent_read, skip_hooks))

    async def update(
        self,
        instance: M,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> None:
        """One UpdateItem: `actions` (`attr(Order.total).increment(5)`, `.append([...])`, ...)
        and the named fields set to new values (None or an empty set removes the attribute).

        The changed values are validated by pydantic first; the item must exist (and match
        `condition`, and the instance's `Version`, which it bumps); the instance is then
        refreshed from the item DynamoDB returns, so actions computed by DynamoDB show in it.
        1 WCU per KB of the whole item.
        """
        await run_async(self._update_instance(instance, actions, condition, changes, skip_hooks))

    def sync_update(
        self,
        instance: M,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> None:
        """Blocking twin of `update`."""
        run_sync(self._update_instance(instance, actions, condition, changes, skip_hooks))

    async def update_by_key(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> M:
        """One UpdateItem by key, without reading the item first: `values` holds the key fields
        and the fields to set; `actions` as in `update`. The item must exist. Returns the item as
        stored after the update.

        With a `Version` field the stored version is bumped; pass the version you expect among
        `values` to condition the update on it. No write hooks run (there is no instance);
        `after_load` runs on the returned model.
        """
        return await run_async(self._update_by_key(values, actions, condition, skip_hooks))

    def sync_update_by_key(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> M:
        """Blocking twin of `update_by_key`."""
        return run_sync(self._update_by_key(values, actions, condition, skip_hooks))

    async def delete(
        self, instance: M, *, condition: Condition | None = None, skip_hooks: bool = False
    ) -> None:
        """DeleteItem by the instance's key (1 WCU per KB of the deleted item; deleting a missing
        item is not an error unless a condition says so). With a `Version` field, the delete is
        conditioned on the stored version being the instance's."""
        await run_async(self._delete_instance(instance, condition, skip_hooks))

    def sync_delete(
        self, instance: M, *, condition: Condition | None = None, skip_hooks: bool = False
    ) -> None:
        """Blocking twin of `delete`."""
        run_sync(self._delete_instance(instance, condition, skip_hooks))

    async def delete_by_key(self, *, condition: Condition | None = None, **key: Any) -> None:
        """DeleteItem by the key fields' values: no version check, no hooks (no instance)."""
        await run_async(
            self._delete(self.encoded_key(key, "delete_by_key", ("condition",)), condition)
        )

    def sync_delete_by_key(self, *, condition: Condition | None = None, **key: Any) -> None:
        """Blocking twin of `delete_by_key`."""
        run_sync(self._delete(self.encoded_key(key, "delete_by_key", ("condition",)), condition))

    async def refresh(self, instance: M, *, skip_hooks: bool = False) -> None:
        """Strongly consistent GetItem of the instance's key, loaded into the instance in place.
        Raises `ItemNotFoundError` if the item no longer exists."""
        await run_async(self._refresh(instance, skip_hooks))

    def sync_refresh(self, instance: M, *, skip_hooks: bool = False) -> None:
        """Blocking twin of `refresh`."""
        run_sync(self._refresh(instance, skip_hooks))

    # -- batches (the machinery is `_batches`'; these are the typed entry points)

    @overload
    async def batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[False] = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[M]: ...

    @overload
    async def batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[True],
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[dict[str, Any]]: ...

    async def batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: bool = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[Any]:
        """BatchGetItem of any number of keys (dicts, `(partition, sort)` tuples, or partition
        values): requests of 100 keys sent concurrently, duplicate keys read once, unprocessed
        keys retried with exponential backoff and jitter for up to `timeout` seconds, then
        `BatchIncompleteError` listing the keys not read. The items come back in the order of
        their keys (unless a projection leaves key attributes out: those items come after);
        missing items are simply absent. `after_load` runs on each model.

        Costs what GetItem would per item (0.5 RCU per 4 KB, 1 RCU consistent).
        """
        return await run_async(
            self._batch_get(keys, consistent_read, projection, as_dict, skip_hooks, timeout)
        )

    @overload
    def sync_batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[False] = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[M]: ...

    @overload
    def sync_batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[True],
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[dict[str, Any]]: ...

    def sync_batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: bool = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[Any]:
        """Blocking twin of `batch_get`."""
        return run_sync(
            self._batch_get(keys, consistent_read, projection, as_dict, skip_hooks, timeout)
        )

    def batch_write(
        self, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[M]:
        """A batch of puts and deletes: `async with table.batch_write() as batch:`
        (see `BatchWrite`)."""
        from ._batches import BatchWrite

        return BatchWrite(
            self.client, table=self, discard_on_error=discard_on_error, timeout=timeout
        )

    def sync_batch_write(
        self, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[M]:
        """A batch of puts and deletes for `with table.sync_batch_write() as batch:`; each full
        request is sent as `put` fills it."""
        return self.batch_write(discard_on_error=discard_on_error, timeout=timeout)

    def _batch_get(
        self,
        keys: Iterable[KeyInput],
        consistent_read: bool | None,
        projection: Projection | None,
        as_dict: bool,
        skip_hooks: bool,
        timeout: float,
    ) -> Steps[list[Any]]:
        from ._batches import TableRead, batch_get

        read, shape = TableRead.of(self, keys, consistent_read, projection, as_dict)
        found, _ = yield from batch_get(self.client, [read], shape, timeout, skip_hooks)
        return found[0]

    # -- the operations, written once

    def _create_table(
        self,
        billing_mode: BillingMode,
        read_capacity: int | None,
        write_capacity: int | None,
        index_capacity: Mapping[str, tuple[int, int]] | None,
        wait: bool,
        exist_ok: bool,
    ) -> Steps[TableDescription]:
        capacities = dict(index_capacity or {})
        unknown = [n for n in capacities if not getattr(self.indexes.get(n), "is_global", False)]
        if unknown:
            raise InvalidExpressionError(
                f"{self.model.__name__}.create_table: index_capacity names {unknown}, which are "
                f"not global indexes of the table (global indexes: "
                f"{', '.join(n for n, i in self.indexes.items() if i.is_global) or 'none'})"
            )
        if billing_mode != "PROVISIONED" and capacities:
            raise InvalidExpressionError(
                f"{self.model.__name__}.create_table: index_capacity applies to PROVISIONED "
                "tables only"
            )
        table_capacity = checked_capacity(billing_mode, read_capacity, write_capacity)
        indexes = self._index_schema(table_capacity, capacities)
        return (
            yield from self.client._create_table(
                self.name,
                *self._key_schema(),
                billing_mode,
                table_capacity,
                wait,
                indexes,
                self._ttl_attribute(),
                exist_ok,
            )
        )

    def _runs(self, hook: str, skip_hooks: bool) -> bool:
        """Whether the model has `hook` and this call runs it."""
        return hook in self._hooks and not (skip_hooks or self.skip_hooks)

    def _hook(self, name: str, instance: Any, skip_hooks: bool) -> Steps[None]:
        """Run the model's hook `name` on `instance`, unless it has none or hooks are skipped."""
        if self._runs(name, skip_hooks):
            yield Hook(getattr(instance, name))

    def _loaded(self, items: list[M], skip_hooks: bool) -> Steps[list[M]]:
        """`after_load` on each model read."""
        if self._runs("after_load", skip_hooks):
            for item in items:
                yield Hook(item.after_load)  # type: ignore[attr-defined]
        return items

    def _save(self, instance: M, condition: Condition | None, skip_hooks: bool) -> Steps[None]:
        yield from self._hook("before_save", instance, skip_hooks)
        native = self.client._native
        item, condition, version = self._put_request(instance, condition)
        key = {attribute: item[attribute] for attribute in self.key_attributes}
        output = yield from self._write(
            native.put_item, (self.name, item, _condition(condition)), key
        )
        self.stats._record(output)
        self._set_version(instance, version)
        yield from self._hook("after_save", instance, skip_hooks)

    def _put_request(
        self, instance: M, condition: Condition | None
    ) -> tuple[Item, Condition | None, int | None]:
        """The item a put writes and its condition: with a `Version` field, the next version
        and a guard on the instance's; the next version is returned to set once it is stored."""
        self.check_whole(instance, "save")
        item = self.codec.to_item(instance)
        if self.version_field is None:
            return item, condition, None
        current = getattr(instance, self.version_field)
        following = (current or 0) + 1
        item.update(self.codec.fields({self.version_field: following}))  # type: ignore[arg-type]
        return item, _both(self._version_guard(current), condition), following

    def check_whole(self, instance: M, call: str) -> None:
        """Refuse to write whole an instance a projection read without some fields: they hold
        defaults, and a put would store those over the real values."""
        unread: frozenset[str] | None = vars(instance).get(_native.UNREAD_FIELDS)
        if unread:
            raise PartialInstanceError(
                f"{self.model.__name__}.{call}: this instance was read with a projection, "
                f"without {', '.join(sorted(unread))}; writing it whole would store their "
                "defaults over the stored values. update(...) writes only the fields you change "
                "(or refresh() reads the whole item first)",
                unread=unread,
            )

    def _expected_version(self, instance: M, call: str) -> int | None:
        """The instance's version, which its writes are conditioned on; refused when a
        projection did not read it."""
        if self.version_field is None:
            return None
        unread: frozenset[str] = vars(instance).get(_native.UNREAD_FIELDS, frozenset())
        if self.version_field in unread:
            raise PartialInstanceError(
                f"{self.model.__name__}.{call}: this instance was read without its Version field "
                f"{self.version_field!r}, so the stored version is unknown; refresh() it first",
                unread=unread,
            )
        return cast("int | None", getattr(instance, self.version_field))

    def _version_guard(self, current: int | None) -> Condition:
        """The stored version is `current`; a never-saved instance (0 or None) finds no item, an
        item without a version, or one at version 0."""
        path = self._path(self.version_field)  # type: ignore[arg-type]
        if current:
            return path == current
        return path.not_exists() | (path == 0)

    def _set_version(self, instance: M, version: int | None) -> None:
        if version is not None:
            # Not setattr: a model with validate_assignment or frozen=True would refuse or
            # re-validate a value that is already the stored one.
            vars(instance)[self.version_field] = version  # type: ignore[index]

    def _versioned(
        self,
        actions: Sequence[UpdateAction],
        condition: Condition | None,
        expected: int | None,
        known: bool,
    ) -> tuple[list[UpdateAction], Condition | None, int | None]:
        """An update's actions and condition with the version bump: conditioned on `expected`
        when the version is `known`, a plain `ADD 1` otherwise. Also the version written."""
        if self.version_field is None:
            return list(actions), condition, None
        stored = self.codec.attribute(self.version_field)
        if any(action.path._stored[0] == stored for action in actions):
            raise InvalidExpressionError(
                f"{self.model.__name__}.{self.version_field} is the Version: dynomodel sets it"
            )
        path = self._path(self.version_field)
        if not known:
            return [*actions, path.add(1)], condition, None
        following = (expected or 0) + 1
        bump = path.set(following)
        return [*actions, bump], _both(self._version_guard(expected), condition), following

    def _write(
        self, method: Any, args: tuple[Any, ...], key: Item, own_condition: bool = True
    ) -> Steps[Any]:
        """One PutItem, UpdateItem or DeleteItem of the item under `key`, its failures explained:
        a false condition names the model, table and key and holds the stored item as a model;
        an update (guarded by the item's existence) of an item that is not there, when the
        caller gave no condition of its own, is `ItemNotFoundError`; a key the table's schema
        does not match says what the table's keys are."""
        try:
            return (yield Call(method, args))
        except ConditionalCheckFailedError as error:
            if error.raw_item is None and not own_condition:
                raise ItemNotFoundError(
                    f"{self.model.__name__}: no item in {self.name!r} has the key "
                    f"{self.show_key(key)}"
                ) from None
            raise self._condition_failed(error, key) from None
        except DynamoValidationError as error:
            raise (yield from self._explained(error)) from None

    def _condition_failed(
        self, error: ConditionalCheckFailedError, key: Item
    ) -> ConditionalCheckFailedError:
        stored: M | None = None
        if error.raw_item is not None:
            try:
                stored = self.codec.from_item(error.raw_item)
            except (ValidationError, DynamoError):
                stored = None  # another entity, or an item the model cannot read: raw only
        return ConditionalCheckFailedError(
            f"{self.model.__name__} in {self.name!r} with the key {self.show_key(key)}: the "
            "condition was not met"
            + ("" if error.raw_item is not None else " (there is no such item)"),
            item=stored,
            raw_item=error.raw_item,
            model=self.model,
            table=self.name,
            key=key,
        )

    def _explained(self, error: DynamoValidationError) -> Steps[DynamoError]:
        """A refused key explained by the table's key schema (one DescribeTable), when the
        model's keys do not match it; otherwise the error as it was."""
        if "key" not in str(error).lower():
            return error
        try:
            raw = yield Call(self.client._native.describe_table, (self.name,))
        except DynamoError:
            return error
        table = TableDescription._from_native(raw)
        declared = [k for k in self._key_schema() if k is not None]
        actual = [k for k in (table.partition_key, table.sort_key) if k is not None]
        if declared == actual:
            return error
        return DynamoValidationError(
            f"{self.model.__name__}'s keys are {_keys_text(declared)}, but table "
            f"{table.name!r} has the keys {_keys_text(actual)}: declare the model's keys as the "
            "table has them (names, order and types), or map the model to another table"
        )

    def show_key(self, key: Item) -> str:
        """A key in wire form as the key fields' values, for messages about one item."""
        return "{" + ", ".join(f"{a}: {v!r}" for a, v in self._identity(key)) + "}"

    def key_values(
        self, values: Mapping[str, Any], call: str, options: Sequence[str] = ()
    ) -> dict[str, Any]:
        """`values` checked to name every key field and nothing else; the error names the
        unknown and missing fields, the model's keys and, for names that look like a mistyped
        option of `call`, the options."""
        unknown = [name for name in values if name not in self.key_fields]
        missing = [name for name in self.key_fields if name not in values]
        if unknown or missing:
            raise InvalidKeyError(self._key_problem(call, unknown, missing, options))
        return dict(values)

    def encoded_key(
        self, values: Mapping[str, Any], call: str, options: Sequence[str] = ()
    ) -> Item:
        """The primary key in wire form from the key fields' values, checked by `key_values`."""
        return self.codec.key(self.key_values(values, call, options))

    def _key_problem(
        self, call: str, unknown: Sequence[str], missing: Sequence[str], options: Sequence[str]
    ) -> str:
        name = self.model.__name__
        parts: list[str] = []
        for field in unknown:
            close = difflib.get_close_matches(field, [*options, *self.key_fields], n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            what = "option or key field" if options else "key field"
            parts.append(f"unknown {what} {field!r}{hint}")
        if missing:
            parts.append(
                f"missing key field{'s' if len(missing) > 1 else ''} "
                + ", ".join(repr(m) for m in missing)
            )
        text = f"{name}.{call}: {'; '.join(parts)}; {name}'s keys are {', '.join(self.key_fields)}"
        if options and unknown:
            text += f"; {call} also takes {', '.join(options)}"
        return text

    def _get(
        self, key: Mapping[str, Any], consistent_read: bool | None, skip_hooks: bool
    ) -> Steps[M | None]:
        native = self.client._native
        consistent = self.consistent_read if consistent_read is None else consistent_read
        encoded = self.encoded_key(key, "get", _GET_OPTIONS)
        try:
            output = yield Call(native.get_item, (self.name, encoded, consistent))
        except DynamoValidationError as error:
            raise (yield from self._explained(error)) from None
        self.stats._record(output)
        item = output["item"]
        if item is None:
            return None
        (found,) = yield from self._loaded([self.codec.from_item(item)], skip_hooks)
        return found

    def _refresh(self, instance: M, skip_hooks: bool) -> Steps[None]:
        native = self.client._native
        key = self._key_of(instance)
        output = yield Call(native.get_item, (self.name, key, True))
        self.stats._record(output)
        if output["item"] is None:
            raise ItemNotFoundError(
                f"{self.model.__name__}: no item in {self.name!r} has the key {self.show_key(key)}"
            )
        _replace(instance, self.codec.from_item(output["item"]))
        yield from self._loaded([instance], skip_hooks)

    def _delete_instance(
        self, instance: M, condition: Condition | None, skip_hooks: bool
    ) -> Steps[None]:
        yield from self._hook("before_delete", instance, skip_hooks)
        yield from self._delete(self._key_of(instance), self._delete_condition(instance, condition))
        yield from self._hook("after_delete", instance, skip_hooks)

    def _delete_condition(self, instance: M, condition: Condition | None) -> Condition | None:
        if self.version_field is None:
            return condition
        return _both(self._version_guard(self._expected_version(instance, "delete")), condition)

    def _delete(self, key: Item, condition: Condition | None) -> Steps[None]:
        native = self.client._native
        output = yield from self._write(
            native.delete_item, (self.name, key, _condition(condition)), key
        )
        self.stats._record(output)

    def _update_instance(
        self,
        instance: M,
        actions: Sequence[UpdateAction],
        condition: Condition | None,
        changes: Mapping[str, Any],
        skip_hooks: bool,
    ) -> Steps[None]:
        yield from self._hook("before_update", instance, skip_hooks)
        values, computed = self._validated(instance, changes)
        expected = self._expected_version(instance, "update")
        every, guarded, _ = self._versioned(
            [*actions, *self._field_actions({**values, **computed})], condition, expected, True
        )
        key = self._key_of(instance)
        fresh = yield from self._update(key, every, guarded, own_condition=condition is not None)
        _replace(instance, fresh)
        yield from self._hook("after_update", instance, skip_hooks)

    def _update_by_key(
        self,
        values: Mapping[str, Any],
        actions: Sequence[UpdateAction],
        condition: Condition | None,
        skip_hooks: bool,
    ) -> Steps[M]:
        keys = self.key_fields
        changes = {k: v for k, v in values.items() if k not in keys}
        self._check_fields(changes, "update_by_key", keys, _UPDATE_OPTIONS)
        key_values = self.key_values(
            {k: v for k, v in values.items() if k in keys}, "update_by_key", _UPDATE_OPTIONS
        )
        known = self.version_field in changes
        expected = changes.pop(self.version_field) if known else None  # type: ignore[arg-type]
        validated = self._validated_values(changes)
        every, guarded, _ = self._versioned(
            [*actions, *self._field_actions(validated)], condition, expected, known
        )
        key = self.codec.key(key_values)
        fresh = yield from self._update(key, every, guarded, own_condition=condition is not None)
        (loaded,) = yield from self._loaded([fresh], skip_hooks)
        return loaded

    def _update_request(
        self, every: Sequence[UpdateAction], condition: Condition | None
    ) -> tuple[_Expression, _Expression]:
        """An update's expressions on one set of placeholders: `every` action (never on a key),
        and `condition` beside a guard that the item exists."""
        name = self.model.__name__
        if not every:
            raise InvalidExpressionError(f"{name}.update: name a field to change or an action")
        for action in every:
            if action.path._stored[0] in self.key_attributes:
                raise InvalidExpressionError(
                    f"{name}.update cannot change the key ({action.path._stored[0]}): "
                    "save a new item and delete the old one"
                )
        builder = ExpressionBuilder()
        update_text = builder.update(every)
        # UpdateItem would create a partial item under a missing key: refuse instead.
        guard = self._path(self.partition_key).exists()
        condition_text = builder.condition(_both(guard, condition))
        return (update_text, builder.names, builder.values), (condition_text, {}, {})

    def _update(
        self,
        key: Item,
        every: Sequence[UpdateAction],
        condition: Condition | None,
        own_condition: bool,
    ) -> Steps[M]:
        update, guarded = self._update_request(every, condition)
        native = self.client._native
        output = yield from self._write(
            native.update_item, (self.name, key, update, guarded), key, own_condition
        )
        self.stats._record(output)
        return self.codec.from_item(output["item"])

    def _field_actions(self, values: Mapping[str, Any]) -> list[UpdateAction]:
        """SET each value, or REMOVE it where the item leaves the value out (a None or an empty
        set that reads back as itself)."""
        encoded = self.codec.fields(values)
        actions: list[UpdateAction] = []
        for field in values:
            wire = encoded[self.codec.attribute(field)]
            path = self._path(field)
            actions.append(
                path.remove()
                if wire is None
                else UpdateAction("SET", path, "{path} = {0}", (Value(wire),))
            )
        return actions

    def _path(self, field: str) -> Path[Any]:
        return located(self.model, self.codec, (field,))

    def _check_fields(
        self, changes: Mapping[str, Any], call: str, also: Sequence[str], options: Sequence[str]
    ) -> None:
        unknown = [n for n in changes if n not in self.model.model_fields and n not in also]
        if unknown:
            close = {
                n: difflib.get_close_matches(n, [*options, *self.model.model_fields], n=1)
                for n in unknown
            }
            hints = ", ".join(
                f"{n!r}" + (f" (did you mean {c[0]}?)" if c else "") for n, c in close.items()
            )
            raise InvalidKeyError(
                f"{self.model.__name__}.{call}: {hints} is not a field of "
                f"{self.model.__name__} nor an option of {call} ({', '.join(options)})"
            )

    def _validated(
        self, instance: M, changes: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The changed fields' values, validated as assignments, and the stored computed fields
        computed again with the changes applied."""
        self._check_fields(changes, "update", (), _UPDATE_OPTIONS)
        copy = instance.model_copy()
        validator = self.model.__pydantic_validator__
        for name, value in changes.items():
            if name == self.version_field:
                raise InvalidExpressionError(
                    f"{self.model.__name__}.{name} is the Version: dynomodel sets it"
                )
            validator.validate_assignment(copy, name, value)
        computed = {name: getattr(copy, name) for name in self.computed_fields}
        return {name: getattr(copy, name) for name in changes}, computed

    def _validated_values(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: _adapter(self.model, name).validate_python(value)
            for name, value in changes.items()
        }

    def _key_of(self, instance: M) -> Item:
        """The instance's key, as the item it was read from stores it."""
        return self.codec.instance_key(instance)

    def _identity(self, item: Item) -> tuple[tuple[str, Any], ...]:
        """What makes an item (or key) in wire form this item: its key attributes' values, as
        hashable `(attribute, value)` pairs."""
        return tuple((a, next(iter(item[a].values()))) for a in self.key_attributes)

    def _index_schema(
        self, capacity: tuple[int, int] | None, index_capacity: Mapping[str, tuple[int, int]]
    ) -> list[Any]:
        """The indexes as the native CreateTable takes them; global indexes of a provisioned
        table (`capacity` given) get theirs from `index_capacity`, or the table's."""
        schema: list[Any] = []
        for index in self.indexes.values():
            partition = index.partition_key or self.partition_key
            sort = None if index.sort_key is None else self.codec.key_definition(index.sort_key)
            if isinstance(index.projection, str):
                projection: tuple[str, list[str]] = (index.projection, [])
            else:
                included = [self.codec.attribute(f) for f in index.projection]
                projection = ("INCLUDE", included)
            key = self.codec.key_definition(partition)
            units = None
            if capacity is not None and index.is_global:
                units = checked_capacity("PROVISIONED", *index_capacity.get(index.name, capacity))
            schema.append((index.name, index.is_global, key, sort, projection, units))
        return schema

    def _ttl_attribute(self) -> str | None:
        return None if self.ttl_field is None else self.codec.attribute(self.ttl_field)

    def _key_schema(self) -> tuple[KeyDefinition, KeyDefinition | None]:
        partition = self.codec.key_definition(self.partition_key)
        sort = self.codec.key_definition(self.sort_key) if self.sort_key else None
        return partition, sort


_Expression = tuple[str, dict[str, str], dict[str, Any]]

_GET_OPTIONS = ("consistent_read", "skip_hooks")
_UPDATE_OPTIONS = ("actions", "condition", "skip_hooks")


def _keys_text(keys: Sequence[KeyDefinition]) -> str:
    return ", ".join(f"{name} ({kind})" for name, kind in keys)


def record_units(
    counts: Mapping[Table[Any], int], output: Mapping[str, Any], prefix: str, write: bool
) -> None:
    """Charge each table's stats with its part of one batch call: the units DynamoDB reported
    for its table (`prefix` + name), shared by request count between models of one table."""
    sharing: dict[str, list[tuple[Table[Any], int]]] = {}
    for table, count in counts.items():
        sharing.setdefault(prefix + table.name, []).append((table, count))
    for name, tables in sharing.items():
        units = output["units_by_table"].get(name, 0.0)
        total = sum(count for _, count in tables)
        for table, count in tables:
            share = units * count / total if total else 0.0
            read, write_units = (0.0, share) if write else (share, 0.0)
            table.stats._add(CallCost(read, write_units, output["duration"]))


def _both(first: Condition, second: Condition | None) -> Condition:
    return first if second is None else first & second


def _condition(condition: Condition | None) -> _Expression | None:
    """A write's condition, compiled on its own placeholders."""
    if condition is None:
        return None
    builder = ExpressionBuilder()
    return builder.condition(condition), builder.names, builder.values


def _replace(instance: BaseModel, fresh: BaseModel) -> None:
    """Load `fresh`'s state into `instance`, keeping the caller's object."""
    state = vars(instance)
    state.clear()
    state.update(vars(fresh))
    object.__setattr__(instance, "__pydantic_fields_set__", set(fresh.model_fields_set))


_ADAPTERS: dict[tuple[type[BaseModel], str], TypeAdapter[Any]] = {}


def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator for one field, built once: how update_by_key checks values without an
    instance."""
    adapter = _ADAPTERS.get((model, name))
    if adapter is None:
        info = model.model_fields[name]
        # The field's annotation and FieldInfo (constraints, validators) as one type form.
        form: Any = cast(Any, Annotated)[info.annotation, info]
        adapter = TypeAdapter[Any](form)
        _ADAPTERS[(model, name)] = adapter
    return adapter


def _computed(model: type[BaseModel], store: bool | Sequence[str]) -> tuple[str, ...]:
    """The `@computed_field`s to store: all of them (True), none (False), or those named."""
    available = tuple(model.__pydantic_computed_fields__)
    if store is True:
        return available
    if store is False:
        return ()
    names = (store,) if isinstance(store, str) else tuple(store)
    unknown = [name for name in names if name not in available]
    if unknown:
        raise ModelDefinitionError(
            f"{model.__name__}: store_computed names {unknown}, which are not @computed_fields "
            f"of the model (it has {', '.join(available) or 'none'})"
        )
    return names


def declared_keys(model: type[BaseModel]) -> tuple[str | None, str | None]:
    """The fields annotated `PartitionKey` and `SortKey`, checked to be one of each at most."""
    found: dict[KeyRole, list[str]] = {PartitionKey: [], SortKey: []}
    for name, info in model.model_fields.items():
        roles = [role for role in found if any(m is role for m in info.metadata)]
        if len(roles) > 1:
            raise ModelDefinitionError(
                f"{model.__name__}.{name}: a field cannot be both the partition and the sort key"
            )
        for role in roles:
            found[role].append(name)
    for role, names in found.items():
        if len(names) > 1:
            raise ModelDefinitionError(
                f"{model.__name__}: a table has one {role!r} field, found {len(names)}: "
                + ", ".join(names)
            )
    partition, sort = found[PartitionKey], found[SortKey]
    return (partition[0] if partition else None), (sort[0] if sort else None)


def attach(model: type[M], table: Table[M]) -> None:
    """Register `table` as `model`'s own (not inherited by subclasses)."""
    setattr(model, _TABLE_ATTRIBUTE, table)


def table_of(model: type[M]) -> Table[M]:
    """The `Table[M]` of a `DynamoModel` with a table or of a `@dynamo_table` model.

    Raises:
        ModelDefinitionError: `model` is not mapped to a table.
    """
    table: Table[Any] | None = model.__dict__.get(_TABLE_ATTRIBUTE)
    if table is None:
        raise ModelDefinitionError(
            f"{model.__name__} is not mapped to a table: decorate it with @dynamo_table(...) "
            "or subclass DynamoModel with table=..."
        )
    return table
