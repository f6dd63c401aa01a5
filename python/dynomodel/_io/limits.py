"""Rate limits: read and write budgets in capacity units per second, per table and per global
index, shared by every call of a client.

The budgets live in the native client (`crates/client/src/limit/`): each call waits there, inside
its Rust future, until its budgets hold what it is expected to cost, and is then charged what
DynamoDB reports it consumed. This module is the configuration (`RateLimit`, `Adaptive`), its
checks, and the run-time view of a client's budgets (`RateLimits`, `RateLimiter`,
`RateSnapshot`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeAlias

from .._native import BudgetState
from .._native import Client as NativeClient
from ..exceptions import RateLimitError

__all__ = [
    "Adaptive",
    "BudgetSnapshot",
    "RateLimit",
    "RateLimiter",
    "RateLimits",
    "RateLimitsConfig",
    "RateSnapshot",
]

_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
"""What DynamoDB allows in a table or index name."""

_LIMIT_KEYS = ("read", "write", "indexes")
_ADAPTIVE_KEYS = ("start", "ceiling")


def _rate(value: object, what: str) -> float:
    """`value`, checked to be a rate (an int stays one, as given), or the error that names
    `what` to change."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise RateLimitError(
            f"{what} must be a positive number of capacity units per second, not {value!r}"
        )
    return value


@dataclass(frozen=True, kw_only=True)
class Adaptive:
    """A rate that adapts to throttling, for `RateLimit(read=...)` or `RateLimit(write=...)`.

    It starts at `start` capacity units per second (by default at `ceiling`). Each time DynamoDB
    throttles a call sent at the current rate (the SDK retries such attempts; they are counted
    anyway), the rate is cut to 70%; while calls go through, it climbs back by 2% of `ceiling`
    per second; it never goes above `ceiling`, nor below 1 unit per second. What to use for a
    table other clients share, whose spare capacity nobody knows in advance.

    Raises:
        RateLimitError: `ceiling` or `start` is not a positive number, or `start` is above
            `ceiling`.
    """

    start: float | None = None
    ceiling: float

    def __post_init__(self) -> None:
        ceiling = _rate(self.ceiling, "Adaptive(ceiling=...)")
        if self.start is not None and _rate(self.start, "Adaptive(start=...)") > ceiling:
            raise RateLimitError(
                f"Adaptive(start={self.start!r}, ceiling={self.ceiling!r}) starts above its "
                "ceiling: lower start, or raise ceiling"
            )

    def __repr__(self) -> str:
        start = "" if self.start is None else f"start={self.start!r}, "
        return f"Adaptive({start}ceiling={self.ceiling!r})"

    @property
    def first(self) -> float:
        """The rate it starts at."""
        return float(self.ceiling if self.start is None else self.start)


Rate: TypeAlias = float | Adaptive
"""A budget's rate: fixed capacity units per second, or `Adaptive`."""


