"""Checked by mypy and pyright: what queries, scans and indexes give back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, assert_type

from pydantic import BaseModel

from dynomodel import (
    DynamoModel,
    GlobalIndex,
    Index,
    Item,
    LocalIndex,
    PartitionKey,
    Results,
    SortKey,
    attr,
    dynamo_table,
    table_of,
)


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal
    status: str
    created_at: datetime

    by_status: ClassVar[GlobalIndex] = GlobalIndex(
        "status-index", partition_key="status", sort_key="created_at"
    )
    by_total: ClassVar[LocalIndex] = LocalIndex("total-index", sort_key="total")


TEAMS = GlobalIndex("by-team", partition_key="team")


@dynamo_table("users", partition_key="email", indexes=[TEAMS])
class User(BaseModel):
    email: str
    team: str


async def reads(flag: bool) -> None:
    query = Order.query(
        partition_key="C#1",
        sort_key_condition=attr(Order.sk).begins_with("O#"),
        filter_condition=(attr(Order.total) >= 100) & (attr(Order.status) != "void"),
        limit=20,
        page_size=5,
        scan_index_forward=False,
    )
    assert_type(query, Results[Order])
    async for order in query:
        assert_type(order, Order)
    assert_type(await query.first(), Order | None)
    assert_type(await query.count(), int)
    assert_type(query.last_evaluated_key, Item | None)
    assert_type(Order.query(partition_key="C#1", as_dict=True), Results[dict[str, Any]])
    assert_type(Order.query(partition_key="C#1", as_dict=flag), Results[Any])
    assert_type(Order.scan(segments=4), Results[Order])
    assert_type(await Order.count(), int)
    assert_type(Order.by_status, Index[Order])
    assert_type(Order.by_status.query(partition_key="open"), Results[Order])
    assert_type(Order.by_total.sync_scan(), Results[Order])


def sync_reads() -> None:
    for order in Order.sync_query(partition_key="C#1"):
        assert_type(order, Order)
    assert_type(Order.sync_query(partition_key="C#1").sync_first(), Order | None)
    assert_type(Order.sync_scan(as_dict=True), Results[dict[str, Any]])
    assert_type(Order.sync_count(), int)
    users = table_of(User)
    assert_type(users.index("by-team"), Index[User])
    assert_type(users.index("by-team").sync_query(partition_key="red"), Results[User])
    assert_type(users.sync_scan(filter_condition=attr(User.team) == "red"), Results[User])
