"""What mypy and pyright see through `dynomodel.fastapi`: the model of an `item()`, the page of
a `paginate`, the client and the version of the dependencies."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, assert_type

from fastapi import Depends, FastAPI
from pydantic import BaseModel

from dynomodel import DynamoClient, DynamoModel, PartitionKey, Version, dynamo_table
from dynomodel.fastapi import ClientDep, IfMatch, Page, item, lifespan, paginate, sync_paginate


class Order(DynamoModel, table="typed-orders"):
    pk: Annotated[str, PartitionKey]
    version: Annotated[int, Version] = 0


@dynamo_table("typed-users", partition_key="email")
class User(BaseModel):
    email: str


app = FastAPI(lifespan=lifespan())
assert_type(item(Order), Callable[..., Coroutine[Any, Any, Order]])
assert_type(item(User), Callable[..., Coroutine[Any, Any, User]])


@app.patch("/orders/{pk}")
async def change(
    order: Annotated[Order, Depends(item(Order))], version: IfMatch, client: ClientDep
) -> Page[Order]:
    assert_type(version, int)
    assert_type(client, DynamoClient)
    page = await paginate(Order.query(partition_key=order.pk), cursor=None, limit=10)
    assert_type(page, Page[Order])
    assert_type(page.items, list[Order])
    assert_type(page.next_cursor, str | None)
    return page


@app.get("/users")
def users(cursor: str | None = None) -> Page[dict[str, Any]]:
    from dynomodel import table_of

    return sync_paginate(table_of(User).scan(as_dict=True), cursor=cursor, limit=5)
