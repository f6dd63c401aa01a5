"""Model hooks (`before_save`, ..., `after_load`) around real DynamoDB Local operations."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any, ClassVar

import pytest
from pydantic import BaseModel

import dynomodel
from dynomodel import (
    DynamoClient,
    DynamoModel,
    PartitionKey,
    Version,
    attr,
    dynamo_table,
    sync_transact_get,
    table_of,
    transact_get,
)
from dynomodel.exceptions import TransactionCanceledError

STAMP = dt.datetime(2024, 6, 1, 12, 30, tzinfo=dt.UTC)


def note_model(name: str, **settings: Any) -> Any:
    """A model whose every hook records `"<hook> <pk> <text>"` in `Note.calls`."""

    class Note(DynamoModel, table=name, **settings):
        pk: Annotated[str, PartitionKey]
        text: str = ""
        calls: ClassVar[list[str]] = []

        def _record(self, hook: str) -> None:
            self.calls.append(f"{hook} {self.pk} {self.text}".rstrip())

        def before_save(self) -> None:
            self._record("before_save")

        def after_save(self) -> None:
            self._record("after_save")

        def before_update(self) -> None:
            self._record("before_update")

        def after_update(self) -> None:
            self._record("after_update")

        def before_delete(self) -> None:
            self._record("before_delete")

        def after_delete(self) -> None:
            self._record("after_delete")

        def after_load(self) -> None:
            self._record("after_load")

    return Note


def async_note_model(name: str) -> Any:
    """The same hooks as `async def`, each yielding to the event loop before it records."""

    class AsyncNote(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        text: str = ""
        calls: ClassVar[list[str]] = []

        async def _record(self, hook: str) -> None:
            await asyncio.sleep(0)
            self.calls.append(f"{hook} {self.pk} {self.text}".rstrip())

        async def before_save(self) -> None:
            await self._record("before_save")
            self.text = self.text.upper()

        async def after_save(self) -> None:
            await self._record("after_save")

        async def before_update(self) -> None:
            await self._record("before_update")

        async def after_update(self) -> None:
            await self._record("after_update")

        async def before_delete(self) -> None:
            await self._record("before_delete")

        async def after_delete(self) -> None:
            await self._record("after_delete")

        async def after_load(self) -> None:
            await self._record("after_load")

    return AsyncNote


def probe_model(name: str) -> Any:
    """Async write hooks that read the stored item: they record `(hook, stored text or None)`,
    which shows whether each ran before or after DynamoDB applied the write."""

    class Probe(DynamoModel, table=name):
        pk: Annotated[str, PartitionKey]
        text: str = ""
        seen: ClassVar[list[tuple[str, str, str | None]]] = []

        async def _look(self, hook: str) -> None:
            table = table_of(type(self))
            found = await table.get(pk=self.pk, consistent_read=True, skip_hooks=True)
            self.seen.append((hook, self.pk, None if found is None else found.text))

        async def before_save(self) -> None:
            await self._look("before_save")

        async def after_save(self) -> None:
            await self._look("after_save")

        async def before_update(self) -> None:
            await self._look("before_update")

        async def after_update(self) -> None:
            await self._look("after_update")

        async def before_delete(self) -> None:
            await self._look("before_delete")

        async def after_delete(self) -> None:
            await self._look("after_delete")

    return Probe


@pytest.fixture
def notes(client: DynamoClient, table_name: str) -> Any:
    model = note_model(table_name)
    model.sync_create_table()
    return model


@pytest.fixture
def async_notes(client: DynamoClient, table_name: str) -> Any:
    model = async_note_model(table_name)
    model.sync_create_table()
    return model


@pytest.fixture
def probes(client: DynamoClient, table_name: str) -> Any:
    model = probe_model(table_name)
    model.sync_create_table()
    return model


def stored_text(model: Any, pk: str) -> str | None:
    """The text stored under `pk`, read without the model's hooks (None: no item)."""
    found = table_of(model).sync_get(pk=pk, consistent_read=True, skip_hooks=True)
    return None if found is None else str(found.text)


