"""`save(if_unchanged=True)` on both engines: a put conditioned on the stored item still holding
what the instance was read with, the optimistic lock of a model without a `Version`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import Driver, put_raw
from pydantic import BaseModel

from dynomodel import DynamoClient, DynamoModel, PartitionKey, SortKey, transaction
from dynomodel.exceptions import (
    ConditionalCheckFailedError,
    InvalidExpressionError,
    TransactionCanceledError,
)


class Address(BaseModel):
    city: str
    lines: list[str] = []


def account_model(name: str) -> Any:
    class Account(DynamoModel, table=name):
        owner: Annotated[str, PartitionKey]
        number: Annotated[int, SortKey]
        balance: Decimal
        tags: set[str] = set()
        address: Address | None = None
        note: str | None = None

    return Account


async def test_a_save_after_a_change_by_another_writer_fails(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Account = account_model(table_name)
    await driver(Account.create_table)
    await driver(
        Account(
            owner="ann",
            number=1,
            balance=Decimal(10),
            tags={"a"},
            address=Address(city="Oslo", lines=["x"]),
        ).save
    )
    mine = await driver(Account.get, owner="ann", number=1, consistent_read=True)
    theirs = await driver(Account.get, owner="ann", number=1, consistent_read=True)

    mine.balance += 5
    await driver(mine.save, if_unchanged=True)
    mine.note = "again"  # the item it wrote is what it now holds
    await driver(mine.save, if_unchanged=True)

    theirs.balance -= 1
    with pytest.raises(ConditionalCheckFailedError) as failed:
        await driver(theirs.save, if_unchanged=True)
    assert failed.value.item == mine
    assert theirs.balance == 9  # left as it was

    await driver(theirs.refresh)
    theirs.tags = {"a", "b"}
    await driver(theirs.save, if_unchanged=True)
    assert (await driver(Account.get, owner="ann", number=1, consistent_read=True)).tags == {
        "a",
        "b",
    }


async def test_attributes_added_or_unknown_count_too(client: DynamoClient, table_name: str) -> None:
    Account = account_model(table_name)
    await Account.create_table()
    await Account(owner="bo", number=1, balance=Decimal(1)).save()
    mine = await Account.get(owner="bo", number=1, consistent_read=True)
    # Another writer sets a field this instance read as absent, and an attribute it does not know.
    put_raw(
        client,
        table_name,
        {"owner": {"S": "bo"}, "number": {"N": "1"}, "balance": {"N": "1"}, "note": {"S": "n"}},
    )
    with pytest.raises(ConditionalCheckFailedError):
        await mine.save(if_unchanged=True)
    # An attribute the model does not declare, read with the item and changed since.
    legacy = {
        "owner": {"S": "bo"},
        "number": {"N": "1"},
        "balance": {"N": "1"},
        "legacy": {"N": "1"},
    }
    put_raw(client, table_name, legacy)
    await mine.refresh()
    put_raw(client, table_name, {**legacy, "legacy": {"N": "2"}})
    with pytest.raises(ConditionalCheckFailedError):
        await mine.save(if_unchanged=True)
    await mine.refresh()
    await mine.delete()
    with pytest.raises(ConditionalCheckFailedError):
        await mine.save(if_unchanged=True)  # the item is gone


async def test_only_instances_that_keep_their_item(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Account = account_model(table_name)
    await driver(Account.create_table)
    with pytest.raises(InvalidExpressionError, match="keeps no item it was read with"):
        await driver(Account(owner="cy", number=1, balance=Decimal(1)).save, if_unchanged=True)
    await driver(Account(owner="cy", number=1, balance=Decimal(1)).save)
    [paged] = await driver.list(Account.query(partition_key="cy"))
    with pytest.raises(InvalidExpressionError, match="refresh\\(\\) it first"):
        await driver(paged.save, if_unchanged=True)
    await driver(paged.refresh)
    await driver(paged.update, balance=Decimal(2))
    paged.note = "kept"
    await driver(paged.save, if_unchanged=True)


async def test_in_a_transaction(client: DynamoClient, table_name: str, driver: Driver) -> None:
    Account = account_model(table_name)
    await driver(Account.create_table)
    await driver(Account(owner="di", number=1, balance=Decimal(1)).save)
    mine = await driver(Account.get, owner="di", number=1, consistent_read=True)
    theirs = await driver(Account.get, owner="di", number=1, consistent_read=True)
    mine.balance = Decimal(5)
    async with driver.block(transaction()) as tx:
        tx.put(mine, if_unchanged=True)
    theirs.balance = Decimal(7)
    with pytest.raises(TransactionCanceledError) as canceled:
        async with driver.block(transaction()) as tx:
            tx.put(theirs, if_unchanged=True)
    assert canceled.value.reasons[0].code == "ConditionalCheckFailed"
