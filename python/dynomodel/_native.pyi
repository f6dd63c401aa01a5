"""The Rust extension: the codec's compiled plans, the DynamoDB client and what it answers.

Every client method takes its arguments and a trailing `blocking` flag: blocking, it returns
its output once the call is done (the GIL released meanwhile); otherwise an awaitable of it,
for the running asyncio loop.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, final, overload

from dynomodel._expr.builder import Expression
from dynomodel._schema.wire import AttributeValue, Item
from dynomodel._table.requests import (
    Action,
    Decoding,
    Get,
    IndexSpec,
    ReadRequest,
    TableKeys,
    Write,
)

__all__ = [
    "STORED_KEY",
    "UNKNOWN_ATTRIBUTES",
    "UNREAD_FIELDS",
    "BatchGetOutput",
    "BatchStatementOutput",
    "BatchWriteOutput",
    "BudgetState",
    "CheckOutput",
    "Client",
    "Codec",
    "Cost",
    "EngineServer",
    "Entities",
    "ExportOutput",
    "ExportSink",
    "ImportOutput",
    "ImportSource",
    "ItemOutput",
    "NativeItem",
    "PageOutput",
    "RawItem",
    "StatementOutput",
    "TableDescription",
    "TransactGetOutput",
    "__version__",
    "quiesce",
    "serve",
    "set_resolver",
]

__version__: str
UNKNOWN_ATTRIBUTES: str
STORED_KEY: str
UNREAD_FIELDS: str

_Key = tuple[str, str]
_Statement = tuple[str, list[AttributeValue], bool]

@final
class Codec:
    """One model's compiled storage plan."""

    def __new__(
        cls,
        spec: Any,
        validate: Callable[[dict[str, Any]], Any],
        dump: Callable[[Any], Any],
        plain: Sequence[Sequence[tuple[()] | tuple[object]] | None] | None = None,
    ) -> Codec: ...
    @property
    def plain(self) -> bool:
        """Whether dicts of this model are built without pydantic: its dump is its decoded
        data, in field order with its defaults filled in."""
    def encode(self, instance: Any) -> Item:
        """The item in DynamoDB's wire form; raises if a value breaks a DynamoDB rule."""
    def encode_many(self, instances: Iterable[Any]) -> list[Item]:
        """`encode` of each instance, in one call, the cyclic GC paused."""
    def encode_native(
        self, instance: Any
    ) -> tuple[NativeItem, tuple[tuple[str, str | bytes], ...]]:
        """The item encoded straight into the SDK's values, for a batch to send as it is, and
        its key attributes' `(attribute, value)` pairs; raises like `encode`."""
    def encode_keys(self, keys: list[dict[str, Any]]) -> list[Item]:
        """`encode_key` of each entry of `keys`, in one call, the cyclic GC paused."""
    def item_size(self, instance: Any) -> int:
        """The size of the encoded item by DynamoDB's rules, in bytes."""
    def encode_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """Root fields by Python name as wire values (None where an item leaves the value
        out)."""
    def encode_key(self, values: dict[str, Any]) -> Item:
        """The primary key from the key fields' values, checked like an item's keys."""
    def template_text(self, attr: str, values: dict[str, Any], whole: bool) -> str | None:
        """The value of the derived attribute `attr` built by its key template from the fields
        in `values`; with `whole` False, its prefix up to the first field not given. None when a
        field is missing from a whole value."""
    def instance_key(self, instance: Any) -> Item:
        """The primary key of an instance: the stored form of key attributes it was loaded with,
        while their fields hold the loaded values; the codec's form otherwise."""
    def locate(self, steps: list[str | int]) -> list[str | int]:
        """The stored path of `steps` (field names, dict keys, list positions from the root), field
        names replaced by their stored attribute names; LookupError if it leads nowhere."""
    def encode_at(self, steps: list[str | int], value: Any, element: bool = False) -> Any:
        """`value` in wire form as the model stores the value at `steps`; with `element`, as one
        element of the set or list there. None is `NULL`."""
    def load(self, item: Any) -> Any:
        """Decode and validate one wire item into a model instance."""
    def load_many(self, items: Iterable[Any]) -> list[Any]:
        """Decode and validate a page of wire items, in one call: each item is validated as soon as
        it is decoded, so no page-sized intermediate is ever built."""

