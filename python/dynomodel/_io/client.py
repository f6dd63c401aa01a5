"""`DynamoClient`: credentials, region, endpoint and connection pool, plus table management."""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import time
import weakref
from collections.abc import Generator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import astuple, dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar, overload

from typing_extensions import TypedDict

from .._native import Client as NativeClient
from .._native import EngineServer, quiesce
from .._native import TableDescription as NativeDescription
from .._schema.wire import Item
from .._table.requests import IndexSpec
from ..exceptions import ConfigurationError, InvalidExpressionError, TableExistsError
from .driver import Call, Steps, awaitable, blocking, run_async, run_sync
from .limits import RateLimits, RateLimitsConfig
from .observe import Metrics, forget, register
from .sealing import KeyCache, SealedTables
from .statements import (
    BatchStatementResults,
    StatementPage,
    Statements,
    batch_statements,
    statement_page,
    statement_transaction,
)

M = TypeVar("M")

__all__ = [
    "BATCH_TIMEOUT",
    "BillingMode",
    "CreateOptions",
    "DynamoClient",
    "KeyDefinition",
    "TableDescription",
    "TableSpec",
    "checked_capacity",
    "created",
    "deleted",
    "described",
    "exists",
    "get_default_client",
    "set_default_client",
    "use_client",
]

KeyDefinition = tuple[str, Literal["S", "N", "B"]]
"""A key attribute: its name and DynamoDB type."""

BillingMode = Literal["PAY_PER_REQUEST", "PROVISIONED"]

_PREFIX = re.compile(r"[A-Za-z0-9_.-]{0,200}")

BATCH_TIMEOUT = 60.0
"""Seconds a batch keeps sending again what DynamoDB leaves unprocessed, by default."""


