"""Query 10,000 items in 10 pages of 1,000 and materialize them as models.

All 10,000 benchmark orders sit under one partition key; each library runs the paginated query
its users would write and keeps every result as its model: dynomodel (`Order.sync_query`),
pydynox (`sync_query`), PynamoDB (`Model.query`) and boto3 (`client.query` paginated, each item
through `TypeDeserializer` then pydantic validation of the same `Order` model).

Two servers, each measured:

1. A page server (`_pages.py`): answers Query from pages encoded in advance, so it costs next to
   nothing and the figures are the client's own: HTTP, the JSON parse, the items into models.
2. DynamoDB Local, loaded with the same 10,000 items: what a real endpoint adds.

The figures are client CPU time, `time.process_time()` of this process (every thread: the Rust
runtimes of dynomodel and pydynox included), and wall time. Both servers run as separate
processes: a server inside this process would put its own CPU time into every library's figure.
Median of 5 runs after a warm-up, the libraries taking turns run by run.

The floor is pydantic alone validating the same 10,000 orders from JSON (`model_validate_json`
per item, made with `model_dump_json`): no network, no DynamoDB types, so no model-building
query can do much better. The targets printed next to dynomodel's figures are not asserted.
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from pydantic import ConfigDict, TypeAdapter
from pydynox import DynamoDBClient, ModelConfig
from pynamodb import attributes as pn

from dynomodel import DynamoClient, set_default_client
from dynomodel.testing import DynamoDBLocal

from ._orders import N_ITEMS, all_order_values
from .codec import Order, PydynoxOrder, PynamoOrder, boto3_decode, inexact

PK = "CUSTOMER#BENCH"
PAGE_SIZE = 1_000
TABLE = "orders"  # the benchmark models' table
REGION = "us-east-1"
REPEATS = 5
FLOOR_TARGET = 1.2  # dynomodel CPU at most this multiple of pydantic's JSON floor
AS_DICT_TARGET = 0.8  # as_dict=True: at most this multiple of the floor
PYDYNOX_TARGET = 0.35  # dynomodel CPU at most this fraction of pydynox's


class JsonOrder(Order):
    """The benchmark `Order`, with bytes as base64 in JSON (JSON has no bytes type)."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")


class IsoDateTimeAttribute(pn.UTCDateTimeAttribute):
    """The stored items are dynomodel's (`2024-01-01T00:00:37.000000Z`); PynamoDB's own datetime
    attribute reads only its format (`...+0000`), so its model reads them with this one."""

    def deserialize(self, value: str) -> dt.datetime:
        return dt.datetime.fromisoformat(value)


@dataclass
class Timing:
    cpu: float
    wall: float
    spread: float = 0.0
    """(slowest - fastest) / median of the CPU times across the runs."""


@dataclass
class InProcess:
    """What a run spent in an engine inside this process (`memory://`), summed over the
    threads that ran it: not the client's, so `measure_all` takes it off the run's CPU time
    (its wall time stays whole: concurrent requests overlap their engine time)."""

    seconds: float
    result: Any = None


def measure_all(
    runs: Mapping[str, Callable[[], object]], repeats: int = REPEATS
) -> dict[str, Timing]:
    """Median CPU and wall seconds per run, after a warm-up; the runs take turns, so a server's
    drift (DynamoDB Local's JIT, its GC) lands on every library alike. The GC policy is
    `_report.measure`'s: the fixtures are frozen out of the cyclic GC unless
    DYNOMODEL_BENCH_GC=live."""
    for run in runs.values():
        run()
    gc.collect()
    if os.environ.get("DYNOMODEL_BENCH_GC") != "live":
        gc.freeze()
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    try:
        for _ in range(repeats):
            for name, run in runs.items():
                start_cpu, start_wall = time.process_time(), time.perf_counter()
                result = run()
                engine = result.seconds if isinstance(result, InProcess) else 0.0
                wall[name].append(time.perf_counter() - start_wall)
                cpu[name].append(time.process_time() - start_cpu - engine)
                del result
                gc.collect()
    finally:
        gc.unfreeze()
    return {
        name: Timing(
            statistics.median(cpu[name]),
            statistics.median(wall[name]),
            (max(cpu[name]) - min(cpu[name])) / statistics.median(cpu[name]),
        )
        for name in runs
    }


# -- The items: the 10,000 benchmark orders under one partition key, in sort key order.


def source_values() -> list[dict[str, Any]]:
    return [{**values, "pk": PK} for values in all_order_values()]