@final
class Entities:
    """The codecs of the models that share one table, by entity name: each item of a page is
    decoded by the codec its `attribute` names, or kept as a `RawItem`."""

    def __new__(cls, attribute: str, codecs: dict[str, Codec]) -> Entities: ...

@final
class NativeItem:
    """An item encoded into the SDK's values (`Codec.encode_native`): the request that sends
    it takes it, once."""

@final
class RawItem:
    """An item of no entity a collection knows, in wire form."""

    @property
    def item(self) -> Item: ...

@final
class Cost:
    """What a call consumed: capacity units, seconds, the attempts the SDK sent and those
    throttled, and the time it waited for its rate limits."""

    @property
    def read(self) -> float: ...
    @property
    def write(self) -> float: ...
    @property
    def duration(self) -> float: ...
    @property
    def attempts(self) -> int: ...
    @property
    def requests(self) -> int:
        """Requests made: 1 for one call, several for a batch; attempts beyond them are
        retries."""
    @property
    def retries(self) -> int:
        """The attempts the SDK sent again after a failed one."""
    @property
    def throttles(self) -> int: ...
    @property
    def waited(self) -> float: ...

@final
class BudgetState:
    """What one rate limit budget holds and has done, at the moment it was asked."""

    @property
    def rate(self) -> float: ...
    @property
    def ceiling(self) -> float | None: ...
    @property
    def tokens(self) -> float: ...
    @property
    def waits(self) -> int: ...
    @property
    def waited(self) -> float: ...
    @property
    def throttles(self) -> int: ...
    @property
    def consumed(self) -> float: ...

@final
class ItemOutput:
    """PutItem, GetItem, DeleteItem or UpdateItem: the item there is, and the cost."""

    @property
    def item(self) -> Item | None: ...
    @property
    def cost(self) -> Cost: ...

@final
class PageOutput:
    """One page of a Query or Scan, its items decoded as asked."""

    @property
    def items(self) -> list[Any]: ...
    @property
    def last_key(self) -> Item | None: ...
    @property
    def count(self) -> int: ...
    @property
    def scanned(self) -> int: ...
    @property
    def cost(self) -> Cost: ...

@final
class BatchGetOutput:
    """A batch get: each table's items in the order of its keys, what was not read, the cost."""

    @property
    def items(self) -> list[list[Any]]: ...
    @property
    def unprocessed(self) -> list[tuple[str, list[Item]]]: ...
    @property
    def gave_up(self) -> str | None: ...
    @property
    def units_by_table(self) -> dict[str, float]: ...
    @property
    def cost(self) -> Cost: ...

@final
class BatchWriteOutput:
    """A batch write: what was not written, the cost."""

    @property
    def unprocessed(self) -> list[tuple[str, bool, Item]]: ...
    @property
    def gave_up(self) -> str | None: ...
    @property
    def units_by_table(self) -> dict[str, float]: ...
    @property
    def cost(self) -> Cost: ...

@final
class TransactGetOutput:
    """TransactGetItems: one model (or None) per get."""

    @property
    def items(self) -> list[Any]: ...
    @property
    def cost(self) -> Cost: ...

@final
class StatementOutput:
    """ExecuteStatement: one page of a PartiQL statement."""

    @property
    def items(self) -> list[Any]: ...
    @property
    def next_token(self) -> str | None: ...
    @property
    def cost(self) -> Cost: ...

@final
class BatchStatementOutput:
    """BatchExecuteStatement: per statement, the item it read and the error it got alone."""

    @property
    def items(self) -> list[Any]: ...
    @property
    def errors(self) -> list[tuple[str, str] | None]: ...
    @property
    def cost(self) -> Cost: ...

