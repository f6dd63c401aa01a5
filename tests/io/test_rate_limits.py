"""Rate limits: every call of a client draws from its tables' and indexes' budgets, batches,
parallel scans and transactions included, and an adaptive budget backs off when DynamoDB
throttles. The consumption test measures what DynamoDB reported consumed per second; nothing
else here asserts a duration."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from typing import Annotated, Any, ClassVar

import pytest
from conftest import Driver
from faults import FaultProxy, FaultRates

import dynomodel
from dynomodel import (
    Adaptive,
    DynamoClient,
    DynamoModel,
    GlobalIndex,
    PartitionKey,
    RateLimit,
    SortKey,
    TableStats,
    attr,
    table_of,
)
from dynomodel.exceptions import ConfigurationError, RateLimitError

PAYLOAD = "x" * 900
"""With its keys, an item of just under 1 KB: 1 WCU to write, 0.25 KB of a 4 KB read unit."""


def order_model(name: str, **keywords: Any) -> Any:
    class Order(DynamoModel, table=name, **keywords):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        status: str = "open"
        payload: str = PAYLOAD
        by_status: ClassVar[GlobalIndex] = GlobalIndex("by-status", partition_key="status")

    return Order


def limited_client(backend: str, endpoint: str, limits: dict[str, Any]) -> DynamoClient:
    """A client with `limits` on the engine of the test: its own database on `memory://`, the
    session's DynamoDB Local otherwise."""
    if backend == "memory":
        return DynamoClient(endpoint_url="memory://", create_tables=True, rate_limits=limits)
    return DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="local",
        secret_access_key="local",
        create_tables=True,
        rate_limits=limits,
    )


async def test_batch_writes_and_a_parallel_scan_consume_what_their_budgets_allow() -> None:
    """10 seconds of batch writes (puts and deletes) and of a 4-segment parallel scan, both
    as fast as they go, under 200 WCU and 400 RCU per second: what DynamoDB reports consumed is
    within 10% of each budget per second."""
    database = f"memory://rate-{uuid.uuid4().hex[:8]}"
    table = f"rated-{uuid.uuid4().hex[:8]}"
    model = order_model(table)
    seeder = DynamoClient(endpoint_url=database)
    model.table.client = seeder
    await model.create_table()
    async with model.batch_write() as batch:
        for i in range(2_000):
            batch.put(model(pk=f"P#{i % 40}", sk=i))
    limits = {table: RateLimit(read=400, write=200)}
    model.table.client = DynamoClient(endpoint_url=database, rate_limits=limits)
    stats = model.table.stats = TableStats()
    start = time.monotonic()
    deadline = start + 10.0

    async def write() -> float:
        next_sk = 2_000
        while time.monotonic() < deadline:
            async with model.batch_write() as batch:
                for _ in range(40):
                    batch.put(model(pk=f"P#{next_sk % 40}", sk=next_sk))
                    next_sk += 1
                for sk in range(next_sk - 400, next_sk - 390):
                    batch.delete_by_key(model, (f"P#{sk % 40}", sk))
        return time.monotonic() - start

    async def scan() -> float:
        while time.monotonic() < deadline:
            async for _ in model.scan(segments=4, page_size=100):
                if time.monotonic() >= deadline:
                    break
        return time.monotonic() - start

    # Each rate over its own run: the last batch goes on after the scan stopped.
    writing, reading = await asyncio.gather(write(), scan())
    written, read = stats.write_units / writing, stats.read_units / reading
    print(
        f"\n{stats.write_units:.0f} WCU in {writing:.2f} s: {written:.1f} WCU/s (budget 200); "
        f"{stats.read_units:.0f} RCU in {reading:.2f} s: {read:.1f} RCU/s (budget 400)"
    )
    assert 180 <= written <= 220, written
    assert 360 <= read <= 440, read
    snapshot = model.table.client.rate_limits[table].snapshot()
    assert snapshot.write is not None and snapshot.read is not None
    assert snapshot.write.waits > 0 and snapshot.read.waits > 0
    assert math.isclose(snapshot.write.consumed, stats.write_units, rel_tol=1e-9)
    assert math.isclose(snapshot.read.consumed, stats.read_units, rel_tol=1e-9)


def proxied(endpoint: str, limits: dict[str, Any]) -> DynamoClient:
    return DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="local",
        secret_access_key="local",
        max_retries=2,
        rate_limits=limits,
    )


