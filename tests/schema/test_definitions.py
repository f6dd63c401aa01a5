"""Model declarations are checked when the class is created."""

from __future__ import annotations

import enum
import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest
from pydantic import BaseModel, Field

from dynomodel import (
    DynamoModel,
    GlobalIndex,
    LocalIndex,
    PartitionKey,
    SortKey,
    Table,
    dynamo_table,
    table_of,
)
from dynomodel.exceptions import ModelDefinitionError


class Status(enum.StrEnum):
    OPEN = "open"


def test_key_types_that_work() -> None:
    for key_type in (str, int, Decimal, bytes, Status, uuid.UUID):

        class Keyed(DynamoModel, table="things"):
            pk: Annotated[key_type, PartitionKey]  # type: ignore[valid-type]
            sk: Annotated[str, SortKey]

        assert table_of(Keyed).partition_key == "pk"


@pytest.mark.parametrize(
    ("annotation", "words"),
    [
        (float, "not exact enough"),
        (bool, "strings, numbers or binary"),
        (str | None, "cannot be None"),
        (list[str], "strings, numbers or binary"),
    ],
)
def test_bad_key_types(annotation: Any, words: str) -> None:
    with pytest.raises(ModelDefinitionError, match=words) as raised:

        class Bad(DynamoModel, table="things"):
            pk: Annotated[annotation, PartitionKey]  # type: ignore[valid-type]

    assert "Bad" in str(raised.value) and "'pk'" in str(raised.value)


def test_exactly_one_partition_key() -> None:
    with pytest.raises(ModelDefinitionError, match="exactly one partition key"):

        class NoKey(DynamoModel, table="things"):
            name: str

    with pytest.raises(ModelDefinitionError, match="found 2: a, b"):

        class TwoKeys(DynamoModel, table="things"):
            a: Annotated[str, PartitionKey]
            b: Annotated[str, PartitionKey]


def test_at_most_one_sort_key_and_not_both() -> None:
    with pytest.raises(ModelDefinitionError, match="found 2"):

        class TwoSorts(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            a: Annotated[str, SortKey]
            b: Annotated[str, SortKey]

    with pytest.raises(ModelDefinitionError, match="both"):

        class Both(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey, SortKey]


def test_bad_maps() -> None:
    with pytest.raises(ModelDefinitionError, match="map keys are strings"):

        class IntKeys(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            by_id: dict[int, str]

    with pytest.raises(ModelDefinitionError, match="must all be str, all numbers or all bytes"):

        class MixedSet(DynamoModel, table="things"):
            pk: Annotated[str, PartitionKey]
            mixed: set[int | str]


def test_subclasses_inherit_the_table() -> None:
    class Base(DynamoModel, table="things"):
        pk: Annotated[str, PartitionKey]

    class Special(Base):
        extra: int = 0

    assert table_of(Special).name == "things"
    assert table_of(Special).model is Special
    assert Special.from_item(Special(pk="a", extra=2).to_item()).extra == 2


class PlainUser(BaseModel):
    email: str
    name: str = Field(description="display name")
    age: int | None = None


def test_decorator_leaves_the_class_unchanged() -> None:
    before = PlainUser.model_json_schema()
    mro = PlainUser.__mro__
    decorated = dynamo_table("users", partition_key="email")(PlainUser)
    assert decorated is PlainUser and PlainUser.__mro__ == mro
    assert PlainUser.model_json_schema() == before
    assert isinstance(PlainUser(email="a@b", name="A"), BaseModel)
    users = table_of(PlainUser)
    assert isinstance(users, Table) and users.name == "users" and users.sort_key is None
    user = PlainUser(email="a@b", name="A", age=3)
    assert users.from_item(users.to_item(user)) == user
    assert users.from_items([users.to_item(user)]) == [user]


def test_decorator_checks_keys() -> None:
    with pytest.raises(ModelDefinitionError, match="not a field"):
        dynamo_table("users", partition_key="nope")(PlainUser)
    with pytest.raises(ModelDefinitionError, match="cannot be None"):
        dynamo_table("users", partition_key="age")(PlainUser)
    with pytest.raises(ModelDefinitionError, match="name the partition key"):
        dynamo_table("users")(PlainUser)

    class Undecorated(BaseModel):
        x: int

    with pytest.raises(ModelDefinitionError, match="not mapped to a table"):
        table_of(Undecorated)


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (GlobalIndex("g-index", partition_key="nope"), "'nope' is not a field"),
        (GlobalIndex("g-index", partition_key="ratio"), "must be a str, number or bytes field"),
        (GlobalIndex("g-index", partition_key="tags"), "must be a str, number or bytes field"),
        (GlobalIndex("g-index", partition_key="status", projection=["nope"]), "unknown fields"),
        (LocalIndex("l-index", sort_key="status"), "needs a table with a sort key"),
    ],
)
def test_bad_indexes_are_refused_when_the_class_is_made(index: Any, message: str) -> None:
    with pytest.raises(ModelDefinitionError, match=message):

        @dynamo_table("things", partition_key="pk", indexes=[index])
        class Indexed(BaseModel):
            pk: str
            status: str | None = None
            ratio: float = 0.0
            tags: set[str] = set()


def test_optional_fields_can_key_a_sparse_index() -> None:
    class Sparse(DynamoModel, table="things"):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        coupon: str | None = None
        by_coupon: ClassVar[GlobalIndex] = GlobalIndex("c-index", partition_key="coupon")
        by_coupon_local: ClassVar[LocalIndex] = LocalIndex("l-index", sort_key="coupon")

    assert table_of(Sparse).mapping.index_schema(None, {}) == [
        ("c-index", True, ("coupon", "S"), None, ("ALL", []), None),
        ("l-index", False, ("pk", "S"), ("coupon", "S"), ("ALL", []), None),
    ]
    with pytest.raises(ValueError, match="projection"):
        GlobalIndex("x-index", partition_key="coupon", projection="SOME")  # type: ignore[arg-type]
