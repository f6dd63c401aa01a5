"""Nothing lost, proven: batches and transactions through a proxy that injects faults.

The proxy (`faults.py`) answers at random, from a fixed seed, with throttling, HTTP 500, a dropped
connection (before or after DynamoDB Local applied the request) or a partial batch answer. Every
check afterwards reads DynamoDB Local directly, past the proxy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

import pytest
from faults import FaultProxy, FaultRates

import dynomodel
from dynomodel import DynamoClient, DynamoModel, PartitionKey, SortKey, attr, table_of
from dynomodel.exceptions import (
    BatchIncompleteError,
    DynamoServiceError,
    EndpointError,
    ThrottlingError,
)

SEED = 20261121
EVERY_FAULT = FaultRates(
    throttle=0.1, server_error=0.1, drop_before=0.05, drop_after=0.05, partial=0.25
)


def connect(endpoint: str, retries: int = 1) -> DynamoClient:
    return DynamoClient(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="local",
        secret_access_key="local",
        max_retries=retries,
    )


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(endpoint, EVERY_FAULT, seed=SEED) as running:
        yield running


def record_model(name: str, client: DynamoClient) -> Any:
    class Record(DynamoModel, table=name, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        amount: Decimal
        tags: set[str]
        history: list[dict[str, Any]]
        payload: bytes
        seen: dt.datetime

    return Record


def records(model: Any, count: int) -> list[Any]:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return [
        model(
            pk=f"P#{i % 50}",
            sk=i,
            amount=Decimal(i) / Decimal(7) if i % 3 else Decimal(f"1E+{i % 100}"),
            tags={f"t{i % 5}", f"u{i}"},
            history=[{"step": j, "ok": j % 2 == 0} for j in range(i % 4)],
            payload=i.to_bytes(4, "big") * 3,
            seen=start + dt.timedelta(seconds=i, microseconds=i),
        )
        for i in range(count)
    ]


async def test_20000_items_written_and_read_through_faults_exactly_once(
    client: DynamoClient, proxy: FaultProxy, table_name: str
) -> None:
    model = record_model(table_name, connect(proxy.endpoint))
    table = table_of(model)
    table.client = client
    await model.create_table()
    table.client = connect(proxy.endpoint)
    written = records(model, 20_000)
    async with model.batch_write() as batch:
        for item in written:
            batch.put(item)
    read = await model.batch_get([(r.pk, r.sk) for r in written])
    assert read == written
    injected = {kind: proxy.counts[kind] for kind in ("throttle", "server_error", "partial")}
    assert all(count > 0 for count in injected.values()), proxy.counts
    assert proxy.counts["drop_before"] > 0 and proxy.counts["drop_after"] > 0, proxy.counts
    # Past the proxy: each item stored once, with its exact value.
    table.client = client
    stored = sorted(await _all(model), key=lambda r: r.sk)
    assert len(stored) == 20_000
    assert stored == written


async def _all(model: Any) -> list[Any]:
    return [item async for item in model.scan(segments=4)]


def account_models(name: str, client: DynamoClient) -> tuple[Any, Any]:
    class Account(DynamoModel, table=name, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        balance: int

    class Transfer(DynamoModel, table=name, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        source: str
        target: str
        amount: int

    return Account, Transfer


def test_transactions_through_faults_apply_fully_or_raise(
    client: DynamoClient, proxy: FaultProxy, table_name: str
) -> None:
    account, transfer = account_models(table_name, client)
    account.sync_create_table()
    names = [f"A#{i}" for i in range(6)]
    for name in names:
        account(pk=name, sk="ACCOUNT", balance=1_000).sync_save()
    faulty = connect(proxy.endpoint)
    returned: list[int] = []
    failures: list[Exception] = []
    for i in range(60):
        source, target = names[i % 6], names[(i * 5 + 1) % 6]
        if source == target:
            target = names[(i + 1) % 6]
        try:
            with dynomodel.transaction(faulty) as tx:
                tx.put(
                    transfer(pk="T", sk=f"T#{i}", source=source, target=target, amount=i + 1),
                    condition=attr(transfer.pk).not_exists(),
                )
                balance = attr(account.balance)
                tx.update(account, (source, "ACCOUNT"), actions=[balance.decrement(i + 1)])
                tx.update(account, (target, "ACCOUNT"), actions=[balance.increment(i + 1)])
            returned.append(i)
        except dynomodel.exceptions.RequestError as error:
            failures.append(error)
    assert failures, "the proxy injected no fault into any transaction"
    assert returned, "no transaction got through"
    # Past the proxy: every transfer that is recorded moved its money, and no other did.
    recorded = {t.sk: t for t in transfer.sync_query(partition_key="T")}
    assert {f"T#{i}" for i in returned} <= set(recorded)
    expected = dict.fromkeys(names, 1_000)
    for t in recorded.values():
        expected[t.source] -= t.amount
        expected[t.target] += t.amount
    balances = {a.pk: a.balance for a in account.sync_batch_get([(n, "ACCOUNT") for n in names])}
    assert balances == expected


async def test_a_batch_that_never_completes_lists_what_is_missing(
    client: DynamoClient, endpoint: str, table_name: str
) -> None:
    always_partial = FaultRates(partial=1.0)
    with FaultProxy(endpoint, always_partial, seed=SEED) as partial:
        model = record_model(table_name, client)
        await model.create_table()
        written = records(model, 40)
        table_of(model).client = connect(partial.endpoint)
        with pytest.raises(BatchIncompleteError) as not_written:
            async with model.batch_write(timeout=0.3) as batch:
                for item in written:
                    batch.put(item)
        unwritten = not_written.value.unprocessed
        assert unwritten and {kind for _, kind, _ in unwritten} == {"put"}
        assert "retry time ran out" in str(not_written.value)
        keys = [(r.pk, r.sk) for r in written]
        with pytest.raises(BatchIncompleteError) as not_read:
            await model.batch_get(keys, timeout=0.3)
        error = not_read.value
        assert error.unprocessed and {kind for _, kind, _ in error.unprocessed} == {"get"}
        missing = {(k["pk"]["S"], int(k["sk"]["N"])) for _, _, k in error.unprocessed}
        got = {(r.pk, r.sk) for r in error.items}
        assert not missing & got
        table_of(model).client = client
        # Whatever the error does not list as unwritten was stored, and everything listed
        # as unread exists: nothing vanished silently.
        listed = {(i["pk"]["S"], int(i["sk"]["N"])) for _, _, i in unwritten}
        stored = {(r.pk, r.sk) for r in await model.batch_get(keys)}
        assert set(keys) - listed <= stored
        assert got <= stored and missing <= stored | listed


@pytest.mark.parametrize(
    ("rates", "error"),
    [
        (FaultRates(throttle=1.0, operations=frozenset({"PutItem"})), ThrottlingError),
        (FaultRates(server_error=1.0, operations=frozenset({"PutItem"})), DynamoServiceError),
        (FaultRates(drop_before=1.0, operations=frozenset({"PutItem"})), EndpointError),
    ],
)
def test_a_single_write_that_keeps_failing_raises_the_typed_error(
    client: DynamoClient, endpoint: str, table_name: str, rates: FaultRates, error: type[Exception]
) -> None:
    model = record_model(table_name, client)
    model.sync_create_table()
    (item,) = records(model, 1)
    with FaultProxy(endpoint, rates, seed=SEED) as failing:
        table_of(model).client = connect(failing.endpoint, retries=0)
        with pytest.raises(error):
            item.sync_save()
    table_of(model).client = client
    assert model.sync_get(pk=item.pk, sk=item.sk) is None
