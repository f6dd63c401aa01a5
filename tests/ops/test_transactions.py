"""Transactions (TransactWriteItems, TransactGetItems) against a real DynamoDB Local."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import Driver

import dynomodel
from dynomodel import DynamoClient, DynamoModel, PartitionKey, SortKey, attr, table_of
from dynomodel.exceptions import (
    InvalidExpressionError,
    InvalidNumberError,
    TransactionCanceledError,
)


def models(name: str) -> tuple[Any, Any]:
    class Account(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        balance: Decimal
        owner: str = ""

    class Transfer(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        amount: Decimal

    return Account, Transfer


@pytest.fixture
async def accounts(client: DynamoClient, table_name: str) -> tuple[Any, Any]:
    account, transfer = models(table_name)
    await account.create_table()
    await account(pk="A#1", sk="ACCOUNT", balance=Decimal(100)).save()
    await account(pk="A#2", sk="ACCOUNT", balance=Decimal(5)).save()
    await account(pk="A#3", sk="ACCOUNT", balance=Decimal(0), owner="bank").save()
    return account, transfer


async def test_every_action_applies_together(accounts: tuple[Any, Any], driver: Driver) -> None:
    account, transfer = accounts
    source = await driver(account.get, pk="A#1", sk="ACCOUNT")
    async with driver.block(dynomodel.transaction()) as tx:
        tx.put(transfer(pk="A#1", sk="T#1", amount=Decimal(30)))
        tx.update(source, balance=Decimal(70), condition=attr(account.balance) >= 30)
        tx.update(account, ("A#2", "ACCOUNT"), actions=[attr(account.balance).increment(30)])
        tx.condition_check(
            account, {"pk": "A#3", "sk": "ACCOUNT"}, condition=attr(account.owner) == "bank"
        )
        assert tx.actions == 4
    assert source.balance == Decimal(70)
    found = await driver(
        dynomodel.transact_get,
        [
            (account, ("A#1", "ACCOUNT")),
            (account, ("A#2", "ACCOUNT")),
            (transfer, ("A#1", "T#1")),
            (table_of(transfer), ("A#1", "T#404")),
        ],
    )
    assert [getattr(f, "balance", None) for f in found[:2]] == [Decimal(70), Decimal(35)]
    assert found[2] == transfer(pk="A#1", sk="T#1", amount=Decimal(30))
    assert found[3] is None
    assert await driver(dynomodel.transact_get, []) == []


async def test_a_failed_condition_cancels_everything_and_says_which(
    accounts: tuple[Any, Any],
) -> None:
    account, transfer = accounts
    with pytest.raises(TransactionCanceledError) as caught:
        async with dynomodel.transaction() as tx:
            tx.put(transfer(pk="A#2", sk="T#1", amount=Decimal(50)))
            tx.update(
                account,
                ("A#2", "ACCOUNT"),
                actions=[attr(account.balance).decrement(50)],
                condition=attr(account.balance) >= 50,
            )
            tx.delete(account, ("A#1", "ACCOUNT"))
    error = caught.value
    assert [r.code for r in error.reasons] == ["None", "ConditionalCheckFailed", "None"]
    (failed,) = error.failed
    assert failed.index == 1
    assert failed.model is account
    assert failed.table == table_of(account).name
    assert failed.key == {"pk": {"S": "A#2"}, "sk": {"S": "ACCOUNT"}}
    assert failed.item is not None and failed.item["balance"] == {"N": "5"}
    assert (
        "action 1" in str(error) and "A#2" in str(error) and "ConditionalCheckFailed" in str(error)
    )
    # Nothing applied.
    assert await transfer.get(pk="A#2", sk="T#1") is None
    assert (await account.get(pk="A#2", sk="ACCOUNT")).balance == Decimal(5)
    assert await account.get(pk="A#1", sk="ACCOUNT") is not None


async def test_bad_transactions_are_refused_before_sending(accounts: tuple[Any, Any]) -> None:
    _, transfer = accounts
    with pytest.raises(InvalidExpressionError, match="at most 100 actions"):
        async with dynomodel.transaction() as tx:
            for i in range(101):
                tx.put(transfer(pk="A#9", sk=f"T#{i}", amount=Decimal(i)))
    assert await transfer.get(pk="A#9", sk="T#0") is None
    with pytest.raises(InvalidExpressionError, match="one action per item"):
        async with dynomodel.transaction() as tx:
            tx.put(transfer(pk="A#9", sk="T#1", amount=Decimal(1)))
            tx.delete(transfer, ("A#9", "T#1"))
    with pytest.raises(InvalidNumberError):
        async with dynomodel.transaction() as tx:
            tx.put(transfer(pk="A#9", sk="T#2", amount=Decimal(1)))
            tx.put(transfer.model_construct(pk="A#9", sk="T#3", amount=Decimal("NaN")))
    with pytest.raises(TypeError, match="key"):
        dynomodel.transaction().delete(transfer)
    with pytest.raises(InvalidExpressionError, match="at most 100 gets"):
        await dynomodel.transact_get([(transfer, ("A#9", f"T#{i}")) for i in range(101)])
    assert await transfer.get(pk="A#9", sk="T#2") is None


async def test_an_error_in_the_block_sends_nothing(accounts: tuple[Any, Any]) -> None:
    _, transfer = accounts
    with pytest.raises(RuntimeError, match="boom"):
        async with dynomodel.transaction() as tx:
            tx.put(transfer(pk="A#1", sk="T#1", amount=Decimal(1)))
            raise RuntimeError("boom")
    assert await transfer.get(pk="A#1", sk="T#1") is None


async def test_a_client_request_token_makes_a_retry_idempotent(
    accounts: tuple[Any, Any],
) -> None:
    account, transfer = accounts

    def send() -> None:
        with dynomodel.transaction(client_request_token="transfer-42") as tx:
            tx.put(transfer(pk="A#1", sk="T#42", amount=Decimal(1)))
            tx.update(account, ("A#1", "ACCOUNT"), actions=[attr(account.balance).decrement(1)])

    send()
    send()  # the same request again: DynamoDB answers it without applying it twice
    assert (await account.get(pk="A#1", sk="ACCOUNT")).balance == Decimal(99)
