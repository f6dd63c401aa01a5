"""PartiQL on both engines: ExecuteStatement with typed results and resume tokens,
BatchExecuteStatement answering per statement, ExecuteTransaction all or nothing; every value
a bound parameter."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import Driver

from dynomodel import (
    DynamoClient,
    DynamoModel,
    PartitionKey,
    SortKey,
    StatementError,
    StoredAs,
    attr,
)
from dynomodel.exceptions import (
    DynamoValidationError,
    InvalidExpressionError,
    TransactionCanceledError,
)


def order_model(name: str) -> Any:
    class Order(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        total: Decimal
        placed: Annotated[datetime, StoredAs.EPOCH_SECONDS] | None = None

    return Order


async def filled(name: str, driver: Driver) -> Any:
    Order = order_model(name)
    await driver(Order.create_table)
    for sk in range(5):
        placed = datetime(2024, 1, 1 + sk, tzinfo=UTC)
        await driver(Order(pk="c1", sk=sk, total=Decimal(sk), placed=placed).save)
    return Order


async def call(client: DynamoClient, driver: Driver, name: str, *args: Any, **kwargs: Any) -> Any:
    return await driver(getattr(client, name), *args, **kwargs)


async def test_a_select_reads_typed_pages(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = await filled(table_name, driver)
    select = f'SELECT * FROM "{table_name}" WHERE pk = ? AND sk >= ?'
    page = await call(
        client, driver, "execute_statement", select, ["c1", 1], model=Order, consistent_read=True
    )
    assert [o.sk for o in page.items] == [1, 2, 3, 4]
    assert all(isinstance(o, Order) for o in page.items)
    # DynamoDB Local reports no capacity for PartiQL; the embedded engine does.
    assert page.cost.read_units >= 0 and str(page.cost.read_units) != "-0.0"

    # A parameter as the model stores a field: epoch seconds here.
    when = datetime(2024, 1, 3, tzinfo=UTC)
    on_day = f'SELECT * FROM "{table_name}" WHERE pk = ? AND placed = ?'
    found = await call(
        client, driver, "execute_statement", on_day, ["c1", (attr(Order.placed), when)], model=Order
    )
    assert [o.sk for o in found.items] == [2]

    # Page by page with the resume token: every item once.
    seen: list[int] = []
    token = None
    while True:
        page = await call(
            client,
            driver,
            "execute_statement",
            select,
            ["c1", 0],
            model=Order,
            limit=2,
            next_token=token,
        )
        seen += [o.sk for o in page.items]
        token = page.next_token
        if token is None:
            break
    assert seen == [0, 1, 2, 3, 4]

    raw = await call(client, driver, "execute_statement", select, ["c1", 4])
    placed = str(int(datetime(2024, 1, 5, tzinfo=UTC).timestamp()))
    assert raw.items == [
        {"pk": {"S": "c1"}, "sk": {"N": "4"}, "total": {"N": "4"}, "placed": {"N": placed}}
    ]


async def test_values_never_enter_the_statement(client: DynamoClient, table_name: str) -> None:
    Order = await filled(table_name, Driver(False))
    hostile = "c1' OR pk <> '"
    page = await client.execute_statement(
        f'SELECT * FROM "{table_name}" WHERE pk = ?', [hostile], model=Order
    )
    assert page.items == []


async def test_a_batch_answers_per_statement(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = await filled(table_name, driver)
    insert = f"INSERT INTO \"{table_name}\" VALUE {{'pk': ?, 'sk': ?, 'total': ?}}"
    results = await call(
        client, driver, "batch_execute_statement", [(insert, ["c2", 1, 7]), (insert, ["c1", 0, 9])]
    )
    assert results.errors[0] is None
    assert (
        isinstance(results.errors[1], StatementError) and results.errors[1].code == "DuplicateItem"
    )
    assert (await Order.get(pk="c2", sk=1, consistent_read=True)).total == 7
    assert (await Order.get(pk="c1", sk=0, consistent_read=True)).total == 0  # untouched

    get_one = f'SELECT * FROM "{table_name}" WHERE pk = ? AND sk = ?'
    read = await call(
        client,
        driver,
        "batch_execute_statement",
        [(get_one, ["c2", 1]), (get_one, ["none", 1])],
        model=Order,
        consistent_read=True,
    )
    assert [None if o is None else o.total for o in read.items] == [7, None]


async def test_a_transaction_applies_all_or_nothing(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Order = await filled(table_name, driver)
    update = f'UPDATE "{table_name}" SET total = ? WHERE pk = ? AND sk = ?'
    guarded = f'UPDATE "{table_name}" SET total = ? WHERE pk = ? AND sk = ? AND total = ?'
    await call(
        client, driver, "execute_transaction", [(update, [10, "c1", 0]), (update, [11, "c1", 1])]
    )
    assert (await Order.get(pk="c1", sk=1, consistent_read=True)).total == 11
    with pytest.raises(TransactionCanceledError) as canceled:
        await call(
            client,
            driver,
            "execute_transaction",
            [(update, [20, "c1", 0]), (guarded, [21, "c1", 1, 999])],
        )
    assert [r.code for r in canceled.value.reasons] == ["None", "ConditionalCheckFailed"]
    assert (await Order.get(pk="c1", sk=0, consistent_read=True)).total == 10

    get_one = f'SELECT * FROM "{table_name}" WHERE pk = ? AND sk = ?'
    both = await call(
        client,
        driver,
        "execute_transaction",
        [(get_one, ["c1", 0]), (get_one, ["c1", 9])],
        model=Order,
    )
    assert [None if o is None else o.total for o in both] == [10, None]


async def test_bad_input_is_refused(client: DynamoClient, table_name: str) -> None:
    with pytest.raises(InvalidExpressionError, match="limit must be a positive int"):
        await client.execute_statement(f'SELECT * FROM "{table_name}"', limit=0)
    with pytest.raises(InvalidExpressionError, match="a sequence of values"):
        await client.execute_statement(f'SELECT * FROM "{table_name}" WHERE pk = ?', "c1")
    with pytest.raises(InvalidExpressionError, match="1 to 25 statements, not 26"):
        await client.batch_execute_statement([f'SELECT * FROM "{table_name}"'] * 26)
    with pytest.raises(InvalidExpressionError, match="not one string"):
        await client.execute_transaction(f'SELECT * FROM "{table_name}"')  # type: ignore[arg-type]
    with pytest.raises(DynamoValidationError):
        await client.execute_statement("SELEC nothing")
    with pytest.raises(InvalidExpressionError, match="has no codec"):
        await client.execute_statement(f'SELECT * FROM "{table_name}"', model=dict)  # type: ignore[arg-type]