async def test_throttling_lowers_an_adaptive_rate_and_nothing_is_lost(
    client: DynamoClient, endpoint: str, table_name: str
) -> None:
    model = order_model(table_name, client=client)
    await model.create_table()
    throttling = FaultRates(throttle=0.3, operations=frozenset({"BatchWriteItem"}))
    limits = {table_name: RateLimit(write=Adaptive(ceiling=2_000))}
    written = [model(pk=f"P#{i % 10}", sk=i) for i in range(600)]
    with FaultProxy(endpoint, throttling, seed=7) as proxy:
        model.table.client = proxied(proxy.endpoint, limits)
        async with model.batch_write() as batch:
            for item in written:
                batch.put(item)
        budget = model.table.client.rate_limits[table_name].snapshot().write
    assert proxy.counts["throttle"] > 0, proxy.counts
    assert budget is not None
    assert budget.throttles > 0
    assert budget.ceiling == 2_000 and budget.rate < 2_000
    # Past the proxy: every item once.
    model.table.client = client
    stored = sorted([o async for o in model.scan()], key=lambda o: o.sk)
    assert stored == written


async def test_a_call_waits_for_its_budget_without_holding_the_loop_or_the_gil(
    driver: Driver,
) -> None:
    # Sync calls run in a worker thread: were the GIL held while they wait, the loop's
    # thread could not tick.
    limits = {"paced": RateLimit(write=20)}
    client = DynamoClient(endpoint_url="memory://", create_tables=True, rate_limits=limits)
    model = order_model("paced", client=client)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    ticker = asyncio.create_task(tick())
    for i in range(4):
        await driver(model(pk="P", sk=i).save)
    ticker.cancel()
    budget = client.rate_limits["paced"].snapshot().write
    assert budget is not None
    assert budget.waits >= 3 and budget.waited > 0
    # 2 WCU a put: 1 for the table, 1 for its index (which has no budget of its own).
    assert budget.consumed == model.table.stats.write_units == 8
    assert ticks > 20, "the loop ran while the calls waited"


def plain_model(name: str, client: DynamoClient) -> Any:
    class Row(DynamoModel, table=name, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]

    return Row


async def test_a_batch_paced_by_its_budget_does_not_hold_up_another_tables() -> None:
    # At 1 WCU/s, the first request of 25 writes goes after a second and each later one 25
    # seconds after the one before: the backfill's 32 requests wait far longer than the client
    # has batch slots (16). Waiting for a budget takes no slot, so another table's batch goes.
    client = DynamoClient(endpoint_url="memory://", rate_limits={"slow": RateLimit(write=1)})
    slow, fast = plain_model("slow", client), plain_model("fast", client)
    await slow.create_table()
    await fast.create_table()

    async def backfill() -> None:
        async with slow.batch_write() as batch:
            for i in range(800):
                batch.put(slow(pk="P", sk=i))

    task = asyncio.create_task(backfill())
    while client.in_flight < 32:
        await asyncio.sleep(0.01)
    async with fast.batch_write() as batch:
        for i in range(100):
            batch.put(fast(pk="P", sk=i))
    budget = client.rate_limits["slow"].snapshot().write
    assert budget is not None and budget.consumed <= 25, "done before the backfill's second"
    assert fast.table.stats.write_units == 100
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def consumed(client: DynamoClient, key: str, direction: str) -> float:
    budget = getattr(client.rate_limits[key].snapshot(), direction)
    assert budget is not None
    return float(budget.consumed)


async def test_every_kind_of_call_draws_from_the_budget_that_pays_for_it(
    backend: str, endpoint: str, table_name: str
) -> None:
    index = f"{table_name}/by-status"
    limits = {
        table_name: RateLimit(read=1_000, write=1_000),
        index: RateLimit(read=1_000, write=1_000),
    }
    client = limited_client(backend, endpoint, limits)
    model = order_model(table_name, client=client)
    await model(pk="P", sk=1).save()
    # The put's units, table and index apart, each to its own budget.
    assert consumed(client, index, "write") > 0
    total = consumed(client, table_name, "write") + consumed(client, index, "write")
    assert math.isclose(total, model.table.stats.write_units, rel_tol=1e-9)

    async def batch() -> None:
        async with model.batch_write() as writes:
            writes.put(model(pk="P", sk=2))

    async def transaction() -> None:
        async with dynomodel.transaction(client) as tx:
            tx.update(model, ("P", 2), actions=[attr(model.status).set("shipped")])

    async def items(results: Any) -> None:
        assert [item async for item in results]

    calls: list[tuple[str, Any]] = [
        ("write", model.update_by_key(pk="P", sk=1, status="paid")),
        ("write", batch()),
        ("write", transaction()),
        ("read", model.get(pk="P", sk=1)),
        ("read", model.batch_get([("P", 1), ("P", 2)])),
        ("read", items(model.query(partition_key="P"))),
        ("read", items(model.scan(segments=2))),
        ("read", dynomodel.transact_get([(model, ("P", 1))], client=client)),
    ]
    for direction, call in calls:
        before = consumed(client, table_name, direction)
        await call
        assert consumed(client, table_name, direction) > before, call
    # A query of the index draws from the index's budget, not from its table's.
    table_reads = consumed(client, table_name, "read")
    await items(model.by_status.query(partition_key="paid"))
    assert consumed(client, index, "read") > 0
    assert consumed(client, table_name, "read") == table_reads