class CreateOptions(TypedDict, total=False):
    """How to create a model's table.

    - `billing_mode`: `"PAY_PER_REQUEST"` (on demand, the default: nothing to pay until used)
      or `"PROVISIONED"`, which needs `read_capacity` and `write_capacity` (units per second,
      billed from creation), and takes each global index's `(read, write)` in `index_capacity`
      by index name (by default the table's).
    - `wait`: DescribeTable until the table is ACTIVE (True). With a `TTL` field it waits
      whatever `wait` says, then enables time to live (UpdateTimeToLive).
    - `exist_ok`: describe an existing table instead of raising `TableExistsError`.
    """

    billing_mode: BillingMode
    read_capacity: int | None
    write_capacity: int | None
    index_capacity: Mapping[str, tuple[int, int]] | None
    wait: bool
    exist_ok: bool


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
    def of(cls, raw: NativeDescription) -> TableDescription:
        """The description a native DescribeTable or CreateTable answered."""
        return cls(
            name=raw.name,
            status=raw.status,
            partition_key=raw.partition_key,
            sort_key=raw.sort_key,
            item_count=raw.item_count,
            size_bytes=raw.size_bytes,
            billing_mode=raw.billing_mode,
            arn=raw.arn,
            indexes=tuple(raw.indexes),
            capacity=raw.capacity,
            index_capacity=dict(raw.index_capacity),
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
        access_key_id: a static access key (with `secret_access_key`).
        secret_access_key: the static access key's secret.
        session_token: the session token of temporary static credentials.
        connect_timeout: seconds allowed to open a connection.
        read_timeout: seconds allowed for the first byte of a response (not on `memory://`,
            whose engine answers within the call).
        max_retries: retries after the first attempt, with the SDK's standard backoff.
        table_prefix: put before every table name this client sends (`"dev-"`: the model's
            `orders` table is `dev-orders`), in every call, batches and transactions included;
            by default `DYNOMODEL_TABLE_PREFIX`, else none.
        create_tables: create a model's table (keys, indexes, TTL, as `create_table()` does)
            the first time a call through this client needs it: for tests, on a fresh
            database. A table created or deleted through the client is taken as it is.
        rate_limits: read and write budgets in capacity units per second, by table
            (`"orders"`) and global index (`"orders/status-index"`), that every call through
            this client shares: `{"orders": RateLimit(read=400, write=200)}` (see `RateLimit`).
            A call waits until its budgets hold what it is expected to cost, then is charged
            what DynamoDB reports it consumed. A model's own `rate_limit=` applies to its table
            where this leaves it none. `client.rate_limits["orders"].snapshot()` says how they
            stand.
        kms_endpoint_url: where KMS is reached for `Encrypted` fields (by default
            `AWS_ENDPOINT_URL_KMS`, else AWS's own in the client's region); same credentials.
        s3_endpoint_url: where S3 is reached for `InS3` values (by default
            `AWS_ENDPOINT_URL_S3`, else AWS's own; path-style addressing when given).
        key_cache: how long and how much a KMS data key is used (see `KeyCache`).

    `endpoint_url="memory://"` is the embedded engine (dynoxide-rs, SQLite in this process): a
    database of this client's own, answering the SDK's requests with no socket and no AWS
    set-up at all (no region, credentials or config files needed); `memory://NAME` is one
    database shared by every client of the process that names it, for as long as the process
    runs. `AWS_ENDPOINT_URL_DYNAMODB=memory://` chooses it too.

    Calls time out unless told otherwise: 5 seconds to connect, 30 seconds for the first byte of
    a response. A blocking call stops at Ctrl-C (`KeyboardInterrupt`), and cancelling the asyncio
    task of an async call stops it: a request not yet sent is not sent, but a write already sent
    may have been applied, as with any request whose answer never arrived.

    Raises:
        ConfigurationError: no region is configured (nothing was sent), or `table_prefix` holds
            characters a table name cannot.
        RateLimitError: a rate limit that cannot work as given (a `ConfigurationError`).
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
        create_tables: bool = False,
        rate_limits: RateLimitsConfig | None = None,
        kms_endpoint_url: str | None = None,
        s3_endpoint_url: str | None = None,
        key_cache: KeyCache | None = None,
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
        self.create_tables = create_tables
        """Whether a model's table is created the first time a call through this client needs
        it (what the pytest plugin's `dynomodel_memory` does)."""
        self._known_tables: set[str] = set()
        self.native = NativeClient(
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
            kms_endpoint_url=kms_endpoint_url,
            s3_endpoint_url=s3_endpoint_url,
            key_cache=None if key_cache is None else astuple(key_cache),
        )
        """The native client: the connection pool and the operations behind every call."""
        self.metrics = Metrics()
        """Per operation and table: calls, errors by class, a latency histogram, consumed
        capacity and retries (`metrics.snapshot()`)."""
        register(self.native, self.metrics)
        weakref.finalize(self, forget, id(self.native))
        self.rate_limits = RateLimits(self.native, rate_limits)
        """The budgets every call through this client draws from, by table and index."""
        self.encryption = SealedTables(self.native)
        """The encrypted attributes of the tables met through models."""

    def __repr__(self) -> str:
        prefix = f", table_prefix={self.table_prefix!r}" if self.table_prefix else ""
        limits = f", rate_limits={self.rate_limits!r}" if self.rate_limits else ""
        return f"DynamoClient(endpoint_url={self.endpoint_url!r}{prefix}{limits})"

    @property
    def in_flight(self) -> int:
        """How many calls through this client are under way (awaited or blocking)."""
        return self.native.in_flight

    async def drain(self, timeout: float = 30.0) -> int:
        """Wait until no call through this client is under way, or `timeout` seconds pass;
        returns how many are still under way then (0 when drained). What an application runs
        on shutdown, so that writes it started are not cut off; the event loop keeps running
        meanwhile, so calls of its own tasks finish too. Sends nothing."""
        deadline = time.monotonic() + timeout
        while self.native.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        return self.native.in_flight

    def creates(self, table: str) -> bool:
        """Whether a call to `table` creates it first: with `create_tables`, until this client
        has created (or met, or deleted) it. Calls that meet it while its creation is under
        way create it too, which DynamoDB answers as an existing table that they wait for."""
        return self.create_tables and table not in self._known_tables

    def knows(self, table: str, exists: bool) -> None:
        """Note that `table` was created (or deleted) through this client: `create_tables`
        leaves a created table as it is, and creates a deleted one again on its next use."""
        if exists:
            self._known_tables.add(table)
        else:
            self._known_tables.discard(table)

    def serve(self, port: int = 0) -> EngineServer:
        """This `memory://` client's database over HTTP on 127.0.0.1:`port` (0: a free one),
        for boto3, the AWS CLI or another process to share; `stop()` the server when done.

        Raises:
            ValueError: the client is not a `memory://` one.
            ConfigurationError: the port is in use.
        """
        return self.native.serve(port)

    def _create_table(
        self,
        name: str,
        partition_key: KeyDefinition = ("pk", "S"),
        sort_key: KeyDefinition | None = None,
        *,
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        wait: bool = True,
        exist_ok: bool = False,
    ) -> Steps[TableDescription]:
        """CreateTable, then (with `wait`) DescribeTable until it is ACTIVE.

        Costs nothing per call. A `PROVISIONED` table needs `read_capacity` and
        `write_capacity` (billed from creation). Raises `TableExistsError` if the table exists,
        unless `exist_ok` (then it describes the table). Models create theirs, indexes and TTL
        included, with `Order.create_table()`.
        """
        capacity = checked_capacity(billing_mode, read_capacity, write_capacity)
        return created(self, TableSpec(name, partition_key, sort_key, capacity), wait, exist_ok)

    def _describe_table(self, name: str) -> Steps[TableDescription]:
        """DescribeTable. Raises `TableNotFoundError` if there is no such table."""
        return described(self, name)

    def _table_exists(self, name: str) -> Steps[bool]:
        """Whether the table exists (one DescribeTable call)."""
        return exists(self, name)

    def _delete_table(self, name: str, *, wait: bool = True) -> Steps[None]:
        """DeleteTable, then (with `wait`) DescribeTable until it is gone. Deletes every item."""
        return deleted(self, name, wait)

    def _wait_for_table(
        self, name: str, *, exists: bool = True, timeout: float = 120
    ) -> Steps[None]:
        """Poll DescribeTable (with backoff) until the table is ACTIVE, or gone with
        `exists=False`; raises `DynamoServiceError` after `timeout` seconds."""
        return single(Call(self.native.wait_for_table, (name, exists, timeout)))

    def _enable_time_to_live(self, name: str, attribute: str) -> Steps[None]:
        """UpdateTimeToLive: DynamoDB deletes items once the epoch seconds in `attribute` are
        past (within days, at no write cost)."""
        return single(Call(self.native.enable_time_to_live, (name, attribute)))

    def _time_to_live(self, name: str) -> Steps[str | None]:
        """DescribeTimeToLive: the attribute items expire by, or None when TTL is off."""
        return single(Call(self.native.describe_time_to_live, (name,)))

    # -- PartiQL. The overloads are stated for each mode: mypy loses an overloaded function's
    # type variables through `awaitable`/`blocking`.

    @overload
    async def execute_statement(
        self,
        statement: str,
        parameters: Sequence[object] = (),
        *,
        model: None = None,
        consistent_read: bool = False,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> StatementPage[Item]: ...
    @overload
    async def execute_statement(
        self,
        statement: str,
        parameters: Sequence[object] = (),
        *,
        model: type[M],
        consistent_read: bool = False,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> StatementPage[M]: ...
    async def execute_statement(
        self,
        statement: str,
        parameters: Sequence[object] = (),
        *,
        model: type[Any] | None = None,
        consistent_read: bool = False,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> StatementPage[Any]:
        """ExecuteStatement: one page of a PartiQL statement, its items as `model` instances
        (validated) or in wire form; resume with the page's `next_token`.

        Every value goes in `parameters`, bound to the statement's `?`s in order: a value by
        its Python type, or `(attr(Order.placed_at), when)` to encode it as the model stores
        that field. Never build the statement by formatting values into its text: that is how
        injections happen, and nothing here needs it. Table names are written whole (this
        client's `table_prefix` does not apply inside a statement). A SELECT costs what the
        Query or Scan it runs as would (0.5 RCU per 4 KB read, 1 consistent); a write, 1 WCU
        per KB. Errors are the usual `RequestError` classes.
        """
        steps = statement_page(
            self.native, statement, parameters, model, consistent_read, limit, next_token
        )
        return await run_async(steps)

    @overload
    def sync_execute_statement(
        self,
        statement: str,
        parameters: Sequence[object] = (),
        *,
        model: None = None,
        consistent_read: bool = False,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> StatementPage[Item]: ...
    @overload
    def sync_execute_statement(
        self,
        statement: str,
        parameters: Sequence[object] = (),
        *,
        model: type[M],
        consistent_read: bool = False,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> StatementPage[M]: ...
    def sync_execute_statement(
        self,
        statement: str,
        parameters: Sequence[object] = (),
        *,
        model: type[Any] | None = None,
        consistent_read: bool = False,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> StatementPage[Any]:
        """Blocking twin of `execute_statement`."""
        steps = statement_page(
            self.native, statement, parameters, model, consistent_read, limit, next_token
        )
        return run_sync(steps, "sync_execute_statement()", "await ...execute_statement()")

    @overload
    async def batch_execute_statement(
        self, statements: Statements, *, model: None = None, consistent_read: bool = False
    ) -> BatchStatementResults[Item]: ...
    @overload
    async def batch_execute_statement(
        self, statements: Statements, *, model: type[M], consistent_read: bool = False
    ) -> BatchStatementResults[M]: ...
    async def batch_execute_statement(
        self,
        statements: Statements,
        *,
        model: type[Any] | None = None,
        consistent_read: bool = False,
    ) -> BatchStatementResults[Any]:
        """BatchExecuteStatement: 1 to 25 statements (each its text, or its text and
        parameters, bound as `execute_statement` binds them), all reads or all writes, each
        answering alone: a statement that fails is reported in `errors` at its position and
        the others still apply. Each statement costs what it would alone."""
        return await run_async(batch_statements(self.native, statements, model, consistent_read))

    @overload
    def sync_batch_execute_statement(
        self, statements: Statements, *, model: None = None, consistent_read: bool = False
    ) -> BatchStatementResults[Item]: ...
    @overload
    def sync_batch_execute_statement(
        self, statements: Statements, *, model: type[M], consistent_read: bool = False
    ) -> BatchStatementResults[M]: ...
    def sync_batch_execute_statement(
        self,
        statements: Statements,
        *,
        model: type[Any] | None = None,
        consistent_read: bool = False,
    ) -> BatchStatementResults[Any]:
        """Blocking twin of `batch_execute_statement`."""
        steps = batch_statements(self.native, statements, model, consistent_read)
        return run_sync(
            steps, "sync_batch_execute_statement()", "await ...batch_execute_statement()"
        )

    @overload
    async def execute_transaction(
        self, statements: Statements, *, model: None = None, token: str | None = None
    ) -> list[Item | None]: ...
    @overload
    async def execute_transaction(
        self, statements: Statements, *, model: type[M], token: str | None = None
    ) -> list[M | None]: ...
    async def execute_transaction(
        self, statements: Statements, *, model: type[Any] | None = None, token: str | None = None
    ) -> list[Any]:
        """ExecuteTransaction: 1 to 100 statements (all reads or all writes) that all apply
        or none does, with their parameters bound as `execute_statement` binds them; the items
        the reads found, in order (None where none). `token` makes a retry idempotent for 10
        minutes. A canceled transaction raises `TransactionCanceledError` with each
        statement's reason. Costs twice what the statements cost alone."""
        return await run_async(statement_transaction(self.native, statements, model, token))

    @overload
    def sync_execute_transaction(
        self, statements: Statements, *, model: None = None, token: str | None = None
    ) -> list[Item | None]: ...
    @overload
    def sync_execute_transaction(
        self, statements: Statements, *, model: type[M], token: str | None = None
    ) -> list[M | None]: ...
    def sync_execute_transaction(
        self, statements: Statements, *, model: type[Any] | None = None, token: str | None = None
    ) -> list[Any]:
        """Blocking twin of `execute_transaction`."""
        steps = statement_transaction(self.native, statements, model, token)
        return run_sync(steps, "sync_execute_transaction()", "await ...execute_transaction()")

    create_table = awaitable(_create_table)
    sync_create_table = blocking(_create_table)
    describe_table = awaitable(_describe_table)
    sync_describe_table = blocking(_describe_table)
    table_exists = awaitable(_table_exists)
    sync_table_exists = blocking(_table_exists)
    delete_table = awaitable(_delete_table)
    sync_delete_table = blocking(_delete_table)
    wait_for_table = awaitable(_wait_for_table)
    sync_wait_for_table = blocking(_wait_for_table)
    enable_time_to_live = awaitable(_enable_time_to_live)
    sync_enable_time_to_live = blocking(_enable_time_to_live)
    time_to_live = awaitable(_time_to_live)
    sync_time_to_live = blocking(_time_to_live)


class TableSpec(NamedTuple):
    """A table to create: its name, keys and capacity (None on demand), and what `Table`
    adds from a model: its indexes (as the native CreateTable takes them) and TTL attribute."""

    name: str
    partition_key: KeyDefinition
    sort_key: KeyDefinition | None
    capacity: tuple[int, int] | None
    indexes: Sequence[IndexSpec] = ()
    time_to_live: str | None = None


def created(
    client: DynamoClient, table: TableSpec, wait: bool, exist_ok: bool
) -> Steps[TableDescription]:
    """CreateTable (an existing one described instead with `exist_ok`); with `wait`, or when
    TTL is to be enabled, DescribeTable until ACTIVE."""
    native = client.native
    name = table.name
    try:
        raw = yield Call(
            native.create_table,
            (name, table.partition_key, table.sort_key, table.capacity, list(table.indexes)),
        )
    except TableExistsError:
        if not exist_ok:
            raise
        if wait:
            yield Call(native.wait_for_table, (name, True, 120.0))
        client.knows(name, True)
        return (yield from described(client, name))
    client.knows(name, True)
    if wait or table.time_to_live:
        yield Call(native.wait_for_table, (name, True, 120.0))
        if table.time_to_live:
            yield Call(native.enable_time_to_live, (name, table.time_to_live))
        raw = yield Call(native.describe_table, (name,))
    return TableDescription.of(raw)


def described(client: DynamoClient, name: str) -> Steps[TableDescription]:
    """DescribeTable."""
    return TableDescription.of((yield Call(client.native.describe_table, (name,))))


def exists(client: DynamoClient, name: str) -> Steps[bool]:
    """Whether the table exists (DescribeTable)."""
    return bool((yield Call(client.native.table_exists, (name,))))


def deleted(client: DynamoClient, name: str, wait: bool) -> Steps[None]:
    """DeleteTable; with `wait`, DescribeTable until it is gone."""
    client.knows(name, False)
    yield Call(client.native.delete_table, (name,))
    if wait:
        yield Call(client.native.wait_for_table, (name, False, 120.0))


def single(call: Call[Any]) -> Steps[Any]:
    """One native call as an operation."""
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
atexit.register(quiesce, 5.0)

_default_client: DynamoClient | None = None
_context_client: ContextVar[DynamoClient | None] = ContextVar("dynomodel_client", default=None)


def set_default_client(client: DynamoClient | None) -> DynamoClient | None:
    """Make `client` the one models use when they name none (None: back to the environment's);
    returns the one set before, if any, to put back."""
    global _default_client
    previous, _default_client = _default_client, client
    return previous


@contextmanager
def use_client(client: DynamoClient) -> Generator[DynamoClient]:
    """Within the block, models that name no client of their own use `client`, in this thread
    or task only (a context variable: tasks and threads started inside inherit it), before the
    one `set_default_client` set. What a request handler uses to serve one request from another
    database, and what `dynomodel.fastapi.ClientDep` does for each request.

    ```python
    memory = DynamoClient(endpoint_url="memory://")
    with use_client(memory):
        await Stock.create_table()
        await Stock(sku="SKU#9").save()        # into the memory database
    assert await Stock.get(sku="SKU#9") is None  # the default client's table has none
    ```
    """
    token = _context_client.set(client)
    try:
        yield client
    finally:
        _context_client.reset(token)


def get_default_client() -> DynamoClient:
    """The client models use when they name none: the one `use_client` gives the current
    context, else the one `set_default_client` set; without either, the first call builds one
    from the environment (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, ...)."""
    global _default_client
    scoped = _context_client.get()
    if scoped is not None:
        return scoped
    if _default_client is None:
        _default_client = DynamoClient()
    return _default_client
