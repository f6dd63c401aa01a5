"""`Encrypted` fields against real APIs: DynamoDB on both backends, KMS on moto. Round trips of
every field type through every read and write, what is stored, the binding of a value to its
table, item and attribute, the data key cache (counted KMS calls), and the refusals."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pytest
from conftest import Driver, MakeClient
from pydantic import BaseModel

import dynomodel
from dynomodel import (
    DynamoClient,
    DynamoModel,
    Encrypted,
    GlobalIndex,
    KeyCache,
    KeyTemplate,
    PartitionKey,
    SortKey,
    Version,
    attr,
)
from dynomodel.exceptions import (
    ConditionalCheckFailedError,
    DecryptionError,
    EncryptionError,
    KmsError,
    ModelDefinitionError,
    TransactionCanceledError,
)

KEY = "alias/app"
Secret = Encrypted(key_id=KEY)


class Address(BaseModel):
    street: str
    number: int


def vault_model(client: DynamoClient, table: str) -> Any:
    class Vault(DynamoModel, table=table, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        text: Annotated[str, Secret]
        whole: Annotated[int, Secret] = 0
        exact: Annotated[Decimal, Secret] = Decimal(0)
        real: Annotated[float, Secret] = 0.0
        flag: Annotated[bool, Secret] = False
        blob: Annotated[bytes, Secret] = b""
        when: Annotated[dt.datetime | None, Secret] = None
        lines: Annotated[list[str], Secret] = []
        meta: Annotated[dict[str, int], Secret] = {}
        tags: Annotated[set[str], Secret] = set()
        numbers: Annotated[set[int], Secret] = set()
        address: Annotated[Address | None, Secret] = None
        maybe: Annotated[str | None, Secret] = None
        plain: str = "visible"

    return Vault


def full(vault: Any, sk: int) -> Any:
    return vault(
        pk="V#1",
        sk=sk,
        text="4111 1111 1111 1111" * (300 if sk == 0 else 1),  # > 4 KB for item 0
        whole=-(10**20),
        exact=Decimal("12345.678901234567890123456789"),
        real=0.1,
        flag=True,
        blob=bytes(range(256)),
        when=dt.datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=dt.UTC),
        lines=["a", "", "c"],
        meta={"x": 1, "y": -2},
        tags={"red", "blue"},
        numbers={1, 2, 3},
        address=Address(street="Rue-Cachee", number=7),
    )


@pytest.fixture
def vault(make_client: MakeClient, key_id: str) -> Any:
    return vault_model(make_client(), f"v-{uuid.uuid4().hex[:10]}")


async def test_every_field_type_round_trips_through_every_read(vault: Any, driver: Driver) -> None:
    written = [full(vault, sk) for sk in range(3)]
    for item in written:
        await driver(item.save)
    assert await driver(vault.get, pk="V#1", sk=0) == written[0]
    assert await driver.list(vault.query(partition_key="V#1")) == written
    assert await driver.list(vault.scan()) == written
    assert await driver(vault.batch_get, [("V#1", 2), ("V#1", 1)]) == written[2:0:-1]
    rows = await driver.list(vault.query(partition_key="V#1", as_dict=True))
    assert rows[1]["text"] == written[1].text and rows[1]["address"] == {
        "street": "Rue-Cachee",
        "number": 7,
    }
    got = await driver(dynomodel.transact_get, [(vault, ("V#1", 1))])
    assert got == [written[1]]


async def test_batch_writes_and_transactions_encrypt(
    vault: Any, make_client: MakeClient, driver: Driver
) -> None:
    async with driver.block(vault.batch_write()) as batch:
        for sk in range(30):
            batch.put(full(vault, sk))
    async with driver.block(dynomodel.transaction()) as tx:
        tx.put(full(vault, 100))
    raw = make_client()
    for sk in (5, 100):
        stored = raw.native.get_item(
            vault.table.name, {"pk": {"S": "V#1"}, "sk": {"N": str(sk)}}, True, True
        ).item
        assert stored is not None and set(stored["text"]) == {"B"}
    assert len(await driver.list(vault.query(partition_key="V#1"))) == 31


def test_stored_values_are_versioned_ciphertext_naming_the_key(
    vault: Any, make_client: MakeClient
) -> None:
    item = full(vault, 1)
    item.sync_save()
    stored = (
        make_client()
        .native.get_item(vault.table.name, {"pk": {"S": "V#1"}, "sk": {"N": "1"}}, True, True)
        .item
    )
    assert stored is not None
    assert stored["plain"] == {"S": "visible"} and stored["pk"] == {"S": "V#1"}
    for name in ("text", "whole", "exact", "blob", "when", "tags", "address"):
        sealed = stored[name]["B"]
        assert sealed[0] == 1, "format version 1"
        length = int.from_bytes(sealed[1:3], "big")
        assert sealed[3 : 3 + length] == KEY.encode()
        assert b"4111" not in sealed and b"Rue-Cachee" not in sealed
    # None is left out as for any field, and a fresh nonce makes equal values differ.
    assert "maybe" not in stored
    item.sync_save()
    again = (
        make_client()
        .native.get_item(vault.table.name, {"pk": {"S": "V#1"}, "sk": {"N": "1"}}, True, True)
        .item
    )
    assert again is not None and again["text"] != stored["text"]


def _raw_item(client: DynamoClient, table: str, sk: int) -> dict[str, Any]:
    item = client.native.get_item(
        table, {"pk": {"S": "V#1"}, "sk": {"N": str(sk)}}, True, True
    ).item
    assert item is not None
    return item


def test_a_value_moved_to_another_item_attribute_or_table_does_not_decrypt(
    vault: Any, make_client: MakeClient
) -> None:
    full(vault, 1).sync_save()
    full(vault, 2).sync_save()
    raw = make_client()
    table = vault.table.name
    one = _raw_item(raw, table, 1)

    moved = {**_raw_item(raw, table, 2), "text": one["text"]}
    raw.native.put_item(table, moved, None, False, True)
    with pytest.raises(DecryptionError) as error:
        vault.sync_get(pk="V#1", sk=2)
    assert error.value.model == "Vault" and error.value.field == "text"
    assert "another item or attribute" in str(error.value)
    assert "4111" not in str(error.value)

    swapped = {**one, "maybe": one["text"]}
    raw.native.put_item(table, swapped, None, False, True)
    with pytest.raises(DecryptionError) as error:
        vault.sync_get(pk="V#1", sk=1)
    assert error.value.field == "maybe"

    other = vault_model(vault.table.client, f"w-{uuid.uuid4().hex[:10]}")
    full(other, 3).sync_save()
    elsewhere = {"pk": {"S": "V#1"}, "sk": {"N": "3"}}
    elsewhere["text"] = _raw_item(raw, other.table.name, 3)["text"]
    raw.native.put_item(table, elsewhere, None, False, True)
    with pytest.raises(DecryptionError, match="another table"):
        vault.sync_get(pk="V#1", sk=3)


def test_plaintext_and_altered_values_are_refused(vault: Any, make_client: MakeClient) -> None:
    full(vault, 1).sync_save()
    raw = make_client()
    table = vault.table.name
    stored = _raw_item(raw, table, 1)
    raw.native.put_item(table, {**stored, "text": {"S": "forged"}}, None, False, True)
    with pytest.raises(DecryptionError, match="not encrypted"):
        vault.sync_get(pk="V#1", sk=1)
    altered = bytearray(stored["text"]["B"])
    altered[-1] ^= 1
    raw.native.put_item(table, {**stored, "text": {"B": bytes(altered)}}, None, False, True)
    with pytest.raises(DecryptionError, match="altered"):
        vault.sync_get(pk="V#1", sk=1)
    raw.native.put_item(table, {**stored, "text": {"B": b"\x07junk"}}, None, False, True)
    with pytest.raises(DecryptionError, match="format version"):
        vault.sync_get(pk="V#1", sk=1)


def test_a_page_of_1000_items_costs_a_handful_of_kms_calls(
    make_client: MakeClient, key_id: str
) -> None:
    writer = make_client()
    table = f"v-{uuid.uuid4().hex[:10]}"
    vault = vault_model(writer, table)
    with vault.sync_batch_write() as batch:
        for sk in range(1000):
            batch.put(vault(pk="V#1", sk=sk, text=f"secret {sk}"))
    assert writer.native.kms_calls == (1, 0)

    reader = make_client()
    again = vault_model(reader, table)
    found = list(again.sync_query(partition_key="V#1"))
    assert [f.text for f in found] == [f"secret {sk}" for sk in range(1000)]
    assert reader.native.kms_calls == (0, 1)


def note_model(client: DynamoClient, table: str) -> Any:
    class Note(DynamoModel, table=table, client=client):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        text: Annotated[str, Secret]

    return Note


def test_the_cache_bounds_are_kept(make_client: MakeClient, key_id: str) -> None:
    writer = make_client(KeyCache(max_uses=10))
    table = f"n-{uuid.uuid4().hex[:10]}"
    note = note_model(writer, table)
    with note.sync_batch_write() as batch:
        for sk in range(100):
            batch.put(note(pk="V#1", sk=sk, text="x"))
    assert writer.native.kms_calls == (10, 0)
    assert writer.native.key_cache == (300.0, 10, 1000)

    reader = make_client(KeyCache(max_keys=3))
    again = note_model(reader, table)
    assert len(list(again.sync_query(partition_key="V#1"))) == 100
    assert reader.native.kms_calls == (0, 10)
    # Only the last 3 keys are kept, and reading from the first key on pushes each out before
    # its turn comes: in key order, every key is unwrapped again.
    assert len(list(again.sync_query(partition_key="V#1"))) == 100
    assert reader.native.kms_calls == (0, 20)
    # The most recent key still serves: reading its items again costs nothing.
    assert (
        len(list(again.sync_query(partition_key="V#1", sort_key_condition=attr(again.sk) >= 90)))
        == 10
    )
    assert reader.native.kms_calls == (0, 20)

    with pytest.raises(ValueError, match="max_uses"):
        KeyCache(max_uses=0)


def test_encrypted_fields_cannot_be_keys(make_client: MakeClient) -> None:
    client = make_client()
    with pytest.raises(ModelDefinitionError, match=r"Bad.pk is Encrypted and a key"):

        class Bad(DynamoModel, table="bad", client=client):
            pk: Annotated[str, PartitionKey, Secret]

    with pytest.raises(ModelDefinitionError, match=r"Indexed.email is Encrypted and a key"):

        class Indexed(DynamoModel, table="bad", client=client):
            pk: Annotated[str, PartitionKey]
            email: Annotated[str, Secret]
            by_email: ClassVar[GlobalIndex] = GlobalIndex("by-email", partition_key="email")

    with pytest.raises(
        ModelDefinitionError, match=r"Templated.name is Encrypted and in the key template"
    ):

        class Templated(
            DynamoModel, table="bad", client=client, partition_key=KeyTemplate("pk", "N#{name}")
        ):
            name: Annotated[str, Secret]

    with pytest.raises(ModelDefinitionError, match="Version"):

        class Versioned(DynamoModel, table="bad", client=client):
            pk: Annotated[str, PartitionKey]
            version: Annotated[int, Version, Secret] = 0

    with pytest.raises(ModelDefinitionError, match="key id"):
        Encrypted(key_id="")


async def test_conditions_filters_and_updates_of_encrypted_fields_are_refused_before_sending(
    vault: Any, driver: Driver
) -> None:
    item = full(vault, 1)
    client = vault.table.client
    before = client.native.kms_calls
    with pytest.raises(
        EncryptionError, match=r"Vault.text is Encrypted: it cannot be used in a condition"
    ) as error:
        await driver(item.save, condition=attr(vault.text) == "x")
    assert error.value.model == "Vault" and error.value.field == "text"
    with pytest.raises(EncryptionError, match="a condition"):
        await driver.list(
            vault.query(partition_key="V#1", filter_condition=attr(vault.address).street == "x")
        )
    with pytest.raises(EncryptionError, match="an update"):
        await driver(item.update, text="new")
    with pytest.raises(EncryptionError, match="if_unchanged"):
        await driver(item.save, if_unchanged=True)
    with pytest.raises(EncryptionError, match="PartiQL"):
        await driver(client.execute_statement, f'SELECT * FROM "{vault.table.name}"', model=vault)
    assert client.native.kms_calls == before
    assert vault.table.stats.calls == 0


def test_kms_refusals_are_typed(make_client: MakeClient, kms: Any) -> None:
    client = make_client()

    class Lost(DynamoModel, table=f"l-{uuid.uuid4().hex[:10]}", client=client):
        pk: Annotated[str, PartitionKey]
        secret: Annotated[str, Encrypted(key_id="alias/no-such-key")]

    with pytest.raises(KmsError) as error:
        Lost(pk="a", secret="x").sync_save()
    assert error.value.key_id == "alias/no-such-key" and error.value.code == "NotFoundException"
    assert "x" not in str(error.value).split(":")[-1]


def test_models_sharing_a_table_agree_on_what_is_encrypted(
    make_client: MakeClient, key_id: str
) -> None:
    client = make_client()
    table = f"s-{uuid.uuid4().hex[:10]}"

    class Person(DynamoModel, table=table, client=client):
        pk: Annotated[str, PartitionKey]
        note: Annotated[str, Secret]

    class Memo(DynamoModel, table=table, client=client):
        pk: Annotated[str, PartitionKey]
        note: str

    class Other(DynamoModel, table=table, client=client):
        pk: Annotated[str, PartitionKey]
        score: int = 0

    Person(pk="p", note="private").sync_save()
    Other(pk="o").sync_save()
    with pytest.raises(ModelDefinitionError, match="disagree about its attribute 'note'"):
        Memo(pk="m", note="public").sync_save()


def test_no_value_or_key_reaches_a_log_record_or_repr(
    vault: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    item = full(vault, 1)
    item.sync_save()
    vault.sync_get(pk="V#1", sk=1)
    text = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    # The plaintext whole: a record's timestamps and durations are runs of digits, which can
    # hold "4111" by chance (the likely cause of one failure of this test, never reproduced).
    card = "4111 1111 1111 1111"
    assert caplog.records and card not in text and "Rue-Cachee" not in text
    assert "V#1" not in text
    client = vault.table.client
    assert card not in repr(client) and KEY not in repr(client)
    assert repr(Secret) == "Encrypted(key_id='alias/app')"


def test_a_collection_opens_each_entitys_encrypted_fields(
    make_client: MakeClient, key_id: str
) -> None:
    client = make_client()
    table = f"c-{uuid.uuid4().hex[:10]}"
    partition = KeyTemplate("pk", "CUSTOMER#{customer_id}")

    class Customer(
        DynamoModel,
        table=table,
        client=client,
        partition_key=partition,
        sort_key=KeyTemplate("sk", "PROFILE"),
    ):
        customer_id: str
        email: Annotated[str, Secret]

    class Card(
        DynamoModel,
        table=table,
        client=client,
        partition_key=partition,
        sort_key=KeyTemplate("sk", "CARD#{last4}"),
    ):
        customer_id: str
        last4: str
        number: Annotated[str, Secret]

    Customer(customer_id="1", email="a@example.com").sync_save()
    Card(customer_id="1", last4="1111", number="4111111111111111").sync_save()
    # A fresh client, on which only the collection's lead model was ever used.
    reader = make_client()
    Customer.table.client, Card.table.client = reader, reader
    found = dynomodel.Collection("customer", Customer, Card).query(customer_id="1")
    got = found.sync_collect()
    assert [c.email for c in got.of(Customer)] == ["a@example.com"]
    assert [c.number for c in got.of(Card)] == ["4111111111111111"]


async def test_updates_failed_conditions_and_projections_of_encrypted_models(
    vault: Any, driver: Driver
) -> None:
    item = full(vault, 1)
    await driver(item.save)
    await driver(item.update, plain="changed")
    assert item.text == full(vault, 1).text and item.plain == "changed"
    with pytest.raises(ConditionalCheckFailedError) as failed:
        await driver(item.save, condition=attr(vault.plain) == "other")
    assert failed.value.item == item, "the stored item, decrypted"
    projected = [vault.pk, vault.sk, vault.text]
    found = await driver.list(vault.query(partition_key="V#1", projection=projected))
    assert [f.text for f in found] == [item.text]
    without_key = vault.query(partition_key="V#1", projection=[vault.text], as_dict=True)
    with pytest.raises(EncryptionError, match=r"no key attribute 'pk'.*must include the key"):
        await driver.list(without_key)


async def test_a_canceled_transaction_reports_the_stored_item_decrypted(
    vault: Any, driver: Driver
) -> None:
    item = full(vault, 1)
    await driver(item.save)
    with pytest.raises(TransactionCanceledError) as canceled:
        async with driver.block(dynomodel.transaction()) as tx:
            tx.condition_check(vault, ("V#1", 1), condition=attr(vault.plain) == "other")
    stored = canceled.value.reasons[0].item
    assert stored is not None and stored["text"] == {"S": item.text}, "the item as stored, opened"


def test_markers_where_they_would_do_nothing_are_refused(make_client: MakeClient) -> None:
    class Card(BaseModel):
        number: Annotated[str, Secret]

    client = make_client()
    with pytest.raises(ModelDefinitionError, match=r"Wallet.cards.number is Encrypted inside"):

        class Wallet(DynamoModel, table="wallets", client=client):
            pk: Annotated[str, PartitionKey]
            cards: list[Card] = []

    with pytest.raises(ModelDefinitionError, match=r"Folder.files holds an S3Object"):

        class Folder(DynamoModel, table="wallets", client=client):
            pk: Annotated[str, PartitionKey]
            files: list[dynomodel.S3Object] = []

    with pytest.raises(ModelDefinitionError, match=r"Loose.file is an S3Object without InS3"):

        class Loose(DynamoModel, table="wallets", client=client):
            pk: Annotated[str, PartitionKey]
            file: dynomodel.S3Object | None = None
