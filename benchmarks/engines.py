"""The engines side by side: the embedded one in process (`memory://`), the same engine served
on loopback (`python -m dynomodel serve`) and DynamoDB Local, all through dynomodel.

- PutItem and GetItem round trips: the median of 2,000 sequential calls each, after a warm-up
  (DynamoDB Local's JVM compiles its hot paths in it).
- A 10,000-item query read as models, in pages of 1,000: the median of 5 runs.
- The wall time of the whole pytest suite on each engine (`DYNOMODEL_TEST_BACKENDS`).

Targets printed, not asserted: GetItem on `memory://` at least 10x faster than on DynamoDB
Local, and the suite at least 3x faster.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dynomodel import DynamoClient, Table
from dynomodel.testing import DynamoDBLocal

from ._orders import all_order_values
from .codec import Order

CALLS = 2_000
WARM_UP = 500
ITEMS = 10_000
PAGE = 1_000
PK = "CUSTOMER#ENGINES"
ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served() -> Iterator[str]:
    """`python -m dynomodel serve` on a free loopback port, in memory; its endpoint."""
    server = subprocess.Popen(
        [sys.executable, "-m", "dynomodel", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)


def client_for(endpoint: str) -> DynamoClient:
    if endpoint.startswith("memory://"):
        return DynamoClient(endpoint_url=endpoint)
    return DynamoClient(
        endpoint_url=endpoint, region="us-east-1", access_key_id="bench", secret_access_key="x"
    )


def median_seconds(call: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(endpoint: str) -> dict[str, float]:
    """Put and get latency (seconds) and the 10,000-item query time on `endpoint`."""
    values = all_order_values()
    table = Table(Order, "engines", partition_key="pk", sort_key="sk", client=client_for(endpoint))
    table.sync_create_table()
    one = Order(**values[0])
    key = {"pk": one.pk, "sk": one.sk}
    for _ in range(WARM_UP):
        table.sync_save(one)
        table.sync_get(**key)
    put = median_seconds(lambda: table.sync_save(one), CALLS)
    get = median_seconds(lambda: table.sync_get(**key), CALLS)
    with table.batch_write() as batch:
        for row in values[:ITEMS]:
            batch.put(Order(**{**row, "pk": PK}))

    def query() -> list[Any]:
        found = list(table.sync_query(partition_key=PK, page_size=PAGE))
        assert len(found) == ITEMS
        return found

    query()
    return {"put": put, "get": get, "query": median_seconds(query, 5)}


def suite_seconds(backend: str) -> float:
    """Wall time of `pytest` on one engine, from this checkout."""
    env = {**os.environ, "DYNOMODEL_TEST_BACKENDS": backend}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the suite failed on {backend}:\n{done.stdout[-3000:]}")
    return elapsed


def run(with_suite: bool = True) -> None:
    figures: dict[str, dict[str, float]] = {"memory://": measure("memory://")}
    with served() as url:
        figures["dynomodel serve (loopback)"] = measure(url)
    with DynamoDBLocal() as local:
        figures["DynamoDB Local"] = measure(local.endpoint)
    local = figures["DynamoDB Local"]
    print(
        f"\nEngines through dynomodel: PutItem and GetItem median of {CALLS:,} calls, a "
        f"{ITEMS:,}-item query as models (pages of {PAGE:,}), median of 5"
    )
    print(f"  {'engine':<30}{'PutItem':>12}{'GetItem':>12}{'query':>12}   DynamoDB Local is")
    for name, f in figures.items():
        ratios = (
            ""
            if f is local
            else (
                f"{local['put'] / f['put']:.1f}x / {local['get'] / f['get']:.1f}x / "
                f"{local['query'] / f['query']:.1f}x slower"
            )
        )
        print(
            f"  {name:<30}{f['put'] * 1e6:>10.0f}us{f['get'] * 1e6:>10.0f}us"
            f"{f['query'] * 1e3:>10.0f}ms   {ratios}"
        )
    get_ratio = local["get"] / figures["memory://"]["get"]
    print(
        f"  target: GetItem on memory:// at least 10x faster than on DynamoDB Local: "
        f"{get_ratio:.1f}x"
    )
    if not with_suite:
        return
    memory_suite, local_suite = suite_seconds("memory"), suite_seconds("local")
    print("\nThe pytest suite on each engine (wall time)")
    print(f"  memory://        {memory_suite:>8.1f} s")
    print(f"  DynamoDB Local   {local_suite:>8.1f} s")
    print(f"  target: at least 3x faster on memory://: {local_suite / memory_suite:.1f}x")
