"""Reading a Query or Scan: the results that page through it on demand, in either mode."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from .._io.driver import Call, Steps, awaitable, blocking, run_async, run_sync
from .._native import PageOutput
from .._schema.wire import Item
from .._table.reads import ReadOptions, ReadPlan
from ..exceptions import InvalidExpressionError, ResultsConsumedError
from .bound import BoundTable, bound_of, ready

__all__ = ["Results"]

R = TypeVar("R")


class Results(Generic[R]):
    """The items of one Query or Scan (`Order.query(...)`), read a page at a time as they are
    asked for: with `async for`, or `for` in blocking code (`Order.sync_query` is the same
    call). `first()` and `count()` are awaitable; `sync_first()` and `sync_count()` block.

    `limit` is the most items handed out in all; `page_size` the most each request reads
    (DynamoDB's `Limit`; without it, what is left of `limit`, else DynamoDB's 1 MB pages). Each
    page crosses from Rust once and is validated there, item by item, with no Python loop. After
    iterating, `last_evaluated_key` says where a new read can resume. A result reads its pages
    once: iterating it again after its end raises `ResultsConsumedError`.
    """

    def __init__(self, table: BoundTable[Any], plan: ReadPlan, options: ReadOptions) -> None:
        limit = options.get("limit")
        page_size = options.get("page_size")
        last_evaluated_key = options.get("last_evaluated_key")
        for name, value in (("limit", limit), ("page_size", page_size)):
            if value is not None and (isinstance(value, bool) or value < 1):
                raise InvalidExpressionError(f"{name} must be a positive int, not {value!r}")
        if last_evaluated_key is not None and plan.segments:
            raise InvalidExpressionError("a parallel scan cannot resume from one key")
        self._table = table
        self._plan = plan
        self._options = options
        self._skip_hooks = options.get("skip_hooks", False)
        self._limit = limit
        self._page_size = page_size
        start = None if last_evaluated_key is None else dict(last_evaluated_key)
        self._start: Item | None = start
        segments = range(plan.segments) if plan.segments else range(1)
        self._pending: list[tuple[int, Item | None]] = [(s, start) for s in segments]
        self._buffer: deque[R] = deque()
        self._returned = 0
        self._page_start: Item | None = start
        self._page_end: Item | None = start
        self._last_handed: R | None = None
        """The last item handed out of the current page; None before the first."""
        self._iterated = False
        self.scanned_count = 0
        """Items DynamoDB read so far (before the filter): what the reads paid for."""

    @property
    def last_evaluated_key(self) -> Item | None:
        """Where a new read with `last_evaluated_key=` resumes: after the last item handed out,
        or None once everything was read. None for a parallel scan (it has one per segment)."""
        if self._plan.segments:
            return None
        if self._buffer:
            if self._last_handed is None:
                return self._page_start
            return self._key_of(self._last_handed)
        return self._page_end

    @property
    def signature(self) -> str:
        """A digest of the request this result sends (table, index, key condition and its
        values, filter, projection, order), apart from where it starts and how much it takes:
        equal for equal reads, in any process. It binds a resume token to its read, as
        `dynomodel.fastapi.paginate` does with its signed cursors."""
        return self._plan.signature()

    def starting_at(self, key: Mapping[str, Any] | None) -> Results[R]:
        """The same read as a fresh result that starts after `key` (a `last_evaluated_key`),
        or from the beginning with None. Sends nothing.

        Raises:
            InvalidExpressionError: this is a parallel scan, which has one key per segment.
        """
        return Results(self._table, self._plan, {**self._options, "last_evaluated_key": key})

    @property
    def _limit_reached(self) -> bool:
        return self._limit is not None and self._returned >= self._limit

    @property
    def _done(self) -> bool:
        return not self._pending or self._limit_reached

    @property
    def _ready(self) -> bool:
        """Whether an item read is waiting to be handed out."""
        return bool(self._buffer) and not self._limit_reached

    def _take(self) -> R:
        item = self._buffer.popleft()
        self._last_handed = item
        self._returned += 1
        return item

    def _request_limit(self, hint: int | None) -> int | None:
        """The request's `Limit`: an explicit `page_size`; else what is left of `limit` (and
        one item when one is all the caller wants)."""
        if self._page_size is not None:
            return self._page_size
        remaining = None if self._limit is None else self._limit - self._returned
        sizes = [s for s in (remaining, hint) if s is not None]
        return min(sizes) if sizes else None

    def _start_iteration(self) -> None:
        """A result reads its pages once: iterating again after the end would silently yield
        nothing, so it raises instead (after a `break`, iterating again goes on from there)."""
        if self._iterated and self._done and not self._ready:
            raise ResultsConsumedError(
                "this result was read to its end already: run the query or scan again for a "
                "fresh read, or keep the items (`list(...)`) to go over them twice"
            )
        self._iterated = True

    def _readers(self) -> Sequence[BoundTable[Any]]:
        """The tables (models) whose items the pages hold, made ready before each read."""
        return [self._table]

    def _pages(
        self, pending: list[tuple[int, Item | None]], limit: int | None, count_only: bool
    ) -> Steps[list[tuple[int, PageOutput]]]:
        """One Query page, or one Scan page of each pending segment (sent together), with the
        segment each came from; the consumed capacity is recorded."""
        plan = self._plan
        table = self._table
        decoding = plan.decoding(count_only)
        yield from ready(self._readers(), table.client)
        outputs: list[PageOutput]
        if plan.key_condition is not None:
            request = plan.request(limit, pending[0][1], count_only)
            key_condition = plan.counting[0] if count_only else plan.key_condition
            query = (table.name, plan.index, key_condition, request, plan.forward, decoding)
            outputs = [(yield Call(table.native.query, query))]
        else:
            request = plan.request(limit, None, count_only)
            scan = (table.name, plan.index, request, pending, plan.segments, decoding)
            outputs = yield Call(table.native.scan, scan)
        for output in outputs:
            table.record(output.cost)
        return [(segment, output) for (segment, _), output in zip(pending, outputs, strict=True)]

    def _fetch(self, hint: int | None = None) -> Steps[None]:
        """Read the next page (one per pending segment) into the buffer."""
        segmented = bool(self._plan.segments)
        pages = yield from self._pages(self._pending, self._request_limit(hint), False)
        self._page_start = None if segmented else self._pending[0][1]
        items: list[R] = []
        for _, output in pages:
            self.scanned_count += output.scanned
            items.extend(output.items)
        self._pending = [(s, out.last_key) for s, out in pages if out.last_key is not None]
        self._page_end = self._pending[0][1] if self._pending and not segmented else None
        # A page may hold more than `limit` leaves to hand out (an explicit page_size, the
        # segments of a parallel scan): they stay unhanded, and the resume key is the last
        # item handed out, so nothing is skipped.
        items = self._received(items)
        handed = items if self._limit is None else items[: self._limit - self._returned]
        if self._plan.shape == "models":
            yield from self._loaded(handed)
        self._buffer.extend(items)
        self._last_handed = None

    def _received(self, items: list[Any]) -> list[R]:
        """The items of a page that are handed out (all of them, here)."""
        return items

    def _loaded(self, items: list[R]) -> Steps[None]:
        """`after_load` on the models a page read."""
        yield from self._table.loaded(items, self._skip_hooks)

    def _first(self) -> Steps[R | None]:
        """The first item (or None), reading no more pages than it takes to find it."""
        # Without a filter every item read is returned, so one item is all a request needs.
        hint = 1 if self._plan.filter is None else None
        while not self._buffer and not self._done:
            yield from self._fetch(hint)
        return self._take() if self._ready else None

    def _page(self, size: int) -> Steps[tuple[list[R], Item | None]]:
        """The next `size` items (fewer at the end), and the key to resume after them: None
        when nothing follows, which it reads one item ahead to know (so the last page is never
        an empty one). Each request asks for what the page still lacks, plus that one;
        `page_size` still caps a request, and a filter may take several.

        Raises:
            InvalidExpressionError: `size` is not a positive int, or this is a parallel scan
                (one resume key per segment: it cannot be read by pages).
        """
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidExpressionError(f"a page size must be a positive int, not {size!r}")
        if self._plan.segments:
            raise InvalidExpressionError(
                "a parallel scan cannot be read by pages: it resumes from one key per segment"
            )
        self._start_iteration()
        while len(self._buffer) <= size and not self._done:
            yield from self._fetch(size + 1 - len(self._buffer))
        items: list[R] = []
        while self._ready and len(items) < size:
            items.append(self._take())
        return items, (self.last_evaluated_key if self._ready else None)

    def counted(self) -> Steps[int]:
        """How many items match: Select=COUNT requests from where this result starts,
        following every page, up to `limit` items (the capacity is that of reading the items;
        nothing is returned)."""
        segments = range(self._plan.segments) if self._plan.segments else range(1)
        pending: list[tuple[int, Item | None]] = [(s, self._start) for s in segments]
        total = 0
        limit = self._limit
        while pending and (limit is None or total < limit):
            size = self._page_size
            if size is None and limit is not None and not self._plan.segments:
                size = limit - total
            pages = yield from self._pages(pending, size, True)
            total += sum(output.count for _, output in pages)
            pending = [(s, out.last_key) for s, out in pages if out.last_key is not None]
        return total if limit is None else min(total, limit)

    def _key_of(self, item: R) -> Item:
        """The key a read resumes after `item`: its table and index keys, as stored (key
        templates built again from their fields)."""
        mapping = self._plan.table
        if not isinstance(item, Mapping) and type(item) is not mapping.model:
            mapping = bound_of(type(item)).mapping  # an entity of a collection
        keys = self._plan.key_fields
        sources = mapping.sources(keys)
        if not isinstance(item, Mapping):
            values = {name: getattr(item, name) for name in sources}
        else:
            data = cast("Mapping[str, Any]", item)
            values = {name: data[name] for name in sources if name in data}
        encoded = mapping.codec.fields(values)
        attributes = {mapping.codec.attribute(key) for key in keys}
        return {n: v for n, v in encoded.items() if v is not None and n in attributes}

    def _handed(self) -> Iterator[R | None]:
        """The items in the order they are handed out, and None where the next page must be
        read first (no item is None: an item is a model or a dict)."""
        self._start_iteration()
        while True:
            while self._ready:
                yield self._take()
            if self._done:
                return
            yield None

    async def __aiter__(self) -> AsyncIterator[R]:
        for item in self._handed():
            if item is None:
                await run_async(self._fetch())
            else:
                yield item

    def __iter__(self) -> Iterator[R]:
        for item in self._handed():
            if item is None:
                run_sync(self._fetch(), "a for loop over query results", "async for")
            else:
                yield item

    page = awaitable(_page)
    sync_page = blocking(_page)
    first = awaitable(_first)
    sync_first = blocking(_first)
    count = awaitable(counted, "count")
    sync_count = blocking(counted, "count")
