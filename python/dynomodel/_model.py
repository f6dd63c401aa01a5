"""`DynamoModel`: a pydantic model that is also a DynamoDB item."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Self, overload

from pydantic import BaseModel

from ._batches import BatchWrite, KeyInput
from ._calls import run_async, run_sync
from ._client import BATCH_TIMEOUT, BillingMode, DynamoClient, TableDescription
from ._codec import ModelCodec
from ._expressions import Condition, UpdateAction
from ._hooks import default_hook
from ._indexes import SecondaryIndex
from ._paths import install_paths
from ._reads import Projection, Results, SyncResults
from ._table import Table, attach, declared_keys, table_of
from ._types import AttributeValue, Item
from .exceptions import ModelDefinitionError

__all__ = ["DynamoModel"]


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
    table anywhere is still encodable (`to_item`), for use as a base or a nested value.

    Class keywords: `table` (the table name), `client` (a `DynamoClient`; by default the default
    client at call time), `consistent_read` (the default of `get`), `skip_hooks` (never run the
    hooks below), `store_computed` (store the `@computed_field`s too: True, or their names).
    A base class may declare the keys (and indexes) without a table, for subclasses that name
    one. Every I/O method is async with a blocking `sync_` twin; `table_of(Order).stats` holds
    the consumed capacity and time.

    Hooks: override `before_save`, `after_save`, `before_update`, `after_update`,
    `before_delete`, `after_delete` or `after_load`, as plain methods or `async def` (a `sync_`
    call runs an async hook to completion). They run around `save`, `update`, `delete` and
    transactions on an instance, and `after_load` on every model read; `*_by_key` writes and
    batch writes run no write hooks. `skip_hooks=True` on a call skips them for that call.
    """

    __dynamo_table_name__: ClassVar[str | None] = None
    __dynamo_settings__: ClassVar[dict[str, Any]] = {}

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
        settings = dict(cls.__dynamo_settings__)
        if client is not None:
            settings["client"] = client
        if consistent_read is not None:
            settings["consistent_read"] = consistent_read
        if skip_hooks is not None:
            settings["skip_hooks"] = skip_hooks
        if store_computed is not None:
            settings["store_computed"] = store_computed
        cls.__dynamo_settings__ = settings
        partition_key, sort_key = declared_keys(cls)
        if name is None:
            # A base for models of several tables (the keys may be declared here, for
            # subclasses that name their table), or a nested value.
            cls.__dynamo_codec__ = ModelCodec(cls)
            install_paths(cls)
            return
        if partition_key is None:
            raise ModelDefinitionError(
                f"{cls.__name__}: a table model needs exactly one partition key, "
                "declared as Annotated[<type>, PartitionKey]"
            )
        indexes = _declared_indexes(cls)
        table_ = Table(
            cls,
            name,
            partition_key=partition_key,
            sort_key=sort_key,
            indexes=indexes,
            **settings,
        )
        attach(cls, table_)
        cls.__dynamo_codec__ = table_.codec
        install_paths(cls)

    __dynamo_codec__: ClassVar[ModelCodec[Any]]

    def to_item(self) -> Item:
        """This instance in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Raises an `EncodeError` subclass, naming the field and the rule, for a value DynamoDB
        cannot store: NaN, a number over 38 digits, an empty key, an item over 400 KB, ...
        """
        return type(self).__dynamo_codec__.to_item(self)

    @classmethod
    def from_item(cls, item: Mapping[str, AttributeValue]) -> Self:
        """Validate one wire-form item into this model; no request is sent.

        Attributes the model does not declare are kept with the instance and written back
        unchanged by `to_item()` (and so by `save()`).
        """
        return cls.__dynamo_codec__.from_item(item)  # type: ignore[no-any-return]

    @classmethod
    def from_items(cls, items: Iterable[Mapping[str, AttributeValue]]) -> list[Self]:
        """Validate a page of wire-form items with one crossing into Rust and one pydantic call."""
        return cls.__dynamo_codec__.from_items(items)

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

    # -- DynamoDB operations: each runs the model's Table operation of the same name.

    @classmethod
    async def create_table(
        cls,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        index_capacity: Mapping[str, tuple[int, int]] | None = None,
        wait: bool = True,
        exist_ok: bool = False,
    ) -> TableDescription:
        """CreateTable with the key schema and indexes from the class; a PROVISIONED table
        needs its capacity. See `Table.create_table`."""
        return await table_of(cls).create_table(
            billing_mode=billing_mode,
            read_capacity=read_capacity,
            write_capacity=write_capacity,
            index_capacity=index_capacity,
            wait=wait,
            exist_ok=exist_ok,
        )

    @classmethod
    def sync_create_table(
        cls,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        index_capacity: Mapping[str, tuple[int, int]] | None = None,
        wait: bool = True,
        exist_ok: bool = False,
    ) -> TableDescription:
        """Blocking twin of `create_table`."""
        return table_of(cls).sync_create_table(
            billing_mode=billing_mode,
            read_capacity=read_capacity,
            write_capacity=write_capacity,
            index_capacity=index_capacity,
            wait=wait,
            exist_ok=exist_ok,
        )

    @classmethod
    async def describe_table(cls) -> TableDescription:
        """DescribeTable of the model's table."""
        return await table_of(cls).describe_table()

    @classmethod
    def sync_describe_table(cls) -> TableDescription:
        """Blocking twin of `describe_table`."""
        return table_of(cls).sync_describe_table()

    @classmethod
    async def table_exists(cls) -> bool:
        """Whether the model's table exists (one DescribeTable)."""
        return await table_of(cls).table_exists()

    @classmethod
    def sync_table_exists(cls) -> bool:
        """Blocking twin of `table_exists`."""
        return table_of(cls).sync_table_exists()

    @classmethod
    async def delete_table(cls, *, wait: bool = True) -> None:
        """DeleteTable of the model's table, every item with it."""
        await table_of(cls).delete_table(wait=wait)

    @classmethod
    def sync_delete_table(cls, *, wait: bool = True) -> None:
        """Blocking twin of `delete_table`."""
        table_of(cls).sync_delete_table(wait=wait)

    async def save(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """PutItem of the whole item (1 WCU per KB), version-checked. See `Table.save`."""
        await table_of(type(self)).save(self, condition=condition, skip_hooks=skip_hooks)

    def sync_save(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """Blocking twin of `save`."""
        table_of(type(self)).sync_save(self, condition=condition, skip_hooks=skip_hooks)

    @classmethod
    async def get(
        cls, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Self | None:
        """GetItem by key (0.5 RCU per 4 KB, 1 RCU consistent); None if absent."""
        table = table_of(cls)
        return await table.get(consistent_read=consistent_read, skip_hooks=skip_hooks, **key)

    @classmethod
    def sync_get(
        cls, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Self | None:
        """Blocking twin of `get`."""
        table = table_of(cls)
        return table.sync_get(consistent_read=consistent_read, skip_hooks=skip_hooks, **key)

    async def update(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> None:
        """One UpdateItem of `actions` and the named fields, validated first; the instance is
        refreshed from the stored item. See `Table.update`."""
        await table_of(type(self)).update(
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
        table_of(type(self)).sync_update(
            self, actions=actions, condition=condition, skip_hooks=skip_hooks, **changes
        )

    @classmethod
    async def update_by_key(
        cls,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> Self:
        """UpdateItem by key without loading the item; returns the stored item after it. See
        `Table.update_by_key`."""
        return await table_of(cls).update_by_key(
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
        return table_of(cls).sync_update_by_key(
            actions=actions, condition=condition, skip_hooks=skip_hooks, **values
        )

    async def delete(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """DeleteItem by this instance's key, version-checked. See `Table.delete`."""
        await table_of(type(self)).delete(self, condition=condition, skip_hooks=skip_hooks)

    def sync_delete(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """Blocking twin of `delete`."""
        table_of(type(self)).sync_delete(self, condition=condition, skip_hooks=skip_hooks)

    @classmethod
    async def delete_by_key(cls, *, condition: Condition | None = None, **key: Any) -> None:
        """DeleteItem by key (no version check, no hooks)."""
        await table_of(cls).delete_by_key(condition=condition, **key)

    @classmethod
    def sync_delete_by_key(cls, *, condition: Condition | None = None, **key: Any) -> None:
        """Blocking twin of `delete_by_key`."""
        table_of(cls).sync_delete_by_key(condition=condition, **key)

    async def refresh(self, *, skip_hooks: bool = False) -> None:
        """Strongly consistent GetItem of this instance's key, loaded in place."""
        await table_of(type(self)).refresh(self, skip_hooks=skip_hooks)

    def sync_refresh(self, *, skip_hooks: bool = False) -> None:
        """Blocking twin of `refresh`."""
        table_of(type(self)).sync_refresh(self, skip_hooks=skip_hooks)

    # -- batches: see `Table.batch_get` and `BatchWrite`.

    @overload
    @classmethod
    async def batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[False] = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[Self]: ...

    @overload
    @classmethod
    async def batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[True],
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[dict[str, Any]]: ...

    @classmethod
    async def batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: bool = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[Any]:
        """BatchGetItem of any number of keys, in requests of 100, unprocessed keys retried;
        the items in the order of their keys, missing ones absent. See `Table.batch_get`."""
        read = table_of(cls)._batch_get(
            keys, consistent_read, projection, as_dict, skip_hooks, timeout
        )
        return await run_async(read)

    @overload
    @classmethod
    def sync_batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[False] = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[Self]: ...

    @overload
    @classmethod
    def sync_batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: Literal[True],
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[dict[str, Any]]: ...

    @classmethod
    def sync_batch_get(
        cls,
        keys: Iterable[KeyInput],
        *,
        consistent_read: bool | None = None,
        projection: Projection | None = None,
        as_dict: bool = False,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> list[Any]:
        """Blocking twin of `batch_get`."""
        read = table_of(cls)._batch_get(
            keys, consistent_read, projection, as_dict, skip_hooks, timeout
        )
        return run_sync(read)

    @classmethod
    def batch_write(
        cls, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[Self]:
        """`async with Order.batch_write() as batch: batch.put(order)`: BatchWriteItem in
        requests of 25, sent as they fill and on exit, unprocessed writes retried until written.
        See `BatchWrite`."""
        return table_of(cls).batch_write(discard_on_error=discard_on_error, timeout=timeout)

    @classmethod
    def sync_batch_write(
        cls, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[Self]:
        """`with Order.sync_batch_write() as batch:`: the blocking form of `batch_write`."""
        return table_of(cls).sync_batch_write(discard_on_error=discard_on_error, timeout=timeout)

    # -- reads: Query, Scan and count, on the table; indexes have the same (`Order.by_status`).

    @overload
    @classmethod
    def query(
        cls,
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
    ) -> Results[Self]: ...

    @overload
    @classmethod
    def query(
        cls,
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
    @classmethod
    def query(
        cls,
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

    @classmethod
    def query(
        cls,
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
        """Query: the items under `partition_key`, a page at a time as `async for` asks;
        see `Table.query` for the parameters and what each request costs."""
        return table_of(cls).query(
            partition_key=partition_key,
            sort_key_condition=sort_key_condition,
            filter_condition=filter_condition,
            limit=limit,
            page_size=page_size,
            scan_index_forward=scan_index_forward,
            consistent_read=consistent_read,
            last_evaluated_key=last_evaluated_key,
            as_dict=as_dict,
            projection=projection,
            skip_hooks=skip_hooks,
        )

    @overload
    @classmethod
    def sync_query(
        cls,
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
    ) -> SyncResults[Self]: ...

    @overload
    @classmethod
    def sync_query(
        cls,
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
    @classmethod
    def sync_query(
        cls,
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

    @classmethod
    def sync_query(
        cls,
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
        return table_of(cls).sync_query(
            partition_key=partition_key,
            sort_key_condition=sort_key_condition,
            filter_condition=filter_condition,
            limit=limit,
            page_size=page_size,
            scan_index_forward=scan_index_forward,
            consistent_read=consistent_read,
            last_evaluated_key=last_evaluated_key,
            as_dict=as_dict,
            projection=projection,
            skip_hooks=skip_hooks,
        )

    @overload
    @classmethod
    def scan(
        cls,
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
    ) -> Results[Self]: ...

    @overload
    @classmethod
    def scan(
        cls,
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
    @classmethod
    def scan(
        cls,
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

    @classmethod
    def scan(
        cls,
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
        """Scan: every item, a page at a time (`segments=N` reads N segments concurrently);
        see `Table.scan`."""
        return table_of(cls).scan(
            filter_condition=filter_condition,
            limit=limit,
            page_size=page_size,
            segments=segments,
            consistent_read=consistent_read,
            last_evaluated_key=last_evaluated_key,
            as_dict=as_dict,
            projection=projection,
            skip_hooks=skip_hooks,
        )

    @overload
    @classmethod
    def sync_scan(
        cls,
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
    ) -> SyncResults[Self]: ...

    @overload
    @classmethod
    def sync_scan(
        cls,
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
    @classmethod
    def sync_scan(
        cls,
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

    @classmethod
    def sync_scan(
        cls,
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
        return table_of(cls).sync_scan(
            filter_condition=filter_condition,
            limit=limit,
            page_size=page_size,
            segments=segments,
            consistent_read=consistent_read,
            last_evaluated_key=last_evaluated_key,
            as_dict=as_dict,
            projection=projection,
            skip_hooks=skip_hooks,
        )

    @classmethod
    async def count(
        cls,
        *,
        filter_condition: Condition | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
    ) -> int:
        """How many items the table holds (matching `filter_condition`): Scan with Select=COUNT
        over every page; it reads, and pays for, every item."""
        return await table_of(cls).count(
            filter_condition=filter_condition, segments=segments, consistent_read=consistent_read
        )

    @classmethod
    def sync_count(
        cls,
        *,
        filter_condition: Condition | None = None,
        segments: int | None = None,
        consistent_read: bool | None = None,
    ) -> int:
        """Blocking twin of `count`."""
        return table_of(cls).sync_count(
            filter_condition=filter_condition, segments=segments, consistent_read=consistent_read
        )


def _declared_indexes(model: type[BaseModel]) -> list[SecondaryIndex]:
    """The `GlobalIndex`/`LocalIndex` class attributes of `model` and its bases."""
    found: dict[str, SecondaryIndex] = {}
    for klass in reversed(model.__mro__):
        for value in vars(klass).values():
            if isinstance(value, SecondaryIndex):
                found[value.name] = value
    return list(found.values())