def dynamodb_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """One attribute value from the Python wire form (`{"B": b"..."}`) to DynamoDB JSON."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if kind == "M":
        return {"M": {k: dynamodb_json(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [dynamodb_json(v) for v in inner]}
    if kind in ("SS", "NS"):
        return {kind: list(inner)}
    return {kind: inner}  # S, N, BOOL, NULL


def page_bodies(items: list[dict[str, Any]]) -> list[bytes]:
    """The Query responses for `items`, PAGE_SIZE per page; all but the last page continue."""
    as_json = [{k: dynamodb_json(v) for k, v in item.items()} for item in items]
    bodies = []
    for start in range(0, len(items), PAGE_SIZE):
        page = as_json[start : start + PAGE_SIZE]
        body: dict[str, Any] = {"Items": page, "Count": len(page), "ScannedCount": len(page)}
        if start + PAGE_SIZE < len(items):
            body["LastEvaluatedKey"] = {"pk": page[-1]["pk"], "sk": page[-1]["sk"]}
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


@contextmanager
def page_server(items: list[dict[str, Any]]) -> Iterator[str]:
    """Run `python -m benchmarks._pages` on the pages of `items`; yield its endpoint."""
    with tempfile.TemporaryDirectory() as folder:
        pages = Path(folder) / "pages.jsonl"
        pages.write_bytes(b"\n".join(page_bodies(items)))
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._pages", str(pages)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = server.stdout.readline().strip()
            if not port.isdigit():
                raise RuntimeError(f"the page server did not start (exit {server.poll()})")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def load(endpoint: str, items: list[dict[str, Any]]) -> None:
    """Create the table and write the items (not measured)."""
    Order.sync_create_table()
    deserializer = TypeDeserializer()
    table = boto3_session().resource("dynamodb", endpoint_url=endpoint).Table(TABLE)
    with table.batch_writer() as batch:
        for item in items:
            batch.put_item(Item={k: deserializer.deserialize(v) for k, v in item.items()})


# -- Each library's query, pointed at one endpoint with dummy credentials.


def boto3_session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="local", aws_secret_access_key="local", region_name=REGION
    )


def point_dynomodel(endpoint: str) -> None:
    client = DynamoClient(
        endpoint_url=endpoint, access_key_id="local", secret_access_key="local", region=REGION
    )
    set_default_client(client)


def queries(endpoint: str) -> dict[str, Callable[[], list[Any]]]:
    point_dynomodel(endpoint)
    pydynox_client = DynamoDBClient(
        endpoint_url=endpoint, access_key="local", secret_key="local", region=REGION
    )
    # pydynox keeps the client it first used on the model class, PynamoDB its connection: a
    # subclass per endpoint gives each its own, with the same attributes.
    config = ModelConfig(table=TABLE, client=pydynox_client)
    pydynox_order: type[PydynoxOrder] = type(
        "PydynoxOrder", (PydynoxOrder,), {"model_config": config}
    )

    class Meta:
        table_name = TABLE
        host = endpoint
        region = REGION
        aws_access_key_id = "local"
        aws_secret_access_key = "local"

    pynamo_order: type[PynamoOrder] = type(
        "PynamoOrder", (PynamoOrder,), {"Meta": Meta, "created_at": IsoDateTimeAttribute()}
    )
    boto = boto3_session().client("dynamodb", endpoint_url=endpoint)
    paginator = boto.get_paginator("query")

    def boto3_query() -> list[Order]:
        pages = paginator.paginate(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": PK}},
            PaginationConfig={"PageSize": PAGE_SIZE},
        )
        return [boto3_decode(item) for page in pages for item in page["Items"]]

    return {
        "dynomodel": lambda: list(Order.sync_query(partition_key=PK, page_size=PAGE_SIZE)),
        "dynomodel, as_dict=True": lambda: list(
            Order.sync_query(partition_key=PK, page_size=PAGE_SIZE, as_dict=True)
        ),
        "pydynox": lambda: list(pydynox_order.sync_query(partition_key=PK, page_size=PAGE_SIZE)),
        "PynamoDB": lambda: list(pynamo_order.query(PK, limit=None, page_size=PAGE_SIZE)),
        "boto3 + pydantic": boto3_query,
    }


def check(name: str, loaded: list[Any], values: list[dict[str, Any]]) -> str:
    """Every library must return every item, and dynomodel exactly the source values (types
    included). For a peer, what it changed (a Decimal turned float, ...) is the row's note."""
    if len(loaded) != len(values):
        raise AssertionError(f"{name} returned {len(loaded):,} items, not {len(values):,}")
    if name == "dynomodel, as_dict=True":
        loaded = [Order.model_validate(item) for item in loaded]
    problems = {inexact(v, m) for v, m in zip(values, loaded, strict=True)} - {""}
    if name.startswith("dynomodel"):
        if problems or not all(type(m) is Order for m in loaded):
            raise AssertionError(f"dynomodel's query results differ from the source: {problems}")
        return "models equal the source values"
    return "INEXACT: " + sorted(problems)[0] if problems else ""


