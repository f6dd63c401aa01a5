"""What is stored is what comes back, and writes go to the item an instance was read from:
projected reads, keys other libraries wrote, pydantic's special types and serializers, explicit
None, computed fields. Against a real DynamoDB Local."""

from __future__ import annotations

import datetime as dt
import uuid
import warnings
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    HttpUrl,
    Json,
    PlainSerializer,
    SecretStr,
    computed_field,
    field_serializer,
    model_serializer,
)

from dynomodel import (
    DynamoClient,
    DynamoModel,
    GlobalIndex,
    PartitionKey,
    SortKey,
    Table,
    attr,
    table_of,
    transaction,
)
from dynomodel._expr.builder import ExpressionBuilder
from dynomodel.exceptions import (
    InvalidStringError,
    ModelDefinitionError,
    PartialInstanceError,
    UnexpectedTypeError,
)


def projected_model(name: str) -> Any:
    class Account(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        total: Decimal = Decimal(0)
        status: str = "new"
        note: str | None = None
        by_status: ClassVar[GlobalIndex] = GlobalIndex(
            "status-index", partition_key="status", projection="KEYS_ONLY"
        )

    return Account


@pytest.fixture
def accounts(client: DynamoClient, table_name: str) -> Any:
    account = projected_model(table_name)
    account.sync_create_table()
    account(pk="1", total=Decimal(5), status="paid", note="kept").sync_save()
    return account


def test_a_projected_read_cannot_be_saved_whole(accounts: Any) -> None:
    partial = accounts.sync_query(partition_key="1", projection=["pk", "total"]).sync_first()
    assert (partial.total, partial.status, partial.note) == (Decimal(5), "new", None)
    with pytest.raises(PartialInstanceError, match="update") as raised:
        partial.sync_save()
    assert raised.value.unread == {"status", "note"}
    with pytest.raises(PartialInstanceError), accounts.sync_batch_write() as batch:
        batch.put(partial)
    with pytest.raises(PartialInstanceError), transaction() as tx:
        tx.put(partial)
    stored = accounts.sync_get(pk="1", consistent_read=True)
    assert (stored.status, stored.note) == ("paid", "kept")

    partial.sync_update(total=Decimal(7))  # writes what changed, then holds the whole item
    assert (partial.total, partial.status, partial.note) == (Decimal(7), "paid", "kept")
    partial.sync_save()
    assert accounts.sync_get(pk="1", consistent_read=True) == partial


def test_batch_gets_and_index_projections_mark_their_models_too(accounts: Any) -> None:
    (partial,) = accounts.sync_batch_get(["1"], projection=["pk"])
    with pytest.raises(PartialInstanceError, match="total"):
        partial.sync_save()
    keys_only = accounts.by_status.sync_query(partition_key="paid").sync_first()
    with pytest.raises(PartialInstanceError):
        keys_only.sync_save()
    whole = accounts.sync_scan().sync_first()
    whole.sync_save()  # a whole read saves as ever


def foreign_tables(name: str) -> tuple[Any, Any]:
    """The same table seen by dynomodel (typed keys) and as another library wrote it (text)."""

    class Event(DynamoModel, table=name):
        pk: Annotated[uuid.UUID, PartitionKey]
        at: Annotated[dt.datetime, SortKey]
        note: str = ""

    class Written(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        at: Annotated[str, SortKey]
        note: str = ""

    return Event, Written


async def test_an_instance_writes_to_the_item_it_was_read_from(table_name: str) -> None:
    Event, Written = foreign_tables(table_name)
    await Event.create_table()
    pk = "A1B2C3D4-0000-4000-8000-00000000000F"  # upper case, as some writers store UUIDs
    await Written(pk=pk, at="2024-05-01T09:30:15.123456+0000", note="pynamodb").save()

    # Keys are found by value only in dynomodel's own form (declaring stored forms comes
    # later), so read the item by a scan.
    loaded = await Event.scan().first()
    assert loaded is not None and loaded.pk == uuid.UUID(pk)
    assert loaded.at == dt.datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    await loaded.update(note="updated")
    await loaded.save()
    stored = [w async for w in Written.scan()]
    assert [(w.pk, w.at, w.note) for w in stored] == [
        (pk, "2024-05-01T09:30:15.123456+0000", "updated")
    ]
    assert loaded.to_item()["at"] == {"S": "2024-05-01T09:30:15.123456+0000"}

    moved = loaded.model_copy(update={"at": loaded.at + dt.timedelta(days=1)})
    await moved.save()  # a changed key is a new item, in dynomodel's own form
    assert sorted(w.at for w in [w async for w in Written.scan()]) == [
        "2024-05-01T09:30:15.123456+0000",
        "2024-05-02T09:30:15.123456Z",
    ]
    await loaded.delete()
    assert [w.at async for w in Written.scan()] == ["2024-05-02T09:30:15.123456Z"]


async def test_a_table_handle_batch_writes_to_its_own_table(
    client: DynamoClient, table_name: str
) -> None:
    Account = projected_model(table_name)
    other = Table(Account, f"{table_name}-other", partition_key="pk")
    await Account.create_table()
    await other.create_table()
    async with other.batch_write() as first:
        first.put(Account(pk="a"))
    with other.sync_batch_write() as second:
        second.put(Account(pk="b"))
    assert other.stats.calls == 2
    assert other.stats.write_units == first.stats.write_units + second.stats.write_units > 0
    assert table_of(Account).stats.calls == 0
    assert sorted(a.pk for a in other.sync_scan()) == ["a", "b"]
    assert list(Account.sync_scan()) == []


def test_batch_writes_count_in_the_table_stats(accounts: Any) -> None:
    stats = table_of(accounts).stats
    calls, units = stats.calls, stats.write_units
    with accounts.sync_batch_write() as batch:
        for i in range(30):
            batch.put(accounts(pk=f"b{i}"))
    assert stats.calls == calls + 2  # 25, then 5
    # Each put writes the item and its index entry: DynamoDB reports both.
    assert stats.write_units == units + batch.stats.write_units >= units + 30


class Profile(BaseModel):
    shoe: int


def special_model(name: str) -> Any:
    class Special(DynamoModel, table=name):
        model_config = ConfigDict(extra="allow")

        pk: Annotated[str, PartitionKey]
        secret: SecretStr = SecretStr("")
        settings: Json[dict[str, int]] = {}  # type: ignore[assignment]
        site: HttpUrl | None = None
        csv: Annotated[
            list[str],
            PlainSerializer(lambda v: ",".join(v), return_type=str),
            BeforeValidator(lambda v: v.split(",") if isinstance(v, str) else v),
        ] = []
        labels: set[str] = set()

        @field_serializer("labels")
        def sorted_labels(self, labels: set[str]) -> list[str]:
            return sorted(labels)

    return Special


def test_pydantic_types_are_stored_as_they_read_back(client: DynamoClient, table_name: str) -> None:
    Special = special_model(table_name)
    Special.sync_create_table()
    special = Special(
        pk="s",
        secret=SecretStr("hunter2"),
        settings='{"a": 1}',
        site="https://example.com/x",
        csv=["a", "b"],
        labels={"b", "a"},
        shoe=42,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic's serialization warnings included
        item = special.to_item()
        special.sync_save()
    assert item["secret"] == {"S": "hunter2"}
    assert item["settings"] == {"S": '{"a":1}'}
    assert item["site"] == {"S": "https://example.com/x"}
    assert item["csv"] == {"S": "a,b"}
    assert item["labels"] == {"L": [{"S": "a"}, {"S": "b"}]}
    assert item["shoe"] == {"N": "42"}
    back = Special.sync_get(pk="s", consistent_read=True)
    assert back.secret.get_secret_value() == "hunter2"
    assert back.settings == {"a": 1}
    assert str(back.site) == "https://example.com/x"
    assert back.csv == ["a", "b"] and back.labels == {"a", "b"}
    assert back.model_extra == {"shoe": 42}
    assert back == special
    builder = ExpressionBuilder()
    builder.condition(attr(Special.csv) == ["x", "y"])
    assert builder.values == {":v0": {"S": "x,y"}}  # a condition compares the stored form


def test_a_model_serializer_is_refused_at_definition() -> None:
    with pytest.raises(ModelDefinitionError, match="model_serializer"):

        class Whole(DynamoModel, table="wholes"):
            pk: Annotated[str, PartitionKey]

            @model_serializer
            def dump(self) -> dict[str, Any]:
                return {"pk": self.pk}


def nullable_model(name: str) -> Any:
    class Note(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        text: str | None = "default"
        sparse: str | None = None
        tags: set[str] = {"default"}
        plain: set[str] = set()

    return Note


def test_explicit_none_and_empty_sets_read_back_as_saved(
    client: DynamoClient, table_name: str
) -> None:
    Note = nullable_model(table_name)
    Note.sync_create_table()
    note = Note(pk="n", text=None, tags=set())
    item = note.to_item()
    assert item == {"pk": {"S": "n"}, "text": {"NULL": True}, "tags": {"L": []}}
    note.sync_save()
    back = Note.sync_get(pk="n", consistent_read=True)
    assert (back.text, back.sparse, back.tags, back.plain) == (None, None, set(), set())

    Note(pk="m").sync_save()
    updated = Note.sync_update_by_key(pk="m", text=None, tags=set())
    assert (updated.text, updated.tags) == (None, set())
    fresh = Note.sync_get(pk="m", consistent_read=True)
    fresh.sync_update(text=None)
    assert Note.sync_get(pk="m", consistent_read=True).text is None


def test_computed_fields_are_stored_and_key_an_index(client: DynamoClient, table_name: str) -> None:
    class Person(DynamoModel, table=table_name, store_computed=True):
        pk: Annotated[str, PartitionKey]
        first: str
        last: str
        by_name: ClassVar[GlobalIndex] = GlobalIndex("name-index", partition_key="full_name")

        @computed_field  # type: ignore[prop-decorator]
        @property
        def full_name(self) -> str:
            return f"{self.first} {self.last}"

    Person.sync_create_table()
    ada = Person(pk="p1", first="Ada", last="Lovelace")
    assert ada.to_item()["full_name"] == {"S": "Ada Lovelace"}
    ada.sync_save()
    assert Person.by_name.sync_query(partition_key="Ada Lovelace").sync_first() == ada
    ada.sync_update(last="Byron")
    assert Person.by_name.sync_query(partition_key="Ada Lovelace").sync_first() is None
    assert Person.by_name.sync_query(partition_key="Ada Byron").sync_first() == ada

    with pytest.raises(ModelDefinitionError, match="not @computed_fields"):

        class Wrong(DynamoModel, table="wrongs", store_computed=["nope"]):
            pk: Annotated[str, PartitionKey]


def test_a_lone_surrogate_is_an_encode_error_naming_the_field() -> None:
    Note = nullable_model("notes")
    with pytest.raises(InvalidStringError, match=r"Note\.text: .*lone surrogate") as raised:
        Note(pk="n", text="bad \ud800").to_item()
    assert (raised.value.model, raised.value.field) == ("Note", "text")
    with pytest.raises(InvalidStringError, match="tags"):
        Note(pk="n", tags={"\udfff"}).to_item()


def test_a_decimal_given_a_str_says_it_expects_a_decimal() -> None:
    Account = projected_model("accounts")
    with pytest.raises(UnexpectedTypeError, match="expected Decimal, found str"):
        attr(Account.total) == "3"  # noqa: B015
