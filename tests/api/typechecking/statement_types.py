"""Checked by mypy and pyright: PartiQL results typed by the model they are read into."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, assert_type

from dynomodel import (
    BatchStatementResults,
    DynamoClient,
    DynamoModel,
    Item,
    PartitionKey,
    StatementPage,
    attr,
)


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    total: Decimal


async def statements(client: DynamoClient) -> None:
    select = 'SELECT * FROM "orders" WHERE pk = ?'
    assert_type(await client.execute_statement(select, ["a"], model=Order), StatementPage[Order])
    assert_type(await client.execute_statement(select, ["a"]), StatementPage[Item])
    assert_type(client.sync_execute_statement(select, [(attr(Order.pk), "a")]), StatementPage[Item])
    batch = await client.batch_execute_statement([(select, ["a"]), select], model=Order)
    assert_type(batch, BatchStatementResults[Order])
    assert_type(batch.items, list[Order | None])
    assert_type(
        await client.execute_transaction([(select, ["a"])], model=Order), list[Order | None]
    )
    assert_type(client.sync_execute_transaction([select]), list[Item | None])
