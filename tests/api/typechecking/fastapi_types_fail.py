"""Misuses of `dynomodel.fastapi` that mypy and pyright refuse (each `# error` line)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel

from dynomodel import DynamoModel, PartitionKey
from dynomodel.fastapi import Page, paginate


class Order(DynamoModel, table="typed-orders"):
    pk: Annotated[str, PartitionKey]


class Other(BaseModel):
    name: str


async def pages() -> None:
    wrong: Page[Other] = await paginate(Order.scan(), cursor=None, limit=5)  # error
    await paginate(Order.scan(), cursor=None, limit="5")  # error
    await paginate(Order.scan(), limit=5)  # error
    print(wrong)
