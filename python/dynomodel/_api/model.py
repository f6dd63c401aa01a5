"""`DynamoModel`: a pydantic model that is also a DynamoDB item."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Self, TypeVar, cast, overload

from pydantic import BaseModel
from typing_extensions import Unpack

from .._expr.nodes import Condition, UpdateAction
from .._expr.paths import codec_of, install_paths
from .._io.client import BATCH_TIMEOUT, DynamoClient, TableDescription
from .._io.driver import run_async, run_sync
from .._ops.batches import BatchGetOptions, BatchWrite, KeyInput, read_keys
from .._ops.bound import bind
from .._ops.items import CreateOptions
from .._ops.reads import Results, SyncResults
from .._schema.codec import ModelCodec
from .._schema.hooks import default_hook
from .._schema.keys import declared_keys
from .._schema.wire import AttributeValue, Item
from .._table.indexes import SecondaryIndex
from .._table.reads import CountOptions, QueryOptions, ScanOptions
from ..exceptions import ModelDefinitionError
from .decorator import table_of
from .reader import queried, scanned
from .table import Table

__all__ = ["DynamoModel"]

M = TypeVar("M", bound=BaseModel)


class _TableOf:
    """`Order.table`: the model's `Table[Order]`, through which every operation runs; it
    stays reachable when a field's name hides the shortcut of the same name (`Order.count`)."""

    def __get__(self, instance: object, owner: type[M]) -> Table[M]:
        return table_of(owner)


