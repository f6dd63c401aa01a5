"""What encrypted fields and values in S3 cost, on `memory://` with KMS and S3 on a moto server.

1. Encryption: 10,000 benchmark orders batch-written and then queried back as models, once as
   the plain `Order` and once as `SealedOrder`, the same model with its name, email, address
   and payload `Encrypted` (four sealed values per item). Client CPU (`time.process_time()`,
   every thread) and wall, median of REPEATS runs, the two taking turns; the ratio is the price
   of sealing and opening. The KMS calls each run made are printed: the data key cache makes
   them a handful, whatever the item count (moto answers them in a few milliseconds each).
2. S3: one 50 MiB value saved (a multipart upload in 8 MiB parts) and read back through
   `read()`, and streamed in 8 MiB chunks, wall seconds. moto keeps objects in its own Python
   process on the same two cores, so this measures the path end to end on loopback, not S3.
"""

from __future__ import annotations

import hashlib
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Annotated, Any

import boto3

from dynomodel import DynamoClient, DynamoModel, Encrypted, InS3, PartitionKey, S3Object
from dynomodel.testing import MotoServer

from .codec import Order
from .query import source_values

REPEATS = 3
KEY = Encrypted(key_id="alias/bench")


class SealedOrder(Order, table="sealed-orders"):
    name: Annotated[str, KEY]
    email: Annotated[str, KEY]
    address: Annotated[dict[str, str], KEY]
    payload: Annotated[bytes, KEY]


class Document(DynamoModel, table="documents"):
    pk: Annotated[str, PartitionKey]
    body: Annotated[S3Object, InS3(bucket="bench-documents")]


def measured(work: Callable[[], object]) -> tuple[float, float]:
    """CPU and wall seconds of `work()`."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def round_trip(model: Any, client: DynamoClient, values: list[dict[str, Any]]) -> None:
    """Batch write every order under a fresh partition key, then query them back."""
    pk = uuid.uuid4().hex
    with model.sync_batch_write() as batch:
        for one in values:
            batch.put(model(**{**one, "pk": pk}))
    found = list(model.sync_query(partition_key=pk))
    assert len(found) == len(values)


def run() -> None:
    with MotoServer() as moto:
        aws = {
            "endpoint_url": moto.endpoint,
            "region_name": "us-east-1",
            "aws_access_key_id": "bench",
            "aws_secret_access_key": "bench",
        }
        kms = boto3.client("kms", **aws)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/bench", TargetKeyId=key)
        boto3.client("s3", **aws).create_bucket(Bucket="bench-documents")
        client = DynamoClient(
            endpoint_url="memory://",
            region="us-east-1",
            access_key_id="bench",
            secret_access_key="bench",
            kms_endpoint_url=moto.endpoint,
            s3_endpoint_url=moto.endpoint,
            create_tables=True,
        )
        for model in (Order, SealedOrder, Document):
            model.table.client = client
        values = source_values()
        sealed_values = values[:1]
        SealedOrder(**sealed_values[0]).sync_save()
        assert SealedOrder.sync_get(pk=values[0]["pk"], sk=values[0]["sk"]) == SealedOrder(
            **values[0]
        )

        runs: dict[str, list[tuple[float, float]]] = {"plain": [], "encrypted": []}
        kms_calls: list[tuple[int, int]] = []
        round_trip(Order, client, values)  # warm-up
        for _ in range(REPEATS):
            runs["plain"].append(measured(lambda: round_trip(Order, client, values)))
            before = client.native.kms_calls
            runs["encrypted"].append(measured(lambda: round_trip(SealedOrder, client, values)))
            after = client.native.kms_calls
            kms_calls.append((after[0] - before[0], after[1] - before[1]))
        print(
            f"\nEncrypted fields: {len(values):,} orders batch-written and queried back on "
            f"memory://, 4 of 13 fields encrypted (median of {REPEATS}, seconds)"
        )
        print(f"  {'model':<12}{'CPU':>8}{'wall':>8}{'CPU ratio':>12}")
        base = statistics.median(cpu for cpu, _ in runs["plain"])
        for name, figures in runs.items():
            cpu = statistics.median(c for c, _ in figures)
            wall = statistics.median(w for _, w in figures)
            print(f"  {name:<12}{cpu:>8.2f}{wall:>8.2f}{cpu / base:>11.2f}x")
        print(f"  KMS calls per encrypted run (GenerateDataKey, Decrypt): {kms_calls}")

        data = hashlib.sha256(b"bench").digest() * (50 * 1024 * 1024 // 32)
        document = Document(pk="big", body=S3Object.from_bytes(data))
        _, upload = measured(document.sync_save)
        loaded = Document.sync_get(pk="big")
        assert loaded is not None

        def read_back() -> None:
            assert loaded.body.sync_read() == data

        _, read = measured(read_back)
        _, stream = measured(lambda: sum(len(c) for c in loaded.body.sync_stream()))
        megabytes = len(data) / 1e6
        print(f"\nValues in S3: one {megabytes:.1f} MB value on a moto server on loopback (wall)")
        for name, seconds in (("save", upload), ("read()", read), ("stream, 8 MiB", stream)):
            print(f"  {name:<16}{seconds:>7.2f} s{megabytes / seconds:>9.1f} MB/s")