@final
class TableDescription:
    """What DescribeTable (or CreateTable) reports of a table."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def partition_key(self) -> tuple[str, Literal["S", "N", "B"]]: ...
    @property
    def sort_key(self) -> tuple[str, Literal["S", "N", "B"]] | None: ...
    @property
    def item_count(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def billing_mode(self) -> str: ...
    @property
    def arn(self) -> str | None: ...
    @property
    def indexes(self) -> list[str]: ...
    @property
    def capacity(self) -> tuple[int, int] | None: ...
    @property
    def index_capacity(self) -> dict[str, tuple[int, int]]: ...

@final
class CheckOutput:
    """What checking lines of an import found."""

    @property
    def lines(self) -> int: ...
    @property
    def items(self) -> int: ...
    @property
    def done(self) -> bool: ...

@final
class ImportOutput:
    """What writing one chunk of an import's lines did."""

    @property
    def items(self) -> int: ...
    @property
    def last_line(self) -> int: ...
    @property
    def done(self) -> bool: ...
    @property
    def unprocessed(self) -> int: ...
    @property
    def gave_up(self) -> str | None: ...
    @property
    def cost(self) -> Cost: ...

@final
class ExportOutput:
    """What one round of an export's scan wrote: items, each segment's next start key."""

    @property
    def items(self) -> int: ...
    @property
    def last_keys(self) -> list[Item | None]: ...
    @property
    def cost(self) -> Cost: ...

@final
class ImportSource:
    """A DynamoDB JSON lines file being imported, checked against its table's keys."""

    @property
    def file(self) -> Path: ...
    @property
    def gzip(self) -> bool: ...
    @property
    def table(self) -> str:
        """The table the items go to, as DynamoDB names it."""
    @overload
    def check(self, max_lines: int, blocking: Literal[True]) -> CheckOutput: ...
    @overload
    def check(self, max_lines: int, blocking: Literal[False]) -> Awaitable[CheckOutput]: ...
    @overload
    def rewind(self, skip: int, blocking: Literal[True]) -> None: ...
    @overload
    def rewind(self, skip: int, blocking: Literal[False]) -> Awaitable[None]: ...

@final
class ExportSink:
    """A DynamoDB JSON lines file being written, under `FILE.partial` until `finish()`."""

    def __new__(cls, file: str, gzip: bool | None) -> ExportSink: ...
    @overload
    def finish(self, blocking: Literal[True]) -> None: ...
    @overload
    def finish(self, blocking: Literal[False]) -> Awaitable[None]: ...
    def discard(self) -> None:
        """Stop writing and remove the partial file."""

def set_resolver(resolve: Callable[[Any, bool, Any], None]) -> None:
    """Register the function that settles asyncio futures, `resolve(future, ok, value)`."""

def quiesce(timeout: float) -> None:
    """Wait, with the GIL released, until no operation holds Python objects any more (or `timeout`
    seconds pass); registered with `atexit` so the interpreter finalizes alone."""

@final
@final
class EngineServer:
    """The embedded engine served over HTTP on 127.0.0.1 until `stop()`."""

    @property
    def port(self) -> int: ...
    @property
    def url(self) -> str: ...
    def stop(self) -> None:
        """Stop serving, finish the requests under way and close the database."""

def serve(database: str | None, port: int) -> EngineServer:
    """The SQLite file `database` (created if missing), or a fresh in-memory database, served
    on 127.0.0.1:`port` (0: a free port)."""

