"""Batch write 10,000 items and batch get them back as models, against DynamoDB Local.

The 10,000 benchmark orders (one partition key, distinct sort keys), each library as its users
would write it:

1. Batch write, from model instances built before timing: dynomodel (`Order.batch_write()`
   under `asyncio.run`, its primary API, and `Order.sync_batch_write()`), pydynox
   (`SyncBatchWriter(client, table)` fed `order.to_dict()`, what its `save` sends), PynamoDB
   (`Model.batch_write()` and `batch.save`) and boto3 (`Table.batch_writer()` fed
   `model_dump()` of the same pydantic `Order`, its float and datetime made Decimal and string).
2. Batch get of the 10,000 keys, every result materialized as the library's model: dynomodel
   (`await Order.batch_get(keys)` under `asyncio.run`, and `Order.sync_batch_get(keys)`),
   pydynox (`sync_batch_get`), PynamoDB (`Model.batch_get`) and boto3 (`client.batch_get_item`
   in requests of 100 keys, unprocessed keys sent again, each item through `TypeDeserializer`
   then pydantic validation of `Order`). The table holds dynomodel's items, as in the query
   benchmark.

Before timing, each write runs once on an empty table, which must then hold 10,000 items read
back exactly by the same library's batch get (a peer's losses are the row's note); each get must
return every key once, and dynomodel's models must equal the source values.

The figures are client CPU time, `time.process_time()` of this process (every thread: the Rust
runtimes of dynomodel and pydynox included), and wall time: `query.measure_all`, median of
REPEATS runs after a warm-up, the libraries taking turns run by run. DynamoDB Local runs in its
own process (a JVM) but shares the machine's 2 cores with the client: the server's work slows
the client's wall time and competes with any threads the client runs, so the figures are noisy
and a real endpoint would rank the libraries' wall times differently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from botocore.client import BaseClient
from pydynox import DynamoDBClient, ModelConfig, SyncBatchWriter

from dynomodel import DynamoClient
from dynomodel.testing import DynamoDBLocal

from ._orders import N_ITEMS
from .codec import Order, PydynoxOrder, PynamoOrder, boto3_decode, pynamo_order
from .engines import served
from .query import (
    REGION,
    TABLE,
    InProcess,
    IsoDateTimeAttribute,
    Timing,
    boto3_session,
    check,
    load,
    measure_all,
    point_dynomodel,
    print_table,
    print_target,
    source_values,
)

REPEATS = 3  # each run sends 400 (write) or 100 (get) requests to DynamoDB Local
GET_CHUNK = 100  # BatchGetItem's limit on keys per request
PYDYNOX_TARGET = 0.5  # dynomodel's client CPU at most this fraction of pydynox's


# -- dynomodel: the rows of the batch API.


async def dynomodel_batch_write(orders: list[Order]) -> None:
    async with Order.batch_write() as batch:
        for order in orders:
            batch.put(order)


def dynomodel_sync_batch_write(orders: list[Order]) -> None:
    with Order.sync_batch_write() as batch:
        for order in orders:
            batch.put(order)


async def dynomodel_batch_get(keys: list[dict[str, str]]) -> list[Order]:
    return await Order.batch_get(keys)


def dynomodel_sync_batch_get(keys: list[dict[str, str]]) -> list[Order]:
    return Order.sync_batch_get(keys)


# -- The peers.


def pydynox_batch_write(client: DynamoDBClient, orders: list[PydynoxOrder]) -> None:
    # pydynox's batch writer takes items, not models: `to_dict()` is what its `save` puts.
    with SyncBatchWriter(client, TABLE) as batch:
        for order in orders:
            batch.put(order.to_dict())


def pynamo_batch_write(model: type[PynamoOrder], orders: list[PynamoOrder]) -> None:
    with model.batch_write() as batch:
        for order in orders:
            batch.save(order)


def boto3_values(order: Order) -> dict[str, Any]:
    """`order` as boto3's resource API takes it: `model_dump()`, with the float as a Decimal and
    the datetime as a string (boto3 refuses both); sets, Decimals and bytes pass as they are."""
    data = order.model_dump(exclude_none=True)
    data["weight"] = Decimal(repr(data["weight"]))
    data["created_at"] = data["created_at"].isoformat()
    return data


def boto3_batch_write(table: Any, orders: list[Order]) -> None:
    with table.batch_writer() as batch:
        for order in orders:
            batch.put_item(Item=boto3_values(order))


def boto3_batch_get(client: BaseClient, keys: list[dict[str, Any]]) -> list[Order]:
    orders = []
    for start in range(0, len(keys), GET_CHUNK):
        request: dict[str, Any] = {TABLE: {"Keys": keys[start : start + GET_CHUNK]}}
        while request:
            response = client.batch_get_item(RequestItems=request)
            orders.extend(boto3_decode(item) for item in response["Responses"].get(TABLE, []))
            request = response.get("UnprocessedKeys") or {}
    return orders


# -- Every library pointed at one endpoint, with its fixtures.


@dataclass
class Libraries:
    pydynox_client: DynamoDBClient
    pydynox_order: type[PydynoxOrder]
    pynamo_order: type[PynamoOrder]
    boto3_client: BaseClient
    boto3_table: Any


def point(endpoint: str) -> Libraries:
    """Each library's client or model for `endpoint`, with dummy credentials (as `query.py`:
    a model subclass per endpoint, pydynox and PynamoDB keeping a connection per class)."""
    point_dynomodel(endpoint)
    pydynox_client = DynamoDBClient(
        endpoint_url=endpoint, access_key="local", secret_key="local", region=REGION
    )
    config = ModelConfig(table=TABLE, client=pydynox_client)
    pydynox_order = type("PydynoxOrder", (PydynoxOrder,), {"model_config": config})

    class Meta:
        table_name = TABLE
        host = endpoint
        region = REGION
        aws_access_key_id = "local"
        aws_secret_access_key = "local"

    pynamo = type(
        "PynamoOrder", (PynamoOrder,), {"Meta": Meta, "created_at": IsoDateTimeAttribute()}
    )
    session = boto3_session()
    return Libraries(
        pydynox_client=pydynox_client,
        pydynox_order=pydynox_order,
        pynamo_order=pynamo,
        # Not the resource's own client: that one converts Python values to the wire form.
        boto3_client=session.client("dynamodb", endpoint_url=endpoint),
        boto3_table=session.resource("dynamodb", endpoint_url=endpoint).Table(TABLE),
    )


def writes(libs: Libraries, values: list[dict[str, Any]]) -> dict[str, Callable[[], object]]:
    """Each library's batch write of the orders, from instances built here (not measured)."""
    ours = [Order(**v) for v in values]
    theirs = [libs.pydynox_order(**v) for v in values]
    pynamo = [pynamo_order(v) for v in values]
    return {
        "dynomodel": lambda: asyncio.run(dynomodel_batch_write(ours)),
        "dynomodel (sync)": lambda: dynomodel_sync_batch_write(ours),
        "pydynox": lambda: pydynox_batch_write(libs.pydynox_client, theirs),
        "PynamoDB": lambda: pynamo_batch_write(libs.pynamo_order, pynamo),
        "boto3 + pydantic": lambda: boto3_batch_write(libs.boto3_table, ours),
    }


