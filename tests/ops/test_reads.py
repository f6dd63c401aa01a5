"""Query, Scan, count, indexes and update actions against a real DynamoDB Local."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest
from conftest import Driver
from pydantic import BaseModel, Field

from dynomodel import (
    Attr,
    DynamoClient,
    DynamoModel,
    GlobalIndex,
    LocalIndex,
    PartitionKey,
    SortKey,
    attr,
    dynamo_table,
    size,
    table_of,
)
from dynomodel.exceptions import (
    ConditionalCheckFailedError,
    InvalidExpressionError,
    InvalidNumberError,
    ResultsConsumedError,
)

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


class Line(BaseModel):
    sku: str
    qty: int


def order_model(name: str) -> Any:
    class Order(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        total: Decimal
        status: str
        created_at: dt.datetime
        tags: set[str] = set()
        lines: list[Line] = []
        dotted: str = Field(default="", alias="odd.name")
        coupon: str | None = None

        by_status: ClassVar[GlobalIndex] = GlobalIndex(
            "status-index", partition_key="status", sort_key="created_at"
        )
        by_coupon: ClassVar[GlobalIndex] = GlobalIndex(
            "coupon-index", partition_key="coupon", projection=["total"]
        )
        by_total: ClassVar[LocalIndex] = LocalIndex(
            "total-index", sort_key="total", projection="KEYS_ONLY"
        )

    return Order


@pytest.fixture
def orders(client: DynamoClient, table_name: str) -> Any:
    """30 orders under one customer, 5 under another; every third has a coupon."""
    order = order_model(table_name)
    order.sync_create_table()
    for i in range(35):
        order(
            pk="C#1" if i < 30 else "C#2",
            sk=f"O#{i:03d}",
            total=Decimal(i) + Decimal("0.25"),
            status="open" if i % 2 else "shipped",
            created_at=START + dt.timedelta(hours=i),
            tags={"all", f"t{i}"},
            coupon=f"SAVE{i % 2}" if i % 3 == 0 else None,
        ).sync_save()
    return order


def calls(model: Any) -> int:
    return int(table_of(model).stats.calls)


def sks(items: Any) -> list[str]:
    return [o.sk for o in items]


def test_create_table_creates_the_declared_indexes(orders: Any, client: DynamoClient) -> None:
    description = client.sync_describe_table(table_of(orders).name)
    assert set(description.indexes) == {"status-index", "coupon-index", "total-index"}


async def test_limit_is_the_total_and_page_size_the_request(orders: Any, driver: Driver) -> None:
    before = calls(orders)
    result = orders.query(partition_key="C#1", limit=20, page_size=5)
    assert sks(await driver.list(result)) == [f"O#{i:03d}" for i in range(20)]
    assert calls(orders) - before == 4
    before = calls(orders)
    assert len(await driver.list(orders.query(partition_key="C#1", limit=10))) == 10
    assert calls(orders) - before == 1  # limit alone asks pages of that size
    before = calls(orders)
    assert len(await driver.list(orders.query(partition_key="C#1"))) == 30
    assert calls(orders) - before == 1


async def test_last_evaluated_key_resumes_where_the_result_stopped(
    orders: Any, driver: Driver
) -> None:
    first = orders.query(partition_key="C#1", limit=12, page_size=5)
    head = sks(await driver.list(first))
    assert first.last_evaluated_key == {"pk": {"S": "C#1"}, "sk": {"S": "O#011"}}
    rest = orders.query(partition_key="C#1", last_evaluated_key=first.last_evaluated_key)
    assert head + sks(await driver.list(rest)) == [f"O#{i:03d}" for i in range(30)]
    assert rest.last_evaluated_key is None


def test_stopping_mid_page_resumes_after_the_last_item_handed_out(orders: Any) -> None:
    result = orders.sync_query(partition_key="C#1", page_size=10)
    taken = []
    for order in result:
        taken.append(order.sk)
        if len(taken) == 3:
            break
    resumed = orders.sync_query(partition_key="C#1", last_evaluated_key=result.last_evaluated_key)
    assert taken + sks(resumed) == [f"O#{i:03d}" for i in range(30)]


async def test_query_with_key_and_filter_conditions(orders: Any, driver: Driver) -> None:
    result = orders.query(
        partition_key="C#1",
        sort_key_condition=attr(orders.sk).between("O#005", "O#015"),
        filter_condition=(attr(orders.total) >= 8) & (attr(orders.status) != "open"),
        scan_index_forward=False,
    )
    assert sks(await driver.list(result)) == ["O#014", "O#012", "O#010", "O#008"]
    begins = orders.query(
        partition_key="C#1", sort_key_condition=attr(orders.sk).begins_with("O#02")
    )
    assert len(await driver.list(begins)) == 10
    below = orders.query(partition_key="C#1", sort_key_condition=attr(orders.sk) < "O#003")
    assert sks(await driver.list(below)) == ["O#000", "O#001", "O#002"]
    assert (await driver(orders.query(partition_key="C#2").first)).sk == "O#030"
    assert await driver(orders.query(partition_key="nobody").first) is None


async def test_count_uses_select_count_over_every_page(orders: Any, driver: Driver) -> None:
    assert await driver(orders.query(partition_key="C#1", page_size=7).count) == 30
    assert await driver(orders.count) == 35
    assert await driver(orders.count, filter_condition=attr(orders.status) == "open") == 17
    few_tags = orders.query(partition_key="C#1", filter_condition=size(attr(orders.tags)) > 5)
    assert await driver(few_tags.count) == 0


async def test_filters_on_nested_paths_sets_and_untyped_attributes(orders: Any) -> None:
    first = orders.sync_query(partition_key="C#2").sync_first()
    await first.update(actions=[attr(orders.lines).append([Line(sku="A-1", qty=2)])])
    nested = orders.scan(filter_condition=orders.lines[0].sku == "A-1")
    assert sks([o async for o in nested]) == ["O#030"]
    tagged = orders.sync_scan(filter_condition=attr(orders.tags).contains("t7"))
    assert sks(tagged) == ["O#007"]
    untyped = orders.sync_query(partition_key="C#1", filter_condition=Attr("status").is_in("open"))
    assert len(list(untyped)) == 15


async def test_parallel_scan_reads_every_item_once(orders: Any, driver: Driver) -> None:
    result = await driver.list(orders.scan(segments=4, page_size=3))
    assert sorted(sks(result)) == [f"O#{i:03d}" for i in range(35)]
    assert await driver(orders.count, segments=3) == 35
    assert len(await driver.list(orders.scan(segments=4, limit=7))) == 7


async def test_as_dict_keeps_the_models_python_types(orders: Any) -> None:
    rows = [r async for r in orders.query(partition_key="C#1", limit=1, as_dict=True)]
    assert rows == [
        {
            "pk": "C#1",
            "sk": "O#000",
            "total": Decimal("0.25"),
            "status": "shipped",
            "created_at": START,
            "tags": {"all", "t0"},
            "lines": [],
            "dotted": "",
            "coupon": "SAVE0",
        }
    ]
    assert type(rows[0]["total"]) is Decimal


def test_projections_make_models_only_where_the_model_allows(orders: Any) -> None:
    with pytest.raises(InvalidExpressionError, match="status, created_at"):
        orders.sync_query(partition_key="C#1", projection=[attr(orders.total)])
    partial = orders.sync_query(
        partition_key="C#1", projection=[attr(orders.total), "sk"], as_dict=True, limit=1
    )
    assert list(partial) == [{"sk": "O#000", "total": Decimal("0.25")}]
    full = orders.sync_query(
        partition_key="C#1",
        projection=["pk", "sk", "total", "status", "created_at"],
        limit=1,
    )
    assert [o.tags for o in full] == [set()]


def test_global_index_on_non_key_attributes(orders: Any) -> None:
    shipped = orders.by_status.sync_query(
        partition_key="shipped",
        sort_key_condition=attr(orders.created_at) >= START + dt.timedelta(hours=20),
    )
    assert sks(shipped) == ["O#020", "O#022", "O#024", "O#026", "O#028", "O#030", "O#032", "O#034"]
    # A sparse index: only items with a coupon, and only the projected attributes.
    with pytest.raises(InvalidExpressionError, match="required fields"):
        orders.by_coupon.sync_query(partition_key="SAVE0")
    rows = list(orders.by_coupon.sync_query(partition_key="SAVE0", as_dict=True))
    assert sorted(r["sk"] for r in rows) == ["O#000", "O#006", "O#012", "O#018", "O#024", "O#030"]
    assert all(set(r) == {"pk", "sk", "coupon", "total"} for r in rows)
    assert orders.by_coupon.sync_count() == 12
    with pytest.raises(InvalidExpressionError, match="eventually consistent"):
        orders.by_status.sync_query(partition_key="open", consistent_read=True)


def test_local_index_orders_by_another_sort_key(orders: Any) -> None:
    keys = orders.by_total.sync_query(
        partition_key="C#1",
        sort_key_condition=attr(orders.total) > 25,
        scan_index_forward=False,
        as_dict=True,
        consistent_read=True,
    )
    assert [r["sk"] for r in keys] == ["O#029", "O#028", "O#027", "O#026", "O#025"]


def test_bad_reads_fail_before_any_request(orders: Any) -> None:
    before = calls(orders)
    with pytest.raises(InvalidExpressionError, match="sort key"):
        orders.sync_query(partition_key="C#1", sort_key_condition=attr(orders.total) > 1)
    with pytest.raises(InvalidExpressionError, match="sort key"):
        orders.sync_query(partition_key="C#1", sort_key_condition=attr(orders.sk) != "x")
    with pytest.raises(InvalidExpressionError, match="limit"):
        orders.sync_query(partition_key="C#1", limit=0)
    with pytest.raises(InvalidNumberError):
        orders.sync_query(partition_key="C#1", filter_condition=attr(orders.total) > Decimal("NaN"))
    with pytest.raises(AttributeError, match="no field 'nope'"):
        _ = orders.lines[0].nope
    assert calls(orders) == before


async def test_update_actions_in_one_update_item(orders: Any) -> None:
    order = orders.sync_query(partition_key="C#1", limit=1).sync_first()
    before = calls(orders)
    await order.update(
        actions=[
            attr(orders.total).increment(Decimal("0.75")),
            attr(orders.tags).add({"new"}),
            attr(orders.lines).append([Line(sku="B", qty=1)]),
            attr(orders.coupon).remove(),
        ],
        condition=attr(orders.status) == "shipped",
        dotted="set through a dotted name",
    )
    assert calls(orders) - before == 1
    assert order.total == Decimal("1.00")
    assert order.tags == {"all", "t0", "new"}
    assert order.lines == [Line(sku="B", qty=1)]
    assert order.coupon is None and order.dotted == "set through a dotted name"
    await order.update(
        actions=[
            attr(orders.lines).prepend([Line(sku="A", qty=3)]),
            attr(orders.tags).delete({"all"}),
            attr(orders.total).decrement(1),
        ]
    )
    assert [line.sku for line in order.lines] == ["A", "B"]
    assert order.tags == {"t0", "new"} and order.total == Decimal("0.00")
    stored = orders.sync_get(pk="C#1", sk=order.sk, consistent_read=True)
    assert stored == order
    with pytest.raises(ConditionalCheckFailedError):
        await order.update(
            actions=[attr(orders.total).set(Decimal(5))], condition=attr(orders.status) == "open"
        )
    assert order.total == Decimal("0.00")


def test_update_by_key_with_actions_and_if_not_exists(orders: Any) -> None:
    updated = orders.sync_update_by_key(
        pk="C#2",
        sk="O#031",
        actions=[attr(orders.coupon).if_not_exists("FIRST"), attr(orders.total).increment(1)],
        status="closed",
    )
    assert (updated.coupon, updated.total, updated.status) == ("FIRST", Decimal("32.25"), "closed")
    again = orders.sync_update_by_key(
        pk="C#2", sk="O#031", actions=[attr(orders.coupon).if_not_exists("SECOND")]
    )
    assert again.coupon == "FIRST"
    with pytest.raises(InvalidExpressionError, match="key"):
        orders.sync_update_by_key(pk="C#2", sk="O#031", actions=[attr(orders.sk).set("O#999")])


def test_decorated_models_get_paths_and_indexes(client: DynamoClient, table_name: str) -> None:
    @dynamo_table(
        table_name,
        partition_key="email",
        indexes=[GlobalIndex("by-team", partition_key="team", sort_key="name")],
    )
    class User(BaseModel):
        email: str
        name: str
        team: str

    users = table_of(User)
    users.sync_create_table()
    for i in range(6):
        users.sync_save(User(email=f"u{i}@x", name=f"n{i}", team="red" if i < 4 else "blue"))
    red = users.index("by-team").sync_query(
        partition_key="red", sort_key_condition=attr(User.name).begins_with("n"), limit=3
    )
    assert [u.name for u in red] == ["n0", "n1", "n2"]
    assert User(email="a", name="b", team="c").model_dump() == {
        "email": "a",
        "name": "b",
        "team": "c",
    }
    assert sorted(u.email for u in users.sync_scan(filter_condition=attr(User.team) == "blue")) == [
        "u4@x",
        "u5@x",
    ]


def test_count_of_a_projected_read_counts_every_match(orders: Any) -> None:
    projected = orders.sync_query(partition_key="C#1", projection=["sk"], as_dict=True)
    assert projected.sync_count() == 30
    assert len(list(projected)) == 30


def test_an_explicit_page_size_is_the_request_limit_whatever_the_limit(orders: Any) -> None:
    opened = attr(orders.status) == "open"
    before = calls(orders)
    result = orders.sync_query(partition_key="C#1", limit=3, page_size=100, filter_condition=opened)
    assert sks(result) == ["O#001", "O#003", "O#005"]
    assert calls(orders) - before == 1
    rest = orders.sync_query(
        partition_key="C#1", filter_condition=opened, last_evaluated_key=result.last_evaluated_key
    )
    assert sks(rest)[:2] == ["O#007", "O#009"]  # resumes after the last item handed out
    before = calls(orders)
    assert orders.sync_query(partition_key="C#1", page_size=100).sync_first().sk == "O#000"
    assert calls(orders) - before == 1


async def test_a_count_respects_the_limit(orders: Any, driver: Driver) -> None:
    assert await driver(orders.query(partition_key="C#1", limit=5).count) == 5
    assert await driver(orders.query(partition_key="C#1", limit=50).count) == 30
    opened = attr(orders.status) == "open"
    limited = orders.query(partition_key="C#1", limit=4, filter_condition=opened)
    assert await driver(limited.count) == 4
    assert await driver(orders.scan(limit=7).count) == 7
    assert await driver(orders.scan(limit=7, segments=3).count) == 7


async def test_a_result_read_to_its_end_refuses_to_be_read_again(orders: Any) -> None:
    result = orders.sync_query(partition_key="C#2")
    assert len(list(result)) == 5
    with pytest.raises(ResultsConsumedError, match="run the query or scan again"):
        list(result)
    stopped = orders.sync_query(partition_key="C#2")
    for _ in stopped:
        break
    assert len(list(stopped)) == 4  # after a break, iterating again goes on
    limited = orders.query(partition_key="C#1", limit=2)
    assert len([o async for o in limited]) == 2
    with pytest.raises(ResultsConsumedError):
        [o async for o in limited]


def test_is_in_takes_values_or_an_iterable(orders: Any) -> None:
    def matching(condition: Any) -> list[str]:
        return sorted(sks(orders.sync_scan(filter_condition=condition)))

    assert matching(attr(orders.sk).is_in(["O#030", "O#032"])) == ["O#030", "O#032"]
    assert matching(attr(orders.sk).is_in("O#031", "O#033")) == ["O#031", "O#033"]
    assert matching(attr(orders.sk).is_in(f"O#03{i}" for i in (4,))) == ["O#034"]
    assert matching(attr(orders.sk).is_in("O#030")) == ["O#030"]  # a str is one value
    assert matching(attr(orders.total).is_in({Decimal("30.25")})) == ["O#030"]
