"""Round trips against DynamoDB Local: single put and get latency, and 1,000 concurrent gets.

The three libraries talk to the same DynamoDB Local (started here, in memory, on loopback) and
store the same benchmark order. Latencies are the median of 1,000 sequential calls each, the
libraries taking turns call by call after a warm-up; the
concurrent figure is 1,000 gets in flight at once (asyncio for dynomodel and pydynox, a thread
pool of 32 for boto3, which has no async client).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from pydynox import DynamoDBClient
from pydynox import set_default_client as set_pydynox_client

from dynomodel import DynamoClient, set_default_client
from dynomodel.testing import DynamoDBLocal

from ._orders import all_order_values
from .codec import Order, PydynoxOrder, boto3_decode, boto3_encode

CALLS = 1_000
CONCURRENT = 1_000
TABLE = "orders"  # the benchmark models' table
CREDENTIALS = {"region": "us-east-1"}


def median_latencies(calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median seconds per library. The libraries take turns call by call, after a warm-up that
    lets DynamoDB Local's JVM compile its hot paths, so its drift hits every library alike."""
    for _ in range(300):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(CALLS):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_row(name: str, value: float, mine: float, unit: str, lower_is_better: bool) -> None:
    ratio = "" if value == mine else f"{(value / mine if lower_is_better else mine / value):.2f}x"
    print(f"  {name:<30} {value:>12.1f} {unit:<8} {ratio:>12}")


def run() -> None:
    logging.getLogger("pydynox").setLevel(logging.ERROR)  # it warns on every call over 100 ms
    values = all_order_values()[0]
    with DynamoDBLocal() as local:
        endpoint = local.endpoint
        ours_client = DynamoClient(
            endpoint_url=endpoint, access_key_id="local", secret_access_key="local", **CREDENTIALS
        )
        set_default_client(ours_client)
        set_pydynox_client(
            DynamoDBClient(
                endpoint_url=endpoint, access_key="local", secret_key="local", **CREDENTIALS
            )
        )
        boto = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            region_name="us-east-1",
        )
        Order.sync_create_table()

        ours = Order(**values)
        theirs = PydynoxOrder(**values)
        key = {"pk": values["pk"], "sk": values["sk"]}
        boto_key = {"pk": {"S": values["pk"]}, "sk": {"S": values["sk"]}}

        def boto_get() -> Any:
            return boto3_decode(boto.get_item(TableName=TABLE, Key=boto_key)["Item"])

        puts = {
            "dynomodel": lambda: ours.sync_save(),
            "pydynox": lambda: theirs.sync_save(full_replace=True),
            "boto3 + pydantic": lambda: boto.put_item(TableName=TABLE, Item=boto3_encode(ours)),
        }
        gets = {
            "dynomodel": lambda: Order.sync_get(**key),
            "pydynox": lambda: PydynoxOrder.sync_get(**key),
            "boto3 + pydantic": boto_get,
        }
        ours.sync_save()
        assert Order.sync_get(**key) == ours

        print(f"\nClient: DynamoDB Local on loopback, median of {CALLS:,} calls (lower is better)")
        for title, calls in (("PutItem", puts), ("GetItem", gets)):
            print(f"\n{title} round trip")
            latencies = {name: s * 1e6 for name, s in median_latencies(calls).items()}
            mine = latencies["dynomodel"]
            for name, value in latencies.items():
                print_row(name, value, mine, "us", lower_is_better=True)

        async def ours_many() -> list[Any]:
            return await asyncio.gather(*(Order.get(**key) for _ in range(CONCURRENT)))

        async def theirs_many() -> list[Any]:
            return await asyncio.gather(*(PydynoxOrder.get(**key) for _ in range(CONCURRENT)))

        def boto_many() -> list[Any]:
            with ThreadPoolExecutor(32) as pool:
                return list(pool.map(lambda _: boto_get(), range(CONCURRENT)))

        rounds = {
            "dynomodel (asyncio)": lambda: asyncio.run(ours_many()),
            "pydynox (asyncio)": lambda: asyncio.run(theirs_many()),
            "boto3 + pydantic (32 threads)": boto_many,
        }
        print(f"\n{CONCURRENT:,} concurrent GetItem (median of 5 rounds; higher is better)")
        throughput = {}
        for name, call in rounds.items():
            call()
            times = []
            for _ in range(5):
                start = time.perf_counter()
                results = call()
                times.append(time.perf_counter() - start)
                assert len(results) == CONCURRENT and all(r is not None for r in results)
            throughput[name] = CONCURRENT / statistics.median(times)
        mine = throughput["dynomodel (asyncio)"]
        for name, value in throughput.items():
            print_row(name, value, mine, "gets/s", lower_is_better=False)
