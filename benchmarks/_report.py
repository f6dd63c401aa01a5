"""Timing and the comparison table every benchmark prints."""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    library: str
    seconds: list[float]
    items: int
    note: str = ""

    def per_second(self, column: int) -> float:
        return self.items / self.seconds[column]


def measure(run: Callable[[], object], *, repeats: int = 5) -> float:
    """Median wall time of `repeats` runs after one warm-up run.

    The fixtures every library's run reads (hundreds of thousands of live models and items) are
    frozen out of the cyclic GC first: otherwise each full collection rescans them, and the
    figure measures the benchmark's heap more than the library. Every library gets the same.
    With DYNOMODEL_BENCH_GC=live nothing is frozen: what an application with a large heap sees.
    """
    run()
    gc.collect()
    if os.environ.get("DYNOMODEL_BENCH_GC") != "live":
        gc.freeze()
    try:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - start)
            del result
            gc.collect()
    finally:
        gc.unfreeze()
    return statistics.median(times)


def table(
    title: str, results: list[Result], columns: list[str], *, ours: str = "dynomodel"
) -> None:
    """Print items/s per library and column, and dynomodel's speed relative to each peer."""
    mine = next(r for r in results if r.library == ours)
    print(f"\n{title}")
    header = "".join(f" {c + ' items/s':>22} {'dynomodel is':>12}" for c in columns)
    print(f"  {'library':<34}{header}  notes")
    for r in results:
        cells = ""
        for i in range(len(columns)):
            ratio = "" if r is mine else f"{mine.per_second(i) / r.per_second(i):.2f}x"
            cells += f" {r.per_second(i):>22,.0f} {ratio:>12}"
        print(f"  {r.library:<34}{cells}  {r.note}")