def test_a_models_rate_limit_is_set_on_the_clients_it_is_used_through() -> None:
    limit = RateLimit(write=50, indexes={"by-status": RateLimit(read=20)})
    model = order_model("model-limited", rate_limit=limit)
    client = DynamoClient(endpoint_url="memory://", create_tables=True)
    model.table.client = client
    assert dict(client.rate_limits) == {}
    model(pk="P", sk=1).sync_save()
    assert set(client.rate_limits) == {"model-limited", "model-limited/by-status"}
    writes = client.rate_limits["model-limited"].snapshot().write
    assert writes is not None and writes.rate == 50 and writes.consumed >= 1
    assert client.rate_limits["model-limited/by-status"].limit == RateLimit(read=20)
    # The client's own configuration wins, budget by budget.
    own = {"model-limited": RateLimit(write=5)}
    configured = DynamoClient(endpoint_url="memory://", create_tables=True, rate_limits=own)
    model.table.client = configured
    model(pk="P", sk=2).sync_save()
    assert configured.rate_limits["model-limited"].limit == RateLimit(write=5)
    assert "model-limited/by-status" in configured.rate_limits


def test_two_models_of_one_table_cannot_give_it_two_limits() -> None:
    first = order_model("shared-table", rate_limit=RateLimit(write=50))
    second = order_model("shared-table", rate_limit=RateLimit(write=60))
    client = DynamoClient(endpoint_url="memory://", create_tables=True)
    table_of(first).client = table_of(second).client = client
    first(pk="P", sk=1).sync_save()
    with pytest.raises(RateLimitError, match="different rate limits"):
        second(pk="P", sk=2).sync_save()


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (lambda: RateLimit(write=-5), "RateLimit(write=...)"),
        (lambda: RateLimit(read=0), "RateLimit(read=...)"),
        (lambda: RateLimit(read=True), "not True"),
        (lambda: RateLimit(write=float("nan")), "not nan"),
        (lambda: RateLimit(), "limits nothing"),
        (lambda: Adaptive(start=300, ceiling=200), "lower start, or raise ceiling"),
        (lambda: Adaptive(ceiling=-1), "Adaptive(ceiling=...)"),
        (lambda: RateLimit(indexes={"x": RateLimit(read=1)}), "'x'"),
        (
            lambda: RateLimit(
                indexes={"idx": RateLimit(read=1, indexes={"y1z": RateLimit(read=1)})}
            ),
            "has indexes of its own",
        ),
        (
            lambda: DynamoClient(endpoint_url="memory://", rate_limits={"orders": {"wirte": 5}}),
            "rate_limits['orders'] has an unknown key 'wirte'",
        ),
        (
            lambda: DynamoClient(
                endpoint_url="memory://",
                rate_limits={"orders": {"write": {"start": 5, "ceil": 9}}},
            ),
            "rate_limits['orders']['write'] has an unknown key 'ceil'",
        ),
        (
            lambda: DynamoClient(endpoint_url="memory://", rate_limits={"orders/a/b": {"read": 1}}),
            "rate_limits['orders/a/b'] does not name an index",
        ),
        (
            lambda: DynamoClient(endpoint_url="memory://", rate_limits={"orders": 100}),
            "rate_limits['orders'] is a RateLimit(read=..., write=...)",
        ),
        (
            lambda: DynamoClient(
                endpoint_url="memory://",
                rate_limits={
                    "orders": RateLimit(indexes={"by-day": RateLimit(read=1)}),
                    "orders/by-day": RateLimit(read=2),
                },
            ),
            "gives 'orders/by-day' twice",
        ),
        (lambda: order_model("bad-limit", rate_limit={"read": -1}), "Order: rate_limit['read']"),
    ],
)
def test_bad_configuration_is_a_typed_error_naming_what_to_change(make: Any, names: str) -> None:
    with pytest.raises(RateLimitError) as raised:
        make()
    assert names in str(raised.value)
    assert isinstance(raised.value, ConfigurationError) and isinstance(raised.value, ValueError)


def test_a_clients_repr_shows_its_limits_and_no_credential() -> None:
    client = DynamoClient(
        endpoint_url="memory://",
        access_key_id="AKIDEXAMPLE",
        secret_access_key="wJalrXUtnFEMI",
        session_token="FwoGZXIvYXdz",
        rate_limits={"orders": {"read": 400, "write": {"start": 50, "ceiling": 200}}},
    )
    shown = repr(client)
    assert "RateLimit(read=400, write=Adaptive(start=50, ceiling=200))" in shown
    for secret in ("AKIDEXAMPLE", "wJalrXUtnFEMI", "FwoGZXIvYXdz"):
        assert secret not in shown
    assert "AKIDEXAMPLE" not in repr(client.rate_limits["orders"])