class DynamoModel(BaseModel):
    """Base class for models stored in DynamoDB.

    ```python
    class Order(DynamoModel, table="orders"):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        total: Decimal
    ```

    The keys are checked when the class is created (exactly one partition key, at most one sort
    key, of a type DynamoDB keys can have, never optional) and the codec plan is compiled once
    then. A subclass without `table=` inherits its parent's table; a `DynamoModel` that names no
    table anywhere is still encodable (`to_item`), for use as a base or a nested value, and may
    declare the keys (and indexes) for subclasses that name their tables.

    Class keywords: `table` (the table name), `client` (a `DynamoClient`; by default the default
    client at call time), `consistent_read` (the default of `get`), `skip_hooks` (never run the
    hooks below), `store_computed` (store the `@computed_field`s too: True, or their names).

    `Order.table` is the model's `Table[Order]`; the class methods here (`Order.get`,
    `Order.query`, ...) are its operations, and `order.save()`, `order.update()`,
    `order.delete()` and `order.refresh()` run it on the instance. Every I/O method is async
    with a blocking `sync_` twin; `Order.table.stats` holds the consumed capacity and time. A
    field named like an operation hides that shortcut on its class: `Order.table` still runs it.

    Hooks: override `before_save`, `after_save`, `before_update`, `after_update`,
    `before_delete`, `after_delete` or `after_load`, as plain methods or `async def` (a `sync_`
    call runs an async hook to completion). They run around `save`, `update`, `delete` and
    transactions on an instance, and `after_load` on every model read; `*_by_key` writes and
    batch writes run no write hooks. `skip_hooks=True` on a call skips them for that call.
    """

    __dynamo_table_name__: ClassVar[str | None] = None
    __dynamo_settings__: ClassVar[dict[str, Any]] = {}

    table: ClassVar[_TableOf] = _TableOf()

    def __init_subclass__(
        cls,
        *,
        table: str | None = None,
        client: DynamoClient | None = None,
        consistent_read: bool | None = None,
        skip_hooks: bool | None = None,
        store_computed: bool | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)

    @classmethod
    def __pydantic_init_subclass__(
        cls,
        *,
        table: str | None = None,
        client: DynamoClient | None = None,
        consistent_read: bool | None = None,
        skip_hooks: bool | None = None,
        store_computed: bool | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = table or cls.__dynamo_table_name__
        cls.__dynamo_table_name__ = name
        given: dict[str, Any] = {
            "client": client,
            "consistent_read": consistent_read,
            "skip_hooks": skip_hooks,
            "store_computed": store_computed,
        }
        chosen = {k: v for k, v in given.items() if v is not None}
        settings: dict[str, Any] = {**cls.__dynamo_settings__, **chosen}
        cls.__dynamo_settings__ = settings
        partition_key, sort_key = declared_keys(cls)
        if name is None:
            # A base for models of several tables (the keys may be declared here, for
            # subclasses that name their table), or a nested value.
            install_paths(cls, ModelCodec(cls))
            return
        if partition_key is None:
            raise ModelDefinitionError(
                f"{cls.__name__}: a table model needs exactly one partition key, "
                "declared as Annotated[<type>, PartitionKey]"
            )
        own = Table(
            cls,
            name,
            partition_key=partition_key,
            sort_key=sort_key,
            indexes=_declared_indexes(cls),
            **settings,
        )
        bind(cls, own)
        install_paths(cls, own.mapping.codec)

    def to_item(self) -> Item:
        """This instance in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Raises an `EncodeError` subclass, naming the field and the rule, for a value DynamoDB
        cannot store: NaN, a number over 38 digits, an empty key, an item over 400 KB, ...
        """
        return codec_of(type(self)).to_item(self)

    @classmethod
    def from_item(cls, item: Mapping[str, AttributeValue]) -> Self:
        """Validate one wire-form item into this model; no request is sent.

        Attributes the model does not declare are kept with the instance and written back
        unchanged by `to_item()` (and so by `save()`).
        """
        found: Self = codec_of(cls).from_item(item)
        return found

    @classmethod
    def from_items(cls, items: Iterable[Mapping[str, AttributeValue]]) -> list[Self]:
        """Validate a page of wire-form items with one crossing into Rust."""
        return codec_of(cls).from_items(items)

    # -- hooks: override any of them; these defaults do nothing and cost nothing.

    @default_hook
    def before_save(self) -> Any:
        """Runs before `save` (and a transaction's put) sends the item."""

    @default_hook
    def after_save(self) -> Any:
        """Runs after `save` (and a transaction's put) stored the item."""

    @default_hook
    def before_update(self) -> Any:
        """Runs before `update` (and a transaction's update) is sent."""

    @default_hook
    def after_update(self) -> Any:
        """Runs after `update` applied (the instance holds the stored item)."""

    @default_hook
    def before_delete(self) -> Any:
        """Runs before `delete` (and a transaction's delete) is sent."""

    @default_hook
    def after_delete(self) -> Any:
        """Runs after `delete` removed the item."""

    @default_hook
    def after_load(self) -> Any:
        """Runs on each instance read from DynamoDB (get, refresh, query, scan, batch_get,
        transact_get, update_by_key)."""

    # -- operations on this instance: see `Table` for what each sends and costs.

    async def save(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """PutItem of the whole item, version-checked (`Table.save`)."""
        await type(self).table.save(self, condition=condition, skip_hooks=skip_hooks)

    def sync_save(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """Blocking twin of `save`."""
        type(self).table.sync_save(self, condition=condition, skip_hooks=skip_hooks)

    async def update(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> None:
        """One UpdateItem of `actions` and the named fields, validated first; the instance is
        refreshed from the stored item (`Table.update`)."""
        table = type(self).table
        await table.update(
            self, actions=actions, condition=condition, skip_hooks=skip_hooks, **changes
        )

    def sync_update(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> None:
        """Blocking twin of `update`."""
        table = type(self).table
        table.sync_update(
            self, actions=actions, condition=condition, skip_hooks=skip_hooks, **changes
        )

    async def delete(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """DeleteItem by this instance's key, version-checked (`Table.delete`)."""
        await type(self).table.delete(self, condition=condition, skip_hooks=skip_hooks)

    def sync_delete(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """Blocking twin of `delete`."""
        type(self).table.sync_delete(self, condition=condition, skip_hooks=skip_hooks)

    async def refresh(self, *, skip_hooks: bool = False) -> None:
        """Strongly consistent GetItem of this instance's key, loaded in place."""
        await type(self).table.refresh(self, skip_hooks=skip_hooks)

    def sync_refresh(self, *, skip_hooks: bool = False) -> None:
        """Blocking twin of `refresh`."""
        type(self).table.sync_refresh(self, skip_hooks=skip_hooks)

    # -- shortcuts to the operations of `Order.table`, where each is described.

    @classmethod
    async def create_table(cls, **options: Unpack[CreateOptions]) -> TableDescription:
        """CreateTable from the class (`Table.create_table`)."""
        return await cls.table.create_table(**options)

    @classmethod
    def sync_create_table(cls, **options: Unpack[CreateOptions]) -> TableDescription:
        """Blocking twin of `create_table`."""
        return cls.table.sync_create_table(**options)

    @classmethod
    async def describe_table(cls) -> TableDescription:
        """DescribeTable of the model's table."""
        return await cls.table.describe_table()

    @classmethod
    def sync_describe_table(cls) -> TableDescription:
        """Blocking twin of `describe_table`."""
        return cls.table.sync_describe_table()

    @classmethod
    async def table_exists(cls) -> bool:
        """Whether the model's table exists."""
        return await cls.table.table_exists()

    @classmethod
    def sync_table_exists(cls) -> bool:
        """Blocking twin of `table_exists`."""
        return cls.table.sync_table_exists()

    @classmethod
    async def delete_table(cls, *, wait: bool = True) -> None:
        """DeleteTable of the model's table, every item with it."""
        await cls.table.delete_table(wait=wait)

    @classmethod
    def sync_delete_table(cls, *, wait: bool = True) -> None:
        """Blocking twin of `delete_table`."""
        cls.table.sync_delete_table(wait=wait)

    @classmethod
    async def get(
        cls, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Self | None:
        """GetItem by key; None if absent (`Table.get`)."""
        return await cls.table.get(consistent_read=consistent_read, skip_hooks=skip_hooks, **key)

    @classmethod
    def sync_get(
        cls, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Self | None:
        """Blocking twin of `get`."""
        return cls.table.sync_get(consistent_read=consistent_read, skip_hooks=skip_hooks, **key)

    @classmethod
    async def update_by_key(
        cls,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> Self:
        """UpdateItem by key without loading the item (`Table.update_by_key`)."""
        table = cls.table
        return await table.update_by_key(
            actions=actions, condition=condition, skip_hooks=skip_hooks, **values
        )

    @classmethod
    def sync_update_by_key(
        cls,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> Self:
        """Blocking twin of `update_by_key`."""
        return cls.table.sync_update_by_key(
            actions=actions, condition=condition, skip_hooks=skip_hooks, **values
        )

    @classmethod
    async def delete_by_key(cls, *, condition: Condition | None = None, **key: Any) -> None:
        """DeleteItem by key, no version check, no hooks (`Table.delete_by_key`)."""
        await cls.table.delete_by_key(condition=condition, **key)

    @classmethod
    def sync_delete_by_key(cls, *, condition: Condition | None = None, **key: Any) -> None:
        """Blocking twin of `delete_by_key`."""
        cls.table.sync_delete_by_key(condition=condition, **key)

    @overload
    @classmethod
    def query(
        cls, *, partition_key: Any, as_dict: Literal[False] = False, **options: Unpack[QueryOptions]
    ) -> Results[Self]: ...
    @overload
    @classmethod
    def query(
        cls, *, partition_key: Any, as_dict: Literal[True], **options: Unpack[QueryOptions]
    ) -> Results[dict[str, Any]]: ...
    @overload
    @classmethod
    def query(
        cls, *, partition_key: Any, as_dict: bool, **options: Unpack[QueryOptions]
    ) -> Results[Any]: ...
    @classmethod
    def query(cls, *, partition_key: Any, **options: Any) -> Results[Any]:
        """Query the items under `partition_key` (`Table.query`, `QueryOptions`)."""
        return queried(cls.table, Results[Any], partition_key, options)

    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Any, as_dict: Literal[False] = False, **options: Unpack[QueryOptions]
    ) -> SyncResults[Self]: ...
    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Any, as_dict: Literal[True], **options: Unpack[QueryOptions]
    ) -> SyncResults[dict[str, Any]]: ...
    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Any, as_dict: bool, **options: Unpack[QueryOptions]
    ) -> SyncResults[Any]: ...
    @classmethod
    def sync_query(cls, *, partition_key: Any, **options: Any) -> SyncResults[Any]:
        """`query` for blocking code."""
        return queried(cls.table, SyncResults[Any], partition_key, options)

    @overload
    @classmethod
    def scan(
        cls, *, as_dict: Literal[False] = False, **options: Unpack[ScanOptions]
    ) -> Results[Self]: ...
    @overload
    @classmethod
    def scan(
        cls, *, as_dict: Literal[True], **options: Unpack[ScanOptions]
    ) -> Results[dict[str, Any]]: ...
    @overload
    @classmethod
    def scan(cls, *, as_dict: bool, **options: Unpack[ScanOptions]) -> Results[Any]: ...
    @classmethod
    def scan(cls, **options: Any) -> Results[Any]:
        """Scan every item (`Table.scan`, `ScanOptions`)."""
        return scanned(cls.table, Results[Any], options)

    @overload
    @classmethod
    def sync_scan(
        cls, *, as_dict: Literal[False] = False, **options: Unpack[ScanOptions]
    ) -> SyncResults[Self]: ...
    @overload
    @classmethod
    def sync_scan(
        cls, *, as_dict: Literal[True], **options: Unpack[ScanOptions]
    ) -> SyncResults[dict[str, Any]]: ...
    @overload
    @classmethod
    def sync_scan(cls, *, as_dict: bool, **options: Unpack[ScanOptions]) -> SyncResults[Any]: ...
    @classmethod
    def sync_scan(cls, **options: Any) -> SyncResults[Any]:
        """`scan` for blocking code."""
        return scanned(cls.table, SyncResults[Any], options)

    @classmethod
    async def count(cls, **options: Unpack[CountOptions]) -> int:
        """How many items the table holds: Scan with Select=COUNT (`Table.count`)."""
        return await cls.table.count(**options)

    @classmethod
    def sync_count(cls, **options: Unpack[CountOptions]) -> int:
        """Blocking twin of `count`."""
        return cls.table.sync_count(**options)

    @overload
    @classmethod
    async def batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        as_dict: Literal[False] = False,
        **options: Unpack[BatchGetOptions],
    ) -> list[Self]: ...
    @overload
    @classmethod
    async def batch_get(
        cls, keys: Iterable[KeyInput], *, as_dict: Literal[True], **options: Unpack[BatchGetOptions]
    ) -> list[dict[str, Any]]: ...
    @overload
    @classmethod
    async def batch_get(
        cls, keys: Iterable[KeyInput], *, as_dict: bool, **options: Unpack[BatchGetOptions]
    ) -> list[Any]: ...
    @classmethod
    async def batch_get(cls, keys: Iterable[KeyInput], **options: Any) -> list[Any]:
        """BatchGetItem of any number of keys (`Table.batch_get`, `BatchGetOptions`)."""
        as_dict = bool(options.pop("as_dict", False))
        return await run_async(read_keys(cls.table, keys, cast(BatchGetOptions, options), as_dict))

    @overload
    @classmethod
    def sync_batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        as_dict: Literal[False] = False,
        **options: Unpack[BatchGetOptions],
    ) -> list[Self]: ...
    @overload
    @classmethod
    def sync_batch_get(
        cls, keys: Iterable[KeyInput], *, as_dict: Literal[True], **options: Unpack[BatchGetOptions]
    ) -> list[dict[str, Any]]: ...
    @overload
    @classmethod
    def sync_batch_get(
        cls, keys: Iterable[KeyInput], *, as_dict: bool, **options: Unpack[BatchGetOptions]
    ) -> list[Any]: ...
    @classmethod
    def sync_batch_get(cls, keys: Iterable[KeyInput], **options: Any) -> list[Any]:
        """Blocking twin of `batch_get`."""
        as_dict = bool(options.pop("as_dict", False))
        return run_sync(read_keys(cls.table, keys, cast(BatchGetOptions, options), as_dict))

    @classmethod
    def batch_write(
        cls, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[Self]:
        """BatchWriteItem of puts and deletes, 25 to a request: `async with Order.batch_write()
        as batch:`, or `with` for blocking code (`BatchWrite`)."""
        return cls.table.batch_write(discard_on_error=discard_on_error, timeout=timeout)

    @classmethod
    def sync_batch_write(
        cls, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[Self]:
        """`with Order.sync_batch_write() as batch:`, the same batch as `batch_write`."""
        return cls.table.batch_write(discard_on_error=discard_on_error, timeout=timeout)


def _declared_indexes(model: type[BaseModel]) -> list[SecondaryIndex]:
    """The `GlobalIndex`/`LocalIndex` class attributes of `model` and its bases."""
    found: dict[str, SecondaryIndex] = {}
    for klass in reversed(model.__mro__):
        for value in vars(klass).values():
            if isinstance(value, SecondaryIndex):
                found[value.name] = value
    return list(found.values())
