"""Memory: a long scan iterated without keeping its items, and a query kept as models.

1. A scan of 200,000 benchmark orders on `memory://`, each item looked at and dropped: the
   growth of this process's peak resident set while the scan runs (Linux's VmHWM, reset
   before the scan through `/proc/self/clear_refs`). The table is filled first, untimed; the
   embedded engine keeps it in this process, so the baseline is taken after the fill. Target:
   under 64 MB, whatever the item count (pages are decoded and released one at a time).
2. The 10,000 orders of a query kept as models: the Python heap they hold (tracemalloc, after
   the query's transient buffers are gone), against the same 10,000 models built by pydantic
   directly (`model_validate_json` of each order's JSON, so that their strings are their own,
   as a query's are). Target: at most 1.3x.

`DYNOMODEL_BENCH_SCAN_ITEMS` sets the scan's item count. Release build (`make bench
BENCH=memory`); the targets are printed, not asserted.
"""

from __future__ import annotations

import gc
import os
import random
import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

from dynomodel import DynamoClient
from dynomodel._table.requests import Write

from ._orders import N_ITEMS, all_order_values, order_values
from .codec import Order
from .query import JsonOrder

SCAN_ITEMS = int(os.environ.get("DYNOMODEL_BENCH_SCAN_ITEMS", "200000"))
SCAN_TARGET_MB = 64
KEPT_TARGET = 1.3
STATUS = Path("/proc/self/status")


def peak_rss() -> int:
    """This process's peak resident set since the last reset, in bytes (VmHWM)."""
    found = re.search(r"^VmHWM:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")
    return int(found.group(1)) * 1024


def reset_peak() -> None:
    """Start VmHWM over from the current resident set (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def fill(client: DynamoClient, count: int) -> None:
    """`count` orders in the benchmark table, through the native batch write (untimed)."""
    rng = random.Random(7)
    codec = Order.table.mapping.codec
    for start in range(0, count, 5_000):
        orders = [Order.model_validate(order_values(i, rng)) for i in range(start, start + 5_000)]
        writes: list[Write] = [(Order.table.name, True, codec.to_item(o)) for o in orders]
        client.native.batch_write(writes, 60.0, True)


def scan_growth(client: DynamoClient) -> tuple[float, int, float]:
    """Peak RSS growth (bytes) of a scan that drops every item, the items seen, and its seconds."""
    gc.collect()
    reset_peak()
    before = peak_rss()
    start = time.perf_counter()
    seen = 0
    for order in Order.sync_scan():
        seen += order.quantity > 0
    seconds = time.perf_counter() - start
    return peak_rss() - before, seen, seconds


def kept_bytes(build: Any) -> int:
    """The Python heap `build()`'s result holds once its transient allocations are freed."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = build()
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
        del kept
    finally:
        tracemalloc.stop()
    return held


def run() -> None:
    client = DynamoClient(endpoint_url="memory://")
    Order.table.client = client
    Order.sync_create_table()
    started = time.perf_counter()
    fill(client, SCAN_ITEMS)
    print(
        f"\nMemory (filled {SCAN_ITEMS:,} orders on memory:// in "
        f"{time.perf_counter() - started:.0f} s, untimed)"
    )
    growth, seen, seconds = scan_growth(client)
    assert seen == SCAN_ITEMS, f"the scan saw {seen:,} of {SCAN_ITEMS:,} orders"
    print(
        f"  scan of {seen:,} orders, each dropped: peak RSS grew {growth / 2**20:.1f} MB "
        f"in {seconds:.1f} s (target: under {SCAN_TARGET_MB} MB)"
    )

    # The kept orders go to a partition of their own, after the scan.
    values = [{**v, "pk": "KEPT"} for v in all_order_values()]
    codec = Order.table.mapping.codec
    writes: list[Write] = [
        (Order.table.name, True, codec.to_item(Order.model_validate(v))) for v in values
    ]
    client.native.batch_write(writes, 60.0, True)

    # From JSON, so that every string and number the models hold is their own, as a query's
    # are (models validated from `values` would share its strings and look smaller).
    lines = [JsonOrder.model_validate(v).model_dump_json() for v in values]

    def by_query() -> list[Order]:
        return list(Order.sync_query(partition_key="KEPT"))

    def by_pydantic() -> list[Order]:
        return [JsonOrder.model_validate_json(line) for line in lines]

    dumped = [o.model_dump() for o in by_query()]
    assert dumped == [o.model_dump() for o in by_pydantic()], "the query's models differ"
    ours, floor = kept_bytes(by_query), kept_bytes(by_pydantic)
    print(
        f"  {N_ITEMS:,} orders kept from a query: {ours / 2**20:.1f} MB; built by pydantic: "
        f"{floor / 2**20:.1f} MB; ratio {ours / floor:.2f}x (target: at most {KEPT_TARGET}x)"
    )
