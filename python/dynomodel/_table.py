"""`Table[M]`: a DynamoDB table whose items are instances of a pydantic model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast, overload

from pydantic import BaseModel, TypeAdapter

from ._calls import Call, Hook, Steps, run_async, run_sync
from ._client import (
    BATCH_TIMEOUT,
    DynamoClient,
    KeyDefinition,
    TableDescription,
    get_default_client,
)
from ._codec import ModelCodec
from ._expressions import Condition, ExpressionBuilder, UpdateAction, Value
from ._hooks import active_hooks
from ._indexes import SecondaryIndex
from ._keys import KeyRole, PartitionKey, SortKey
from ._markers import TTL, Version, marked_field
from ._paths import Path, located
from ._reads import Index, Projection, Reader
from ._types import AttributeValue, Item
from .exceptions import InvalidExpressionError, ItemNotFoundError, ModelDefinitionError

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

    Hooks run around the operations on instances: `save` (before/after_save), `update`
    (before/after_update), `delete` (before/after_delete); `after_load` on every model an
    operation returns (get, refresh, update_by_key, query, scan, batch_get, transact_get). The
    `*_by_key` writes and batch writes have no instance to run write hooks on and run none.

    Raises:
        ModelDefinitionError: a key field is missing, optional, or of a type DynamoDB keys cannot
            have, the model has a field the codec cannot store, an index names a field that
            is not there or cannot be a key, or a `Version`/`TTL` field is not an int/datetime.
    """

    __slots__ = (
        "_client",
        "_hooks",
        "codec",
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
    ) -> None:
        if not name:
            raise ModelDefinitionError(f"{model.__name__}: the table name is empty")
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
        self.codec: ModelCodec[M] = ModelCodec(model, keys, epoch)
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
            self._check_index(index)
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

    def _check_index(self, index: SecondaryIndex) -> None:
        where = f"{self.model.__name__}: index {index.name!r}"
        if index.name in self.indexes:
            raise ModelDefinitionError(f"{where} is declared twice")
        if not index.is_global and self.sort_key is None:
            raise ModelDefinitionError(f"{where}: a local index needs a table with a sort key")
        for role, key in (("partition", index.partition_key), ("sort", index.sort_key)):
            if key is None:
                continue
            if key not in self.model.model_fields:
                raise ModelDefinitionError(f"{where}: the {role} key {key!r} is not a field")
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
        billing_mode: Literal["PAY_PER_REQUEST", "PROVISIONED"] = "PAY_PER_REQUEST",
        wait: bool = True,
    ) -> TableDescription:
        """CreateTable with the key schema of the model's annotations and its secondary indexes;
        with `wait`, DescribeTable until ACTIVE. With a `TTL` field, it waits for the table
        whatever `wait` says and then enables time to live on it (UpdateTimeToLive). Costs
        nothing per call."""
        return await self.client.create_table(
            self.name,
            *self._key_schema(),
            billing_mode=billing_mode,
            wait=wait,
            indexes=self._index_schema(),
            time_to_live=self._ttl_attribute(),
        )

    def sync_create_table(
        self,
        *,
        billing_mode: Literal["PAY_PER_REQUEST", "PROVISIONED"] = "PAY_PER_REQUEST",
        wait: bool = True,
    ) -> TableDescription:
        """Blocking twin of `create_table`."""
        return self.client.sync_create_table(
            self.name,
            *self._key_schema(),
            billing_mode=billing_mode,
            wait=wait,
            indexes=self._index_schema(),
            time_to_live=self._ttl_attribute(),
        )

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
        await run_async(self._delete(self.codec.key(key), condition))

    def sync_delete_by_key(self, *, condition: Condition | None = None, **key: Any) -> None:
        """Blocking twin of `delete_by_key`."""
        run_sync(self._delete(self.codec.key(key), condition))

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

        return BatchWrite(self.client, discard_on_error=discard_on_error, timeout=timeout)

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
        found, cost = yield from batch_get(self.client, [read], shape, timeout, skip_hooks)
        self.stats._add(cost)
        return found[0]

    # -- the operations, written once

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
        output = yield Call(native.put_item, (self.name, item, _condition(condition)))
        self.stats._record(output)
        self._set_version(instance, version)
        yield from self._hook("after_save", instance, skip_hooks)

    def _put_request(
        self, instance: M, condition: Condition | None
    ) -> tuple[Item, Condition | None, int | None]:
        """The item a put writes and its condition: with a `Version` field, the next version
        and a guard on the instance's; the next version is returned to set once it is stored."""
        item = self.codec.to_item(instance)
        if self.version_field is None:
            return item, condition, None
        current = getattr(instance, self.version_field)
        following = (current or 0) + 1
        item.update(self.codec.fields({self.version_field: following}))  # type: ignore[arg-type]
        return item, _both(self._version_guard(current), condition), following

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

    def _get(
        self, key: Mapping[str, Any], consistent_read: bool | None, skip_hooks: bool
    ) -> Steps[M | None]:
        native = self.client._native
        consistent = self.consistent_read if consistent_read is None else consistent_read
        output = yield Call(native.get_item, (self.name, self.codec.key(key), consistent))
        self.stats._record(output)
        item = output["item"]
        if item is None:
            return None
        (found,) = yield from self._loaded([self.codec.from_item(item)], skip_hooks)
        return found

    def _refresh(self, instance: M, skip_hooks: bool) -> Steps[None]:
        native = self.client._native
        output = yield Call(native.get_item, (self.name, self._key_of(instance), True))
        self.stats._record(output)
        if output["item"] is None:
            raise ItemNotFoundError(f"{self.model.__name__}: no item in {self.name!r} has this key")
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
        return _both(self._version_guard(getattr(instance, self.version_field)), condition)

    def _delete(self, key: Item, condition: Condition | None) -> Steps[None]:
        native = self.client._native
        output = yield Call(native.delete_item, (self.name, key, _condition(condition)))
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
        values = self._validated(instance, changes)
        expected = None if self.version_field is None else getattr(instance, self.version_field)
        every, condition, _ = self._versioned(
            [*actions, *self._field_actions(values)], condition, expected, known=True
        )
        fresh = yield from self._update(self._key_of(instance), every, condition)
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
        missing = [k for k in keys if k not in values]
        if missing:
            raise TypeError(f"{self.model.__name__}.update_by_key needs the key fields {missing}")
        changes = {k: v for k, v in values.items() if k not in keys}
        known = self.version_field in changes
        expected = changes.pop(self.version_field) if known else None  # type: ignore[arg-type]
        validated = self._validated_values(changes)
        every, condition, _ = self._versioned(
            [*actions, *self._field_actions(validated)], condition, expected, known
        )
        key = self.codec.key({k: values[k] for k in keys})
        fresh = yield from self._update(key, every, condition)
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
        self, key: Item, every: Sequence[UpdateAction], condition: Condition | None
    ) -> Steps[M]:
        update, guarded = self._update_request(every, condition)
        native = self.client._native
        output = yield Call(native.update_item, (self.name, key, update, guarded))
        self.stats._record(output)
        return self.codec.from_item(output["item"])

    def _field_actions(self, values: Mapping[str, Any]) -> list[UpdateAction]:
        """SET each value, or REMOVE it where an item leaves the value out (None, empty set)."""
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

    def _validated(self, instance: M, changes: Mapping[str, Any]) -> dict[str, Any]:
        copy = instance.model_copy()
        validator = self.model.__pydantic_validator__
        for name, value in changes.items():
            if name not in self.model.model_fields:
                raise TypeError(f"{self.model.__name__} has no field {name!r}")
            if name == self.version_field:
                raise InvalidExpressionError(
                    f"{self.model.__name__}.{name} is the Version: dynomodel sets it"
                )
            validator.validate_assignment(copy, name, value)
        return {name: getattr(copy, name) for name in changes}

    def _validated_values(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        validated: dict[str, Any] = {}
        for name, value in changes.items():
            info = self.model.model_fields.get(name)
            if info is None:
                raise TypeError(f"{self.model.__name__} has no field {name!r}")
            validated[name] = _adapter(self.model, name).validate_python(value)
        return validated

    def _key_of(self, instance: M) -> Item:
        return self.codec.key({name: getattr(instance, name) for name in self.key_fields})

    def _identity(self, item: Item) -> tuple[tuple[str, Any], ...]:
        """What makes an item (or key) in wire form this item: its key attributes' values, as
        hashable `(attribute, value)` pairs."""
        return tuple((a, next(iter(item[a].values()))) for a in self.key_attributes)

    def _index_schema(self) -> list[Any]:
        """The indexes as the native CreateTable takes them."""
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
            schema.append((index.name, index.is_global, key, sort, projection))
        return schema

    def _ttl_attribute(self) -> str | None:
        return None if self.ttl_field is None else self.codec.attribute(self.ttl_field)

    def _key_schema(self) -> tuple[KeyDefinition, KeyDefinition | None]:
        partition = self.codec.key_definition(self.partition_key)
        sort = self.codec.key_definition(self.sort_key) if self.sort_key else None
        return partition, sort


_Expression = tuple[str, dict[str, str], dict[str, Any]]


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