# -- Printing.


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def print_table(title: str, timings: dict[str, Timing], notes: dict[str, str]) -> None:
    mine = timings["dynomodel"]
    print(f"\n{title}")
    print(
        f"  {'library':<26} {'CPU':>11} {'spread':>7} {'vs dynomodel':>13} {'wall':>11} "
        f"{'vs dynomodel':>13}"
    )
    for name, t in timings.items():
        cpu_ratio = "" if name == "dynomodel" else f"{t.cpu / mine.cpu:.2f}x"
        wall_ratio = "" if name == "dynomodel" else f"{t.wall / mine.wall:.2f}x"
        cells = (
            f"{ms(t.cpu):>11} {t.spread:>6.0%} {cpu_ratio:>13} {ms(t.wall):>11} {wall_ratio:>13}"
        )
        print(f"  {name:<26} {cells}  {notes.get(name, '')}")
    print("  (spread: slowest minus fastest run's CPU, over the median)")


def print_target(what: str, ratio: float, target: float) -> None:
    """One target line: `ratio` is a cost ratio, met at or under `target`. A negative ratio
    comes from subtracting a time larger than what it was taken from (the engine's wall time
    out of the process's CPU, when concurrent requests wait for the engine): no figure."""
    if ratio < 0:
        print(f"  {what}: not measured (the engine's time exceeded the CPU it is taken from)")
        return
    verdict = "met" if ratio <= target else "NOT met"
    print(f"  {what} = {ratio:.2f}x (target <= {target}x: {verdict})")


def print_targets(timings: dict[str, Timing], floor: Timing) -> None:
    mine = timings["dynomodel"].cpu
    print_target("dynomodel CPU / pydantic's JSON floor", mine / floor.cpu, FLOOR_TARGET)
    as_dict = timings["dynomodel, as_dict=True"].cpu / floor.cpu
    print_target("dynomodel as_dict=True CPU / the floor", as_dict, AS_DICT_TARGET)
    print_target("dynomodel CPU / pydynox's CPU", mine / timings["pydynox"].cpu, PYDYNOX_TARGET)


def measure_floor(values: list[dict[str, Any]]) -> dict[str, Timing]:
    """pydantic alone: the same orders validated from JSON, one string per item and one array."""
    strings = [JsonOrder(**v).model_dump_json() for v in values]
    array = "[" + ",".join(strings) + "]"
    as_list = TypeAdapter(list[JsonOrder])
    expected = [dict(Order(**v)) for v in values]
    assert [dict(JsonOrder.model_validate_json(s)) for s in strings] == expected
    assert [dict(m) for m in as_list.validate_json(array)] == expected
    return measure_all(
        {
            "per item": lambda: [JsonOrder.model_validate_json(s) for s in strings],
            "one array": lambda: as_list.validate_json(array),
        }
    )


def measure_server(title: str, endpoint: str, values: list[dict[str, Any]], floor: Timing) -> None:
    runs = queries(endpoint)
    notes = {name: check(name, run(), values) for name, run in runs.items()}
    timings = measure_all(runs)
    print_table(title, timings, notes)
    print_targets(timings, floor)


def run() -> None:
    logging.getLogger("pydynox").setLevel(logging.ERROR)  # it warns on every call over 100 ms
    values = source_values()
    items = [Order(**v).to_item() for v in values]
    pages = -(-N_ITEMS // PAGE_SIZE)

    print(
        f"\nQuery: {N_ITEMS:,} orders under one partition key, {pages} pages of {PAGE_SIZE:,},\n"
        "materialized as models. CPU is time.process_time() of this process, all threads (the\n"
        f"servers run in other processes); wall is elapsed time. Median of {REPEATS} runs after a\n"
        "warm-up; lower is better; 'vs dynomodel' is the library's time / dynomodel's."
    )
    floors = measure_floor(values)
    floor = floors["per item"]
    print(
        f"\npydantic floor: the same {N_ITEMS:,} orders validated from JSON, no I/O (Order's\n"
        "fields and validators; bytes as base64, JSON having no bytes)"
    )
    print(f"  Order.model_validate_json, one string per item  CPU {ms(floor.cpu):>11}")
    print(
        f"  TypeAdapter(list[Order]).validate_json, 1 array  CPU {ms(floors['one array'].cpu):>11}"
    )

    with page_server(items) as endpoint:
        measure_server(
            "Page server (loopback, pages encoded in advance, a separate process)",
            endpoint,
            values,
            floor,
        )

    with DynamoDBLocal() as local:
        point_dynomodel(local.endpoint)
        load(local.endpoint, items)
        measure_server(
            "DynamoDB Local (loopback, in memory; a page that fills Limit continues, so 11 "
            "requests)",
            local.endpoint,
            values,
            floor,
        )
