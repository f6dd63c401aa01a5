"""Moving data: a table exported to a file of DynamoDB JSON lines, a file imported into a
table, each written once as steps and run async (`export_table`) or blocking
(`sync_export_table`).

The items never pass through Python: each step is one native call that reads a bounded chunk
of lines and writes it to the table, or scans a page of each segment and writes it to the
file, in Rust; Python drives the steps, reports progress and keeps the resume point.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from .._io.client import BATCH_TIMEOUT, DynamoClient, described
from .._io.costs import CallCost
from .._io.driver import Call, Steps, awaitable, blocking
from .._native import CheckOutput, ExportOutput, ExportSink, ImportOutput, ImportSource
from .._schema.wire import Item
from ..exceptions import BatchIncompleteError, InvalidExpressionError
from .progress import Phase, ProgressCallback, TransferProgress
from .resume import ResumePoint

__all__ = [
    "TransferReport",
    "export_table",
    "import_table",
    "sync_export_table",
    "sync_import_table",
]

SEGMENTS = 4
"""Segments of an export's parallel scan, by default: enough to overlap the requests' round
trips, few enough not to take a provisioned table's whole read capacity."""
CHUNK_ITEMS = 2000
"""Items an import reads and writes at a time (80 BatchWriteItem requests, 16 in flight)."""
CHUNK_BYTES = 16 << 20
"""Bytes of lines an import reads at a time, at most: the bound on what it holds in memory."""
CHECK_LINES = 20_000
"""Lines an import checks at a time, between two progress reports."""


@dataclass(frozen=True)
class TransferReport:
    """What an export or an import did."""

    table: str
    file: str
    items: int
    """Items written: to the file (export) or to the table (import; on resume, those after the
    resume point)."""
    seconds: float
    """Wall time of the whole transfer (an import's check included)."""
    cost: CallCost
    """The capacity the Scan or BatchWriteItem requests consumed, and their time."""

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


class _Reporter:
    """Hands the progress callback where the phase under way stands."""

    def __init__(self, table: str, file: str, callback: ProgressCallback | None) -> None:
        self._table, self._file, self._callback = table, file, callback
        self._phase: Phase = "check"
        self._started = time.monotonic()

    def begin(self, phase: Phase) -> None:
        """`phase` starts now."""
        self._phase, self._started = phase, time.monotonic()

    def __call__(self, count: int, total: int | None) -> None:
        if self._callback is None:
            return
        known = total if total is not None and total >= count else None
        elapsed = time.monotonic() - self._started
        progress = TransferProgress(self._table, self._file, self._phase, count, known, elapsed)
        self._callback(progress)


def _export_table(
    client: DynamoClient,
    table: str,
    file: str | os.PathLike[str],
    *,
    segments: int = SEGMENTS,
    page_size: int | None = None,
    gzip: bool | None = None,
    progress: ProgressCallback | None = None,
) -> Steps[TransferReport]:
    """Write every item of `table` to `file` as DynamoDB JSON lines (`{"Item": {...}}` a line,
    the format of DynamoDB's export to S3), gzip-compressed when `gzip` is True or, by
    default, when the name ends in `.gz`. Returns a `TransferReport`; `sync_export_table` is
    the blocking twin.

    DynamoDB calls: one DescribeTable (free; its item count, an estimate, is the progress
    total), then a parallel Scan in `segments` segments (4 by default), one page of each
    segment at a time, requested together; `page_size` caps a page's items (by default
    DynamoDB's 1 MB pages). The scan reads every item once, eventually consistent: 0.5 read
    capacity unit per 4 KB, about 128 units per MB of table.

    Memory holds two rounds of pages at most (one written to the file while the next is
    scanned), whatever the table's size. The file is written as
    `FILE.partial` and renamed when complete: a file under its own name is always a whole
    export, and a failed one leaves nothing behind. `progress` is called after each round of
    pages with a `TransferProgress` (`ProgressBar()` draws it on a terminal).

    Raises:
        TableNotFoundError: there is no such table.
        TransferError: the file cannot be written.
        InvalidExpressionError: `segments` or `page_size` is not a positive int.
    """
    for name, value in (("segments", segments), ("page_size", page_size)):
        if value is not None and (isinstance(value, bool) or value < 1):
            raise InvalidExpressionError(f"{name} must be a positive int, not {value!r}")
    start = time.monotonic()
    path = os.fspath(file)
    report = _Reporter(table, path, progress)
    estimate = (yield from described(client, table)).item_count
    sink = ExportSink(path, gzip)
    report.begin("export")
    pending: list[tuple[int, Item | None]] = [(segment, None) for segment in range(segments)]
    items, cost = 0, CallCost(0.0, 0.0, 0.0)
    try:
        while pending:
            round_: ExportOutput = yield Call(
                client.native.export_pages, (table, pending, segments, page_size, sink)
            )
            items += round_.items
            cost += CallCost.of(round_.cost)
            pending = [
                (segment, key)
                for (segment, _), key in zip(pending, round_.last_keys, strict=True)
                if key is not None
            ]
            report(items, estimate or None)
        yield Call(sink.finish, ())
    finally:
        sink.discard()
    return TransferReport(table, path, items, time.monotonic() - start, cost)


