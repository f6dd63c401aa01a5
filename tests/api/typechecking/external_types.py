"""Encrypted fields and values in S3, as a type checker sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, assert_type

from dynomodel import DynamoClient, DynamoModel, Encrypted, InS3, KeyCache, PartitionKey, S3Object


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    card: Annotated[str, Encrypted(key_id="alias/app")]
    invoice: Annotated[S3Object, InS3(bucket="docs", prefix="invoices/")]


async def reads(order: Order) -> None:
    assert_type(await order.invoice.read(), bytes)
    assert_type(order.invoice.sync_read(), bytes)
    assert_type(order.invoice.stream(chunk_size=1024), AsyncIterator[bytes])
    assert_type(order.invoice.sync_stream(), Iterator[bytes])
    assert_type(order.invoice.pending, bool)
    assert_type(order.invoice.size, int)
    assert_type(order.card, str)


def made() -> None:
    value = S3Object.from_bytes(b"%PDF", content_type="application/pdf")
    assert_type(value, S3Object)
    Order(pk="a", card="4111", invoice=value)
    client = DynamoClient(
        kms_endpoint_url="http://127.0.0.1:5000",
        s3_endpoint_url="http://127.0.0.1:5000",
        key_cache=KeyCache(max_age=60, max_uses=1000, max_keys=10),
    )
    assert_type(client, DynamoClient)
