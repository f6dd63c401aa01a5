"""The Rust extension: the codec's compiled plans and the DynamoDB client."""

from collections.abc import Callable, Iterable
from typing import Any, final

__all__ = [
    "STORED_KEY",
    "UNKNOWN_ATTRIBUTES",
    "UNREAD_FIELDS",
    "Client",
    "Codec",
    "__version__",
    "quiesce",
    "set_resolver",
]

_Expression = tuple[str, dict[str, str], dict[str, Any]]
# (filter, projection, limit, start_key, consistent_read, count_only)
_Read = tuple[_Expression | None, _Expression | None, int | None, dict[str, Any] | None, bool, bool]
# (name, global, partition_key, sort_key, (projection, included attributes), provisioned)
_Index = tuple[
    str,
    bool,
    tuple[str, str],
    tuple[str, str] | None,
    tuple[str, list[str]],
    tuple[int, int] | None,
]
__version__: str
UNKNOWN_ATTRIBUTES: str
STORED_KEY: str
UNREAD_FIELDS: str

@final
class Codec:
    """One model's compiled storage plan."""

    def __new__(
        cls, spec: Any, validate: Callable[[dict[str, Any]], Any], dump: Callable[[Any], Any]
    ) -> Codec: ...
    def encode(self, instance: Any) -> dict[str, Any]:
        """The item in DynamoDB's wire form; raises if a value breaks a DynamoDB rule."""
    def item_size(self, instance: Any) -> int:
        """The size of the encoded item by DynamoDB's rules, in bytes."""
    def encode_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """Root fields by Python name as wire values (None where an item would leave the value
        out)."""
    def encode_key(self, values: dict[str, Any]) -> dict[str, Any]:
        """The primary key from the key fields' values, checked like an item's keys."""
    def instance_key(self, instance: Any) -> dict[str, Any]:
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

def set_resolver(resolve: Callable[[Any, bool, Any], None]) -> None:
    """Register the function that settles asyncio futures, `resolve(future, ok, value)`."""

def quiesce(timeout: float) -> None:
    """Wait, with the GIL released, until no operation holds Python objects any more (or `timeout`
    seconds pass); registered with `atexit` so the interpreter finalizes alone."""

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
    ) -> Client: ...
    def put_item(
        self, table: str, item: dict[str, Any], condition: _Expression | None, blocking: bool
    ) -> Any:
        """PutItem: `{"item": None, "read", "write", "duration"}`."""
    def get_item(
        self, table: str, key: dict[str, Any], consistent_read: bool, blocking: bool
    ) -> Any:
        """GetItem: `{"item": item or None, "read", "write", "duration"}`."""
    def delete_item(
        self, table: str, key: dict[str, Any], condition: _Expression | None, blocking: bool
    ) -> Any:
        """DeleteItem."""
    def update_item(
        self,
        table: str,
        key: dict[str, Any],
        update: _Expression,
        condition: _Expression | None,
        blocking: bool,
    ) -> Any:
        """UpdateItem, returning the whole item after the update."""
    def query(
        self,
        table: str,
        index: str | None,
        key_condition: _Expression,
        read_args: _Read,
        forward: bool,
        codec: Codec | None,
        shape: str,
        unread: frozenset[str] | None,
        blocking: bool,
    ) -> Any:
        """Query: one page, its items decoded by `codec` in `shape` (wire form without a codec);
        `unread` (the fields a projection leaves out) is recorded on each model."""
    def scan(
        self,
        table: str,
        index: str | None,
        read_args: _Read,
        segments: list[tuple[int, dict[str, Any] | None]],
        total: int,
        codec: Codec | None,
        shape: str,
        unread: frozenset[str] | None,
        blocking: bool,
    ) -> Any:
        """Scan: one page of each of `segments` (`(segment, start_key)` pairs of a scan split in
        `total` segments, or one `(0, start_key)` with `total` 0 for a plain scan), the requests
        running concurrently; a list of pages in the order of `segments`."""
    def batch_get(
        self,
        tables: list[tuple[str, list[dict[str, Any]], bool, _Expression | None]],
        codecs: list[Codec | None],
        shape: str,
        unread: frozenset[str] | None,
        timeout: float,
        blocking: bool,
    ) -> Any:
        """BatchGetItem of every key of `tables` (`(table, keys, consistent_read, projection)`),
        in requests of at most 100, unprocessed keys retried with backoff for up to `timeout`
        seconds; each table's items decoded by its codec (in `codecs`) in `shape`, in the order
        of its keys."""
    def batch_write(
        self, writes: list[tuple[str, bool, dict[str, Any]]], timeout: float, blocking: bool
    ) -> Any:
        """BatchWriteItem of `writes` (`(table, is_put, item or key)`, no two on one key), in
        requests of at most 25, unprocessed writes retried with backoff for up to `timeout`
        seconds."""
    def transact_write(
        self,
        actions: list[tuple[str, str, dict[str, Any], _Expression | None, _Expression | None]],
        token: str | None,
        blocking: bool,
    ) -> Any:
        """TransactWriteItems of `actions` (`(kind, table, item or key, update, condition)`)."""
    def transact_get(
        self,
        gets: list[tuple[str, dict[str, Any]]],
        codecs: list[Codec | None],
        blocking: bool,
    ) -> Any:
        """TransactGetItems of `gets` (`(table, key)`), each item decoded by its codec (or None)."""
    def enable_time_to_live(self, table: str, attribute: str, blocking: bool) -> Any:
        """UpdateTimeToLive: items expire by the epoch seconds in `attribute`."""
    def describe_time_to_live(self, table: str, blocking: bool) -> Any:
        """DescribeTimeToLive: the attribute items expire by, or None when TTL is off."""
    def create_table(
        self,
        table: str,
        partition_key: tuple[str, str],
        sort_key: tuple[str, str] | None,
        provisioned: tuple[int, int] | None,
        indexes: list[_Index],
        blocking: bool,
    ) -> Any:
        """CreateTable; keys are `(name, "S" | "N" | "B")`, `provisioned` is `(read, write)` or None
        for on-demand billing; `indexes` are `(name, global, partition_key, sort_key,
        (projection, included attributes))`."""
    def describe_table(self, table: str, blocking: bool) -> Any:
        """DescribeTable."""
    def delete_table(self, table: str, blocking: bool) -> Any:
        """DeleteTable."""
    def table_exists(self, table: str, blocking: bool) -> Any:
        """Whether the table exists (DescribeTable)."""
    def wait_for_table(self, table: str, exists: bool, timeout: float, blocking: bool) -> Any:
        """Poll DescribeTable until the table is ACTIVE (`exists=True`) or gone (`exists=False`)."""
