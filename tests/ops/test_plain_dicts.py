"""`as_dict=True` builds the dicts of a plain model (plain types, no constraints, validators,
serializers or computed fields) straight from the stored items, without pydantic. They must be
the very dumps of the models the same items read as: the same keys in the same order, the same
values of the same types, defaults filled in; and an item the decoder cannot take as it is
(another type stored, another library's datetime, a field missing) reads as pydantic reads it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

import pytest
from conftest import put_raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, field_validator
from samples import Address, Color, dynamo_ints, field_values

from dynomodel import DynamoClient, DynamoModel, PartitionKey


class Plain(BaseModel):
    text: str
    flag: bool = False
    tally: int = 0
    amount: Decimal = Decimal(0)
    ratio: float = 0.5
    blob: bytes = b""
    maybe: str | None = None
    required_maybe: int | None
    names: set[str] = set()
    ints: set[int] = Field(default_factory=set)
    blobs: set[bytes] = set()
    items: list[int] = Field(default_factory=list)
    scores: dict[str, Decimal] = {}
    address: Address | None = None
    addresses: list[Address] = []
    when: dt.datetime | None = None
    day: dt.date | None = None
    anything: Any = None


plain_rows = st.fixed_dictionaries(
    {"text": st.text(), "required_maybe": st.none() | dynamo_ints},
    optional={
        name: field_values[name] for name in Plain.model_fields.keys() - {"text", "required_maybe"}
    },
)


def stored_model(base: type[BaseModel], name: str) -> Any:
    class Stored(DynamoModel, base, table=name):  # type: ignore[misc, valid-type]
        pk: Annotated[str, PartitionKey]

    return Stored


@pytest.fixture
def plain(client: DynamoClient, table_name: str) -> Any:
    model = stored_model(Plain, table_name)
    model.sync_create_table()
    return model


def same(left: Any, right: Any) -> bool:
    """Equal, of the same types all the way down."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


def dumped(found: dict[str, Any], model: BaseModel) -> bool:
    """`found` is the dump of `model`: the same values and types, its fields and those of its
    nested models in the same order (a stored map's keys come in the order DynamoDB keeps
    them, which may change from one read to the next)."""
    dump = model.model_dump()
    records = [(found, dump)]
    if isinstance(found.get("address"), dict):
        records.append((found["address"], dump["address"]))
    records += zip(found.get("addresses", []), dump.get("addresses", []), strict=True)
    return same(found, dump) and all(list(a) == list(b) for a, b in records)


def test_which_models_dump_as_their_decoded_items(table_name: str) -> None:
    def plain_of(base: type[BaseModel]) -> bool:
        native = stored_model(base, table_name).table.mapping.codec.native
        return bool(native.plain)

    class Lowered(BaseModel):
        model_config = ConfigDict(str_to_lower=True)
        text: str

    class Validated(BaseModel):
        text: str

        @field_validator("text")
        @classmethod
        def upper(cls, value: str) -> str:
            return value.upper()

    class Constrained(BaseModel):
        tally: Annotated[int, Field(gt=0)]

    class Computed(BaseModel):
        text: str

        @computed_field  # type: ignore[prop-decorator]
        @property
        def size(self) -> int:
            return len(self.text)

    class Excluded(BaseModel):
        text: str = Field(exclude=True)

    class Colored(BaseModel):
        color: Color

    class Filled(BaseModel):
        items: list[int] = [1, 2]

    class Identified(BaseModel):
        ident: uuid.UUID

    class Nesting(BaseModel):
        inner: Validated

    assert plain_of(Plain)
    for base in (
        Lowered,
        Validated,
        Constrained,
        Computed,
        Excluded,
        Colored,
        Filled,
        Identified,
        Nesting,
    ):
        assert not plain_of(base), base.__name__


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(plain_rows, min_size=1, max_size=4))
def test_dicts_of_a_plain_model_are_its_dumps(plain: Any, rows: list[dict[str, Any]]) -> None:
    partition = uuid.uuid4().hex
    saved = {f"{partition}#{i}": plain(pk=f"{partition}#{i}", **row) for i, row in enumerate(rows)}
    with plain.sync_batch_write() as batch:
        for model in saved.values():
            batch.put(model)
    mine = lambda found: {d["pk"]: d for d in found if d["pk"].startswith(partition)}  # noqa: E731
    models = {m.pk: m for m in plain.sync_scan(consistent_read=True) if m.pk in saved}
    dicts = mine(plain.sync_scan(consistent_read=True, as_dict=True))
    assert dicts.keys() == saved.keys()
    for pk, model in saved.items():
        assert dumped(dicts[pk], models[pk]), pk
        assert dicts[pk] == model.model_dump()
    got = plain.sync_batch_get(list(saved), consistent_read=True)
    got_dicts = plain.sync_batch_get(list(saved), consistent_read=True, as_dict=True)
    assert all(dumped(d, m) for d, m in zip(got_dicts, got, strict=True))


