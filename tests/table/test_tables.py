"""Tables as teams use them: capacity, existing tables, names DynamoDB refuses, bases that hold
the keys, keys that do not match the table, and errors that name what was meant."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest
from pydantic import BaseModel

from dynomodel import (
    DynamoClient,
    DynamoModel,
    GlobalIndex,
    LocalIndex,
    PartitionKey,
    SortKey,
    Table,
    dynamo_table,
    table_of,
)
from dynomodel.exceptions import (
    DynamoValidationError,
    InvalidExpressionError,
    InvalidKeyError,
    ModelDefinitionError,
    TableExistsError,
)


def order_model(name: str) -> Any:
    class Order(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        total: Decimal = Decimal(0)
        status: str = "new"
        by_status: ClassVar[GlobalIndex] = GlobalIndex("status-index", partition_key="status")
        by_total: ClassVar[LocalIndex] = LocalIndex("total-index", sort_key="total")

    return Order


def test_a_provisioned_table_takes_capacity_for_itself_and_each_index(
    client: DynamoClient, table_name: str
) -> None:
    Order = order_model(table_name)
    with pytest.raises(InvalidExpressionError, match="needs read_capacity"):
        Order.sync_create_table(billing_mode="PROVISIONED")
    with pytest.raises(InvalidExpressionError, match="not global indexes"):
        Order.sync_create_table(
            billing_mode="PROVISIONED",
            read_capacity=1,
            write_capacity=1,
            index_capacity={"total-index": (1, 1)},
        )
    with pytest.raises(InvalidExpressionError, match="PROVISIONED tables only"):
        Order.sync_create_table(read_capacity=5)
    assert not Order.sync_table_exists()  # nothing was sent

    created = Order.sync_create_table(
        billing_mode="PROVISIONED",
        read_capacity=5,
        write_capacity=3,
        index_capacity={"status-index": (2, 1)},
    )
    assert created.billing_mode == "PROVISIONED"
    assert created.capacity == (5, 3)
    assert created.index_capacity == {"status-index": (2, 1)}
    with pytest.raises(TableExistsError):
        Order.sync_create_table()
    assert Order.sync_create_table(exist_ok=True).capacity == (5, 3)
    assert Order.sync_describe_table().name == table_name
    Order.sync_delete_table()
    assert not Order.sync_table_exists()


async def test_tables_of_a_handle_are_managed_from_it(
    client: DynamoClient, table_name: str
) -> None:
    @dynamo_table(table_name, partition_key="email")
    class User(BaseModel):
        email: str

    users = table_of(User)
    description = await users.create_table()
    assert description.capacity is None and description.index_capacity == {}
    assert (await users.create_table(exist_ok=True)).name == table_name
    assert await users.table_exists()
    assert (await users.describe_table()).partition_key == ("email", "S")
    await users.delete_table()
    assert not await users.table_exists()


@pytest.mark.parametrize("name", ["a b", "x", "bad/name", "t" * 256, ""])
def test_names_dynamodb_refuses_are_refused_at_declaration(name: str) -> None:
    with pytest.raises(ModelDefinitionError, match="3 to 255 characters"):

        class Named(DynamoModel, table=name or "x"):
            pk: Annotated[str, PartitionKey]

    class Plain(BaseModel):
        pk: str

    with pytest.raises(ModelDefinitionError, match="3 to 255 characters"):
        Table(Plain, name, partition_key="pk")
    with pytest.raises(ModelDefinitionError, match="3 to 255 characters"):
        GlobalIndex(name, partition_key="pk")


def test_a_base_declares_the_keys_and_subclasses_name_their_tables(
    client: DynamoClient, table_name: str
) -> None:
    class Entity(DynamoModel):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        kind: str = "entity"
        by_kind: ClassVar[GlobalIndex] = GlobalIndex("kind-index", partition_key="kind")

    class Customer(Entity, table=table_name):
        name: str

    class Archived(Entity, table=f"{table_name}-archive"):
        reason: str = ""

    assert table_of(Customer).key_fields == ("pk", "sk")
    assert table_of(Archived).name == f"{table_name}-archive"
    Customer.sync_create_table()
    Customer(pk="c", sk="profile", name="Ada").sync_save()
    assert Customer.sync_get(pk="c", sk="profile").name == "Ada"
    assert Customer.by_kind.sync_query(partition_key="entity").sync_first().name == "Ada"
    with pytest.raises(ModelDefinitionError, match="not mapped to a table"):
        Entity.sync_get(pk="c", sk="profile")


def test_model_keys_that_do_not_match_the_table_say_what_the_table_has(
    client: DynamoClient, table_name: str
) -> None:
    client.sync_create_table(table_name, ("id", "S"))
    Order = order_model(table_name)
    with pytest.raises(DynamoValidationError, match=r"table .* has the keys id \(S\)") as raised:
        Order(pk="a", sk="b").sync_save()
    assert "pk (S), sk (S)" in str(raised.value)
    with pytest.raises(DynamoValidationError, match=r"has the keys id \(S\)"):
        Order.sync_get(pk="a", sk="b")


def test_unknown_and_missing_key_fields_are_named(client: DynamoClient, table_name: str) -> None:
    Order = order_model(table_name)
    with pytest.raises(
        InvalidKeyError, match=r"unknown option or key field 'partition'.*keys are pk, sk"
    ):
        Order.sync_get(partition="a", sk="b")
    with pytest.raises(InvalidKeyError, match=r"'consistent' \(did you mean consistent_read\?\)"):
        Order.sync_get(pk="a", sk="b", consistent=True)
    with pytest.raises(InvalidKeyError, match="missing key field 'sk'"):
        Order.sync_get(pk="a")
    with pytest.raises(InvalidKeyError, match="unknown option or key field 'sk_'"):
        Order.sync_delete_by_key(pk="a", sk_="b")
    with pytest.raises(InvalidKeyError, match=r"'totl' \(did you mean total\?\) is not a field"):
        Order.sync_update_by_key(pk="a", sk="b", totl=Decimal(1))
    with pytest.raises(InvalidKeyError, match="missing key field 'sk'"):
        Order.sync_update_by_key(pk="a", total=Decimal(1))
    with pytest.raises(InvalidKeyError, match="keys are pk, sk"):
        Order.sync_batch_get([{"pk": "a", "sort": "b"}])
    with pytest.raises(InvalidKeyError, match="a key tuple holds pk, sk"):
        Order.sync_batch_get([("a",)])
