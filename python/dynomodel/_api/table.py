"""`Table[M]`: a DynamoDB table whose items are instances of a pydantic model, the typed front
door of every operation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar, cast, overload

from typing_extensions import Unpack

from .._expr.nodes import Condition, UpdateAction
from .._io.client import (
    BATCH_TIMEOUT,
    CreateOptions,
    DynamoClient,
    TableDescription,
    deleted,
    described,
    exists,
)
from .._io.driver import Steps, awaitable, blocking
from .._io.limits import RateLimit
from .._ops import items
from .._ops.batches import BatchGetOptions, BatchWrite, KeyInput, read_keys
from .._ops.bound import BoundTable
from .._schema.markers import StoredAs
from .._schema.wire import AttributeValue, Item
from .._table.indexes import SecondaryIndex
from .._table.mapping import KeySpec, TableMapping
from .index import Index
from .reader import Reader

__all__ = ["CreateOptions", "Table"]

M = TypeVar("M")


class Table(BoundTable[M], Reader[M]):
    """A DynamoDB table whose items are instances of `M`.

    The typed handle of a model: `table_of(User)` is a `Table[User]` for a `@dynamo_table`
    model, and `Order.table` the `Table[Order]` of a `DynamoModel`, so every call through it is
    checked by mypy and pyright. `Table(Order, "orders-archive", partition_key="pk", ...)` maps
    a model to another table too: every operation of a handle goes to its own table.

    Every I/O method is async and has a blocking `sync_` twin that releases the GIL; both run
    the same code. Each says which DynamoDB call it makes and what it costs.

    Args:
        model: the pydantic model of the items.
        name: the DynamoDB table name.
        partition_key: the field that is the partition (hash) key, or a `KeyTemplate` that
            builds it from fields.
        sort_key: the field that is the sort (range) key (or a `KeyTemplate`), if the table
            has one.
        client: the client to use; None means the default client at call time.
        consistent_read: whether `get`, `query` and `scan` read strongly consistent by default.
        indexes: the table's secondary indexes (`GlobalIndex`, `LocalIndex`).
        skip_hooks: never run the model's hooks (`before_save`, ..., `after_load`) through this
            table; each operation also takes `skip_hooks=True` for itself.
        store_computed: store the model's `@computed_field`s with each item (True: all of them,
            or their names), where indexes and filters can use them; reading an item computes
            them again, from the other fields. `update_by_key` has no instance to compute them
            from, so it leaves the stored ones as they were.
        datetime_form: the stored form of every datetime of the items (`StoredAs.PYNAMODB`,
            ...), for a table another library shares; a field's own `StoredAs` wins.
        entity: the name this model's items carry in `type_attribute`, which tells the
            entities of one table apart (True: the class name; False: none). By default, a
            model keyed by `KeyTemplate`s is an entity named after its class.
        type_attribute: the attribute that holds the entity name (`"_type"`).
        key_separator: what the fields of key templates may not hold (`"#"`).
        rate_limit: the table's read and write budgets (and its indexes', `indexes=`), in
            capacity units per second, shared by every call through a client (`RateLimit`):
            set on each client the table is used through, unless the client's own
            `rate_limits` gives the table budgets.

    Hooks run around the operations on instances: `save` (before/after_save), `update`
    (before/after_update), `delete` (before/after_delete); `after_load` on every model an
    operation returns. The `*_by_key` writes and batch writes run no write hooks.

    Raises:
        ModelDefinitionError: see `TableMapping`.
    """

    __slots__ = ()

    def __init__(
        self,
        model: type[M],
        name: str,
        *,
        partition_key: KeySpec,
        sort_key: KeySpec | None = None,
        client: DynamoClient | None = None,
        consistent_read: bool = False,
        indexes: Sequence[SecondaryIndex] = (),
        skip_hooks: bool = False,
        store_computed: bool | Sequence[str] = False,
        datetime_form: StoredAs | None = None,
        entity: str | bool | None = None,
        type_attribute: str = "_type",
        key_separator: str = "#",
        rate_limit: RateLimit | None = None,
    ) -> None:
        mapping = TableMapping(
            model,
            name,
            partition_key=partition_key,
            sort_key=sort_key,
            indexes=indexes,
            store_computed=store_computed,
            datetime_form=datetime_form,
            entity=entity,
            type_attribute=type_attribute,
            key_separator=key_separator,
        )
        super().__init__(
            mapping,
            client=client,
            consistent_read=consistent_read,
            skip_hooks=skip_hooks,
            rate_limit=rate_limit,
        )

    def __repr__(self) -> str:
        return f"Table({self.model.__name__}, {self.name!r})"

    def target(self) -> tuple[BoundTable[M], SecondaryIndex | None]:
        """This table, and no index."""
        return self, None

    @property
    def key_fields(self) -> tuple[str, ...]:
        """The key fields, partition key first."""
        return self.mapping.key_fields

    @property
    def partition_key(self) -> str:
        """The partition key field (or the attribute its `KeyTemplate` fills)."""
        return self.mapping.partition_key

    @property
    def sort_key(self) -> str | None:
        """The sort key field, if the table has one."""
        return self.mapping.sort_key

    def index(self, name: str) -> Index[M]:
        """The secondary index `name`, to query and scan. Raises KeyError if there is none."""
        try:
            return Index(self, self.mapping.indexes[name])
        except KeyError:
            known = ", ".join(self.mapping.indexes) or "none"
            raise KeyError(f"{self!r} has no index {name!r} (indexes: {known})") from None

    # -- the wire form, no request

    def to_item(self, instance: M) -> Item:
        """`instance` in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Attributes the instance was loaded with but the model does not declare are included
        unchanged. Raises an `EncodeError` subclass for a value DynamoDB cannot store.
        """
        return self.mapping.codec.to_item(instance)

    def to_items(self, instances: Iterable[M]) -> list[Item]:
        """`to_item` of many instances with one crossing into Rust, the cyclic GC paused
        meanwhile; no request is sent."""
        return self.mapping.codec.to_items(instances)

    def item_size(self, instance: M) -> int:
        """The size of `instance` as an item, by DynamoDB's rules (the 400 KB limit's measure)."""
        return self.mapping.codec.item_size(instance)

    def from_item(self, item: Mapping[str, AttributeValue]) -> M:
        """Validate one wire-form item into `M`; no request is sent."""
        return self.mapping.codec.from_item(item)

    def from_items(self, items: Iterable[Mapping[str, AttributeValue]]) -> list[M]:
        """Validate many wire-form items into `M` with one crossing into Rust."""
        return self.mapping.codec.from_items(items)

    # -- the table itself

    def _create_table(self, **options: Unpack[CreateOptions]) -> Steps[TableDescription]:
        """CreateTable with the key schema of the model's annotations and its secondary indexes,
        as `CreateOptions` say (on demand by default; a PROVISIONED table needs its capacity).
        Costs nothing per call."""
        return items.create_table(self, options)

    def _describe_table(self) -> Steps[TableDescription]:
        """DescribeTable. Raises `TableNotFoundError` if the table does not exist."""
        return described(self.client, self.name)

    def _table_exists(self) -> Steps[bool]:
        """Whether the table exists (one DescribeTable)."""
        return exists(self.client, self.name)

    def _delete_table(self, *, wait: bool = True) -> Steps[None]:
        """DeleteTable, every item with it; with `wait`, DescribeTable until it is gone."""
        return deleted(self.client, self.name, wait)

    create_table = awaitable(_create_table)
    sync_create_table = blocking(_create_table)
    describe_table = awaitable(_describe_table)
    sync_describe_table = blocking(_describe_table)
    table_exists = awaitable(_table_exists)
    sync_table_exists = blocking(_table_exists)
    delete_table = awaitable(_delete_table)
    sync_delete_table = blocking(_delete_table)

    # -- items

    def _save(
        self,
        instance: M,
        *,
        condition: Condition | None = None,
        if_unchanged: bool = False,
        skip_hooks: bool = False,
    ) -> Steps[None]:
        """PutItem of the whole item (1 WCU per KB; replaces what was stored under the key).

        Unknown attributes the instance was loaded with are written back. With a `Version`
        field, the put is conditioned on the stored version and writes the next one. With
        `if_unchanged=True`, it is conditioned on the stored item still holding every value
        the instance was read with (by `get`, `refresh`, or its last `save` or `update`): the
        optimistic lock of a model without a `Version`. Raises `ConditionalCheckFailedError`
        (with the stored item) when a condition is false; the instance is then left as it
        was. An instance a projection read only in part raises `PartialInstanceError`:
        `update()` writes what changed instead.
        """
        return items.save(self, instance, condition, skip_hooks, if_unchanged)

    def _get(
        self, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Steps[M | None]:
        """GetItem by the key fields' values; None if there is no such item.

        Costs 0.5 RCU per 4 KB eventually consistent, 1 RCU strongly consistent (the table's
        `consistent_read` setting is the default).
        """
        return items.get(self, key, consistent_read, skip_hooks)

    def _update(
        self,
        instance: M,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> Steps[None]:
        """One UpdateItem: `actions` (`attr(Order.total).increment(5)`, `.append([...])`, ...)
        and the named fields set to new values (None or an empty set removes the attribute
        where it reads back as itself).

        The changed values are validated by pydantic first; the item must exist (and match
        `condition`, and the instance's `Version`, which it bumps); the instance is then
        refreshed from the item DynamoDB returns, so actions computed by DynamoDB show in it.
        1 WCU per KB of the whole item.
        """
        return items.update(self, instance, actions, condition, changes, skip_hooks)

    def _update_by_key(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> Steps[M]:
        """One UpdateItem by key, without reading the item first: `values` holds the key fields
        and the fields to set; `actions` as in `update`. The item must exist
        (`ItemNotFoundError` otherwise). Returns the item as stored after the update.

        With a `Version` field the stored version is bumped; pass the version you expect among
        `values` to condition the update on it. No write hooks run (there is no instance);
        `after_load` runs on the returned model.
        """
        return items.update_by_key(self, values, actions, condition, skip_hooks)

    def _delete(
        self, instance: M, *, condition: Condition | None = None, skip_hooks: bool = False
    ) -> Steps[None]:
        """DeleteItem by the instance's key (1 WCU per KB of the deleted item; deleting a missing
        item is not an error unless a condition says so). With a `Version` field, the delete is
        conditioned on the stored version being the instance's."""
        return items.delete(self, instance, condition, skip_hooks)

    def _delete_by_key(self, *, condition: Condition | None = None, **key: Any) -> Steps[None]:
        """DeleteItem by the key fields' values: no version check, no hooks (no instance)."""
        encoded = self.mapping.encoded_key(key, "delete_by_key", ("condition",))
        return items.delete_by_key(self, encoded, condition)

    def _refresh(self, instance: M, *, skip_hooks: bool = False) -> Steps[None]:
        """Strongly consistent GetItem of the instance's key, loaded into the instance in place.
        Raises `ItemNotFoundError` if the item no longer exists."""
        return items.refresh(self, instance, skip_hooks)

    save = awaitable(_save)
    sync_save = blocking(_save)
    get = awaitable(_get)
    sync_get = blocking(_get)
    update = awaitable(_update)
    sync_update = blocking(_update)
    update_by_key = awaitable(_update_by_key)
    sync_update_by_key = blocking(_update_by_key)
    delete = awaitable(_delete)
    sync_delete = blocking(_delete)
    delete_by_key = awaitable(_delete_by_key)
    sync_delete_by_key = blocking(_delete_by_key)
    refresh = awaitable(_refresh)
    sync_refresh = blocking(_refresh)

    # -- batches

    @overload
    def _batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        as_dict: Literal[False] = False,
        **options: Unpack[BatchGetOptions],
    ) -> Steps[list[M]]: ...
    @overload
    def _batch_get(
        self,
        keys: Iterable[KeyInput],
        *,
        as_dict: Literal[True],
        **options: Unpack[BatchGetOptions],
    ) -> Steps[list[dict[str, Any]]]: ...
    @overload
    def _batch_get(
        self, keys: Iterable[KeyInput], *, as_dict: bool, **options: Unpack[BatchGetOptions]
    ) -> Steps[list[Any]]: ...
    def _batch_get(self, keys: Iterable[KeyInput], **options: Any) -> Steps[list[Any]]:
        """BatchGetItem of any number of keys (dicts, `(partition, sort)` tuples, or partition
        values): requests of 100 keys sent concurrently, duplicate keys read once, unprocessed
        keys retried with exponential backoff and jitter for up to `timeout` seconds (60), then
        `BatchIncompleteError` listing the keys not read. The items come back in the order of
        their keys (unless a projection leaves key attributes out: those items come after);
        missing items are simply absent. `after_load` runs on each model. See
        `BatchGetOptions`.

        Costs what GetItem would per item (0.5 RCU per 4 KB, 1 RCU consistent).
        """
        as_dict = bool(options.pop("as_dict", False))
        return read_keys(self, keys, cast(BatchGetOptions, options), as_dict)

    batch_get = awaitable(_batch_get)
    sync_batch_get = blocking(_batch_get)

    def batch_write(
        self, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[M]:
        """A batch of puts and deletes into this table: `async with table.batch_write() as
        batch:`, or `with` for blocking code (see `BatchWrite`)."""
        return BatchWrite(None, table=self, discard_on_error=discard_on_error, timeout=timeout)

    sync_batch_write = batch_write
