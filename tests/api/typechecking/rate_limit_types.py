"""Checked by mypy and pyright in `make test`: rate limits as users' code sees them."""

from __future__ import annotations

from typing import Annotated, assert_type

from dynomodel import (
    Adaptive,
    BudgetSnapshot,
    DynamoClient,
    DynamoModel,
    PartitionKey,
    RateLimit,
    RateLimiter,
    RateSnapshot,
    Table,
)


class Event(DynamoModel, table="events", rate_limit=RateLimit(write=Adaptive(ceiling=100))):
    pk: Annotated[str, PartitionKey]


def check(client: DynamoClient) -> None:
    limited = DynamoClient(
        rate_limits={"orders": RateLimit(read=400, write=200), "orders/by-day": {"read": 50}}
    )
    assert_type(limited.rate_limits["orders"], RateLimiter)
    snapshot = client.rate_limits["orders"].snapshot()
    assert_type(snapshot, RateSnapshot)
    assert_type(snapshot.write, BudgetSnapshot | None)
    if snapshot.write is not None:
        assert_type(snapshot.write.rate, float)
        assert_type(snapshot.write.waits, int)
    Table(Event, "events-archive", partition_key="pk", rate_limit=RateLimit(read=10))
