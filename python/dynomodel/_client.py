"""`DynamoClient`: credentials, region, endpoint and connection pool, plus table management."""

from __future__ import annotations

import atexit
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from . import _native
from ._calls import Call, Steps, run_async, run_sync
from .exceptions import ConfigurationError, InvalidExpressionError, TableExistsError

if TYPE_CHECKING:
    from ._batches import BatchGetResults, BatchWrite, KeyInput
    from ._table import Table

M = TypeVar("M", bound=BaseModel)

__all__ = [
    "BATCH_TIMEOUT",
    "DynamoClient",
    "KeyDefinition",
    "TableDescription",
    "checked_capacity",
    "get_default_client",
    "set_default_client",
]

KeyDefinition = tuple[str, Literal["S", "N", "B"]]
"""A key attribute: its name and DynamoDB type."""

BillingMode = Literal["PAY_PER_REQUEST", "PROVISIONED"]

_PREFIX = re.compile(r"[A-Za-z0-9_.-]{0,200}")

BATCH_TIMEOUT = 60.0
"""Seconds a batch keeps sending again what DynamoDB leaves unprocessed, by default."""


@dataclass(frozen=True)
class TableDescription:
    """What DescribeTable reports about a table."""

    name: str
    status: str
    partition_key: KeyDefinition
    sort_key: KeyDefinition | None
    item_count: int
    """Approximate: DynamoDB refreshes it about every six hours."""
    size_bytes: int
    billing_mode: str
    arn: str | None
    indexes: tuple[str, ...] = ()
    """The names of the secondary indexes, global then local."""
    capacity: tuple[int, int] | None = None
    """`(read, write)` units per second of a provisioned table; None on demand."""
    index_capacity: Mapping[str, tuple[int, int]] = field(default_factory=dict[str, Any])
    """`(read, write)` units of each global index of a provisioned table, by name."""

    @classmethod
    def _from_native(cls, raw: dict[str, Any]) -> TableDescription:
        keys: list[KeyDefinition] = raw["keys"]
        return cls(
            name=raw["name"],
            status=raw["status"],
            partition_key=keys[0],
            sort_key=keys[1] if len(keys) > 1 else None,
            item_count=raw["item_count"],
            size_bytes=raw["size_bytes"],
            billing_mode=raw["billing_mode"],
            arn=raw["arn"],
            indexes=tuple(raw["indexes"]),
            capacity=raw["capacity"],
            index_capacity={name: (read, write) for name, read, write in raw["index_capacity"]},
        )


