"""A table shared with PynamoDB or pydynox during a migration: items they wrote are read,
changed and saved by dynomodel in the stored forms they read (`StoredAs`), and read back by
the library that wrote them, equal in every field, the attributes dynomodel does not declare
kept. On both engines, through the endpoint both libraries reach."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated

import pydynox
import pytest
from pydynox import Model as PydynoxModel
from pydynox import ModelConfig
from pydynox.attributes import DatetimeAttribute, ListAttribute, StringAttribute
from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model as PynamoModel

from dynomodel import DynamoClient, DynamoModel, PartitionKey, StoredAs

AT = datetime(2024, 5, 1, 11, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
KEY = "interop"  # DynamoDB Local keeps tables apart by access key: every library uses this one


@pytest.fixture
def shared(endpoint: str) -> DynamoClient:
    return DynamoClient(
        endpoint_url=endpoint, region="us-east-1", access_key_id=KEY, secret_access_key=KEY
    )


async def test_pynamodb_reads_back_what_dynomodel_saved(
    shared: DynamoClient, endpoint: str
) -> None:
    name = f"interop-pynamodb-{uuid.uuid4().hex[:8]}"

    class PynamoOrder(PynamoModel):
        class Meta:
            table_name = name
            host = endpoint
            region = "us-east-1"
            aws_access_key_id = KEY
            aws_secret_access_key = KEY

        id = UnicodeAttribute(hash_key=True)
        placed_at = UTCDateTimeAttribute()
        total = NumberAttribute()
        tags = UnicodeSetAttribute(null=True)
        note = UnicodeAttribute(null=True)

    PynamoOrder.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    PynamoOrder(id="o1", placed_at=AT, total=12.5, tags={"a", "b"}, note="kept").save()

    class Order(DynamoModel, table=name, client=shared, datetime_form=StoredAs.PYNAMODB):
        id: Annotated[str, PartitionKey]
        placed_at: datetime
        total: Decimal
        tags: set[str] = set()

    order = await Order.get(id="o1")
    assert order is not None
    assert (order.placed_at, order.total, order.tags) == (AT, Decimal("12.5"), {"a", "b"})
    order.placed_at = AT + timedelta(days=1)
    order.total = Decimal("13.25")
    order.tags = {"c"}
    await order.save()
    back = PynamoOrder.get("o1")
    assert back.placed_at == AT + timedelta(days=1)
    assert (back.total, back.tags, back.note) == (13.25, {"c"}, "kept")

    await order.update(placed_at=AT + timedelta(days=2))
    assert PynamoOrder.get("o1").placed_at == AT + timedelta(days=2)


async def test_pydynox_reads_back_what_dynomodel_saved(shared: DynamoClient, endpoint: str) -> None:
    name = f"interop-pydynox-{uuid.uuid4().hex[:8]}"
    theirs = pydynox.DynamoDBClient(
        endpoint_url=endpoint, region="us-east-1", access_key=KEY, secret_key=KEY
    )

    class PydynoxEvent(PydynoxModel):
        model_config = ModelConfig(table=name, client=theirs)

        pk = StringAttribute(partition_key=True)
        at = DatetimeAttribute()
        labels = ListAttribute()
        extra = StringAttribute()

    await PydynoxEvent.create_table(wait=True)
    await PydynoxEvent(pk="e1", at=AT, labels=["x", "y"], extra="kept").save()

    class Event(DynamoModel, table=name, client=shared):
        pk: Annotated[str, PartitionKey]
        at: Annotated[datetime, StoredAs.ISO]
        labels: Annotated[set[str], StoredAs.LIST]

    event = await Event.get(pk="e1")
    assert event is not None
    assert event.at == AT and event.at.utcoffset() == timedelta(hours=2)
    assert event.labels == {"x", "y"}
    event.at = AT + timedelta(hours=1)
    event.labels = {"z", "x"}
    await event.save()
    back = await PydynoxEvent.get(pk="e1")
    assert back is not None
    assert back.at == AT + timedelta(hours=1)
    assert sorted(back.labels) == ["x", "z"]
    assert back.extra == "kept"
