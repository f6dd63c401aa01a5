"""`InS3` fields against real APIs: DynamoDB on both backends, S3 on moto. Content round trips
(50 MB through a multipart upload), reads whole and streamed, the checksum, and the rule that
no item points at a missing object and no object is left behind by a failed write."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

import pytest
from conftest import Driver, MakeClient

import dynomodel
from dynomodel import DynamoModel, InS3, PartitionKey, S3Object, attr
from dynomodel.exceptions import (
    ChecksumMismatchError,
    ConditionalCheckFailedError,
    InvalidExpressionError,
    InvalidItemError,
    ModelDefinitionError,
    NoSuchBucketError,
    ObjectNotFoundError,
    TransactionCanceledError,
)


def order_model(client: Any, bucket: str, **options: Any) -> Any:
    class Order(DynamoModel, table=f"o-{uuid.uuid4().hex[:10]}", client=client):
        pk: Annotated[str, PartitionKey]
        invoice: Annotated[S3Object | None, InS3(bucket=bucket, prefix="invoices/", **options)] = (
            None
        )
        status: str = "new"

    return Order


def keys(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.fixture
def order(make_client: MakeClient, bucket: str) -> Any:
    return order_model(make_client(), bucket)


async def test_content_round_trips_and_the_item_holds_the_pointer_only(
    order: Any, s3: Any, bucket: str, make_client: MakeClient, driver: Driver
) -> None:
    data = b"%PDF-1.7 " + bytes(range(256)) * 40
    placed = order(pk="a", invoice=S3Object.from_bytes(data, content_type="application/pdf"))
    assert placed.invoice.pending and await driver(placed.invoice.read) == data
    await driver(placed.save)
    assert not placed.invoice.pending and placed.invoice.key.startswith(
        f"invoices/{order.table.name}/"
    )
    assert keys(s3, bucket) == [placed.invoice.key]
    stored = make_client().native.get_item(order.table.name, {"pk": {"S": "a"}}, True, True).item
    assert stored is not None and set(stored["invoice"]["M"]) == {
        "bucket",
        "key",
        "size",
        "sha256",
        "content_type",
    }
    assert stored["invoice"]["M"]["size"] == {"N": str(len(data))}
    assert s3.get_object(Bucket=bucket, Key=placed.invoice.key)["ContentType"] == "application/pdf"

    loaded = await driver(order.get, pk="a")
    assert loaded.invoice == placed.invoice and not loaded.invoice.pending
    assert await driver(loaded.invoice.read) == data
    chunks = [c async for c in loaded.invoice.stream(chunk_size=1000)]
    assert [len(c) for c in chunks] == [1000] * 10 + [249] and b"".join(chunks) == data
    assert b"".join(loaded.invoice.sync_stream(chunk_size=4096)) == data


def test_fifty_megabytes_go_up_in_parts_and_come_back(order: Any, s3: Any, bucket: str) -> None:
    data = hashlib.sha256(b"seed").digest() * (50 * 1024 * 1024 // 32)
    placed = order(pk="big", invoice=S3Object.from_bytes(data))
    placed.sync_save()
    head = s3.head_object(Bucket=bucket, Key=placed.invoice.key)
    assert head["ContentLength"] == len(data) == 52_428_800
    assert head["ETag"].endswith('-7"'), "50 MiB in parts of 8 MiB: a multipart upload of 7"
    assert order.sync_get(pk="big").invoice.sync_read() == data


def test_files_upload_from_disk(order: Any, tmp_path: Any) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n1,2\n" * 10_000)
    placed = order(pk="f", invoice=S3Object.from_file(path, content_type="text/csv"))
    assert b"".join(placed.invoice.sync_stream(chunk_size=7000)) == path.read_bytes()
    placed.sync_save()
    assert order.sync_get(pk="f").invoice.sync_read() == path.read_bytes()


async def test_the_checksum_is_verified_on_read(
    order: Any, s3: Any, bucket: str, driver: Driver
) -> None:
    placed = order(pk="t", invoice=S3Object.from_bytes(b"original"))
    await driver(placed.save)
    s3.put_object(Bucket=bucket, Key=placed.invoice.key, Body=b"tampered")
    loaded = await driver(order.get, pk="t")
    with pytest.raises(ChecksumMismatchError) as error:
        await driver(loaded.invoice.read)
    assert error.value.bucket == bucket and error.value.key == placed.invoice.key
    streamed: list[bytes] = []
    with pytest.raises(ChecksumMismatchError):
        for chunk in loaded.invoice.sync_stream(chunk_size=3):
            streamed.append(chunk)
    assert b"".join(streamed) == b"tampered"
    s3.delete_object(Bucket=bucket, Key=placed.invoice.key)
    with pytest.raises(ObjectNotFoundError):
        await driver(loaded.invoice.read)


async def test_a_failed_conditional_save_leaves_no_object(
    order: Any, s3: Any, bucket: str, driver: Driver
) -> None:
    await driver(order(pk="c").save)
    placed = order(pk="c", invoice=S3Object.from_bytes(b"content"))
    with pytest.raises(ConditionalCheckFailedError):
        await driver(placed.save, condition=attr(order.status) == "shipped")
    assert keys(s3, bucket) == []
    assert placed.invoice.pending and placed.invoice.key == ""
    await driver(placed.save)
    assert keys(s3, bucket) == [placed.invoice.key]


async def test_a_canceled_transaction_leaves_no_object(
    order: Any, s3: Any, bucket: str, driver: Driver
) -> None:
    placed = order(pk="x", invoice=S3Object.from_bytes(b"content"))
    with pytest.raises(TransactionCanceledError):
        async with driver.block(dynomodel.transaction()) as tx:
            tx.put(placed)
            tx.condition_check(order, "missing", condition=attr(order.status).exists())
    assert keys(s3, bucket) == [] and placed.invoice.pending
    async with driver.block(dynomodel.transaction()) as tx:
        tx.put(placed)
    assert keys(s3, bucket) == [placed.invoice.key]
    assert (await driver(order.get, pk="x")).invoice.key == placed.invoice.key
    async with driver.block(dynomodel.transaction()) as tx:
        tx.delete(placed)
    assert keys(s3, bucket) == []


async def test_deleting_or_replacing_removes_the_object_unless_kept(
    make_client: MakeClient, s3: Any, bucket: str, driver: Driver
) -> None:
    client = make_client()
    order = order_model(client, bucket)
    placed = order(pk="d", invoice=S3Object.from_bytes(b"one"))
    await driver(placed.save)
    first = placed.invoice.key
    placed.invoice = S3Object.from_bytes(b"two")
    await driver(placed.save)
    assert keys(s3, bucket) == [placed.invoice.key] != [first]
    placed.status = "paid"
    await driver(placed.save)  # the same object: kept
    assert keys(s3, bucket) == [placed.invoice.key]
    await driver(order.delete_by_key, pk="d")
    assert keys(s3, bucket) == []

    kept = order_model(client, bucket, keep_on_delete=True)
    placed = kept(pk="k", invoice=S3Object.from_bytes(b"keep"))
    await driver(placed.save)
    await driver(placed.delete)
    assert keys(s3, bucket) == [placed.invoice.key]


async def test_bad_input_is_refused_clearly(make_client: MakeClient, driver: Driver) -> None:
    client = make_client()
    order = order_model(client, "no-such-bucket")
    placed = order(pk="m", invoice=S3Object.from_bytes(b"x"))
    with pytest.raises(NoSuchBucketError) as error:
        await driver(placed.save)
    assert "Order.invoice" in str(error.value) and error.value.bucket == "no-such-bucket"
    assert await driver(order.get, pk="m") is None and placed.invoice.pending

    with pytest.raises(InvalidItemError, match="batch_write"):
        async with driver.block(order.batch_write()) as batch:
            batch.put(placed)
    with pytest.raises(ModelDefinitionError, match="5 MiB"):
        InS3(bucket="b", part_size=1024)
    with pytest.raises(ModelDefinitionError, match="bucket"):
        InS3(bucket="")


async def test_updates_of_s3_fields_are_refused(order: Any, driver: Driver) -> None:
    placed = order(pk="u", invoice=S3Object.from_bytes(b"x"))
    await driver(placed.save)
    with pytest.raises(
        InvalidExpressionError, match=r"Order.invoice is InS3: it changes through save"
    ):
        await driver(placed.update, invoice=S3Object.from_bytes(b"y"))
    await driver(placed.update, status="paid")
    assert (await driver(order.get, pk="u")).status == "paid"


async def test_batch_deletes_of_instances_delete_their_objects(
    order: Any, s3: Any, bucket: str, driver: Driver
) -> None:
    placed = [order(pk=f"p{i}", invoice=S3Object.from_bytes(b"%d" % i)) for i in range(30)]
    for one in placed:
        await driver(one.save)
    assert len(keys(s3, bucket)) == 30
    async with driver.block(order.batch_write()) as batch:
        for one in placed[:27]:
            batch.delete(one)
        batch.delete(placed[27])
        batch.put(placed[27])  # deleted, then put back: its object stays
    assert sorted(keys(s3, bucket)) == sorted(p.invoice.key for p in placed[27:])