@final
class Client:
    """A connection to DynamoDB; each method runs one operation, awaitable or blocking."""

    def __new__(
        cls,
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
        kms_endpoint_url: str | None = None,
        s3_endpoint_url: str | None = None,
        key_cache: tuple[float, int, int] | None = None,
    ) -> Client: ...
    def serve(self, port: int = 0) -> EngineServer:
        """This `memory://` client's database over HTTP on 127.0.0.1 (ValueError otherwise)."""
    @property
    def in_flight(self) -> int:
        """How many of this client's operations are under way."""
    @property
    def engine_seconds(self) -> float | None:
        """CPU seconds the embedded engine of this `memory://` database has spent answering
        requests (every client of it counted); None on any other endpoint."""
    @property
    def sdk_seconds(self) -> float | None:
        """CPU seconds this client's calls have spent in the SDK's request path on
        `memory://`, the engine's answers included; None on any other endpoint."""
    def set_sealed(
        self, table: str, keys: list[str], attributes: list[tuple[str, str, str, str]]
    ) -> None:
        """Set the encrypted attributes of `table` as `(attribute, model, field, key_id)`,
        bound to its key attributes `keys`; every call of this client seals and opens them."""
    @overload
    def seal_items(self, table: str, items: list[Item], blocking: Literal[True]) -> list[Item]: ...
    @overload
    def seal_items(
        self, table: str, items: list[Item], blocking: Literal[False]
    ) -> Awaitable[list[Item]]: ...
    @overload
    def open_items(self, table: str, items: list[Item], blocking: Literal[True]) -> list[Item]: ...
    @overload
    def open_items(
        self, table: str, items: list[Item], blocking: Literal[False]
    ) -> Awaitable[list[Item]]: ...
    @property
    def kms_calls(self) -> tuple[int, int]:
        """KMS calls made so far: `(GenerateDataKey, Decrypt)`."""
    @property
    def key_cache(self) -> tuple[float, int, int]:
        """The data key cache's bounds: `(max_age seconds, max_uses, max_keys)`."""
    @overload
    def s3_put(
        self,
        bucket: str,
        key: str,
        data: bytes | None,
        path: str | None,
        content_type: str,
        multipart_threshold: int,
        part_size: int,
        concurrency: int,
        blocking: Literal[True],
    ) -> tuple[int, str, int]: ...
    @overload
    def s3_put(
        self,
        bucket: str,
        key: str,
        data: bytes | None,
        path: str | None,
        content_type: str,
        multipart_threshold: int,
        part_size: int,
        concurrency: int,
        blocking: Literal[False],
    ) -> Awaitable[tuple[int, str, int]]: ...
    @overload
    def s3_get(
        self, bucket: str, key: str, range: tuple[int, int] | None, blocking: Literal[True]
    ) -> bytes: ...
    @overload
    def s3_get(
        self, bucket: str, key: str, range: tuple[int, int] | None, blocking: Literal[False]
    ) -> Awaitable[bytes]: ...
    @overload
    def s3_delete(self, bucket: str, key: str, blocking: Literal[True]) -> None: ...
    @overload
    def s3_delete(self, bucket: str, key: str, blocking: Literal[False]) -> Awaitable[None]: ...
    def set_rate_limit(
        self,
        table: str,
        index: str | None,
        read: tuple[float, float | None] | None,
        write: tuple[float, float | None] | None,
    ) -> None:
        """Set the read and write budgets of `table` (its `index`): `(rate, None)` fixed,
        `(start, ceiling)` adaptive, None unlimited."""
    def rate_limit(
        self, table: str, index: str | None
    ) -> tuple[BudgetState | None, BudgetState | None] | None:
        """The `(read, write)` budgets of `table` (its `index`) now; None without any."""
    @overload
    def put_item(
        self,
        table: str,
        item: Item,
        condition: Expression | None,
        return_old: bool,
        blocking: Literal[True],
    ) -> ItemOutput: ...
    @overload
    def put_item(
        self,
        table: str,
        item: Item,
        condition: Expression | None,
        return_old: bool,
        blocking: Literal[False],
    ) -> Awaitable[ItemOutput]: ...
    @overload
    def get_item(
        self, table: str, key: Item, consistent_read: bool, blocking: Literal[True]
    ) -> ItemOutput: ...
    @overload
    def get_item(
        self, table: str, key: Item, consistent_read: bool, blocking: Literal[False]
    ) -> Awaitable[ItemOutput]: ...
    @overload
    def delete_item(
        self,
        table: str,
        key: Item,
        condition: Expression | None,
        return_old: bool,
        blocking: Literal[True],
    ) -> ItemOutput: ...
    @overload
    def delete_item(
        self,
        table: str,
        key: Item,
        condition: Expression | None,
        return_old: bool,
        blocking: Literal[False],
    ) -> Awaitable[ItemOutput]: ...
    @overload
    def update_item(
        self,
        table: str,
        key: Item,
        update: Expression,
        condition: Expression | None,
        blocking: Literal[True],
    ) -> ItemOutput: ...
    @overload
    def update_item(
        self,
        table: str,
        key: Item,
        update: Expression,
        condition: Expression | None,
        blocking: Literal[False],
    ) -> Awaitable[ItemOutput]: ...
    @overload
    def query(
        self,
        table: str,
        index: str | None,
        key_condition: Expression,
        read: ReadRequest,
        forward: bool,
        decoding: Decoding,
        blocking: Literal[True],
    ) -> PageOutput: ...
    @overload
    def query(
        self,
        table: str,
        index: str | None,
        key_condition: Expression,
        read: ReadRequest,
        forward: bool,
        decoding: Decoding,
        blocking: Literal[False],
    ) -> Awaitable[PageOutput]: ...
    @overload
    def scan(
        self,
        table: str,
        index: str | None,
        read: ReadRequest,
        segments: list[tuple[int, Item | None]],
        total: int,
        decoding: Decoding,
        blocking: Literal[True],
    ) -> list[PageOutput]: ...
    @overload
    def scan(
        self,
        table: str,
        index: str | None,
        read: ReadRequest,
        segments: list[tuple[int, Item | None]],
        total: int,
        decoding: Decoding,
        blocking: Literal[False],
    ) -> Awaitable[list[PageOutput]]: ...
    @overload
    def batch_get(
        self,
        tables: list[TableKeys],
        decodings: list[Decoding],
        timeout: float,
        blocking: Literal[True],
    ) -> BatchGetOutput: ...
    @overload
    def batch_get(
        self,
        tables: list[TableKeys],
        decodings: list[Decoding],
        timeout: float,
        blocking: Literal[False],
    ) -> Awaitable[BatchGetOutput]: ...
    @overload
    def batch_write(
        self, writes: list[Write], timeout: float, blocking: Literal[True]
    ) -> BatchWriteOutput: ...
    @overload
    def batch_write(
        self, writes: list[Write], timeout: float, blocking: Literal[False]
    ) -> Awaitable[BatchWriteOutput]: ...
    @overload
    def transact_write(
        self, actions: list[Action], token: str | None, blocking: Literal[True]
    ) -> Cost: ...
    @overload
    def transact_write(
        self, actions: list[Action], token: str | None, blocking: Literal[False]
    ) -> Awaitable[Cost]: ...
    @overload
    def transact_get(
        self, gets: list[Get], decodings: list[Decoding], blocking: Literal[True]
    ) -> TransactGetOutput: ...
    @overload
    def transact_get(
        self, gets: list[Get], decodings: list[Decoding], blocking: Literal[False]
    ) -> Awaitable[TransactGetOutput]: ...
    @overload
    def execute_statement(
        self,
        statement: _Statement,
        next_token: str | None,
        limit: int | None,
        decoding: Decoding,
        blocking: Literal[True],
    ) -> StatementOutput: ...
    @overload
    def execute_statement(
        self,
        statement: _Statement,
        next_token: str | None,
        limit: int | None,
        decoding: Decoding,
        blocking: Literal[False],
    ) -> Awaitable[StatementOutput]: ...
    @overload
    def batch_execute_statement(
        self, statements: list[_Statement], decoding: Decoding, blocking: Literal[True]
    ) -> BatchStatementOutput: ...
    @overload
    def batch_execute_statement(
        self, statements: list[_Statement], decoding: Decoding, blocking: Literal[False]
    ) -> Awaitable[BatchStatementOutput]: ...
    @overload
    def execute_transaction(
        self,
        statements: list[_Statement],
        token: str | None,
        decoding: Decoding,
        blocking: Literal[True],
    ) -> TransactGetOutput: ...
    @overload
    def execute_transaction(
        self,
        statements: list[_Statement],
        token: str | None,
        decoding: Decoding,
        blocking: Literal[False],
    ) -> Awaitable[TransactGetOutput]: ...
    @overload
    def create_table(
        self,
        table: str,
        partition_key: _Key,
        sort_key: _Key | None,
        provisioned: tuple[int, int] | None,
        indexes: list[IndexSpec],
        blocking: Literal[True],
    ) -> TableDescription: ...
    @overload
    def create_table(
        self,
        table: str,
        partition_key: _Key,
        sort_key: _Key | None,
        provisioned: tuple[int, int] | None,
        indexes: list[IndexSpec],
        blocking: Literal[False],
    ) -> Awaitable[TableDescription]: ...
    @overload
    def describe_table(self, table: str, blocking: Literal[True]) -> TableDescription: ...
    @overload
    def describe_table(
        self, table: str, blocking: Literal[False]
    ) -> Awaitable[TableDescription]: ...
    @overload
    def delete_table(self, table: str, blocking: Literal[True]) -> None: ...
    @overload
    def delete_table(self, table: str, blocking: Literal[False]) -> Awaitable[None]: ...
    @overload
    def table_exists(self, table: str, blocking: Literal[True]) -> bool: ...
    @overload
    def table_exists(self, table: str, blocking: Literal[False]) -> Awaitable[bool]: ...
    @overload
    def wait_for_table(
        self, table: str, exists: bool, timeout: float, blocking: Literal[True]
    ) -> None: ...
    @overload
    def wait_for_table(
        self, table: str, exists: bool, timeout: float, blocking: Literal[False]
    ) -> Awaitable[None]: ...
    @overload
    def enable_time_to_live(self, table: str, attribute: str, blocking: Literal[True]) -> None: ...
    @overload
    def enable_time_to_live(
        self, table: str, attribute: str, blocking: Literal[False]
    ) -> Awaitable[None]: ...
    @overload
    def describe_time_to_live(self, table: str, blocking: Literal[True]) -> str | None: ...
    @overload
    def describe_time_to_live(
        self, table: str, blocking: Literal[False]
    ) -> Awaitable[str | None]: ...
    @overload
    def open_import(
        self, table: str, file: str, gzip: bool | None, blocking: Literal[True]
    ) -> ImportSource: ...
    @overload
    def open_import(
        self, table: str, file: str, gzip: bool | None, blocking: Literal[False]
    ) -> Awaitable[ImportSource]: ...
    @overload
    def import_chunk(
        self,
        source: ImportSource,
        max_items: int,
        max_bytes: int,
        timeout: float,
        blocking: Literal[True],
    ) -> ImportOutput: ...
    @overload
    def import_chunk(
        self,
        source: ImportSource,
        max_items: int,
        max_bytes: int,
        timeout: float,
        blocking: Literal[False],
    ) -> Awaitable[ImportOutput]: ...
    @overload
    def export_pages(
        self,
        table: str,
        segments: list[tuple[int, Item | None]],
        total: int,
        page_size: int | None,
        sink: ExportSink,
        blocking: Literal[True],
    ) -> ExportOutput: ...
    @overload
    def export_pages(
        self,
        table: str,
        segments: list[tuple[int, Item | None]],
        total: int,
        page_size: int | None,
        sink: ExportSink,
        blocking: Literal[False],
    ) -> Awaitable[ExportOutput]: ...