def gets(libs: Libraries, values: list[dict[str, Any]]) -> dict[str, Callable[[], list[Any]]]:
    """Each library's batch get of every order's key, the results as its models."""
    keys = [{"pk": v["pk"], "sk": v["sk"]} for v in values]
    pairs = [(v["pk"], v["sk"]) for v in values]
    wire_keys = [{"pk": {"S": v["pk"]}, "sk": {"S": v["sk"]}} for v in values]
    return {
        "dynomodel": lambda: asyncio.run(dynomodel_batch_get(keys)),
        "dynomodel (sync)": lambda: dynomodel_sync_batch_get(keys),
        "pydynox": lambda: libs.pydynox_order.sync_batch_get(keys),
        "PynamoDB": lambda: list(libs.pynamo_order.batch_get(pairs)),
        "boto3 + pydantic": lambda: boto3_batch_get(libs.boto3_client, wire_keys),
    }


# -- Checks, before timing.


def check_results(name: str, loaded: list[Any], values: list[dict[str, Any]]) -> str:
    """Every key once (a batch get returns items in any order), then `query.check` in the
    source's order: dynomodel's models must equal the source, a peer's losses are its note."""
    wanted = [v["sk"] for v in values]  # one partition key: the sort keys tell the items apart
    got = sorted(m.sk for m in loaded)
    if got != wanted:
        raise AssertionError(
            f"{name} returned {len(got):,} items with {len(set(got)):,} distinct keys, "
            f"not the {len(wanted):,} keys asked for"
        )
    in_order = sorted(loaded, key=lambda m: m.sk)
    return check("dynomodel" if name.startswith("dynomodel") else name, in_order, values)


def empty_table(libs: Libraries) -> None:
    libs.boto3_client.delete_table(TableName=TABLE)
    Order.sync_create_table()


def count_items(libs: Libraries) -> int:
    pages = libs.boto3_client.get_paginator("scan").paginate(TableName=TABLE, Select="COUNT")
    return sum(page["Count"] for page in pages)


