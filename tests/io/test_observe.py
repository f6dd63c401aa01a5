"""Observability: a record per call on the `dynomodel` logger (a WARNING when the SDK retried),
the client's metrics, and OpenTelemetry spans parented to the caller's span, async and sync;
never an attribute value, a key value or a credential in any of them."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import Driver
from faults import FaultProxy, FaultRates
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from dynomodel import DynamoClient, DynamoModel, GlobalIndex, PartitionKey, SortKey, attr
from dynomodel._io.observe import LATENCY_BUCKETS
from dynomodel.exceptions import ConditionalCheckFailedError, ThrottlingError

SECRET = "s3cr3t-value-0123456789"
CREDENTIAL = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRET"

EXPORTER = InMemorySpanExporter()
_provider = TracerProvider()
_provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
trace.set_tracer_provider(_provider)
TRACER = trace.get_tracer("tests")


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    EXPORTER.clear()
    yield EXPORTER
    EXPORTER.clear()


def secret_model(name: str, client: DynamoClient | None = None) -> Any:
    from typing import ClassVar

    class Secret(DynamoModel, table=name, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        token: str
        amount: Decimal = Decimal(0)
        by_token: ClassVar[GlobalIndex] = GlobalIndex("token-index", partition_key="token")

    return Secret


def everything_said(records: list[logging.LogRecord], client: DynamoClient) -> str:
    parts = [repr(client), repr(client.native), repr(client.metrics.snapshot())]
    for record in records:
        parts += [record.getMessage(), repr(record.args), repr(vars(record))]
    return "\n".join(parts)


async def test_a_record_per_call_and_no_value_in_any(
    client: DynamoClient, table_name: str, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    Secret = secret_model(table_name)
    await driver(Secret.create_table)
    caplog.set_level(logging.DEBUG, logger="dynomodel")
    caplog.clear()
    item = Secret(pk=SECRET, sk=1, token=SECRET, amount=Decimal("12.5"))
    await driver(item.save)
    assert await driver(Secret.get, pk=SECRET, sk=1) == item
    await driver.list(
        Secret.query(partition_key=SECRET, filter_condition=attr(Secret.token) == SECRET)
    )
    with pytest.raises(ConditionalCheckFailedError):
        await driver(item.save, condition=attr(Secret.token) == "other" + SECRET)
    records = [r for r in caplog.records if r.name == "dynomodel"]
    assert [r.operation for r in records] == ["PutItem", "GetItem", "Query", "PutItem"]  # type: ignore[attr-defined]
    assert all(r.levelno == logging.DEBUG and r.table == table_name for r in records)  # type: ignore[attr-defined]
    put, get, query, failed = records
    # 1 WCU for the item, 1 for its copy in the index.
    assert put.write_units == 2 and get.read_units == 0.5 and query.index is None  # type: ignore[attr-defined]
    assert failed.error == "ConditionalCheckFailedError" and failed.retries == 0  # type: ignore[attr-defined]
    assert isinstance(get.duration, float) and get.duration > 0  # type: ignore[attr-defined]
    assert SECRET not in everything_said(records, client)


def test_credentials_stay_out_of_records_and_reprs(
    endpoint: str, table_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="AKIA" + CREDENTIAL[:12],
        secret_access_key=CREDENTIAL,
        session_token=CREDENTIAL + "-session",
    )
    Secret = secret_model(table_name, client)
    Secret.sync_create_table()
    Secret(pk=SECRET, sk=1, token=SECRET).sync_save()
    said = everything_said(caplog.records, client)
    assert CREDENTIAL not in said and CREDENTIAL[:12] not in said and SECRET not in said


def proxied(endpoint: str, max_retries: int) -> DynamoClient:
    return DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="x",
        secret_access_key="x",
        max_retries=max_retries,
    )


def test_a_retried_call_is_a_warning(
    endpoint: str, table_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="dynomodel")
    rates = FaultRates(throttle=0.3, operations=frozenset({"PutItem"}))
    with FaultProxy(endpoint, rates, seed=7) as proxy:
        client = proxied(proxy.endpoint, max_retries=10)
        Secret = secret_model(table_name, client)
        Secret.sync_create_table()
        for sk in range(4):
            Secret(pk="p", sk=sk, token="t").sync_save()
        assert proxy.counts["throttle"] > 0
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "dynomodel"]
    assert warned and all(r.operation == "PutItem" and r.retries > 0 for r in warned)  # type: ignore[attr-defined]
    # Only throttling was injected: every retry followed a throttled attempt.
    assert all(r.throttles == r.retries for r in warned)  # type: ignore[attr-defined]
    totals = client.metrics.snapshot()[("PutItem", table_name)]
    assert totals.calls == 4 and totals.retries == sum(r.retries for r in warned)  # type: ignore[attr-defined]
    assert totals.throttles == totals.retries == proxy.counts["throttle"]


def test_a_call_that_failed_throttled_says_so(
    endpoint: str, table_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="dynomodel")
    rates = FaultRates(throttle=1.0, operations=frozenset({"PutItem"}))
    with FaultProxy(endpoint, rates, seed=7) as proxy:
        client = proxied(proxy.endpoint, max_retries=2)
        Secret = secret_model(table_name, client)
        Secret.sync_create_table()
        with pytest.raises(ThrottlingError) as raised:
            Secret(pk="p", sk=1, token="t").sync_save()
    assert raised.value.attempts == 3 and raised.value.throttles == 3
    (record,) = [r for r in caplog.records if getattr(r, "operation", None) == "PutItem"]
    assert record.levelno == logging.WARNING
    assert (record.retries, record.throttles, record.error) == (2, 3, "ThrottlingError")  # type: ignore[attr-defined]
    totals = client.metrics.snapshot()[("PutItem", table_name)]
    assert (totals.retries, totals.throttles) == (2, 3)


async def test_a_batch_of_several_requests_is_not_a_retry(
    table_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="dynomodel")
    own = DynamoClient(endpoint_url="memory://", create_tables=True)
    Secret = secret_model(table_name, own)
    async with Secret.batch_write() as batch:
        for sk in range(250):
            batch.put(Secret(pk="p", sk=sk, token="t"))
    found = await Secret.batch_get([{"pk": "p", "sk": sk} for sk in range(250)])
    assert len(found) == 250
    # One native call, three BatchGetItem requests of at most 100 keys.
    (record,) = [r for r in caplog.records if getattr(r, "operation", None) == "BatchGetItem"]
    assert record.levelno == logging.DEBUG
    assert (record.retries, record.throttles) == (0, 0)  # type: ignore[attr-defined]
    assert own.metrics.snapshot()[("BatchGetItem", table_name)].read_units == 125


async def test_metrics_per_operation_and_table(table_name: str) -> None:
    own = DynamoClient(endpoint_url="memory://", create_tables=True)
    Secret = secret_model(table_name, own)
    for sk in range(5):
        await Secret(pk="p", sk=sk, token="t").save()
    with pytest.raises(ConditionalCheckFailedError):
        await Secret(pk="p", sk=0, token="t").save(condition=attr(Secret.token) == "x")
    await Secret.get(pk="p", sk=1)
    before = own.metrics.snapshot()
    puts = before[("PutItem", table_name)]
    assert puts.calls == 6 and puts.errors == {"ConditionalCheckFailedError": 1}
    assert (
        puts.write_units == 10 and len(puts.latency) == len(LATENCY_BUCKETS) + 1
    )  # with the index
    assert sum(puts.latency) == 6 and puts.seconds > 0
    assert before[("GetItem", table_name)].read_units == 0.5
    await Secret.get(pk="p", sk=2)
    assert before[("GetItem", table_name)].calls == 1  # a snapshot is a copy
    assert own.metrics.snapshot()[("GetItem", table_name)].calls == 2
    own.metrics.reset()
    assert own.metrics.snapshot() == {}


async def test_spans_follow_the_conventions_and_the_callers_span(
    client: DynamoClient, table_name: str, spans: InMemorySpanExporter
) -> None:
    Secret = secret_model(table_name)
    await Secret.create_table()
    await Secret(pk=SECRET, sk=1, token=SECRET).save()
    spans.clear()
    with TRACER.start_as_current_span("handler") as parent:
        await Secret.get(pk=SECRET, sk=1)
        await asyncio.to_thread(
            lambda: [s for s in Secret.by_token.sync_query(partition_key=SECRET, limit=1)]
        )
    with pytest.raises(ConditionalCheckFailedError):
        await Secret(pk=SECRET, sk=1, token="x").save(condition=attr(Secret.token) == "y")
    get, query, handler, failed = spans.get_finished_spans()
    assert handler is not None and handler.name == "handler"
    parent_id = parent.get_span_context().span_id
    assert get.parent is not None and get.parent.span_id == parent_id
    assert get.name == f"GetItem {table_name}" and get.kind == trace.SpanKind.CLIENT
    assert get.attributes is not None and query.attributes is not None
    assert get.attributes["db.system"] == "dynamodb"
    assert get.attributes["db.operation"] == "GetItem"
    assert get.attributes["aws.dynamodb.table_names"] == (table_name,)
    capacity = json.loads(get.attributes["aws.dynamodb.consumed_capacity"][0])  # type: ignore[index]
    assert capacity["ReadCapacityUnits"] == 0.5
    assert query.attributes["aws.dynamodb.index_name"] == "token-index"
    assert query.attributes["aws.dynamodb.limit"] == 1
    assert query.attributes["aws.dynamodb.count"] == 1
    assert failed.parent is None and failed.status.status_code == StatusCode.ERROR
    assert (
        failed.attributes is not None
        and failed.attributes["error.type"] == "ConditionalCheckFailedError"
    )
    said = repr(
        [(s.name, dict(s.attributes or {}), s.status.description) for s in (get, query, failed)]
    )
    assert SECRET not in said


def test_without_a_tracer_provider_no_span_is_built() -> None:
    # In a process of its own: this module installs a provider for the tests above.
    script = """
from dynomodel import DynamoClient
from dynomodel._io import observe
client = DynamoClient(endpoint_url="memory://")
seen = observe.begin(client.native.describe_table, ("t",))
assert seen is not None and seen._span is None, seen
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
trace.set_tracer_provider(TracerProvider())
seen = observe.begin(client.native.describe_table, ("t",))
assert seen is not None and seen._span is not None
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
