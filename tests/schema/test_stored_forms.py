"""`StoredAs`: datetimes in the forms other libraries write (ISO with offset, PynamoDB's text,
epoch seconds, epoch milliseconds) and sets stored as lists; writes use the declared form,
conditions too, and reads accept every form. No server: the codec alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from dynomodel import TTL, DynamoModel, PartitionKey, StoredAs, attr
from dynomodel._expr.builder import ExpressionBuilder
from dynomodel._expr.nodes import Value
from dynomodel.exceptions import InvalidExpressionError, ModelDefinitionError

PLUS_TWO = timezone(timedelta(hours=2))
AT = datetime(2024, 5, 1, 11, 30, 0, 123456, tzinfo=PLUS_TWO)
"""09:30:00.123456 UTC."""


class Event(DynamoModel, table="stored-forms"):
    id: Annotated[str, PartitionKey]
    sortable: datetime
    iso: Annotated[datetime, StoredAs.ISO]
    pynamodb: Annotated[datetime, StoredAs.PYNAMODB]
    seconds: Annotated[datetime, StoredAs.EPOCH_SECONDS]
    millis: Annotated[datetime | None, StoredAs.EPOCH_MILLIS] = None
    tags: Annotated[set[str], StoredAs.LIST] = set()
    numbers: Annotated[frozenset[int], StoredAs.LIST] = frozenset()


def event(**changes: Any) -> Event:
    values: dict[str, Any] = {
        "id": "e1",
        "sortable": AT,
        "iso": AT,
        "pynamodb": AT,
        "seconds": AT,
        "millis": AT,
        "tags": {"b", "a"},
        "numbers": frozenset({3, 1, 2}),
    }
    return Event(**{**values, **changes})


def test_each_form_is_written_as_declared() -> None:
    item = event().to_item()
    assert item["sortable"] == {"S": "2024-05-01T09:30:00.123456Z"}
    assert item["iso"] == {"S": "2024-05-01T11:30:00.123456+02:00"}
    assert item["pynamodb"] == {"S": "2024-05-01T09:30:00.123456+0000"}
    assert item["seconds"] == {"N": "1714555800"}
    assert item["millis"] == {"N": "1714555800123"}
    assert item["tags"] == {"L": [{"S": "a"}, {"S": "b"}]}
    assert item["numbers"] == {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}
    assert "millis" not in event(millis=None).to_item()
    before_epoch = datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
    assert event(millis=before_epoch).to_item()["millis"] == {"N": "-1"}


def test_each_form_reads_back() -> None:
    read = Event.from_item(event().to_item())
    assert read.sortable == read.pynamodb == read.iso == AT
    assert read.iso.utcoffset() == timedelta(hours=2)  # ISO keeps the value's own offset
    assert read.seconds == AT.replace(microsecond=0)
    assert read.millis == AT.replace(microsecond=123000)
    assert read.tags == {"a", "b"} and read.numbers == frozenset({1, 2, 3})


TEXT_FORMS = [
    {"S": "2024-05-01T09:30:00.123456Z"},
    {"S": "2024-05-01T11:30:00.123456+02:00"},
    {"S": "2024-05-01T09:30:00.123456+0000"},
    {"S": "2024-05-01T09:30:00.123456+00:00"},
]


@pytest.mark.parametrize("stored", TEXT_FORMS, ids=lambda s: s["S"])
@pytest.mark.parametrize("field", ["sortable", "iso", "pynamodb"])
def test_text_fields_read_every_form(field: str, stored: dict[str, str]) -> None:
    item = {**event().to_item(), field: stored}
    assert getattr(Event.from_item(item), field) == AT


@pytest.mark.parametrize("field", ["sortable", "iso", "pynamodb"])
def test_text_fields_read_epoch_numbers(field: str) -> None:
    seconds = Event.from_item({**event().to_item(), field: {"N": "1714555800"}})
    assert getattr(seconds, field) == AT.replace(microsecond=0)
    millis = Event.from_item({**event().to_item(), field: {"N": "1714555800123"}})
    assert getattr(millis, field) == AT.replace(microsecond=123000)


@pytest.mark.parametrize("stored", TEXT_FORMS, ids=lambda s: s["S"])
def test_epoch_fields_read_text_forms(stored: dict[str, str]) -> None:
    read = Event.from_item({**event().to_item(), "seconds": stored, "millis": stored})
    assert read.seconds == read.millis == AT


def test_sets_read_from_sets_too() -> None:
    item = {**event().to_item(), "tags": {"SS": ["x", "y"]}, "numbers": {"NS": ["4"]}}
    read = Event.from_item(item)
    assert read.tags == {"x", "y"} and read.numbers == frozenset({4})


def test_conditions_encode_in_the_declared_form() -> None:
    expected = {
        "sortable": {"S": "2024-05-01T09:30:00.123456Z"},
        "iso": {"S": "2024-05-01T11:30:00.123456+02:00"},
        "pynamodb": {"S": "2024-05-01T09:30:00.123456+0000"},
        "seconds": {"N": "1714555800"},
        "millis": {"N": "1714555800123"},
    }
    for name, wire in expected.items():
        builder = ExpressionBuilder()
        builder.condition(attr(getattr(Event, name)) == AT)
        assert builder.values == {":v0": wire}, name


class Stamp(BaseModel):
    at: datetime


class Legacy(DynamoModel, table="legacy", datetime_form=StoredAs.PYNAMODB):
    id: Annotated[str, PartitionKey]
    created: datetime
    history: list[Stamp] = []
    own: Annotated[datetime | None, StoredAs.EPOCH_MILLIS] = None


def test_set_actions_on_a_set_stored_as_a_list_are_refused() -> None:
    for action in (attr(Event.tags).add, attr(Event.tags).delete):
        with pytest.raises(InvalidExpressionError, match=r"stored as a list \(StoredAs\.LIST\)"):
            action({"a"})
    operand = attr(Event.tags).set({"a"}).operands[0]
    assert isinstance(operand, Value) and operand.wire == {"L": [{"S": "a"}]}


def test_a_models_form_reaches_every_datetime_and_a_fields_own_wins() -> None:
    legacy = Legacy(id="l", created=AT, history=[Stamp(at=AT)], own=AT)
    item = legacy.to_item()
    assert item["created"] == {"S": "2024-05-01T09:30:00.123456+0000"}
    assert item["history"]["L"][0]["M"]["at"] == {"S": "2024-05-01T09:30:00.123456+0000"}
    assert item["own"] == {"N": "1714555800123"}
    assert Legacy.from_item(item).created == AT


def test_forms_that_do_not_fit_the_field_are_refused() -> None:
    with pytest.raises(ModelDefinitionError, match=r"StoredAs\.LIST"):

        class WrongList(DynamoModel, table="wrong-list"):
            id: Annotated[str, PartitionKey]
            at: Annotated[datetime, StoredAs.LIST]

    with pytest.raises(ModelDefinitionError, match=r"StoredAs\.PYNAMODB"):

        class WrongDatetime(DynamoModel, table="wrong-datetime"):
            id: Annotated[str, PartitionKey]
            tags: Annotated[set[str], StoredAs.PYNAMODB]

    with pytest.raises(ModelDefinitionError, match="TTL"):

        class WrongTTL(DynamoModel, table="wrong-ttl"):
            id: Annotated[str, PartitionKey]
            expires: Annotated[datetime, TTL, StoredAs.ISO]

    with pytest.raises(ModelDefinitionError, match="datetime_form"):

        class WrongDefault(DynamoModel, table="wrong-default", datetime_form=StoredAs.LIST):
            id: Annotated[str, PartitionKey]


def test_a_marker_inside_an_optional_annotation_counts() -> None:
    class Optional(DynamoModel, table="optional-markers"):
        id: Annotated[str, PartitionKey]
        seconds: Annotated[datetime, StoredAs.EPOCH_SECONDS] | None = None
        expires: Annotated[datetime, TTL] | None = None

    item = Optional(id="a", seconds=AT, expires=AT).to_item()
    assert item["seconds"] == {"N": str(int(AT.timestamp()))}
    assert item["expires"] == {"N": str(int(AT.timestamp()))}
    assert Optional.table.mapping.ttl_field == "expires"