class DynamoClient:
    """A connection to DynamoDB, shared by every model that uses it.

    Without arguments it follows the AWS conventions: `AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`,
    `AWS_PROFILE` and the default credential chain. Every I/O method is async, with a blocking
    `sync_` twin that releases the GIL while it waits. Both run the same Rust future on one
    process-wide tokio runtime.

    Args:
        region: the AWS region.
        endpoint_url: a custom endpoint such as DynamoDB Local (`http://127.0.0.1:8000`).
        profile: a profile from the shared AWS config files.
        access_key_id, secret_access_key, session_token: static credentials.
        connect_timeout: seconds allowed to open a connection.
        read_timeout: seconds allowed for the first byte of a response.
        max_retries: retries after the first attempt, with the SDK's standard backoff.
        table_prefix: put before every table name this client sends (`"dev-"`: the model's
            `orders` table is `dev-orders`), in every call, batches and transactions included;
            by default `DYNOMODEL_TABLE_PREFIX`, else none.

    Calls time out unless told otherwise: 5 seconds to connect, 30 seconds for the first byte of
    a response. A blocking call stops at Ctrl-C (`KeyboardInterrupt`), and cancelling the asyncio
    task of an async call stops it: a request not yet sent is not sent, but a write already sent
    may have been applied, as with any request whose answer never arrived.

    Raises:
        ConfigurationError: no region is configured (nothing was sent), or `table_prefix` holds
            characters a table name cannot.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        max_retries: int | None = None,
        table_prefix: str | None = None,
    ) -> None:
        if table_prefix is None:
            table_prefix = os.environ.get("DYNOMODEL_TABLE_PREFIX", "")
        if not _PREFIX.fullmatch(table_prefix):
            raise ConfigurationError(
                f"table_prefix {table_prefix!r} holds characters DynamoDB table names cannot: "
                "use A-Z, a-z, 0-9, '_', '.' and '-'"
            )
        self.endpoint_url = endpoint_url
        self.table_prefix = table_prefix
        """Put before every table name this client sends."""
        self._native = _native.Client(
            region=region,
            endpoint_url=endpoint_url,
            profile=profile,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_retries=max_retries,
            table_prefix=table_prefix,
        )

    def __repr__(self) -> str:
        prefix = f", table_prefix={self.table_prefix!r}" if self.table_prefix else ""
        return f"DynamoClient(endpoint_url={self.endpoint_url!r}{prefix})"

    async def create_table(
        self,
        name: str,
        partition_key: KeyDefinition = ("pk", "S"),
        sort_key: KeyDefinition | None = None,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        wait: bool = True,
        indexes: Sequence[Any] = (),
        time_to_live: str | None = None,
        exist_ok: bool = False,
    ) -> TableDescription:
        """CreateTable, then (with `wait`) DescribeTable until it is ACTIVE.

        Costs nothing per call. A `PROVISIONED` table needs `read_capacity` and
        `write_capacity` (billed from creation); `indexes` is what `Table` derives from a
        model's `GlobalIndex`/`LocalIndex` declarations, each with its own capacity. With
        `time_to_live` (an attribute name), it waits for the table whatever `wait` says, then
        enables TTL on that attribute (UpdateTimeToLive). Raises `TableExistsError` if the table
        exists, unless `exist_ok` (then it describes the table).
        """
        return await run_async(
            self._create_table(
                name,
                partition_key,
                sort_key,
                billing_mode,
                checked_capacity(billing_mode, read_capacity, write_capacity),
                wait,
                indexes,
                time_to_live,
                exist_ok,
            )
        )

    def sync_create_table(
        self,
        name: str,
        partition_key: KeyDefinition = ("pk", "S"),
        sort_key: KeyDefinition | None = None,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        wait: bool = True,
        indexes: Sequence[Any] = (),
        time_to_live: str | None = None,
        exist_ok: bool = False,
    ) -> TableDescription:
        """Blocking twin of `create_table`."""
        return run_sync(
            self._create_table(
                name,
                partition_key,
                sort_key,
                billing_mode,
                checked_capacity(billing_mode, read_capacity, write_capacity),
                wait,
                indexes,
                time_to_live,
                exist_ok,
            )
        )

    async def describe_table(self, name: str) -> TableDescription:
        """DescribeTable. Raises `TableNotFoundError` if there is no such table."""
        return await run_async(self._describe_table(name))

    def sync_describe_table(self, name: str) -> TableDescription:
        """Blocking twin of `describe_table`."""
        return run_sync(self._describe_table(name))

    async def table_exists(self, name: str) -> bool:
        """Whether the table exists (one DescribeTable call)."""
        return bool(await run_async(self._one(Call(self._native.table_exists, (name,)))))

    def sync_table_exists(self, name: str) -> bool:
        """Blocking twin of `table_exists`."""
        return bool(run_sync(self._one(Call(self._native.table_exists, (name,)))))

    async def delete_table(self, name: str, *, wait: bool = True) -> None:
        """DeleteTable, then (with `wait`) DescribeTable until it is gone. Deletes every item."""
        await run_async(self._delete_table(name, wait))

    def sync_delete_table(self, name: str, *, wait: bool = True) -> None:
        """Blocking twin of `delete_table`."""
        run_sync(self._delete_table(name, wait))

    async def wait_for_table(self, name: str, *, exists: bool = True, timeout: float = 120) -> None:
        """Poll DescribeTable (with backoff) until the table is ACTIVE, or gone with
        `exists=False`; raises `DynamoServiceError` after `timeout` seconds."""
        await run_async(self._one(Call(self._native.wait_for_table, (name, exists, timeout))))

    def sync_wait_for_table(self, name: str, *, exists: bool = True, timeout: float = 120) -> None:
        """Blocking twin of `wait_for_table`."""
        run_sync(self._one(Call(self._native.wait_for_table, (name, exists, timeout))))

    async def enable_time_to_live(self, name: str, attribute: str) -> None:
        """UpdateTimeToLive: DynamoDB deletes items once the epoch seconds in `attribute` are
        past (within days, at no write cost)."""
        await run_async(self._one(Call(self._native.enable_time_to_live, (name, attribute))))

    def sync_enable_time_to_live(self, name: str, attribute: str) -> None:
        """Blocking twin of `enable_time_to_live`."""
        run_sync(self._one(Call(self._native.enable_time_to_live, (name, attribute))))

    async def time_to_live(self, name: str) -> str | None:
        """DescribeTimeToLive: the attribute items expire by, or None when TTL is off."""
        found = await run_async(self._one(Call(self._native.describe_time_to_live, (name,))))
        return None if found is None else str(found)

    def sync_time_to_live(self, name: str) -> str | None:
        """Blocking twin of `time_to_live`."""
        found = run_sync(self._one(Call(self._native.describe_time_to_live, (name,))))
        return None if found is None else str(found)

    # -- batches and transactions over several models (the machinery: `_batches`,
    # `_transactions`)

    async def batch_get(
        self,
        requests: Mapping[type[BaseModel] | Table[Any], Iterable[KeyInput]],
        *,
        consistent_read: bool | None = None,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> BatchGetResults:
        """BatchGetItem of the keys of several models (or tables) at once: `results[Order]` is
        the list of orders found, in the order of their keys. As `Table.batch_get`: requests of
        100 keys, duplicates read once, unprocessed keys retried with backoff for up to
        `timeout` seconds, then `BatchIncompleteError`. Costs what GetItem would per item."""
        return await run_async(self._batch_get(requests, consistent_read, skip_hooks, timeout))

    def sync_batch_get(
        self,
        requests: Mapping[type[BaseModel] | Table[Any], Iterable[KeyInput]],
        *,
        consistent_read: bool | None = None,
        skip_hooks: bool = False,
        timeout: float = BATCH_TIMEOUT,
    ) -> BatchGetResults:
        """Blocking twin of `batch_get`."""
        return run_sync(self._batch_get(requests, consistent_read, skip_hooks, timeout))

    def batch_write(
        self, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[BaseModel]:
        """A batch of puts and deletes of any mapped models, tables mixed:
        `async with client.batch_write() as batch:` (see `BatchWrite`)."""
        from ._batches import BatchWrite

        return BatchWrite(self, discard_on_error=discard_on_error, timeout=timeout)

    def sync_batch_write(
        self, *, discard_on_error: bool = False, timeout: float = BATCH_TIMEOUT
    ) -> BatchWrite[BaseModel]:
        """The same batch for `with client.sync_batch_write() as batch:`."""
        return self.batch_write(discard_on_error=discard_on_error, timeout=timeout)

    def _batch_get(
        self,
        requests: Mapping[type[BaseModel] | Table[Any], Iterable[KeyInput]],
        consistent_read: bool | None,
        skip_hooks: bool,
        timeout: float,
    ) -> Steps[BatchGetResults]:
        from ._batches import BatchGetResults, TableRead, batch_get, mapped

        tables = [mapped(target) for target in requests]
        reads = [
            TableRead.of(table, keys, consistent_read)[0]
            for table, keys in zip(tables, requests.values(), strict=True)
        ]
        found, cost = yield from batch_get(self, reads, "models", timeout, skip_hooks)
        return BatchGetResults(dict(zip(tables, found, strict=True)), cost)

    def _create_table(
        self,
        name: str,
        partition_key: KeyDefinition,
        sort_key: KeyDefinition | None,
        billing_mode: BillingMode,
        capacity: tuple[int, int] | None,
        wait: bool,
        indexes: Sequence[Any],
        time_to_live: str | None,
        exist_ok: bool = False,
    ) -> Steps[TableDescription]:
        try:
            raw = yield Call(
                self._native.create_table, (name, partition_key, sort_key, capacity, list(indexes))
            )
        except TableExistsError:
            if not exist_ok:
                raise
            if wait:
                yield Call(self._native.wait_for_table, (name, True, 120.0))
            raw = yield Call(self._native.describe_table, (name,))
            return TableDescription._from_native(raw)
        if wait or time_to_live:
            yield Call(self._native.wait_for_table, (name, True, 120.0))
            if time_to_live:
                yield Call(self._native.enable_time_to_live, (name, time_to_live))
            raw = yield Call(self._native.describe_table, (name,))
        return TableDescription._from_native(raw)

    def _describe_table(self, name: str) -> Steps[TableDescription]:
        raw = yield Call(self._native.describe_table, (name,))
        return TableDescription._from_native(raw)

    def _delete_table(self, name: str, wait: bool) -> Steps[None]:
        yield Call(self._native.delete_table, (name,))
        if wait:
            yield Call(self._native.wait_for_table, (name, False, 120.0))

    @staticmethod
    def _one(call: Call) -> Steps[Any]:
        return (yield call)


def checked_capacity(
    billing_mode: BillingMode, read: int | None, write: int | None
) -> tuple[int, int] | None:
    """The `(read, write)` units of a provisioned table or index, checked; None on demand."""
    if billing_mode == "PAY_PER_REQUEST":
        if read is not None or write is not None:
            raise InvalidExpressionError(
                "read_capacity and write_capacity apply to PROVISIONED tables only; an "
                "on-demand (PAY_PER_REQUEST) table has no capacity to set"
            )
        return None
    if billing_mode != "PROVISIONED":
        raise InvalidExpressionError(
            f"billing_mode is 'PAY_PER_REQUEST' or 'PROVISIONED', not {billing_mode!r}"
        )
    for name, units in (("read_capacity", read), ("write_capacity", write)):
        if units is None:
            raise InvalidExpressionError(
                f"a PROVISIONED table needs {name}: the units per second to reserve (and pay "
                "for); or use billing_mode='PAY_PER_REQUEST'"
            )
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidExpressionError(f"{name} must be a positive int, not {units!r}")
    return read, write  # type: ignore[return-value]


# Let in-flight operations hand their results back before the interpreter finalizes.
atexit.register(_native.quiesce, 5.0)

_default_client: DynamoClient | None = None


def set_default_client(client: DynamoClient | None) -> None:
    """Make `client` the one models use when they name none (None: back to the environment's)."""
    global _default_client
    _default_client = client


def get_default_client() -> DynamoClient:
    """The default client; the first call builds one from the environment (`AWS_REGION`,
    `AWS_ENDPOINT_URL_DYNAMODB`, ...)."""
    global _default_client
    if _default_client is None:
        _default_client = DynamoClient()
    return _default_client