def check_write(
    name: str,
    write: Callable[[], object],
    read: Callable[[], list[Any]],
    libs: Libraries,
    values: list[dict[str, Any]],
) -> str:
    """One write into an empty table: it must then hold every order, and the library's own
    batch get must read them back (exactly, for dynomodel)."""
    empty_table(libs)
    write()
    stored = count_items(libs)
    if stored != len(values):
        raise AssertionError(f"{name}'s batch write stored {stored:,} items, not {len(values):,}")
    note = check_results(name, read(), values)
    return f"read back: {note}" if note.startswith("INEXACT") else note


# -- Running.


def print_intro() -> None:
    print(
        f"\nBatch: {N_ITEMS:,} orders under one partition key, written with each library's batch\n"
        "writer (25 items a request) and read back with its batch get (100 keys a request) as\n"
        "models. CPU is time.process_time() of this process, all threads; wall is elapsed\n"
        f"time. Median of {REPEATS} runs after a warm-up; lower is better. 'dynomodel' is the\n"
        "async API (Order.batch_write() / Order.batch_get() under asyncio.run) and 'vs\n"
        "dynomodel' the library's time / its time; 'dynomodel (sync)' is the sync_ API.\n"
        "Two servers, each in its own process and sharing this machine's 2 cores (so the\n"
        "figures are noisy): DynamoDB Local, and the embedded engine served on loopback\n"
        "(`python -m dynomodel serve`), where dynomodel is also measured on memory://, the\n"
        "same engine in process, its own time taken off (the engine times its requests)."
    )


def print_targets(timings: dict[str, Timing]) -> None:
    pydynox = timings["pydynox"].cpu
    for name in ("dynomodel", "dynomodel (sync)", "dynomodel, memory://"):
        if name in timings:
            print_target(f"{name} CPU / pydynox's", timings[name].cpu / pydynox, PYDYNOX_TARGET)


def in_process(client: DynamoClient, run: Callable[[], Any]) -> Callable[[], InProcess]:
    """`run` on `memory://`, with what the engine spent in it (not the client's time)."""

    def timed() -> InProcess:
        Order.table.client = client
        try:
            before = client.native.engine_seconds or 0.0
            result = run()
            return InProcess((client.native.engine_seconds or 0.0) - before, result)
        finally:
            Order.table.client = None

    return timed


def measure_server(
    title: str, endpoint: str, values: list[dict[str, Any]], memory: DynamoClient | None
) -> None:
    """Every library's batch write then batch get against `endpoint`; with `memory`, dynomodel
    on that in-process engine too."""
    items = [Order(**v).to_item() for v in values]
    libs = point(endpoint)
    Order.sync_create_table()
    write_runs = writes(libs, values)
    get_runs = gets(libs, values)
    notes = {
        name: check_write(name, write, get_runs[name], libs, values)
        for name, write in write_runs.items()
    }
    memory_write: Callable[[], InProcess] | None = None
    memory_get: Callable[[], InProcess] | None = None
    if memory is not None:
        ours = [Order(**v) for v in values]
        keys = [{"pk": v["pk"], "sk": v["sk"]} for v in values]
        Order.table.client = memory
        Order.sync_create_table()
        Order.table.client = None
        memory_write = in_process(memory, lambda: asyncio.run(dynomodel_batch_write(ours)))
        memory_get = in_process(memory, lambda: asyncio.run(dynomodel_batch_get(keys)))
        memory_write()
        notes["dynomodel, memory://"] = check_results("dynomodel", memory_get().result, values)
        write_runs["dynomodel, memory://"] = memory_write
    timings = measure_all(write_runs, REPEATS)
    print_table(f"{title}: batch write (BatchWriteItem, 400 requests)", timings, notes)
    print_targets(timings)

    # The reads start from dynomodel's items, whatever format the last write left.
    libs.boto3_client.delete_table(TableName=TABLE)
    load(endpoint, items)
    notes = {name: check_results(name, get(), values) for name, get in get_runs.items()}
    if memory_get is not None:
        get_runs["dynomodel, memory://"] = memory_get
        notes["dynomodel, memory://"] = "models equal the source values"
    timings = measure_all(get_runs, REPEATS)
    print_table(f"{title}: batch get (BatchGetItem, 100 requests)", timings, notes)
    print_targets(timings)


def run() -> None:
    logging.getLogger("pydynox").setLevel(logging.ERROR)  # it warns on every call over 100 ms
    values = source_values()
    print_intro()
    with DynamoDBLocal() as local:
        measure_server("DynamoDB Local", local.endpoint, values, None)
    with served() as endpoint:
        memory = DynamoClient(endpoint_url="memory://")
        measure_server("Embedded engine", endpoint, values, memory)