@dataclass(frozen=True, kw_only=True)
class RateLimit:
    """The read and write budgets of a table, in capacity units per second: what every call
    through a client may consume of it, together.

    ```python
    limited = DynamoClient(
        endpoint_url="memory://",
        rate_limits={
            "orders": RateLimit(read=400, write=Adaptive(start=100, ceiling=200)),
            "orders/status-index": RateLimit(read=50),
        },
    )
    assert limited.rate_limits["orders"].snapshot().write.rate == 100
    ```

    `read` and `write` are fixed rates or `Adaptive` ones; one left out is unlimited.
    `indexes` gives global indexes budgets of their own, by index name (a model's
    `rate_limit=` gives them this way; a client's `rate_limits` may name them
    `"table/index"` too). A budget pays for what DynamoDB meters against its table or index:
    queries and scans of an index draw from the index's read budget when it has one, else from
    the table's (a local index shares its table's capacity anyway); the units an index consumes
    when its table is written are charged to the index's write budget when it has one, else to
    the table's.

    A call waits, before it is sent, until its budgets hold what it is expected to cost: a write
    1 WCU per KB of the item (a delete or an update, whose stored item only DynamoDB knows, 1
    WCU), a get 1 RCU strongly consistent and 0.5 eventually consistent, a page of a query or
    scan what the last page through the same budget cost, transactional calls twice as much.
    It is then charged what DynamoDB reports it consumed, and the difference is paid back or
    owed. Each request of a batch or of a parallel scan draws, retries of unprocessed items
    included, so a large batch proceeds at the budget's pace instead of being throttled into
    retries; time spent waiting does not count against a batch's `timeout`. Waiting happens in
    the native call: an awaited call leaves the event loop free, a `sync_` one waits with the
    GIL released. A budget starts empty and holds at most one second of its rate.

    Raises:
        RateLimitError: a rate that is not a positive number, an index name DynamoDB would
            refuse, an index budget with indexes of its own, or a limit that limits nothing.
    """

    read: Rate | None = None
    write: Rate | None = None
    indexes: Mapping[str, RateLimit] = field(default_factory=dict[str, "RateLimit"])

    def __post_init__(self) -> None:
        for name in ("read", "write"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Adaptive):
                _rate(value, f"RateLimit({name}=...)")
        if not isinstance(self.indexes, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise RateLimitError(
                f"RateLimit(indexes=...) maps index names to RateLimit(...), not {self.indexes!r}"
            )
        for index, limit in self.indexes.items():
            _name(index, f"RateLimit(indexes={{{index!r}: ...}})", "an index")
            if not isinstance(limit, RateLimit):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise RateLimitError(
                    f"RateLimit(indexes={{{index!r}: ...}}) is a RateLimit(read=..., "
                    f"write=...), not {limit!r}"
                )
            if limit.indexes:
                raise RateLimitError(
                    f"RateLimit(indexes={{{index!r}: ...}}) has indexes of its own: an index "
                    "has none, give them to the table's RateLimit"
                )
        if self.read is None and self.write is None and not self.indexes:
            raise RateLimitError(
                "RateLimit() limits nothing: give read= or write= (capacity units per second, "
                "or Adaptive(...)), or indexes="
            )
        object.__setattr__(self, "indexes", MappingProxyType(dict(self.indexes)))

    def __hash__(self) -> int:
        return hash((self.read, self.write, tuple(sorted(self.indexes.items()))))

    def __repr__(self) -> str:
        given = {"read": self.read, "write": self.write}
        parts = [f"{name}={value!r}" for name, value in given.items() if value is not None]
        if self.indexes:
            parts.append(f"indexes={dict(self.indexes)!r}")
        return f"RateLimit({', '.join(parts)})"

    @classmethod
    def of(cls, value: RateLimit | Mapping[str, Any], where: str) -> RateLimit:
        """`value` as a `RateLimit`: itself, or a mapping of the same keys, as a settings file
        gives it (`{"read": 400, "write": {"start": 100, "ceiling": 200}}`).

        Raises:
            RateLimitError: an unknown key, a bad rate, a value of another type; the message
                names `where`.
        """
        if isinstance(value, RateLimit):
            return value
        if not isinstance(value, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise RateLimitError(
                f"{where} is a RateLimit(read=..., write=...) or a mapping of the same keys, "
                f"not {value!r}"
            )
        _known(value, _LIMIT_KEYS, where, "a rate limit")
        given = value.get("indexes", {})
        if not isinstance(given, Mapping):
            raise RateLimitError(f"{where}['indexes'] maps index names to rate limits")
        indexes: Mapping[Any, Any] = given  # pyright: ignore[reportUnknownVariableType]
        nested: dict[str, RateLimit] = {
            str(index): cls.of(limit, f"{where}['indexes'][{index!r}]")
            for index, limit in indexes.items()
        }
        read = _rate_of(value.get("read"), f"{where}['read']")
        write = _rate_of(value.get("write"), f"{where}['write']")
        try:
            return cls(read=read, write=write, indexes=nested)
        except RateLimitError as error:
            raise RateLimitError(f"{where}: {error}") from None


RateLimitsConfig: TypeAlias = Mapping[str, RateLimit | Mapping[str, Any]]
"""A client's `rate_limits`: table names (`"orders"`) and index names (`"orders/status-index"`)
to `RateLimit`s, or to mappings of the same keys."""


def _known(value: Mapping[Any, Any], keys: tuple[str, ...], where: str, what: str) -> None:
    for key in value:
        if key not in keys:
            known = ", ".join(repr(k) for k in keys)
            raise RateLimitError(f"{where} has an unknown key {key!r}: {what} takes {known}")


def _rate_of(value: object, where: str) -> Rate | None:
    """A rate from a settings mapping: a number, or `{"start": ..., "ceiling": ...}`."""
    if value is None or isinstance(value, Adaptive):
        return value
    if isinstance(value, Mapping):
        adaptive: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        _known(adaptive, _ADAPTIVE_KEYS, where, "an adaptive rate")
        if "ceiling" not in adaptive:
            raise RateLimitError(f"{where} is adaptive without a 'ceiling': give one")
        try:
            return Adaptive(start=adaptive.get("start"), ceiling=adaptive["ceiling"])
        except RateLimitError as error:
            raise RateLimitError(f"{where}: {error}") from None
    return _rate(value, where)


def _name(name: object, where: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise RateLimitError(
            f"{where} does not name {what}: DynamoDB names are 3 to 255 characters of A-Z, "
            f"a-z, 0-9, '_', '.' and '-', not {name!r}"
        )
    return name


def _target(key: object, where: str) -> tuple[str, str | None]:
    """`"orders"` as `("orders", None)`, `"orders/status-index"` as `("orders",
    "status-index")`."""
    if not isinstance(key, str):
        raise RateLimitError(
            f"{where}: a key is a table name ('orders') or an index's ('orders/status-index'), "
            f"not {key!r}"
        )
    table, slash, index = key.partition("/")
    _name(table, where, "a table ('orders') or an index ('orders/status-index')")
    if not slash:
        return table, None
    return table, _name(index, where, "an index after the table's name ('orders/status-index')")


def _budgets(table: str, limit: RateLimit) -> dict[str, RateLimit]:
    """The budgets `limit` gives `table`, by key: its own (if any) and its indexes'."""
    found: dict[str, RateLimit] = {}
    if limit.read is not None or limit.write is not None:
        found[table] = RateLimit(read=limit.read, write=limit.write)
    for index, own in limit.indexes.items():
        found[f"{table}/{index}"] = own
    return found


def _native_rate(rate: Rate | None) -> tuple[float, float | None] | None:
    """A rate as the native client takes it: `(rate, None)` fixed, `(start, ceiling)`."""
    if rate is None:
        return None
    if isinstance(rate, Adaptive):
        return rate.first, float(rate.ceiling)
    return float(rate), None


@dataclass(frozen=True)
class BudgetSnapshot:
    """What one budget (a table's or an index's reads or writes) holds and has done."""

    rate: float
    """Capacity units per second it allows now (an adaptive one moves)."""
    ceiling: float | None
    """The most an adaptive rate allows; None for a fixed one."""
    tokens: float
    """Units available now; negative is a debt (a call cost more than expected, or more than a
    second's worth) that the next calls wait for."""
    waits: int
    """Calls that had to wait for tokens."""
    waited: float
    """Seconds calls waited for tokens, in all."""
    throttles: int
    """Attempts DynamoDB throttled among the calls charged to it (retried by the SDK or not)."""
    consumed: float
    """Capacity units charged: what DynamoDB reported the calls consumed."""

    @classmethod
    def of(cls, state: BudgetState) -> BudgetSnapshot:
        """The snapshot of a native budget's state."""
        return cls(
            rate=state.rate,
            ceiling=state.ceiling,
            tokens=state.tokens,
            waits=state.waits,
            waited=state.waited,
            throttles=state.throttles,
            consumed=state.consumed,
        )


@dataclass(frozen=True)
class RateSnapshot:
    """A table's or an index's budgets at one moment: `read` and `write`, None where unlimited."""

    read: BudgetSnapshot | None
    write: BudgetSnapshot | None


class RateLimiter:
    """One table's or index's budgets in a client: the `limit` they were set from, and
    `snapshot()`, what they hold now. Reading it sends nothing."""

    __slots__ = ("_native", "key", "limit")

    def __init__(self, native: NativeClient, key: str, limit: RateLimit) -> None:
        self._native = native
        self.key = key
        """The table (`"orders"`) or index (`"orders/status-index"`)."""
        self.limit = limit
        """The budgets as configured."""

    def __repr__(self) -> str:
        return f"RateLimiter({self.key!r}, {self.limit!r})"

    def snapshot(self) -> RateSnapshot:
        """The current rate, tokens, waits and throttles of the read and write budgets."""
        table, index = _target(self.key, "a rate limit")
        state = self._native.rate_limit(table, index)
        read, write = state if state is not None else (None, None)
        return RateSnapshot(
            read=None if read is None else BudgetSnapshot.of(read),
            write=None if write is None else BudgetSnapshot.of(write),
        )


class RateLimits(Mapping[str, RateLimiter]):
    """A client's budgets by table (`"orders"`) and index (`"orders/status-index"`):
    `client.rate_limits["orders"].snapshot()`. Those the client was given, and those the
    models used through it brought (`rate_limit=` on a model or `Table`), where the client
    gives the table none."""

    def __init__(self, native: NativeClient, config: RateLimitsConfig | None) -> None:
        self._native = native
        self._limits: dict[str, RateLimit] = {}
        self._origins: dict[str, str] = {}
        """Who gave each budget: "the client", or "model <name>"."""
        self._adopted: dict[str, RateLimit] = {}
        """The model limit last adopted for each table: adopting it again is a lookup."""
        if config is None:
            return
        if not isinstance(config, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise RateLimitError(
                "rate_limits maps table names ('orders') and index names "
                f"('orders/status-index') to RateLimit(...), not {config!r}"
            )
        for key, value in config.items():
            where = f"rate_limits[{key!r}]"
            table, index = _target(key, where)
            limit = RateLimit.of(value, where)
            if index is not None and limit.indexes:
                raise RateLimitError(
                    f"{where} is an index's: it has no indexes of its own, give them to "
                    f"rate_limits[{table!r}]"
                )
            for name, budget in _budgets(key, limit).items():
                if name in self._limits:
                    raise RateLimitError(
                        f"rate_limits gives {name!r} twice (as a key and in its table's "
                        "indexes=): give it once"
                    )
                self._set(name, budget, "the client")

    def _set(self, key: str, limit: RateLimit, origin: str) -> None:
        table, index = _target(key, "a rate limit")
        read, write = _native_rate(limit.read), _native_rate(limit.write)
        self._native.set_rate_limit(table, index, read, write)
        self._limits[key] = limit
        self._origins[key] = origin

    def adopt(self, table: str, limit: RateLimit, model: str) -> None:
        """Set the budgets a model's `rate_limit` gives `table`, where the client gives it none
        (the client's configuration wins, key by key); what every call of the model does
        first, at the cost of a lookup once done.

        Raises:
            RateLimitError: another model gave the same table (or index) another limit.
        """
        if self._adopted.get(table) is limit:
            return
        for key, budget in _budgets(table, limit).items():
            origin = self._origins.get(key)
            if origin is None:
                self._set(key, budget, f"model {model}")
            elif origin != "the client" and self._limits[key] != budget:
                raise RateLimitError(
                    f"{origin} and model {model} give {key!r} different rate limits "
                    f"({self._limits[key]!r} and {budget!r}): give it one, on one model or in "
                    "DynamoClient(rate_limits=...)"
                )
        self._adopted[table] = limit

    def __getitem__(self, key: str) -> RateLimiter:
        try:
            return RateLimiter(self._native, key, self._limits[key])
        except KeyError:
            known = ", ".join(repr(k) for k in self._limits) or "none"
            raise KeyError(f"no rate limit for {key!r} (limited: {known})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._limits)

    def __len__(self) -> int:
        return len(self._limits)

    def __repr__(self) -> str:
        return repr(self._limits)
