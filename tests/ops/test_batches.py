"""Batch get and batch write against a real DynamoDB Local."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import Driver
from pydantic import BaseModel

import dynomodel
from dynomodel import (
    DynamoClient,
    DynamoModel,
    PartitionKey,
    SortKey,
    attr,
    dynamo_table,
    table_of,
)
from dynomodel.exceptions import (
    InvalidExpressionError,
    InvalidNumberError,
    TableNotFoundError,
)


class Line(BaseModel):
    sku: str
    qty: int


def order_model(name: str) -> Any:
    class Order(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        total: Decimal
        note: str = ""
        lines: list[Line] = []

    return Order


@pytest.fixture
async def order(client: DynamoClient, table_name: str) -> Any:
    model = order_model(table_name)
    await model.create_table()
    return model


def orders(model: Any, count: int, pk: str = "C#1") -> list[Any]:
    return [
        model(pk=pk, sk=i, total=Decimal(i) / 4, lines=[Line(sku=f"S{i}", qty=i % 7)])
        for i in range(count)
    ]


async def test_batch_write_then_get_everything_exactly(order: Any, driver: Driver) -> None:
    written = orders(order, 120)
    async with driver.block(order.batch_write()) as batch:
        for item in written:
            batch.put(item)
    # 4 full requests as they filled, the last 20 on exit.
    assert batch.stats.calls == 5
    assert batch.stats.write_units > 0
    keys = [(o.pk, o.sk) for o in written]
    assert await driver(order.batch_get, keys) == written
    async with driver.block(order.batch_write()) as batch:
        for item in written[:40]:
            batch.delete(item)
    assert await driver(order.batch_get, keys) == written[40:]


async def test_batch_get_keeps_key_order_reads_duplicates_once_and_skips_missing(
    order: Any,
) -> None:
    written = orders(order, 30)
    async with order.batch_write() as batch:
        for item in written:
            batch.put(item)
    keys: list[Any] = [("C#1", 29), {"pk": "C#1", "sk": 3}, ("C#1", 999), ("C#1", 29)]
    keys += [("C#1", i) for i in range(10, 0, -1)]
    found = await order.batch_get(keys)
    assert [o.sk for o in found] == [29, 3, *range(10, 3, -1), 2, 1]
    assert found[0] == written[29]
    stats = table_of(order).stats
    assert stats.last_call is not None and stats.last_call.read_units > 0


async def test_batch_get_of_more_than_100_keys_and_of_none(order: Any) -> None:
    written = orders(order, 260)
    async with order.batch_write() as batch:
        for item in written:
            batch.put(item)
    found = await order.batch_get([(o.pk, o.sk) for o in reversed(written)])
    assert found == list(reversed(written))
    assert await order.batch_get([]) == []


async def test_batch_get_projection_as_dict_and_consistent_read(order: Any) -> None:
    async with order.batch_write() as batch:
        for item in orders(order, 3):
            batch.put(item)
    partial = await order.batch_get(
        [("C#1", 1), ("C#1", 2)], projection=["sk", attr(order.total)], as_dict=True
    )
    # Without the partition key in the projection the items cannot be put in key order.
    assert sorted(partial, key=lambda d: d["sk"]) == [
        {"sk": 1, "total": Decimal("0.25")},
        {"sk": 2, "total": Decimal("0.5")},
    ]
    dicts = await order.batch_get([("C#1", 2)], as_dict=True, consistent_read=True)
    assert dicts[0]["lines"] == [{"sku": "S2", "qty": 2}]
    with pytest.raises(InvalidExpressionError, match="leaves out required fields"):
        await order.batch_get([("C#1", 1)], projection=["sk"])


async def test_two_writes_of_one_key_are_merged_the_later_winning(order: Any) -> None:
    async with order.batch_write() as batch:
        batch.put(order(pk="C#1", sk=1, total=Decimal(1)))
        batch.put(order(pk="C#1", sk=1, total=Decimal(2)))
        batch.put(order(pk="C#1", sk=2, total=Decimal(1)))
        batch.delete_by_key(order, ("C#1", 2))
        batch.delete_by_key(order, {"pk": "C#1", "sk": 3})
        batch.put(order(pk="C#1", sk=3, total=Decimal(3)))
    found = await order.batch_get([("C#1", i) for i in (1, 2, 3)])
    assert [(o.sk, o.total) for o in found] == [(1, Decimal(2)), (3, Decimal(3))]


async def test_a_later_write_of_a_key_in_flight_waits_for_it(order: Any) -> None:
    first = order(pk="C#1", sk=0, total=Decimal("1"))
    last = order(pk="C#1", sk=0, total=Decimal("2"))
    async with order.batch_write() as batch:
        batch.put(first)
        for item in orders(order, 30, pk="C#2"):  # sends the request holding `first`
            batch.put(item)
        batch.put(last)
        batch.delete(orders(order, 1, pk="C#2")[0])
    assert await order.get(pk="C#1", sk=0) == last
    assert await order.get(pk="C#2", sk=0) is None


async def test_an_error_in_the_block_still_sends_what_was_queued(order: Any) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with order.batch_write() as batch:
            batch.put(order(pk="C#1", sk=1, total=Decimal(1)))
            raise RuntimeError("boom")
    assert await order.get(pk="C#1", sk=1) is not None


async def test_discard_on_error_sends_nothing_more(order: Any) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with order.batch_write(discard_on_error=True) as batch:
            batch.put(order(pk="C#1", sk=1, total=Decimal(1)))
            raise RuntimeError("boom")
    assert await order.get(pk="C#1", sk=1) is None


async def test_bad_values_raise_where_they_are_queued(order: Any) -> None:
    async with order.batch_write() as batch:
        batch.put(order(pk="C#1", sk=1, total=Decimal(1)))
        with pytest.raises(InvalidNumberError):
            batch.put(order.model_construct(pk="C#1", sk=2, total=Decimal("NaN")))
    assert [o.sk for o in await order.batch_get([("C#1", 1), ("C#1", 2)])] == [1]


async def test_a_batch_is_used_in_a_block(order: Any) -> None:
    batch = order.batch_write()
    with pytest.raises(RuntimeError, match="with"):
        batch.put(order(pk="C#1", sk=1, total=Decimal(1)))


def test_key_forms_are_checked(client: DynamoClient, table_name: str) -> None:
    model = order_model(table_name)
    with pytest.raises(TypeError, match="key tuple"):
        model.sync_batch_get([("C#1",)])
    with pytest.raises(TypeError, match="sort key"):
        model.sync_batch_get(["C#1"])


async def test_a_missing_table_is_an_error_not_a_retry(client: DynamoClient) -> None:
    model = order_model("no-such-table")
    with pytest.raises(TableNotFoundError):
        await model.batch_get([("C#1", 1)])
    with pytest.raises(TableNotFoundError):
        async with model.batch_write() as batch:
            batch.put(model(pk="C#1", sk=1, total=Decimal(1)))


async def test_client_batches_mix_models_and_tables(client: DynamoClient, table_name: str) -> None:
    @dynamo_table(f"{table_name}-people", partition_key="id")
    class Person(BaseModel):
        id: str
        name: str

    # Two models in one table (single-table design), a third in a table of its own.
    class Customer(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        name: str

    class Invoice(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        amount: Decimal

    people = table_of(Person)
    await Customer.create_table()
    await people.create_table()
    async with dynomodel.batch_write(client=client) as batch:
        batch.put(Customer(pk="C#1", sk="PROFILE", name="Ada"))
        batch.put(Invoice(pk="C#1", sk="INV#1", amount=Decimal("9.5")))
        batch.put(Invoice(pk="C#1", sk="INV#2", amount=Decimal("1")))
        batch.put(Person(id="p1", name="Grace"))
        batch.put(Person(id="p2", name="Alan"))
        batch.delete_by_key(people, "p2")
    results = await dynomodel.batch_get(
        {
            Customer: [("C#1", "PROFILE")],
            Invoice: [("C#1", "INV#2"), ("C#1", "INV#1"), ("C#1", "INV#3")],
            people: ["p1", "p2"],
        },
        client=client,
    )
    assert results[Customer] == [Customer(pk="C#1", sk="PROFILE", name="Ada")]
    assert [i.sk for i in results[Invoice]] == ["INV#2", "INV#1"]
    assert results[Person] == [Person(id="p1", name="Grace")]
    assert len(results) == 4
    assert results.cost.read_units > 0
    sync_results = dynomodel.sync_batch_get({people: ["p1"]}, client=client, consistent_read=True)
    assert sync_results[people] == [Person(id="p1", name="Grace")]
