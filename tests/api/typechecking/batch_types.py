"""Checked by mypy and pyright: what batches and transactions take and give back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, assert_type

from pydantic import BaseModel

import dynomodel
from dynomodel import (
    TTL,
    BatchGetResults,
    BatchWrite,
    DynamoClient,
    DynamoModel,
    PartitionKey,
    SortKey,
    Transaction,
    Version,
    attr,
    dynamo_table,
    expires_in,
    table_of,
)


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal
    version: Annotated[int, Version] = 0
    expires: Annotated[datetime | None, TTL] = None


@dynamo_table("users", partition_key="id")
class User(BaseModel):
    id: str
    name: str


async def batches(client: DynamoClient) -> None:
    assert_type(await Order.batch_get([("c", "o")]), list[Order])
    assert_type(await Order.batch_get([{"pk": "c", "sk": "o"}], as_dict=True), list[dict[str, Any]])
    assert_type(Order.sync_batch_get([("c", "o")], consistent_read=True), list[Order])
    users = table_of(User)
    assert_type(await users.batch_get(["u1", "u2"]), list[User])
    async with Order.batch_write() as batch:
        assert_type(batch, BatchWrite[Order])
        batch.put(Order(pk="c", sk="o", total=Decimal(1)))
        batch.delete_by_key(Order, ("c", "o"))
    with users.sync_batch_write(discard_on_error=True) as user_batch:
        user_batch.put(User(id="u1", name="Ada"))
    results = await dynomodel.batch_get({Order: [("c", "o")], users: ["u1"]}, client=client)
    assert_type(results, BatchGetResults)
    assert_type(results[Order], list[Order])
    assert_type(results[users], list[User])
    async with dynomodel.batch_write(client=client) as mixed:
        mixed.put(Order(pk="c", sk="o", total=Decimal(1)))
        mixed.put(User(id="u1", name="Ada"))


async def transactions(order: Order) -> None:
    async with dynomodel.transaction(client_request_token="t-1") as tx:
        assert_type(tx, Transaction)
        tx.put(order, condition=attr(Order.pk).not_exists())
        tx.update(order, actions=[attr(Order.total).increment(1)])
        tx.update(Order, ("c", "o"), total=Decimal(2))
        tx.delete(table_of(User), "u1")
        tx.condition_check(Order, {"pk": "c", "sk": "o"}, condition=attr(Order.total) > 0)
    assert_type(await dynomodel.transact_get([(Order, ("c", "o"))]), Sequence[Order | None])
    assert_type(dynomodel.sync_transact_get([(table_of(User), "u1")]), Sequence[User | None])
    # The README's form: models mixed in a list type-check in both checkers (mypy joins them
    # to BaseModel); a tuple of gets types each item by its model.
    cart, customer = await dynomodel.transact_get([(Order, ("c", "o")), (User, "u1")])
    print(cart, customer)
    pair = await dynomodel.transact_get(((Order, ("c", "o")), (table_of(User), "u1")))
    assert_type(pair, tuple[Order | None, User | None])
    assert_type(
        dynomodel.sync_transact_get(((Order, {"pk": "c", "sk": "o"}),)), tuple[Order | None]
    )
    assert_type(expires_in(timedelta(days=1)), datetime)
