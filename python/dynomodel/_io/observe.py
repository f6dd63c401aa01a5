"""What every call leaves behind: a record on the `dynomodel` logger, the client's metrics and,
with the `otel` extra, an OpenTelemetry span. Never a value: operations, tables, indexes,
durations, capacity, retries and error classes only."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LATENCY_BUCKETS", "Metrics", "OperationMetrics", "begin", "logger"]

logger = logging.getLogger("dynomodel")
"""One DEBUG record per call, a WARNING when the SDK retried it or DynamoDB throttled it; the
`extra` fields are `operation`, `table`, `index`, `duration`, `read_units`, `write_units`,
`retries`, `throttles`, `waited` (seconds waiting for a rate limit) and `error`."""

LATENCY_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
"""The upper bounds, in seconds, of the latency histogram's buckets (a last one takes the rest)."""

_OPERATIONS = {
    "put_item": "PutItem",
    "get_item": "GetItem",
    "delete_item": "DeleteItem",
    "update_item": "UpdateItem",
    "query": "Query",
    "scan": "Scan",
    "batch_get": "BatchGetItem",
    "batch_write": "BatchWriteItem",
    "transact_write": "TransactWriteItems",
    "transact_get": "TransactGetItems",
    "create_table": "CreateTable",
    "describe_table": "DescribeTable",
    "delete_table": "DeleteTable",
    "table_exists": "DescribeTable",
    "wait_for_table": "DescribeTable",
    "enable_time_to_live": "UpdateTimeToLive",
    "describe_time_to_live": "DescribeTimeToLive",
    "execute_statement": "ExecuteStatement",
    "batch_execute_statement": "BatchExecuteStatement",
    "execute_transaction": "ExecuteTransaction",
    "export_pages": "Scan",  # a round of an export's parallel scan
    "import_chunk": "BatchWriteItem",  # a chunk of an import's lines, written in batches
}
"""The native methods that call DynamoDB, by the operation they send; other native steps (a
file opened, a chunk checked) are not observed."""


@dataclass
class OperationMetrics:
    """The totals of one operation on one table: calls, errors by class, latency histogram
    (counts per `LATENCY_BUCKETS` bound, then the rest), capacity and retries."""

    calls: int = 0
    errors: dict[str, int] = field(default_factory=dict[str, int])
    latency: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    seconds: float = 0.0
    read_units: float = 0.0
    write_units: float = 0.0
    retries: int = 0
    throttles: int = 0
    waited: float = 0.0

    def copy(self) -> OperationMetrics:
        return OperationMetrics(
            self.calls,
            dict(self.errors),
            list(self.latency),
            self.seconds,
            self.read_units,
            self.write_units,
            self.retries,
            self.throttles,
            self.waited,
        )


class Metrics:
    """A client's metrics, per `(operation, table)`: `snapshot()` copies them (a handful of
    small dicts: cheap to call as often as a metrics exporter polls), `reset()` starts over.
    Safe across threads."""

    __slots__ = ("_by_call", "_lock")

    def __init__(self) -> None:
        self._by_call: dict[tuple[str, str | None], OperationMetrics] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Metrics({len(self._by_call)} operations)"

    def snapshot(self) -> dict[tuple[str, str | None], OperationMetrics]:
        """The totals so far, by `(operation, table)` (a copy)."""
        with self._lock:
            return {key: totals.copy() for key, totals in self._by_call.items()}

    def reset(self) -> None:
        """Forget every total."""
        with self._lock:
            self._by_call.clear()

    def record(
        self,
        operation: str,
        table: str | None,
        seconds: float,
        cost: Any,
        error: str | None,
        retries: int,
        throttles: int,
    ) -> None:
        """Add one call."""
        with self._lock:
            totals = self._by_call.get((operation, table))
            if totals is None:
                totals = self._by_call[(operation, table)] = OperationMetrics()
            totals.calls += 1
            totals.seconds += seconds
            totals.latency[bisect_left(LATENCY_BUCKETS, seconds)] += 1
            if error is not None:
                totals.errors[error] = totals.errors.get(error, 0) + 1
            totals.retries += retries
            totals.throttles += throttles
            if cost is not None:
                totals.read_units += cost.read
                totals.write_units += cost.write
                totals.waited += cost.waited


_METRICS: dict[int, Metrics] = {}
"""Each client's metrics by the id of its native client (which every `Call` is bound to)."""


def register(native: object, metrics: Metrics) -> None:
    """Record the calls of `native` into `metrics`, for as long as `native` lives."""
    _METRICS[id(native)] = metrics


def forget(native_id: int) -> None:
    """Stop recording a native client's calls (it is gone)."""
    _METRICS.pop(native_id, None)


def _tables(args: Sequence[Any]) -> list[str]:
    """The tables a call names: its first argument, or the `table` of each of its requests (or
    of the import it writes)."""
    if not args:
        return []
    first = args[0]
    if isinstance(first, str):
        return [first]
    table = getattr(first, "table", None)
    if isinstance(table, str):
        return [table]
    if isinstance(first, list):
        names = [getattr(entry, "table", None) for entry in first]  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
        return sorted({name for name in names if isinstance(name, str)})
    return []


