"""The operations of `Order.table` as methods of `DynamoModel`: `Order.get(...)` runs
`Order.table.get(...)`, and `order.save()` runs `Order.table.save(order)`.

Written by `scripts/generate_shortcuts.py` from the methods of `Table` and `Reader`, with the
model's own type (`Self`) for theirs; do not edit: `tests/api/test_shortcuts.py` checks that
this module is what the script writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, Never, Self, overload

from pydantic import BaseModel
from typing_extensions import Unpack

from .._expr.nodes import Condition, UpdateAction
from .._io.client import BATCH_TIMEOUT, CreateOptions, TableDescription
from .._ops.batches import BatchGetOptions, BatchWrite, KeyInput
from .._ops.reads import Results
from .._table.reads import NO_KEY, CountOptions, QueryOptions, ScanOptions
from .decorator import table_of

__all__ = ["TableShortcuts"]


class TableShortcuts(BaseModel):
    """The operations of the model's `Table`, on the class and on its instances."""

    @classmethod
    async def create_table(cls, **options: Unpack[CreateOptions]) -> TableDescription:
        """`_create_table`, by the name blocking code knows."""
        return await table_of(cls).create_table(**options)

    @classmethod
    def sync_create_table(cls, **options: Unpack[CreateOptions]) -> TableDescription:
        """Blocking twin of `create_table`."""
        return table_of(cls).sync_create_table(**options)

    @classmethod
    async def describe_table(cls) -> TableDescription:
        """`_describe_table`, by the name blocking code knows."""
        return await table_of(cls).describe_table()

    @classmethod
    def sync_describe_table(cls) -> TableDescription:
        """Blocking twin of `describe_table`."""
        return table_of(cls).sync_describe_table()

    @classmethod
    async def table_exists(cls) -> bool:
        """`_table_exists`, by the name blocking code knows."""
        return await table_of(cls).table_exists()

    @classmethod
    def sync_table_exists(cls) -> bool:
        """Blocking twin of `table_exists`."""
        return table_of(cls).sync_table_exists()

    @classmethod
    async def delete_table(cls, *, wait: bool = True) -> None:
        """`_delete_table`, by the name blocking code knows."""
        return await table_of(cls).delete_table(wait=wait)

    @classmethod
    def sync_delete_table(cls, *, wait: bool = True) -> None:
        """Blocking twin of `delete_table`."""
        return table_of(cls).sync_delete_table(wait=wait)

    @classmethod
    async def get(
        cls, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Self | None:
        """`_get`, by the name blocking code knows."""
        return await table_of(cls).get(
            consistent_read=consistent_read, skip_hooks=skip_hooks, **key
        )

    @classmethod
    def sync_get(
        cls, *, consistent_read: bool | None = None, skip_hooks: bool = False, **key: Any
    ) -> Self | None:
        """Blocking twin of `get`."""
        return table_of(cls).sync_get(consistent_read=consistent_read, skip_hooks=skip_hooks, **key)

    @classmethod
    async def update_by_key(
        cls,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **values: Any,
    ) -> Self:
        """`_update_by_key`, by the name blocking code knows."""
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

    @classmethod
    async def delete_by_key(cls, *, condition: Condition | None = None, **key: Any) -> None:
        """`_delete_by_key`, by the name blocking code knows."""
        return await table_of(cls).delete_by_key(condition=condition, **key)

    @classmethod
    def sync_delete_by_key(cls, *, condition: Condition | None = None, **key: Any) -> None:
        """Blocking twin of `delete_by_key`."""
        return table_of(cls).sync_delete_by_key(condition=condition, **key)

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

    @overload
    @classmethod
    def query(
        cls, *, partition_key: Never = ..., as_dict: Literal[False] = False, **key_fields: Any
    ) -> Results[Self]: ...

    @overload
    @classmethod
    def query(
        cls, *, partition_key: Never = ..., as_dict: Literal[True], **key_fields: Any
    ) -> Results[dict[str, Any]]: ...

    @classmethod
    def query(cls, *, partition_key: Any = NO_KEY, **options: Any) -> Results[Any]:
        """Query: the items under `partition_key`, in sort key order (descending with
        `scan_index_forward=False`), read a page at a time as `async for` asks. See
        `Table.query`."""
        table: Any = table_of(cls)
        found: Results[Any] = table.query(partition_key=partition_key, **options)
        return found

    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Any, as_dict: Literal[False] = False, **options: Unpack[QueryOptions]
    ) -> Results[Self]: ...

    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Any, as_dict: Literal[True], **options: Unpack[QueryOptions]
    ) -> Results[dict[str, Any]]: ...

    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Any, as_dict: bool, **options: Unpack[QueryOptions]
    ) -> Results[Any]: ...

    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Never = ..., as_dict: Literal[False] = False, **key_fields: Any
    ) -> Results[Self]: ...

    @overload
    @classmethod
    def sync_query(
        cls, *, partition_key: Never = ..., as_dict: Literal[True], **key_fields: Any
    ) -> Results[dict[str, Any]]: ...

    @classmethod
    def sync_query(cls, *, partition_key: Any = NO_KEY, **options: Any) -> Results[Any]:
        """`query`, by the name blocking code knows."""
        table: Any = table_of(cls)
        found: Results[Any] = table.sync_query(partition_key=partition_key, **options)
        return found

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
        """Scan: every item, a page at a time. Reads (and pays for) the whole table or index: 0.5
        RCU per 4 KB eventually consistent, whatever the filter drops. See `Table.scan`."""
        table: Any = table_of(cls)
        found: Results[Any] = table.scan(**options)
        return found

    @overload
    @classmethod
    def sync_scan(
        cls, *, as_dict: Literal[False] = False, **options: Unpack[ScanOptions]
    ) -> Results[Self]: ...

    @overload
    @classmethod
    def sync_scan(
        cls, *, as_dict: Literal[True], **options: Unpack[ScanOptions]
    ) -> Results[dict[str, Any]]: ...

    @overload
    @classmethod
    def sync_scan(cls, *, as_dict: bool, **options: Unpack[ScanOptions]) -> Results[Any]: ...

    @classmethod
    def sync_scan(cls, **options: Any) -> Results[Any]:
        """`scan`, by the name blocking code knows."""
        table: Any = table_of(cls)
        found: Results[Any] = table.sync_scan(**options)
        return found

    @classmethod
    async def count(cls, **options: Unpack[CountOptions]) -> int:
        """`_count`, by the name blocking code knows."""
        return await table_of(cls).count(**options)

    @classmethod
    def sync_count(cls, **options: Unpack[CountOptions]) -> int:
        """Blocking twin of `count`."""
        return table_of(cls).sync_count(**options)

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
        """`_batch_get`, by the name blocking code knows."""
        table: Any = table_of(cls)
        found: list[Any] = await table.batch_get(keys, **options)
        return found

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
        table: Any = table_of(cls)
        found: list[Any] = table.sync_batch_get(keys, **options)
        return found

    @classmethod
    def batch_write(
        cls, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[Self]:
        """A batch of puts and deletes into this table: `async with table.batch_write() as batch:`,
        or `with` for blocking code (see `BatchWrite`). See `Table.batch_write`."""
        return table_of(cls).batch_write(discard_on_error=discard_on_error, timeout=timeout)

    @classmethod
    def sync_batch_write(
        cls, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[Self]:
        """`batch_write`, by the name blocking code knows."""
        return table_of(cls).sync_batch_write(discard_on_error=discard_on_error, timeout=timeout)

    async def save(
        self,
        *,
        condition: Condition | None = None,
        if_unchanged: bool = False,
        skip_hooks: bool = False,
    ) -> None:
        """`_save`, by the name blocking code knows."""
        return await table_of(type(self)).save(
            self, condition=condition, if_unchanged=if_unchanged, skip_hooks=skip_hooks
        )

    def sync_save(
        self,
        *,
        condition: Condition | None = None,
        if_unchanged: bool = False,
        skip_hooks: bool = False,
    ) -> None:
        """Blocking twin of `save`."""
        return table_of(type(self)).sync_save(
            self, condition=condition, if_unchanged=if_unchanged, skip_hooks=skip_hooks
        )

    async def update(
        self,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        skip_hooks: bool = False,
        **changes: Any,
    ) -> None:
        """`_update`, by the name blocking code knows."""
        return await table_of(type(self)).update(
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
        return table_of(type(self)).sync_update(
            self, actions=actions, condition=condition, skip_hooks=skip_hooks, **changes
        )

    async def delete(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """`_delete`, by the name blocking code knows."""
        return await table_of(type(self)).delete(self, condition=condition, skip_hooks=skip_hooks)

    def sync_delete(self, *, condition: Condition | None = None, skip_hooks: bool = False) -> None:
        """Blocking twin of `delete`."""
        return table_of(type(self)).sync_delete(self, condition=condition, skip_hooks=skip_hooks)

    async def refresh(self, *, skip_hooks: bool = False) -> None:
        """`_refresh`, by the name blocking code knows."""
        return await table_of(type(self)).refresh(self, skip_hooks=skip_hooks)

    def sync_refresh(self, *, skip_hooks: bool = False) -> None:
        """Blocking twin of `refresh`."""
        return table_of(type(self)).sync_refresh(self, skip_hooks=skip_hooks)
