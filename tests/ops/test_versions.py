"""Optimistic locking (`Version`) and time to live (`TTL`) against a real DynamoDB Local."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pytest
from conftest import Driver, get_raw, put_raw
from pydantic import BaseModel, Field

import dynomodel
from dynomodel import (
    TTL,
    DynamoClient,
    DynamoModel,
    PartitionKey,
    SortKey,
    Version,
    attr,
    dynamo_table,
    expires_in,
    table_of,
)
from dynomodel.exceptions import (
    ConditionalCheckFailedError,
    InvalidExpressionError,
    ModelDefinitionError,
    NaiveDatetimeError,
    TransactionCanceledError,
)

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
BILLION = dt.datetime.fromtimestamp(1_000_000_000, dt.UTC)
"""2001-09-09T01:46:40Z: where epoch seconds go from 9 to 10 digits."""


def account_model(name: str) -> Any:
    class Account(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        total: int = 0
        note: str = ""
        version: Annotated[int, Version] = 0

    return Account


def optional_model(name: str) -> Any:
    class Loose(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        total: int = 0
        version: Annotated[int | None, Version] = None

    return Loose


def session_model(name: str) -> Any:
    class Session(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        expires: Annotated[dt.datetime, TTL] = Field(alias="exp_at")
        note: str = ""

    return Session


@pytest.fixture
def accounts(client: DynamoClient, table_name: str) -> Any:
    model = account_model(table_name)
    model.sync_create_table()
    return model


@pytest.fixture
def loose(client: DynamoClient, table_name: str) -> Any:
    model = optional_model(table_name)
    model.sync_create_table()
    return model


def raw(model: Any, **key: Any) -> dict[str, Any] | None:
    """The item as stored, in wire form, read strongly consistent and without the codec."""
    table = table_of(model)
    return get_raw(table.client, table.name, table.mapping.codec.key(key))


def calls(model: Any) -> int:
    return int(table_of(model).stats.calls)


# -- Version


async def test_first_save_stores_version_one_and_each_save_the_next(accounts: Any) -> None:
    account = accounts(pk="a", total=1)
    assert account.version == 0
    await account.save()
    assert account.version == 1
    stored = raw(accounts, pk="a")
    assert stored == {
        "pk": {"S": "a"},
        "total": {"N": "1"},
        "note": {"S": ""},
        "version": {"N": "1"},
    }
    loaded = await accounts.get(pk="a", consistent_read=True)
    assert loaded is not None and loaded.version == 1 and loaded == account
    assert loaded.to_item() == stored

    account.total = 2
    await account.save()
    assert account.version == 2
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "2"} and stored["total"] == {"N": "2"}


async def test_a_stale_copy_fails_to_save_update_and_delete(accounts: Any) -> None:
    current = accounts(pk="a", total=1)
    await current.save()
    stale = current.model_copy()
    current.total = 2
    await current.save()
    assert (current.version, stale.version) == (2, 1)
    stored = raw(accounts, pk="a")

    stale.total = 99
    with pytest.raises(ConditionalCheckFailedError) as raised:
        await stale.save()
    assert raised.value.raw_item == stored
    assert raised.value.item == current and raised.value.model is accounts
    assert (stale.version, stale.total, stale.note) == (1, 99, "")

    with pytest.raises(ConditionalCheckFailedError):
        await stale.update(note="late")
    assert (stale.version, stale.total, stale.note) == (1, 99, "")

    with pytest.raises(ConditionalCheckFailedError):
        await stale.delete()
    assert (stale.version, stale.total, stale.note) == (1, 99, "")

    assert raw(accounts, pk="a") == stored
    assert stored is not None and stored["version"] == {"N": "2"}
    assert stored["total"] == {"N": "2"} and stored["note"] == {"S": ""}


async def test_a_new_instance_cannot_replace_a_versioned_item(accounts: Any) -> None:
    await accounts(pk="a", total=1).save()
    newcomer = accounts(pk="a", total=5)
    with pytest.raises(ConditionalCheckFailedError):
        await newcomer.save()
    assert (newcomer.version, newcomer.total) == (0, 5)
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "1"} and stored["total"] == {"N": "1"}

    # Also past version 1.
    current = await accounts.get(pk="a", consistent_read=True)
    await current.save()
    with pytest.raises(ConditionalCheckFailedError):
        await accounts(pk="a", total=6).save()
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "2"} and stored["total"] == {"N": "1"}


async def test_a_new_instance_may_replace_an_item_without_a_version(
    client: DynamoClient, accounts: Any
) -> None:
    name = table_of(accounts).name
    put_raw(client, name, {"pk": {"S": "bare"}, "total": {"N": "3"}})
    put_raw(client, name, {"pk": {"S": "zero"}, "total": {"N": "3"}, "version": {"N": "0"}})
    for pk in ("bare", "zero"):
        account = accounts(pk=pk, total=4)
        await account.save()
        assert account.version == 1
        stored = raw(accounts, pk=pk)
        assert stored is not None
        assert stored["version"] == {"N": "1"} and stored["total"] == {"N": "4"}


async def test_update_bumps_the_version_and_refuses_to_set_it(accounts: Any) -> None:
    account = accounts(pk="a", total=1)
    await account.save()
    await account.update(total=7)
    assert (account.version, account.total) == (2, 7)
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "2"} and stored["total"] == {"N": "7"}

    await account.update(actions=[attr(accounts.total).increment(3)])
    assert (account.version, account.total) == (3, 10)

    before = calls(accounts)
    with pytest.raises(InvalidExpressionError, match="Version"):
        await account.update(version=5)
    with pytest.raises(InvalidExpressionError, match="Version"):
        await account.update(actions=[attr(accounts.version).set(3)])
    with pytest.raises(InvalidExpressionError, match="Version"):
        await account.update(actions=[attr(accounts.version).increment()], note="x")
    with pytest.raises(InvalidExpressionError, match="Version"):
        await accounts.update_by_key(pk="a", actions=[attr(accounts.version).set(3)])
    assert calls(accounts) == before
    assert (account.version, account.total, account.note) == (3, 10, "")
    stored = raw(accounts, pk="a")
    assert stored is not None and stored["version"] == {"N": "3"}


async def test_update_by_key_adds_one_or_checks_the_expected_version(accounts: Any) -> None:
    account = accounts(pk="a", total=1)
    await account.save()

    updated = await accounts.update_by_key(pk="a", total=3)
    assert (updated.version, updated.total) == (2, 3)
    stored = raw(accounts, pk="a")
    assert stored is not None and stored["version"] == {"N": "2"}

    with pytest.raises(ConditionalCheckFailedError):
        await accounts.update_by_key(pk="a", version=1, total=4)
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "2"} and stored["total"] == {"N": "3"}

    updated = await accounts.update_by_key(pk="a", version=2, total=4)
    assert (updated.version, updated.total) == (3, 4)
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "3"} and stored["total"] == {"N": "4"}

    # The instance saved at version 1 is now stale.
    with pytest.raises(ConditionalCheckFailedError):
        await account.update(total=5)
    assert account.version == 1


async def test_update_by_key_starts_the_version_of_an_unversioned_item(
    client: DynamoClient, accounts: Any
) -> None:
    put_raw(client, table_of(accounts).name, {"pk": {"S": "a"}})
    updated = await accounts.update_by_key(pk="a", total=2)
    assert (updated.version, updated.total) == (1, 2)


async def test_delete_checks_the_version(accounts: Any) -> None:
    account = accounts(pk="a")
    await account.save()
    stale = account.model_copy()
    await account.update(note="changed")
    with pytest.raises(ConditionalCheckFailedError):
        await stale.delete()
    assert stale.version == 1
    kept = await accounts.get(pk="a", consistent_read=True)
    assert kept is not None and (kept.version, kept.note) == (2, "changed")

    await account.delete()
    assert raw(accounts, pk="a") is None


async def test_transactions_check_and_bump_versions(accounts: Any) -> None:
    a = accounts(pk="a", total=1)
    b = accounts(pk="b", total=1)
    await a.save()
    await b.save()
    stale_b = b.model_copy()
    c = accounts(pk="c", total=1)

    a.total = 10
    async with dynomodel.transaction() as tx:
        tx.put(a)
        tx.update(b, total=5)
        tx.put(c)
        assert (a.version, b.version, c.version, b.total) == (1, 1, 0, 1)
    assert (a.version, b.version, c.version) == (2, 2, 1)
    assert b.total == 5
    for pk, version, total in (("a", "2", "10"), ("b", "2", "5"), ("c", "1", "1")):
        stored = raw(accounts, pk=pk)
        assert stored is not None
        assert (stored["version"], stored["total"]) == ({"N": version}, {"N": total}), pk

    stored_before = {pk: raw(accounts, pk=pk) for pk in "abc"}
    a.total = 20
    with pytest.raises(TransactionCanceledError) as raised:
        async with dynomodel.transaction() as tx:
            tx.put(a)
            tx.update(stale_b, total=99)
            tx.delete(c)
    failed = raised.value.failed
    assert len(failed) == 1
    assert failed[0].code == "ConditionalCheckFailed"
    assert failed[0].model is accounts and failed[0].index == 1
    assert failed[0].key == {"pk": {"S": "b"}}
    assert {pk: raw(accounts, pk=pk) for pk in "abc"} == stored_before
    assert (a.version, a.total) == (2, 20)
    assert (stale_b.version, stale_b.total) == (1, 1)
    assert c.version == 1


async def test_transaction_delete_and_put_of_stale_instances(accounts: Any) -> None:
    a = accounts(pk="a")
    await a.save()
    stale = a.model_copy()
    await a.save()
    with pytest.raises(TransactionCanceledError) as raised:
        async with dynomodel.transaction() as tx:
            tx.delete(stale)
    assert [r.code for r in raised.value.failed] == ["ConditionalCheckFailed"]
    assert raw(accounts, pk="a") is not None

    with pytest.raises(TransactionCanceledError) as raised:
        async with dynomodel.transaction() as tx:
            tx.put(accounts(pk="a", total=9))
    assert [r.code for r in raised.value.failed] == ["ConditionalCheckFailed"]

    async with dynomodel.transaction() as tx:
        tx.delete(a)
    assert raw(accounts, pk="a") is None


async def test_transaction_updates_by_key_check_a_given_version(accounts: Any) -> None:
    await accounts(pk="a", total=1).save()
    await accounts(pk="b", total=1).save()
    with pytest.raises(TransactionCanceledError) as raised:
        async with dynomodel.transaction() as tx:
            tx.update(accounts, "a", version=1, total=2)
            tx.update(accounts, "b", version=0, total=2)
    assert [(r.index, r.code) for r in raised.value.failed] == [(1, "ConditionalCheckFailed")]
    stored = raw(accounts, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "1"} and stored["total"] == {"N": "1"}

    async with dynomodel.transaction() as tx:
        tx.update(accounts, "a", version=1, total=2)
        tx.update(accounts, "b", total=3)
    for pk, total in (("a", "2"), ("b", "3")):
        stored = raw(accounts, pk=pk)
        assert stored is not None
        assert (stored["version"], stored["total"]) == ({"N": "2"}, {"N": total}), pk


async def test_batch_writes_neither_check_nor_bump_the_version(accounts: Any) -> None:
    current = accounts(pk="a", total=1)
    await current.save()
    await current.save()
    async with accounts.batch_write() as batch:
        batch.put(accounts(pk="a", total=7))
        batch.put(accounts(pk="b", total=8, version=5))
    assert raw(accounts, pk="a") == {
        "pk": {"S": "a"},
        "total": {"N": "7"},
        "note": {"S": ""},
        "version": {"N": "0"},
    }
    stored = raw(accounts, pk="b")
    assert stored is not None and stored["version"] == {"N": "5"}
    # The instance saved at version 2 no longer matches what is stored.
    with pytest.raises(ConditionalCheckFailedError):
        await current.save()


async def test_an_optional_version_works_the_same(loose: Any) -> None:
    item = loose(pk="a", total=1)
    assert item.version is None
    assert "version" not in item.to_item()
    await item.save()
    assert item.version == 1
    assert raw(loose, pk="a") == {"pk": {"S": "a"}, "total": {"N": "1"}, "version": {"N": "1"}}

    with pytest.raises(ConditionalCheckFailedError):
        await loose(pk="a", total=2).save()

    stale = item.model_copy()
    await item.update(total=3)
    assert item.version == 2
    with pytest.raises(ConditionalCheckFailedError):
        await stale.save()
    with pytest.raises(ConditionalCheckFailedError):
        await stale.update(total=4)
    with pytest.raises(ConditionalCheckFailedError):
        await stale.delete()
    assert (stale.version, stale.total) == (1, 1)
    stored = raw(loose, pk="a")
    assert stored is not None
    assert stored["version"] == {"N": "2"} and stored["total"] == {"N": "3"}

    updated = await loose.update_by_key(pk="a", total=5)
    assert updated.version == 3
    with pytest.raises(ConditionalCheckFailedError):
        await loose.update_by_key(pk="a", version=2, total=6)
    with pytest.raises(ConditionalCheckFailedError):
        await loose.update_by_key(pk="a", version=None, total=6)

    await item.refresh()
    assert item.version == 3
    await item.delete()
    assert raw(loose, pk="a") is None

    # A never-saved instance (None) may be written where there is no item.
    fresh = loose(pk="b")
    async with dynomodel.transaction() as tx:
        tx.put(fresh)
    assert fresh.version == 1


async def test_every_operation_checks_and_bumps_the_version(accounts: Any, driver: Driver) -> None:
    account = accounts(pk="a", total=1)
    await driver(account.save)
    assert account.version == 1
    stale = account.model_copy()
    await driver(account.update, total=2)
    assert account.version == 2
    with pytest.raises(ConditionalCheckFailedError):
        await driver(stale.save)
    with pytest.raises(ConditionalCheckFailedError):
        await driver(stale.update, total=3)
    with pytest.raises(ConditionalCheckFailedError):
        await driver(stale.delete)
    with pytest.raises(ConditionalCheckFailedError):
        await driver(accounts.update_by_key, pk="a", version=1, total=3)
    with pytest.raises(InvalidExpressionError):
        await driver(account.update, version=9)
    assert (stale.version, stale.total) == (1, 1)

    assert (await driver(accounts.update_by_key, pk="a", total=4)).version == 3
    await driver(account.refresh)
    assert (account.version, account.total) == (3, 4)

    with pytest.raises(TransactionCanceledError):
        async with driver.block(dynomodel.transaction()) as tx:
            tx.update(stale, total=5)
    async with driver.block(dynomodel.transaction()) as tx:
        tx.update(account, total=6)
    assert (account.version, account.total) == (4, 6)

    loaded = await driver(accounts.get, pk="a", consistent_read=True)
    assert loaded is not None and (loaded.version, loaded.total) == (4, 6)
    await driver(account.delete)
    assert await driver(accounts.get, pk="a", consistent_read=True) is None


def test_version_on_a_decorated_model(client: DynamoClient, table_name: str) -> None:
    @dynamo_table(table_name, partition_key="email")
    class User(BaseModel):
        email: str
        name: str
        revision: Annotated[int, Version] = 0

    users = table_of(User)
    users.sync_create_table()
    user = User(email="a@b", name="Ann")
    users.sync_save(user)
    stale = user.model_copy()
    users.sync_update(user, name="Anna")
    assert (user.revision, user.name) == (2, "Anna")
    with pytest.raises(ConditionalCheckFailedError):
        users.sync_save(stale)
    assert users.sync_get(email="a@b") == User(email="a@b", name="Anna", revision=2)


# -- model definitions


def test_version_must_be_an_int() -> None:
    with pytest.raises(ModelDefinitionError, match=r"Bad\.version.*Version") as raised:

        class Bad(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            version: Annotated[str, Version] = ""

    assert "int" in str(raised.value)


def test_at_most_one_version_field() -> None:
    with pytest.raises(ModelDefinitionError, match="at most one field is the Version, found a, b"):

        class Twice(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            a: Annotated[int, Version] = 0
            b: Annotated[int, Version] = 0


def test_a_key_cannot_be_the_version() -> None:
    with pytest.raises(ModelDefinitionError, match=r"Keyed\.pk cannot also be a key"):

        class Keyed(DynamoModel, table="things"):
            pk: Annotated[int, PartitionKey, Version]

    with pytest.raises(ModelDefinitionError, match=r"Sorted\.sk cannot also be a key"):

        class Sorted(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            sk: Annotated[int, SortKey, Version]


def test_ttl_must_be_a_datetime() -> None:
    with pytest.raises(ModelDefinitionError, match=r"Bad\.expires.*TTL.*datetime"):

        class Bad(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            expires: Annotated[int, TTL]

    with pytest.raises(ModelDefinitionError, match="at most one field is the TTL"):

        class Twice(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            a: Annotated[dt.datetime, TTL]
            b: Annotated[dt.datetime, TTL]

    with pytest.raises(ModelDefinitionError, match=r"Decorated\.expires.*TTL"):

        @dynamo_table("things", partition_key="pk")
        class Decorated(BaseModel):
            pk: str
            expires: Annotated[dt.date, TTL]


# -- TTL


def test_ttl_is_stored_as_whole_epoch_seconds() -> None:
    Session = session_model("sessions")
    plus_two = dt.timezone(dt.timedelta(hours=2))
    local = dt.datetime(2024, 1, 1, 12, 0, 0, 999_999, tzinfo=plus_two)
    utc = dt.datetime(2024, 1, 1, 10, 0, 0, 999_999, tzinfo=dt.UTC)
    for when in (local, utc):
        item = Session(pk="p", sk="s", exp_at=when).to_item()
        assert item["exp_at"] == {"N": "1704103200"}
        assert "expires" not in item
        loaded = Session.from_item(item)
        assert loaded.expires == dt.datetime(2024, 1, 1, 10, 0, 0, tzinfo=dt.UTC)
        assert loaded.expires == when.replace(microsecond=0)
        assert loaded.expires.utcoffset() == dt.timedelta(0)

    # Floor, not truncation toward zero, before the epoch.
    before_epoch = dt.datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=dt.UTC)
    item = Session(pk="p", sk="s", exp_at=before_epoch).to_item()
    assert item["exp_at"] == {"N": "-1"}
    assert Session.from_item(item).expires == dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


async def test_ttl_round_trips_through_dynamodb(client: DynamoClient, table_name: str) -> None:
    Session = session_model(table_name)
    await Session.create_table()
    when = dt.datetime(2030, 5, 6, 7, 8, 9, 654_321, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    await Session(pk="p", sk="s", exp_at=when).save()
    stored = raw(Session, pk="p", sk="s")
    assert stored is not None
    assert stored["exp_at"] == {"N": str(int(when.timestamp()))}
    assert stored["exp_at"] == {"N": "1904299689"}
    loaded = await Session.get(pk="p", sk="s", consistent_read=True)
    assert loaded is not None
    assert loaded.expires == when.replace(microsecond=0)
    assert loaded.expires.utcoffset() == dt.timedelta(0)


async def test_a_naive_ttl_is_refused(client: DynamoClient, table_name: str) -> None:
    Session = session_model(table_name)
    await Session.create_table()
    naive = Session(pk="p", sk="s", exp_at=dt.datetime(2030, 1, 1))
    with pytest.raises(NaiveDatetimeError):
        naive.to_item()
    before = calls(Session)
    with pytest.raises(NaiveDatetimeError):
        await naive.save()
    assert calls(Session) == before
    assert raw(Session, pk="p", sk="s") is None


async def test_an_optional_ttl_left_empty_is_left_out(
    client: DynamoClient, table_name: str
) -> None:
    class Cache(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        expires: Annotated[dt.datetime | None, TTL] = None

    await Cache.create_table()
    assert Cache(pk="a").to_item() == {"pk": {"S": "a"}}
    await Cache(pk="a").save()
    assert raw(Cache, pk="a") == {"pk": {"S": "a"}}
    loaded = await Cache.get(pk="a", consistent_read=True)
    assert loaded is not None and loaded.expires is None
    assert Cache(pk="b", expires=BILLION).to_item() == {
        "pk": {"S": "b"},
        "expires": {"N": "1000000000"},
    }
    assert await client.time_to_live(table_name) == "expires"


def test_expires_in_is_aware_utc_from_now() -> None:
    value = expires_in(dt.timedelta(days=1))
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)
    assert abs(value - expected) < dt.timedelta(minutes=5)
    assert abs(expires_in(dt.timedelta(0)) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


async def test_create_table_enables_ttl_on_the_stored_name(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Session = session_model(table_name)
    await driver(Session.create_table)
    assert await driver(client.time_to_live, table_name) == "exp_at"

    plain = account_model(f"{table_name}-plain")
    await driver(plain.create_table)
    assert await driver(client.time_to_live, f"{table_name}-plain") is None

    @dynamo_table(f"{table_name}-tokens", partition_key="pk")
    class Token(BaseModel):
        pk: str
        expires: Annotated[dt.datetime, TTL] = Field(serialization_alias="valid_until")

    await driver(table_of(Token).create_table, wait=False)
    assert await driver(client.time_to_live, f"{table_name}-tokens") == "valid_until"
    await driver(table_of(Token).save, Token(pk="a", expires=BILLION))
    assert raw(Token, pk="a") == {"pk": {"S": "a"}, "valid_until": {"N": "1000000000"}}


async def test_conditions_on_the_ttl_compare_numbers(client: DynamoClient, table_name: str) -> None:
    Session = session_model(table_name)
    await Session.create_table()
    # 999_999_900 < 1_000_000_000 as numbers, not as strings.
    offsets = {"early": -100, "edge": 0, "late": 100, "later": 90_000}
    for sk, seconds in offsets.items():
        await Session(pk="p", sk=sk, exp_at=BILLION + dt.timedelta(seconds=seconds)).save()

    before = Session.query(partition_key="p", filter_condition=attr(Session.expires) < BILLION)
    assert [s.sk async for s in before] == ["early"]
    after = Session.scan(filter_condition=attr(Session.expires) >= BILLION)
    assert sorted([s.sk async for s in after]) == ["edge", "late", "later"]
    between = Session.sync_scan(
        filter_condition=attr(Session.expires).between(
            BILLION - dt.timedelta(seconds=1), BILLION + dt.timedelta(seconds=100, microseconds=1)
        )
    )
    assert sorted(s.sk for s in between) == ["edge", "late"]

    late = await Session.get(pk="p", sk="late", consistent_read=True)
    with pytest.raises(ConditionalCheckFailedError):
        await late.update(note="x", condition=attr(Session.expires) > BILLION + dt.timedelta(1))
    await late.update(note="y", condition=attr(Session.expires) > BILLION)
    assert late.note == "y"

    moved = BILLION + dt.timedelta(days=2, microseconds=500)
    await late.update(expires=moved)
    assert late.expires == BILLION + dt.timedelta(days=2)
    stored = raw(Session, pk="p", sk="late")
    assert stored is not None and stored["exp_at"] == {"N": str(1_000_000_000 + 2 * 86_400)}
    await late.update(actions=[attr(Session.expires).set(BILLION)])
    stored = raw(Session, pk="p", sk="late")
    assert stored is not None and stored["exp_at"] == {"N": "1000000000"}
