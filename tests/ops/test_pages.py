"""A page of a query or scan, and the items of a batch get, are read from DynamoDB's response
body by the decoder itself; single items still come through the SDK's values. Both must give
back exactly what was saved: every kind of field, every stored type of an attribute the model
does not declare, text that JSON has to escape, and the dict and projected shapes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest
from conftest import put_raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import Fields, every_field

from dynomodel import DynamoClient, DynamoModel, PartitionKey, unknown_attributes


def stored_model(name: str) -> Any:
    class Stored(DynamoModel, Fields, table=name):
        pk: Annotated[str, PartitionKey]

    return Stored


@pytest.fixture
def stored(client: DynamoClient, table_name: str) -> Any:
    model = stored_model(table_name)
    model.sync_create_table()
    return model


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(every_field, min_size=1, max_size=4))
def test_pages_and_batches_read_from_the_body_equal_the_sdks_values_and_the_saved_models(
    stored: Any, rows: list[dict[str, Any]]
) -> None:
    partition = uuid.uuid4().hex
    saved = {f"{partition}#{i}": stored(pk=f"{partition}#{i}", **row) for i, row in enumerate(rows)}
    with stored.sync_batch_write() as batch:
        for model in saved.values():
            batch.put(model)
    keys = list(saved)
    by_sdk = [stored.sync_get(pk=pk, consistent_read=True) for pk in keys]
    by_batch = stored.sync_batch_get(keys, consistent_read=True)
    by_body = {
        m.pk: m for m in stored.sync_scan(consistent_read=True) if m.pk.startswith(partition)
    }
    assert by_sdk == by_batch == list(saved.values())
    assert by_body == saved
    for pk, model in saved.items():
        for name in Fields.model_fields:
            assert type(getattr(by_body[pk], name)) is type(getattr(model, name)), name
    dicts = {
        d["pk"]: d
        for d in stored.sync_scan(consistent_read=True, as_dict=True)
        if d["pk"].startswith(partition)
    }
    assert dicts == {pk: m.model_dump() for pk, m in saved.items()}


# Every stored type, with text JSON escapes and binary that is not UTF-8.
FOREIGN = {
    "legacy": {"S": 'quote " back \\ slash \n tab \t nul \x00 é 💡'},
    "count": {"N": "-0.000000000000000000000000000000000001"},
    "raw": {"B": bytes(range(256))},
    "switch": {"BOOL": False},
    "nothing": {"NULL": True},
    "labels": {"SS": ["a", "\u2028", '"']},
    "sizes": {"NS": ["1", "2.5", "-70000000000"]},
    "chunks": {"BS": [b"\x00", b"\xff\xfe"]},
    "history": {"L": [{"S": "x"}, {"N": "1"}, {"L": []}, {"M": {"k": {"NULL": True}}}]},
    "meta": {"M": {"nested": {"M": {"deep": {"BS": [b"\x01"]}}}, "empty": {"S": ""}}},
}


def test_attributes_the_model_does_not_declare_come_back_as_stored(
    client: DynamoClient, stored: Any, table_name: str
) -> None:
    item = {**stored(pk="foreign").to_item(), **FOREIGN}
    put_raw(client, table_name, item)
    by_sdk = stored.sync_get(pk="foreign", consistent_read=True)
    (by_body,) = stored.sync_scan(consistent_read=True)
    (by_batch,) = stored.sync_batch_get(["foreign"], consistent_read=True)
    # A set comes back in whatever order the engine keeps it, not always the same for two calls.
    assert unordered(unknown_attributes(by_body)) == unordered(unknown_attributes(by_sdk))
    assert unordered(unknown_attributes(by_batch)) == unordered(FOREIGN)
    assert unordered(unknown_attributes(by_body)) == unordered(FOREIGN)
    # The model saved again keeps every one of them.
    assert unordered(by_body.to_item()) == unordered({**stored(pk="foreign").to_item(), **FOREIGN})


def unordered(item: dict[str, Any]) -> dict[str, Any]:
    def value(wire: dict[str, Any]) -> dict[str, Any]:
        ((tag, payload),) = wire.items()
        if tag in ("SS", "NS", "BS"):
            return {tag: sorted(payload)}
        if tag == "L":
            return {tag: [value(v) for v in payload]}
        if tag == "M":
            return {tag: unordered(payload)}
        return wire

    return {name: value(wire) for name, wire in item.items()}


def test_projected_pages_and_counts(stored: Any) -> None:
    with stored.sync_batch_write() as batch:
        for i in range(7):
            batch.put(stored(pk=f"p{i}", text=f"t{i}", tally=i, blob=bytes([i])))
    projected = stored.sync_scan(projection=["pk", "tally", "blob"], as_dict=True)
    assert sorted((d["pk"], d["tally"], d["blob"]) for d in projected) == [
        (f"p{i}", i, bytes([i])) for i in range(7)
    ]
    assert stored.sync_count() == 7
    first = stored.sync_scan(page_size=3, limit=3)
    head = list(first)
    assert len(head) == 3 and first.last_evaluated_key is not None
    rest = list(stored.sync_scan(page_size=3, last_evaluated_key=first.last_evaluated_key))
    assert sorted(m.pk for m in head + rest) == [f"p{i}" for i in range(7)]