def test_defaults_are_new_for_each_dict(plain: Any) -> None:
    with plain.sync_batch_write() as batch:
        for pk in ("a", "b"):
            batch.put(plain(pk=pk, text=pk, required_maybe=None))
    first, second = plain.sync_scan(consistent_read=True, as_dict=True)
    assert first["items"] == second["items"] == []
    assert first["items"] is not second["items"]
    assert first["ints"] is not second["ints"]
    assert first["required_maybe"] is None and first["ratio"] == 0.5


@pytest.mark.parametrize(
    ("stored", "field"),
    [
        ({"tally": {"N": "7.0"}}, "tally"),  # a fraction pydantic reads as an int
        ({"when": {"S": "2024-05-06T07:08:09+02:00"}}, "when"),  # another library's datetime
        ({"day": {"S": "2024-5-6"}}, "day"),  # not ISO: pydantic refuses it
        ({"text": {"N": "12"}}, "text"),  # a number where the model holds text
        ({"flag": {"S": "true"}}, "flag"),  # text pydantic reads as a bool
        ({"items": {"L": [{"N": "1"}, {"S": "2"}]}}, "items"),
        ({"addresses": {"L": [{"M": {"city": {"S": "x"}}}]}}, "addresses"),  # street missing
        ({"names": {"L": [{"S": "x"}]}}, "names"),  # a set stored as a list
    ],
)
def test_items_the_decoder_cannot_take_read_as_pydantic_reads_them(
    client: DynamoClient, plain: Any, table_name: str, stored: dict[str, Any], field: str
) -> None:
    item = {
        **plain(pk="odd", text="t", required_maybe=None).to_item(),
        "unknown": {"S": "x"},
        **stored,
    }
    put_raw(client, table_name, item)
    try:
        (model,) = plain.sync_scan(consistent_read=True)
    except ValidationError as error:
        with pytest.raises(ValidationError) as raised:
            list(plain.sync_scan(consistent_read=True, as_dict=True))
        assert raised.value.errors() == error.errors()
        return
    (found,) = plain.sync_scan(consistent_read=True, as_dict=True)
    assert dumped(found, model), field


def test_a_missing_required_field_is_pydantics_to_report(
    client: DynamoClient, plain: Any, table_name: str
) -> None:
    put_raw(client, table_name, {"pk": {"S": "bare"}})
    with pytest.raises(ValidationError, match="text"):
        list(plain.sync_scan(consistent_read=True, as_dict=True))


def test_models_that_are_not_plain_still_dump_through_pydantic(
    client: DynamoClient, table_name: str
) -> None:
    class Lowered(BaseModel):
        model_config = ConfigDict(str_to_lower=True)
        text: str

    model = stored_model(Lowered, table_name)
    model.sync_create_table()
    put_raw(client, table_name, {"pk": {"S": "k"}, "text": {"S": "MiXeD"}})
    assert list(model.sync_scan(as_dict=True)) == [{"text": "mixed", "pk": "k"}]


def test_fields_named_like_schema_keys(client: DynamoClient, table_name: str) -> None:
    class Named(BaseModel):
        type: str
        ref: str
        cls: int = 0

    model = stored_model(Named, table_name)
    assert model.table.mapping.codec.native.plain
    model.sync_create_table()
    model(pk="k", type="model", ref="x").sync_save()
    assert list(model.sync_scan(as_dict=True)) == [
        {"type": "model", "ref": "x", "cls": 0, "pk": "k"}
    ]
