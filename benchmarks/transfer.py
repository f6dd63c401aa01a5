"""Export and import of 100,000 items on the embedded engine (`memory://`), plain and gzip.

Each item is an order of a few attributes (a string and a number key, text, a Decimal, a
string set, a nested map: about 150 bytes as a line). The table is filled once with native
batch writes, untimed. Timed, each the median of REPEATS runs after a warm-up: `export_table`
to a file, and `import_table` of that file into a fresh table (its check of every line and its
writes; the check alone is reported too, from the progress callback). For scale, the same
items put with the native batch write alone, the engine's own bound on an import: what an
import adds is reading and checking the file.

`DYNOMODEL_BENCH_TRANSFER_ITEMS` sets the item count. Wall time on this machine (2 cores),
release build (`make bench BENCH=transfer`).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from dynomodel import DynamoClient, TransferProgress, export_table, import_table
from dynomodel._table.requests import Write

ITEMS = int(os.environ.get("DYNOMODEL_BENCH_TRANSFER_ITEMS", "100000"))
REPEATS = 3


def order(number: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"CUSTOMER#{number % 1000:04}"},
        "sk": {"N": str(number)},
        "status": {"S": "shipped" if number % 3 else "open"},
        "total": {"N": f"{number % 997}.{number % 100:02}"},
        "tags": {"SS": ["gift", f"batch-{number % 10}"]},
        "address": {"M": {"city": {"S": "Lyon"}, "zip": {"S": "69001"}}},
    }


async def fill(client: DynamoClient, table: str, items: list[dict[str, Any]]) -> float:
    await client.create_table(table, ("pk", "S"), ("sk", "N"))
    start = time.perf_counter()
    for at in range(0, len(items), 5000):
        writes: list[Write] = [(table, True, item) for item in items[at : at + 5000]]
        await client.native.batch_write(writes, 60.0, False)
    return time.perf_counter() - start


async def main() -> None:
    client = DynamoClient(endpoint_url="memory://")
    items = [order(n) for n in range(ITEMS)]
    fills = [await fill(client, f"fill-{run}", items) for run in range(REPEATS)]
    folder = Path(tempfile.mkdtemp())
    print(f"\nExport and import of {ITEMS:,} items on memory:// (median of {REPEATS}, wall time)")
    print(f"  {'native batch write alone':<36}{ITEMS / statistics.median(fills):>12,.0f} items/s")
    for name in ("orders.jsonl", "orders.jsonl.gz"):
        path = folder / name
        exports, imports, checks = [], [], []
        for run in range(REPEATS + 1):
            report = await export_table(client, "fill-0", path)
            exports.append(report.seconds)
            target = f"copy-{name}-{run}"
            await client.create_table(target, ("pk", "S"), ("sk", "N"))
            phases: dict[str, float] = {}

            def progress(at: TransferProgress, phases: dict[str, float] = phases) -> None:
                phases[at.phase] = at.elapsed

            report = await import_table(client, path, target, progress=progress)
            assert report.items == ITEMS
            imports.append(report.seconds)
            checks.append(phases["check"])
            await client.delete_table(target)
        size = path.stat().st_size / 1e6
        for what, seconds in (
            (f"export_table {name} ({size:.1f} MB)", exports),
            (f"import_table {name}", imports),
            ("  of which the check of every line", checks),
        ):
            median = statistics.median(seconds[1:])
            print(f"  {what:<36}{ITEMS / median:>12,.0f} items/s  {median:6.2f} s")


def run() -> None:
    asyncio.run(main())