def _import_table(
    client: DynamoClient,
    file: str | os.PathLike[str],
    table: str,
    *,
    gzip: bool | None = None,
    resume: bool = False,
    timeout: float = BATCH_TIMEOUT,
    progress: ProgressCallback | None = None,
) -> Steps[TransferReport]:
    """Put every item of `file`, DynamoDB JSON lines (`{"Item": {...}}` a line, as DynamoDB's
    export to S3 writes them), into `table`, which must exist. Gzip files are found by their
    first bytes (or `gzip=True/False` says). Returns a `TransferReport`; `sync_import_table`
    is the blocking twin.

    **No half imports on a bad line**: every line is read and checked first, streaming,
    before anything is written: JSON in DynamoDB's form, numbers of at most 38 significant
    digits within DynamoDB's range, sets neither empty nor holding a member twice, valid
    base64, `NULL` true, nesting within 32 levels, items within 400 KB, and the table's key
    attributes present, of their types, not empty and not too long (an index's key
    attributes likewise, where an item has them). The first bad line raises
    `InvalidLineError` naming the file, line, attribute and rule (never the value), and
    nothing is written. The file is read twice; if it changes in between, `TransferError`.

    DynamoDB calls: one DescribeTable (free: the table's keys, and whether it exists), then
    BatchWriteItem requests of 25 puts, 16 in flight, chunk by chunk (2,000 items at most):
    unprocessed items are sent again with backoff until written, for up to `timeout` seconds
    per chunk (`BatchIncompleteError` then). Each put costs what PutItem does: 1 write
    capacity unit per KB of the item, and as much again for each index it appears in. Two
    lines of one key put the later one; an item already in the table is replaced.

    **Resume**: after each chunk is written whole, `FILE.resume` records its last line; an
    import that stops (an error, Ctrl-C, a progress callback that raises) and is started again
    with `resume=True` writes from the line after it (the check still reads every line). A
    complete import removes `FILE.resume`; without one, `resume=True` starts at the first
    line. Memory holds one chunk (16 MB of lines at most), whatever the file's size.

    Raises:
        TableNotFoundError: there is no such table.
        FileMissingError: there is no such file.
        InvalidLineError: a line breaks a rule; nothing was written.
        CorruptFileError: the gzip data does not decompress.
        TransferError: the file cannot be read, changed while imported, or its resume file
            records another table or file.
        BatchIncompleteError: DynamoDB kept leaving writes unprocessed for `timeout` seconds;
            `FILE.resume` records the last whole chunk, for `resume=True`.
    """
    start = time.monotonic()
    path = os.fspath(file)
    report = _Reporter(table, path, progress)
    point = ResumePoint(path, table)
    skip = point.line() if resume else 0
    source: ImportSource = yield Call(client.native.open_import, (table, path, gzip))
    report.begin("check")
    to_write = yield from _checked(source, skip, report)
    yield Call(source.rewind, (skip,))
    report.begin("import")
    items, cost = 0, CallCost(0.0, 0.0, 0.0)
    while True:
        chunk: ImportOutput = yield Call(
            client.native.import_chunk, (source, CHUNK_ITEMS, CHUNK_BYTES, timeout)
        )
        cost += CallCost.of(chunk.cost)
        if chunk.unprocessed:
            raise BatchIncompleteError(
                f"{chunk.unprocessed} items of {path} up to line {chunk.last_line} were not "
                f"written into {table!r}: {chunk.gave_up}. {point.path} records the last "
                "whole chunk: import again with resume=True (--resume) to go on from there",
                table=table,
            )
        items += chunk.items
        point.record(chunk.last_line)
        report(items, to_write)
        if chunk.done:
            break
    point.clear()
    return TransferReport(table, path, items, time.monotonic() - start, cost)


def _checked(source: ImportSource, skip: int, report: _Reporter) -> Steps[int]:
    """Check every line of `source`, a bounded chunk at a time; the items after line `skip`,
    which are the ones to write."""
    lines = to_write = 0
    while True:
        # Up to the resume point, then past it: the items after it are counted apart.
        limit = CHECK_LINES if lines >= skip else min(CHECK_LINES, skip - lines)
        checked: CheckOutput = yield Call(source.check, (limit,))
        if lines >= skip:
            to_write += checked.items
        lines += checked.lines
        report(lines, None)
        if checked.done:
            return to_write


export_table = awaitable(_export_table)
sync_export_table = blocking(_export_table)
import_table = awaitable(_import_table)
sync_import_table = blocking(_import_table)
