"""`@dynamo_table` on a standard-library `@dataclass` and on a pydantic dataclass, on both
engines: validation through pydantic, the same typed `Table` handle, the same codec."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import pydantic
import pytest
from conftest import Driver, get_raw, put_raw

from dynomodel import (
    DynamoClient,
    KeyTemplate,
    PartitionKey,
    SortKey,
    Version,
    attr,
    dynamo_table,
    table_of,
    unknown_attributes,
)
from dynomodel.exceptions import ConditionalCheckFailedError, ModelDefinitionError


def user_model(name: str) -> Any:
    @dynamo_table(name)
    @dataclasses.dataclass
    class User:
        email: Annotated[str, PartitionKey]
        name: str
        age: int = 0
        tags: set[str] = dataclasses.field(default_factory=set)
        seen: datetime | None = None
        balance: Decimal = Decimal(0)
        version: Annotated[int, Version] = 0

    return User


async def test_a_dataclass_round_trips(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    User = user_model(table_name)
    users = table_of(User)
    await driver(users.create_table)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    user = User(email="a@example.com", name="Ann", tags={"x"}, seen=when, balance=Decimal("0.10"))
    await driver(users.save, user)
    assert user.version == 1
    loaded = await driver(users.get, email="a@example.com", consistent_read=True)
    assert type(loaded) is User and loaded == user
    await driver(users.update, loaded, age=3)
    assert loaded.age == 3 and loaded.version == 2
    with pytest.raises(pydantic.ValidationError):
        await driver(users.update, loaded, age="three")
    with pytest.raises(ConditionalCheckFailedError):
        await driver(users.save, user)  # version 1 is stale
    found = await driver.list(users.scan(filter_condition=attr(User.age) >= 3))
    assert found == [loaded]
    await driver(users.delete, loaded)
    assert await driver(users.get, email="a@example.com") is None


async def test_unknown_attributes_of_a_dataclass_survive(
    client: DynamoClient, table_name: str
) -> None:
    User = user_model(table_name)
    users = table_of(User)
    await users.create_table()
    put_raw(
        client,
        table_name,
        {"email": {"S": "b@example.com"}, "name": {"S": "Bo"}, "legacy": {"N": "7"}},
    )
    user = await users.get(email="b@example.com")
    assert user is not None and unknown_attributes(user) == {"legacy": {"N": "7"}}
    user.name = "Bob"
    await users.save(user)
    stored = get_raw(client, table_name, {"email": {"S": "b@example.com"}})
    assert stored is not None and stored["legacy"] == {"N": "7"} and stored["name"] == {"S": "Bob"}


async def test_a_pydantic_dataclass_with_key_templates(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    @dynamo_table(
        table_name, partition_key=KeyTemplate("pk", "EV#{kind}"), sort_key=KeyTemplate("sk", "{at}")
    )
    @pydantic.dataclasses.dataclass
    class Event:
        kind: str
        at: datetime
        amount: Decimal = Decimal(0)

        @pydantic.computed_field  # type: ignore[prop-decorator]
        @property
        def doubled(self) -> Decimal:
            return self.amount * 2

    events = table_of(Event)
    await driver(events.create_table)
    event = Event(kind="pay", at=datetime(2024, 1, 1, tzinfo=UTC), amount=Decimal("1.5"))
    await driver(events.save, event)
    stored = get_raw(
        client, table_name, {"pk": {"S": "EV#pay"}, "sk": {"S": "2024-01-01T00:00:00.000000Z"}}
    )
    assert stored is not None and stored["_type"] == {"S": "Event"}
    assert await driver.list(events.query(kind="pay")) == [event]
    with pytest.raises(pydantic.ValidationError):
        Event(kind="pay", at="not a time")  # type: ignore[arg-type]


def test_classes_that_cannot_be_mapped() -> None:
    with pytest.raises(ModelDefinitionError, match="slots=True"):

        @dynamo_table("slotted", partition_key="a")
        @dataclasses.dataclass(slots=True)
        class Slotted:
            a: str

    with pytest.raises(
        ModelDefinitionError,
        match="a pydantic model, a pydantic dataclass or a standard-library @dataclass",
    ):

        @dynamo_table("plain", partition_key="a")
        class Plain:
            a: str

    with pytest.raises(ModelDefinitionError, match="key"):

        @dynamo_table("bad-key", partition_key="a", sort_key="b")
        @dataclasses.dataclass
        class BadKey:
            a: Annotated[str, PartitionKey]
            b: Annotated[float, SortKey]