def seed(model: Any, *pks: str) -> None:
    """Store a note with text `"t<pk>"` under each key, without hooks."""
    for pk in pks:
        model(pk=pk, text=f"t{pk}").sync_save(skip_hooks=True)


# -- write hooks


async def test_write_hooks_run_around_save_update_and_delete(notes: Any) -> None:
    note = notes(pk="a", text="one")
    await note.save()
    assert notes.calls == ["before_save a one", "after_save a one"]

    notes.calls.clear()
    await note.update(text="two")
    assert notes.calls == ["before_update a one", "after_update a two"]

    notes.calls.clear()
    await note.delete()
    assert notes.calls == ["before_delete a two", "after_delete a two"]
    assert stored_text(notes, "a") is None


async def test_before_hooks_run_before_the_write_and_after_hooks_after(probes: Any) -> None:
    probe = probes(pk="a", text="one")
    await probe.save()
    await probe.update(text="two")
    await probe.delete()
    assert probes.seen == [
        ("before_save", "a", None),
        ("after_save", "a", "one"),
        ("before_update", "a", "one"),
        ("after_update", "a", "two"),
        ("before_delete", "a", "two"),
        ("after_delete", "a", None),
    ]


async def test_before_save_changes_are_stored(client: DynamoClient, table_name: str) -> None:
    class Person(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        name: str
        updated_at: dt.datetime | None = None
        version: Annotated[int, Version] = 0

        def before_save(self) -> None:
            self.name = self.name.upper()
            self.updated_at = STAMP

    await Person.create_table()
    person = Person(pk="p", name="ann")
    await person.save()
    assert (person.name, person.updated_at, person.version) == ("ANN", STAMP, 1)
    loaded = await Person.get(pk="p", consistent_read=True)
    assert loaded is not None
    assert (loaded.name, loaded.updated_at, loaded.version) == ("ANN", STAMP, 1)

    person.name = "bob"
    person.sync_save()
    loaded = await Person.get(pk="p", consistent_read=True)
    assert loaded is not None and (loaded.name, loaded.version) == ("BOB", 2)

    person.name = "cy"
    await person.save(skip_hooks=True)
    loaded = await Person.get(pk="p", consistent_read=True)
    assert loaded is not None and (loaded.name, loaded.version) == ("cy", 3)


async def test_a_failing_before_save_writes_nothing(client: DynamoClient, table_name: str) -> None:
    class Guarded(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        calls: ClassVar[list[str]] = []

        def before_save(self) -> None:
            self.calls.append("before_save")
            raise ValueError("refused")

        def after_save(self) -> None:
            self.calls.append("after_save")

    await Guarded.create_table()
    before = table_of(Guarded).stats.calls
    with pytest.raises(ValueError, match="refused"):
        await Guarded(pk="a").save()
    with pytest.raises(ValueError, match="refused"):
        Guarded(pk="b").sync_save()
    assert Guarded.calls == ["before_save", "before_save"]
    assert table_of(Guarded).stats.calls == before
    assert await Guarded.get(pk="a", consistent_read=True) is None
    assert await Guarded.get(pk="b", consistent_read=True) is None

    with pytest.raises(ValueError, match="refused"):
        async with dynomodel.transaction() as tx:
            tx.put(Guarded(pk="c"))
    assert Guarded.calls == ["before_save"] * 3
    assert await Guarded.get(pk="c", consistent_read=True) is None

    await Guarded(pk="d").save(skip_hooks=True)
    assert await Guarded.get(pk="d", consistent_read=True) == Guarded(pk="d")


async def test_a_failing_after_save_runs_after_the_item_is_stored(
    client: DynamoClient, table_name: str
) -> None:
    class Loud(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        version: Annotated[int, Version] = 0

        def after_save(self) -> None:
            raise RuntimeError(f"saved at version {self.version}")

    await Loud.create_table()
    loud = Loud(pk="a")
    with pytest.raises(RuntimeError, match="saved at version 1"):
        await loud.save()
    assert loud.version == 1
    assert await Loud.get(pk="a", consistent_read=True) == Loud(pk="a", version=1)


async def test_a_failing_before_update_or_before_delete_changes_nothing(
    client: DynamoClient, table_name: str
) -> None:
    class Locked(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        text: str = ""
        calls: ClassVar[list[str]] = []

        def before_update(self) -> None:
            raise PermissionError("locked")

        def after_update(self) -> None:
            self.calls.append("after_update")

        def before_delete(self) -> None:
            raise PermissionError("locked")

        def after_delete(self) -> None:
            self.calls.append("after_delete")

    await Locked.create_table()
    locked = Locked(pk="a", text="one")
    await locked.save()
    with pytest.raises(PermissionError):
        await locked.update(text="two")
    assert locked.text == "one"
    with pytest.raises(PermissionError):
        locked.sync_delete()
    with pytest.raises(PermissionError):
        async with dynomodel.transaction() as tx:
            tx.update(locked, text="three")
    assert Locked.calls == []
    assert await Locked.get(pk="a", consistent_read=True) == Locked(pk="a", text="one")


# -- after_load


async def test_after_load_runs_on_each_model_read(client: DynamoClient, notes: Any) -> None:
    seed(notes, "a", "b")

    loaded = await notes.get(pk="a", consistent_read=True)
    assert notes.calls == ["after_load a ta"]
    notes.calls.clear()
    assert await notes.get(pk="missing") is None
    assert notes.calls == []

    loaded.text = "local"
    await loaded.refresh()
    assert notes.calls == ["after_load a ta"]

    notes.calls.clear()
    found = await notes.batch_get(["b", "a", "missing"], consistent_read=True)
    assert [n.pk for n in found] == ["b", "a"]
    assert notes.calls == ["after_load b tb", "after_load a ta"]

    notes.calls.clear()
    rows = await notes.batch_get(["a"], as_dict=True)
    assert rows == [{"pk": "a", "text": "ta"}]
    assert notes.calls == []

    results = await dynomodel.batch_get({notes: ["a"]}, client=client, consistent_read=True)
    assert [n.pk for n in results[notes]] == ["a"]
    assert notes.calls == ["after_load a ta"]

    notes.calls.clear()
    snapshot = await transact_get([(notes, "b"), (notes, "missing"), (notes, "a")])
    assert [None if n is None else n.pk for n in snapshot] == ["b", None, "a"]
    assert notes.calls == ["after_load b tb", "after_load a ta"]

    notes.calls.clear()
    (only,) = sync_transact_get([(notes, "a")])
    assert only is not None and only.pk == "a"
    assert notes.calls == ["after_load a ta"]


async def test_after_load_runs_on_query_and_scan_results(notes: Any) -> None:
    seed(notes, "a", "b")

    queried = [n.pk async for n in notes.query(partition_key="a", consistent_read=True)]
    assert queried == ["a"]
    assert notes.calls == ["after_load a ta"]

    notes.calls.clear()
    assert [n.pk for n in notes.sync_query(partition_key="b")] == ["b"]
    assert notes.calls == ["after_load b tb"]

    notes.calls.clear()
    scanned = [n.pk async for n in notes.scan(consistent_read=True)]
    assert sorted(scanned) == ["a", "b"]
    assert sorted(notes.calls) == ["after_load a ta", "after_load b tb"]

    notes.calls.clear()
    first = await notes.query(partition_key="a").first()
    assert first is not None and first.pk == "a"
    assert notes.calls == ["after_load a ta"]


async def test_update_by_key_runs_only_after_load(notes: Any) -> None:
    seed(notes, "a")
    updated = await notes.update_by_key(pk="a", text="new")
    assert updated.text == "new"
    assert notes.calls == ["after_load a new"]

    notes.calls.clear()
    notes.sync_update_by_key(pk="a", text="newer", skip_hooks=True)
    assert notes.calls == []
    assert stored_text(notes, "a") == "newer"


async def test_delete_by_key_and_batch_writes_run_no_hooks(notes: Any) -> None:
    seed(notes, "a", "b")
    await notes.delete_by_key(pk="a")
    notes.sync_delete_by_key(pk="b")
    assert stored_text(notes, "a") is None and stored_text(notes, "b") is None

    async with notes.batch_write() as batch:
        batch.put(notes(pk="c", text="tc"))
        batch.put(notes(pk="d", text="td"))
    with notes.sync_batch_write() as sync_batch:
        sync_batch.put(notes(pk="e", text="te"))
        sync_batch.delete(notes(pk="c"))
        sync_batch.delete_by_key(notes, "d")
    assert notes.calls == []
    assert [stored_text(notes, pk) for pk in "cde"] == [None, None, "te"]


# -- async hooks


async def test_async_hooks_are_awaited(async_notes: Any) -> None:
    note = async_notes(pk="a", text="one")
    await note.save()
    assert note.text == "ONE"
    assert stored_text(async_notes, "a") == "ONE"
    await note.update(text="two")
    loaded = await async_notes.get(pk="a", consistent_read=True)
    assert loaded is not None and loaded.text == "two"
    await loaded.delete()
    assert async_notes.calls == [
        "before_save a one",
        "after_save a ONE",
        "before_update a ONE",
        "after_update a two",
        "after_load a two",
        "before_delete a two",
        "after_delete a two",
    ]
    assert stored_text(async_notes, "a") is None


def test_sync_calls_run_async_hooks_to_completion(async_notes: Any) -> None:
    note = async_notes(pk="a", text="one")
    note.sync_save()
    assert stored_text(async_notes, "a") == "ONE"
    note.sync_update(text="two")
    loaded = async_notes.sync_get(pk="a", consistent_read=True)
    assert loaded is not None and loaded.text == "two"
    loaded.sync_refresh()
    loaded.sync_delete()
    assert async_notes.calls == [
        "before_save a one",
        "after_save a ONE",
        "before_update a ONE",
        "after_update a two",
        "after_load a two",
        "after_load a two",
        "before_delete a two",
        "after_delete a two",
    ]
    assert stored_text(async_notes, "a") is None


async def test_a_sync_call_with_an_async_hook_inside_a_running_loop_raises(
    async_notes: Any,
) -> None:
    with pytest.raises(RuntimeError, match="async hook"):
        async_notes(pk="a", text="one").sync_save()
    assert async_notes.calls == []
    assert await async_notes.get(pk="a", consistent_read=True, skip_hooks=True) is None

    seed(async_notes, "b")
    with pytest.raises(RuntimeError, match="async hook"):
        async_notes.sync_get(pk="b", consistent_read=True)
    async_notes(pk="c").sync_save(skip_hooks=True)
    assert stored_text(async_notes, "c") == ""
    assert async_notes.calls == []


def test_sync_transactions_run_async_hooks(probes: Any) -> None:
    seed(probes, "b")
    b = probes.sync_get(pk="b", consistent_read=True)
    with dynomodel.transaction() as tx:
        tx.put(probes(pk="a", text="ta"))
        tx.update(b, text="new")
    assert probes.seen == [
        ("before_save", "a", None),
        ("before_update", "b", "tb"),
        ("after_save", "a", "ta"),
        ("after_update", "b", "new"),
    ]


# -- skipping hooks


async def test_skip_hooks_per_call(client: DynamoClient, notes: Any) -> None:
    note = notes(pk="a", text="one")
    await note.save(skip_hooks=True)
    note.sync_save(skip_hooks=True)
    loaded = await notes.get(pk="a", skip_hooks=True)
    assert loaded is not None and loaded.text == "one"
    assert notes.sync_get(pk="a", skip_hooks=True) is not None
    await note.update(text="two", skip_hooks=True)
    note.sync_update(text="three", skip_hooks=True)
    await note.refresh(skip_hooks=True)
    note.sync_refresh(skip_hooks=True)
    assert [n.pk for n in await notes.batch_get(["a"], skip_hooks=True)] == ["a"]
    assert [n.pk for n in notes.sync_batch_get(["a"], skip_hooks=True)] == ["a"]
    assert len(await dynomodel.batch_get({notes: ["a"]}, client=client, skip_hooks=True)) == 1
    assert (await transact_get([(notes, "a")], skip_hooks=True))[0] is not None
    await notes.update_by_key(pk="a", text="four", skip_hooks=True)
    other = notes(pk="b")
    async with dynomodel.transaction(skip_hooks=True) as tx:
        tx.update(note, text="five")
        tx.put(other)
    async with dynomodel.transaction(skip_hooks=True) as tx:
        tx.delete(other)
    await note.delete(skip_hooks=True)
    assert notes.calls == []
    assert stored_text(notes, "a") is None and stored_text(notes, "b") is None

    # Without the flag they run again.
    await note.save()
    assert notes.calls == ["before_save a five", "after_save a five"]


async def test_skip_hooks_class_keyword(client: DynamoClient, table_name: str) -> None:
    quiet = note_model(table_name, skip_hooks=True)
    await quiet.create_table()
    assert table_of(quiet).skip_hooks is True
    note = quiet(pk="a", text="one")
    await note.save()
    note.sync_save()
    loaded = await quiet.get(pk="a", consistent_read=True)
    assert loaded is not None and loaded.text == "one"
    await note.update(text="two")
    await note.refresh()
    await quiet.update_by_key(pk="a", text="three")
    assert [n.pk for n in await quiet.batch_get(["a"])] == ["a"]
    assert [n.pk async for n in quiet.query(partition_key="a")] == ["a"]
    assert [n.pk for n in quiet.sync_scan()] == ["a"]
    assert (await transact_get([(quiet, "a")]))[0] is not None
    async with dynomodel.transaction() as tx:
        tx.update(note, text="four")
    await note.delete()
    assert quiet.calls == []
    assert stored_text(quiet, "a") is None


def test_decorated_model_hooks(client: DynamoClient, table_name: str) -> None:
    @dynamo_table(table_name, partition_key="email")
    class User(BaseModel):
        email: str
        name: str
        calls: ClassVar[list[str]] = []

        def before_save(self) -> None:
            self.calls.append(f"before_save {self.name}")
            self.name = self.name.title()

        def after_save(self) -> None:
            self.calls.append(f"after_save {self.name}")

        def before_update(self) -> None:
            self.calls.append(f"before_update {self.name}")

        def after_update(self) -> None:
            self.calls.append(f"after_update {self.name}")

        def before_delete(self) -> None:
            self.calls.append(f"before_delete {self.name}")

        def after_delete(self) -> None:
            self.calls.append(f"after_delete {self.name}")

        def after_load(self) -> None:
            self.calls.append(f"after_load {self.name}")

    users = table_of(User)
    users.sync_create_table()
    user = User(email="a@b", name="ann lee")
    users.sync_save(user)
    loaded = users.sync_get(email="a@b", consistent_read=True)
    assert loaded == User(email="a@b", name="Ann Lee")
    users.sync_update(user, name="Ann")
    users.sync_refresh(user)
    users.sync_delete(user)
    assert User.calls == [
        "before_save ann lee",
        "after_save Ann Lee",
        "after_load Ann Lee",
        "before_update Ann Lee",
        "after_update Ann",
        "after_load Ann",
        "before_delete Ann",
        "after_delete Ann",
    ]
    assert users.sync_get(email="a@b", consistent_read=True) is None

    User.calls.clear()
    users.sync_save(User(email="c@d", name="cy"), skip_hooks=True)
    assert users.sync_get(email="c@d", skip_hooks=True) == User(email="c@d", name="cy")
    assert User.calls == []


def test_decorated_model_skip_hooks(client: DynamoClient, table_name: str) -> None:
    @dynamo_table(table_name, partition_key="email", skip_hooks=True)
    class Quiet(BaseModel):
        email: str
        name: str
        calls: ClassVar[list[str]] = []

        def before_save(self) -> None:
            self.calls.append("before_save")

        def after_save(self) -> None:
            self.calls.append("after_save")

        def before_update(self) -> None:
            self.calls.append("before_update")

        def before_delete(self) -> None:
            self.calls.append("before_delete")

        def after_load(self) -> None:
            self.calls.append("after_load")

    quiet = table_of(Quiet)
    quiet.sync_create_table()
    user = Quiet(email="a@b", name="ann")
    quiet.sync_save(user)
    assert quiet.sync_get(email="a@b", consistent_read=True) == user
    quiet.sync_update(user, name="bob")
    quiet.sync_refresh(user)
    assert [u.name for u in quiet.sync_batch_get(["a@b"])] == ["bob"]
    with dynomodel.transaction() as tx:
        tx.update(user, name="cy")
    quiet.sync_delete(user)
    assert Quiet.calls == []
    assert quiet.sync_get(email="a@b", consistent_read=True) is None


# -- transactions


async def test_transaction_hooks_run_before_sending_and_after_the_commit(probes: Any) -> None:
    seed(probes, "b", "c", "d", "e")
    b = await probes.get(pk="b", consistent_read=True)
    c = await probes.get(pk="c", consistent_read=True)
    async with dynomodel.transaction() as tx:
        tx.put(probes(pk="a", text="ta"))
        tx.update(b, text="new")
        tx.delete(c)
        tx.update(probes, "d", text="by key")
        tx.delete(probes, "e")
        assert probes.seen == []
    assert probes.seen == [
        ("before_save", "a", None),
        ("before_update", "b", "tb"),
        ("before_delete", "c", "tc"),
        ("after_save", "a", "ta"),
        ("after_update", "b", "new"),
        ("after_delete", "c", None),
    ]
    assert b.text == "new"
    assert stored_text(probes, "d") == "by key" and stored_text(probes, "e") is None


async def test_transaction_hooks_in_order_on_the_instances(notes: Any) -> None:
    seed(notes, "b", "c", "d")
    b = notes(pk="b", text="tb")
    c = notes(pk="c", text="tc")
    async with dynomodel.transaction() as tx:
        tx.delete(c)
        tx.put(notes(pk="a", text="ta"))
        tx.update(b, text="set")
        tx.condition_check(notes, "d", condition=attr(notes.pk).exists())
    assert notes.calls == [
        "before_delete c tc",
        "before_save a ta",
        "before_update b tb",
        "after_delete c tc",
        "after_save a ta",
        "after_update b set",
    ]
    assert [stored_text(notes, pk) for pk in "abcd"] == ["ta", "set", None, "td"]


async def test_a_canceled_transaction_runs_no_after_hooks(notes: Any) -> None:
    seed(notes, "a", "b")
    a = notes(pk="a", text="other")
    b = notes(pk="b", text="tb")
    with pytest.raises(TransactionCanceledError) as raised:
        async with dynomodel.transaction() as tx:
            tx.update(b, text="changed")
            tx.put(a, condition=attr(notes.pk).not_exists())
    assert [r.index for r in raised.value.failed] == [1]
    assert notes.calls == ["before_update b tb", "before_save a other"]
    assert b.text == "tb"
    assert stored_text(notes, "a") == "ta" and stored_text(notes, "b") == "tb"


async def test_before_save_changes_are_stored_by_a_transaction(
    client: DynamoClient, table_name: str
) -> None:
    class Person(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        name: str
        updated_at: dt.datetime | None = None

        def before_save(self) -> None:
            self.name = self.name.upper()
            self.updated_at = STAMP

    await Person.create_table()
    person = Person(pk="p", name="ann")
    async with dynomodel.transaction() as tx:
        tx.put(person)
    assert (person.name, person.updated_at) == ("ANN", STAMP)
    loaded = await Person.get(pk="p", consistent_read=True)
    assert loaded is not None
    assert (loaded.name, loaded.updated_at) == ("ANN", STAMP)