class Observation:
    """One call being watched: started by `begin`, closed by `end`."""

    __slots__ = ("_metrics", "_span", "_started", "index", "operation", "read", "tables")

    def __init__(self, method: Any, args: tuple[Any, ...]) -> None:
        name = method.__name__
        self.operation = _OPERATIONS[name]
        """The DynamoDB operation (`PutItem`, ...)."""
        self.tables = _tables(args)
        """The tables the call names."""
        self.index = args[1] if name in ("query", "scan") and isinstance(args[1], str) else None
        """The index a Query or Scan reads."""
        self.read = args[3] if name == "query" else args[2] if name == "scan" else None
        """A Query's or Scan's `ReadRequest` (limit, projection, consistency)."""
        self._metrics = _METRICS.get(id(getattr(method, "__self__", None)))
        self._span = _tracing.start(self) if _tracing is not None and _tracing.on() else None
        self._started = time.perf_counter()

    def end(self, result: Any, error: BaseException | None) -> None:
        seconds = time.perf_counter() - self._started
        cost = getattr(result, "cost", None)
        error_name = None if error is None else type(error).__name__
        table = ",".join(self.tables) or None
        if cost is not None:
            retries, throttles = cost.retries, cost.throttles
        else:  # a failed call: its error says how it went, when it reached DynamoDB
            attempts = getattr(error, "attempts", None) or 1
            retries, throttles = attempts - 1, getattr(error, "throttles", None) or 0
        if self._metrics is not None:
            self._metrics.record(
                self.operation, table, seconds, cost, error_name, retries, throttles
            )
        level = logging.WARNING if retries or throttles else logging.DEBUG
        if logger.isEnabledFor(level):
            fields = {
                "operation": self.operation,
                "table": table,
                "index": self.index,
                "duration": seconds,
                "read_units": None if cost is None else cost.read,
                "write_units": None if cost is None else cost.write,
                "retries": retries,
                "throttles": throttles,
                "waited": None if cost is None else cost.waited,
                "error": error_name,
            }
            text = "%s %s: %.1f ms, %s retries, %s throttled" + (
                ", failed: %s" if error_name else ""
            )
            values = [self.operation, table or "-", seconds * 1000, retries, throttles]
            logger.log(level, text, *values, *([error_name] if error_name else []), extra=fields)
        if self._span is not None and _tracing is not None:
            _tracing.end(self._span, result, cost, error_name, retries, throttles)


def begin(method: Any, args: tuple[Any, ...]) -> Observation | None:
    """Start watching a native call, when it calls DynamoDB."""
    if getattr(method, "__name__", None) not in _OPERATIONS:
        return None
    return Observation(method, args)


class _Tracing:
    """Spans that follow OpenTelemetry's semantic conventions for DynamoDB, each a child of the
    caller's current span (the calling task's context in async code, the thread's in
    blocking code)."""

    def __init__(self, trace: Any, status: Any) -> None:
        self._trace = trace
        self._status = status
        self._tracer = trace.get_tracer("dynomodel")
        self._untraced = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)
        self._by_global = (
            hasattr(trace, "_TRACER_PROVIDER") and "OTEL_PYTHON_TRACER_PROVIDER" not in os.environ
        )

    def on(self) -> bool:
        """Whether an application installed a tracer provider: until one does, the API's own
        records nothing, and a call skips building what it would not keep."""
        # The API keeps the installed provider in a module global, None until one is set;
        # `get_tracer_provider()` reads the environment on every call, a twentieth of a get's
        # own cost on `memory://`. Where the global is gone (another API version) or the
        # environment named a provider to build when this module loaded, the public call
        # decides.
        if self._by_global and self._trace._TRACER_PROVIDER is None:
            return False
        return not isinstance(self._trace.get_tracer_provider(), self._untraced)

    def start(self, seen: Observation) -> Any:
        operation = seen.operation
        tables = seen.tables
        attributes: dict[str, Any] = {
            "db.system": "dynamodb",
            "db.system.name": "aws.dynamodb",
            "db.operation": operation,
            "db.operation.name": operation,
            "rpc.system": "aws-api",
            "rpc.service": "DynamoDB",
            "rpc.method": operation,
        }
        if tables:
            attributes["aws.dynamodb.table_names"] = tables
        index = seen.index
        if index is not None:
            attributes["aws.dynamodb.index_name"] = index
        read = seen.read
        if read is not None:
            attributes["aws.dynamodb.consistent_read"] = bool(read.consistent_read)
            if read.limit is not None:
                attributes["aws.dynamodb.limit"] = read.limit
            if read.projection is not None:
                # Placeholders only (#n0, #n1): the names behind them stay out of spans too.
                attributes["aws.dynamodb.projection"] = read.projection.text
        name = f"{operation} {tables[0]}" if len(tables) == 1 else operation
        return self._tracer.start_span(
            name, kind=self._trace.SpanKind.CLIENT, attributes=attributes
        )

    def end(
        self, span: Any, result: Any, cost: Any, error: str | None, retries: int, throttles: int
    ) -> None:
        if not span.is_recording():  # sampled out
            span.end()
            return
        if retries:
            span.set_attribute("dynomodel.retries", retries)
        if throttles:
            span.set_attribute("dynomodel.throttles", throttles)
        if cost is not None:
            units = {
                "CapacityUnits": cost.read + cost.write,
                "ReadCapacityUnits": cost.read,
                "WriteCapacityUnits": cost.write,
            }
            span.set_attribute("aws.dynamodb.consumed_capacity", [json.dumps(units)])
        for field_name, attribute in (
            ("count", "aws.dynamodb.count"),
            ("scanned", "aws.dynamodb.scanned_count"),
        ):
            value = getattr(result, field_name, None)
            if isinstance(value, int):
                span.set_attribute(attribute, value)
        if error is not None:
            span.set_attribute("error.type", error)
            span.set_status(self._status.Status(self._status.StatusCode.ERROR, error))
        span.end()


def _load_tracing() -> _Tracing | None:
    """Tracing when `opentelemetry-api` is installed (the `otel` extra); else nothing, and no
    cost."""
    try:
        from opentelemetry import trace
        from opentelemetry.trace import status
    except ImportError:
        return None
    return _Tracing(trace, status)


_tracing = _load_tracing()
