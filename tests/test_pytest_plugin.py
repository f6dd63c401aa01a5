"""The pytest plugin, as a user meets it: a test file that asks for `dynomodel_memory` and
nothing else, run by pytest in a fresh directory (`pytester`)."""

from __future__ import annotations

import pytest

MODELS = """
from typing import Annotated
from dynomodel import DynamoModel, PartitionKey, SortKey


class User(DynamoModel, table="users"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    name: str
    age: int = 0
"""


def test_the_seeds_testing_example_passes_with_the_fixture_alone(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_users=MODELS
        + """

def test_create_and_get(dynomodel_memory):
    User(pk="USER#1", sk="PROFILE", name="John", age=30).sync_save()
    found = User.sync_get(pk="USER#1", sk="PROFILE")
    assert found is not None and found.name == "John" and found.age == 30


def test_update(dynomodel_memory):
    user = User(pk="USER#1", sk="PROFILE", name="John")
    user.sync_save()
    user.sync_update(name="Jane", age=25)
    found = User.sync_get(pk="USER#1", sk="PROFILE")
    assert (found.name, found.age) == ("Jane", 25)


def test_delete(dynomodel_memory):
    user = User(pk="USER#1", sk="PROFILE", name="John")
    user.sync_save()
    user.sync_delete()
    assert User.sync_get(pk="USER#1", sk="PROFILE") is None


def test_get_not_found(dynomodel_memory):
    assert User.sync_get(pk="USER#999", sk="PROFILE") is None


def test_update_by_key(dynomodel_memory):
    User(pk="USER#1", sk="PROFILE", name="John").sync_save()
    User.sync_update_by_key(pk="USER#1", sk="PROFILE", name="Jane")
    assert User.sync_get(pk="USER#1", sk="PROFILE").name == "Jane"


def test_delete_by_key(dynomodel_memory):
    User(pk="USER#1", sk="PROFILE", name="John").sync_save()
    User.sync_delete_by_key(pk="USER#1", sk="PROFILE")
    assert User.sync_get(pk="USER#1", sk="PROFILE") is None


def test_each_test_starts_empty(dynomodel_memory):
    assert list(User.sync_scan()) == []
"""
    )
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_async_tests_boto3_on_the_url_and_manual_tables(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_more=MODELS
        + """
import asyncio

import boto3
import pytest

from dynomodel.exceptions import TableNotFoundError


def test_a_loop_of_its_own(dynomodel_memory):
    async def run():
        await User(pk="A", sk="B", name="Ann").save()
        return [u.name async for u in User.query(partition_key="A")]

    assert asyncio.run(run()) == ["Ann"]


@pytest.mark.asyncio
async def test_async_test(dynomodel_memory):
    await User(pk="A", sk="B", name="Ann").save()
    assert (await User.get(pk="A", sk="B")).name == "Ann"


def test_boto3_sees_the_same_data(dynomodel_memory, dynomodel_memory_url):
    User(pk="A", sk="B", name="Ann").sync_save()
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=dynomodel_memory_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
    )
    item = dynamodb.get_item(TableName="users", Key={"pk": {"S": "A"}, "sk": {"S": "B"}})
    assert item["Item"]["name"] == {"S": "Ann"}
    cy = {"pk": {"S": "C"}, "sk": {"S": "D"}, "name": {"S": "Cy"}}
    dynamodb.put_item(TableName="users", Item=cy)
    assert User.sync_get(pk="C", sk="D").name == "Cy"


@pytest.mark.dynomodel(create_tables=False)
def test_table_management(dynomodel_memory):
    with pytest.raises(TableNotFoundError):
        User.sync_get(pk="A", sk="B")
    User.sync_create_table()
    assert User.sync_table_exists()
    User.sync_delete_table()
    assert not User.sync_table_exists()


def test_a_table_created_by_the_test_stays_as_created(dynomodel_memory):
    description = User.sync_create_table(
        billing_mode="PROVISIONED", read_capacity=3, write_capacity=4
    )
    User(pk="A", sk="B", name="Ann").sync_save()
    assert User.sync_describe_table().capacity == (3, 4) == description.capacity
"""
    )
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
