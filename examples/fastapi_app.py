"""An orders API on dynomodel and FastAPI: create, read, list a customer's orders a page at a
time, change one with If-Match, delete one.

Run it with `python examples/fastapi_app.py` (uvicorn on http://127.0.0.1:8000, docs at /docs)
or `uvicorn examples.fastapi_app:app`. It keeps its data in the embedded engine
(`memory://orders`) unless AWS_ENDPOINT_URL_DYNAMODB names another endpoint.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Query, Response, status
from pydantic import BaseModel, Field

from dynomodel import DynamoClient, DynamoModel, PartitionKey, SortKey, Version, attr
from dynomodel.fastapi import (
    ClientDep,
    IfMatch,
    Page,
    install_error_handlers,
    item,
    lifespan,
    paginate,
    set_etag,
)

Status = Literal["open", "paid", "shipped", "cancelled"]


class Order(DynamoModel, table="orders"):
    customer_id: Annotated[str, PartitionKey, Field(pattern=r"^[a-z0-9-]{1,40}$")]
    order_id: Annotated[str, SortKey]
    total: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    status: Status = "open"
    placed_at: datetime
    version: Annotated[int, Version] = 0


class NewOrder(BaseModel):
    total: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class OrderChange(BaseModel):
    status: Status | None = None
    total: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


client = DynamoClient(endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB", "memory://orders"))


@asynccontextmanager
async def startup(app: FastAPI) -> AsyncIterator[None]:
    async with lifespan(client)(app):
        await Order.create_table(exist_ok=True)
        yield


app = FastAPI(title="Orders", lifespan=startup)
install_error_handlers(app)

StoredOrder = Annotated[Order, Depends(item(Order))]


@app.post("/customers/{customer_id}/orders", status_code=status.HTTP_201_CREATED)
async def create_order(
    customer_id: str, new: NewOrder, response: Response, client: ClientDep
) -> Order:
    placed_at = datetime.now(UTC)
    # Sortable ids: a customer's orders list in the order they were placed.
    order_id = f"{placed_at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    order = Order(customer_id=customer_id, order_id=order_id, total=new.total, placed_at=placed_at)
    await order.save(condition=attr(Order.order_id).not_exists())
    set_etag(response, order)
    return order


@app.get("/customers/{customer_id}/orders/{order_id}")
async def read_order(order: StoredOrder) -> Order:
    return order


@app.get("/customers/{customer_id}/orders")
async def list_orders(
    customer_id: str,
    client: ClientDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    status: Status | None = None,
) -> Page[Order]:
    wanted = None if status is None else attr(Order.status) == status
    orders = Order.query(partition_key=customer_id, filter_condition=wanted)
    return await paginate(orders, cursor=cursor, limit=limit)


@app.patch("/customers/{customer_id}/orders/{order_id}")
async def change_order(
    order: StoredOrder, change: OrderChange, version: IfMatch, response: Response
) -> Order:
    order.version = version  # the write happens only if the client saw the stored version
    await order.update(**change.model_dump(exclude_none=True))
    set_etag(response, order)
    return order


@app.delete("/customers/{customer_id}/orders/{order_id}", status_code=204)
async def delete_order(order: StoredOrder, version: IfMatch) -> None:
    order.version = version
    await order.delete()


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
