"""`dynomodel.fastapi` piece by piece, on small apps and `memory://`: `item()` for both kinds of
model and both kinds of route, `ClientDep` and its override, the lifespan's drain and cursor
secret, and each error handler (throttling through the fault proxy, an unreachable endpoint)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Annotated, Any

import httpx
import pytest
from conftest import put_raw
from fastapi import Depends, FastAPI
from faults import FaultProxy, FaultRates
from pydantic import BaseModel, ConfigDict

import dynomodel
from dynomodel import (
    DynamoClient,
    DynamoModel,
    PartitionKey,
    SortKey,
    Version,
    attr,
    dynamo_table,
    table_of,
    use_client,
)
from dynomodel.exceptions import ModelDefinitionError
from dynomodel.fastapi import (
    ClientDep,
    Page,
    get_client,
    install_error_handlers,
    item,
    lifespan,
    paginate,
    sync_paginate,
)


@dynamo_table("fastapi-users", partition_key="email")
class User(BaseModel):
    email: str
    name: str
    age: int = 0


class Note(DynamoModel, table="fastapi-notes"):
    owner: Annotated[str, PartitionKey]
    number: Annotated[int, SortKey]
    text: str = ""


class Counter(DynamoModel, table="fastapi-counters"):
    name: Annotated[str, PartitionKey]
    value: Decimal = Decimal(0)
    version: Annotated[int, Version] = 0


class Open(DynamoModel, table="fastapi-open"):
    model_config = ConfigDict(extra="allow")
    name: Annotated[str, PartitionKey]


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/users/{email}")
    def read_user(user: Annotated[User, Depends(item(User))]) -> User:  # a `def` route
        return user

    @app.get("/by-owner/{who}/notes/{n}")
    async def read_note(
        note: Annotated[Note, Depends(item(Note, path={"owner": "who", "number": "n"}))],
    ) -> Note:
        return note

    @app.get("/notes/{owner}")
    def list_notes(owner: str, client: ClientDep, cursor: str | None = None) -> Page[Note]:
        return sync_paginate(Note.sync_query(partition_key=owner), cursor=cursor, limit=2)

    @app.get("/notes-async/{owner}")
    async def list_notes_async(
        owner: str, client: ClientDep, cursor: str | None = None
    ) -> Page[Note]:
        return await paginate(Note.query(partition_key=owner), cursor=cursor, limit=2)

    @app.post("/counters/{name}")
    async def create_counter(name: str, client: ClientDep, value: Decimal = Decimal(0)) -> Counter:
        counter = Counter(name=name, value=value)
        await counter.save()
        return counter

    @app.post("/counters/{name}/bump")
    async def bump(name: str, client: ClientDep) -> Counter:
        return await Counter.update_by_key(name=name, actions=[attr(Counter.value).increment(1)])

    @app.post("/notes/{owner}")
    async def create_note(owner: str, number: int, client: ClientDep) -> Note:
        note = Note(owner=owner, number=number)
        await note.save(condition=attr(Note.owner).not_exists())
        return note

    @app.post("/pair/{owner}")
    async def create_pair(owner: str, client: ClientDep) -> None:
        async with dynomodel.transaction() as tx:
            tx.put(Note(owner=owner, number=1), condition=attr(Note.owner).not_exists())
            tx.put(Note(owner=owner, number=2), condition=attr(Note.owner).not_exists())

    @app.get("/open/{name}")
    async def read_open(opened: Annotated[Open, Depends(item(Open))]) -> Open:
        return opened

    return app


@pytest.fixture
def memory() -> DynamoClient:
    return DynamoClient(endpoint_url="memory://", create_tables=True)


@pytest.fixture
def app(memory: DynamoClient) -> Iterator[FastAPI]:
    made = make_app()
    made.dependency_overrides[get_client] = lambda: memory
    yield made


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        yield client


async def test_item_loads_decorated_models_in_def_routes(
    http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    with use_client(memory):
        await table_of(User).save(User(email="a@example.com", name="Ann", age=41))
    answer = await http.get("/users/a@example.com")
    assert answer.status_code == 200
    assert answer.json() == {"email": "a@example.com", "name": "Ann", "age": 41}
    assert "etag" not in answer.headers  # no Version field, no ETag
    assert (await http.get("/users/b@example.com")).status_code == 404


async def test_item_maps_and_validates_path_parameters(
    http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    with use_client(memory):
        await Note(owner="ann", number=7, text="hi").save()
    answer = await http.get("/by-owner/ann/notes/7")
    assert answer.status_code == 200 and answer.json()["text"] == "hi"
    bad = await http.get("/by-owner/ann/notes/seven")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["path", "n"]


def test_without_fastapi_the_import_names_the_extra() -> None:
    script = (
        "import sys; sys.modules['fastapi'] = None\n"
        "try:\n    import dynomodel.fastapi\n"
        "except ImportError as error:\n    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "pip install 'dynomodel[fastapi]'" in done.stdout


def test_item_refuses_what_it_cannot_load() -> None:
    with pytest.raises(ModelDefinitionError, match="owner_id"):
        item(Note, path={"owner_id": "who"})

    class Plain(BaseModel):
        name: str

    with pytest.raises(ModelDefinitionError):
        item(Plain)


@pytest.mark.parametrize("route", ["/notes", "/notes-async"])
async def test_pages_in_def_and_async_routes(
    http: httpx.AsyncClient, memory: DynamoClient, route: str
) -> None:
    with use_client(memory):
        async with Note.batch_write() as batch:
            for n in range(5):
                batch.put(Note(owner="bo", number=n))
    numbers: list[int] = []
    cursor = None
    while True:
        params = {} if cursor is None else {"cursor": cursor}
        page = (await http.get(f"{route}/bo", params=params)).json()
        numbers += [note["number"] for note in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert numbers == [0, 1, 2, 3, 4]


async def test_client_dep_reaches_the_models_of_the_route(
    http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    created = await http.post("/counters/visits", params={"value": "5"})
    assert created.status_code == 200
    with use_client(memory):
        stored = await Counter.get(name="visits")
    assert stored is not None and stored.value == Decimal(5)


async def test_error_handlers(http: httpx.AsyncClient) -> None:
    missing = await http.post("/counters/nothing/bump")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "item not found"}

    assert (await http.post("/notes/cy", params={"number": 1})).status_code == 200
    again = await http.post("/notes/cy", params={"number": 1})
    assert again.status_code == 409
    assert again.json() == {"detail": "the Note is not in the state this write requires"}

    canceled = await http.post("/pair/cy")
    assert canceled.status_code == 409
    (reason,) = canceled.json()["detail"]
    assert reason["type"] == "ConditionalCheckFailed"
    assert reason["loc"] == ["transaction", 0]
    assert "Note" in reason["msg"]

    unstorable = await http.post("/counters/big", params={"value": "1" * 40})
    assert unstorable.status_code == 422
    (problem,) = unstorable.json()["detail"]
    assert problem["loc"] == ["Counter", "value"]
    assert "38" in problem["msg"]
    assert "1111" not in unstorable.text


async def test_unknown_attributes_stay_out_of_responses(
    http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    with use_client(memory):
        await Note.create_table()
        await Open.create_table()
    hidden = {"owner": {"S": "di"}, "number": {"N": "1"}, "internal": {"S": "not for clients"}}
    put_raw(memory, "fastapi-notes", hidden)
    put_raw(memory, "fastapi-open", {"name": {"S": "x"}, "shared": {"S": "opted in"}})
    note = await http.get("/by-owner/di/notes/1")
    assert note.status_code == 200
    assert "internal" not in note.json() and "not for clients" not in note.text
    opened = await http.get("/open/x")
    assert opened.json() == {"name": "x", "shared": "opted in"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_unreachable_and_throttled_are_503_and_reveal_nothing(
    app: FastAPI, http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    secret = "AKIAVERYSECRETVALUE1"
    unreachable = DynamoClient(
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        region="us-east-1",
        access_key_id=secret,
        secret_access_key=secret,
        max_retries=0,
        connect_timeout=1,
    )
    app.dependency_overrides[get_client] = lambda: unreachable
    answer = await http.get("/users/a@example.com")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert "127.0.0.1" not in answer.text and secret not in answer.text

    server = memory.serve()
    try:
        with FaultProxy(
            server.url, FaultRates(throttle=1.0, operations=frozenset({"GetItem"}))
        ) as proxy:
            throttled = DynamoClient(
                endpoint_url=proxy.endpoint,
                region="us-east-1",
                access_key_id=secret,
                secret_access_key=secret,
                max_retries=0,
            )
            app.dependency_overrides[get_client] = lambda: throttled
            answer = await http.get("/users/a@example.com")
            assert proxy.counts["throttle"] >= 1
    finally:
        server.stop()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert secret not in answer.text


async def test_lifespan_drains_calls_in_flight(memory: DynamoClient) -> None:
    app = FastAPI(lifespan=lifespan(memory))
    with use_client(memory):
        await Note.create_table()
        async with Note.batch_write() as batch:
            for n in range(2000):
                batch.put(Note(owner="drain", number=n, text="x" * 100))
    async with app.router.lifespan_context(app):
        assert dynomodel.get_default_client() is memory
        reading = asyncio.ensure_future(Note.batch_get([("drain", n) for n in range(2000)]))
        await asyncio.sleep(0)
        assert memory.in_flight == 1
    assert memory.in_flight == 0
    assert len(await reading) == 2000


async def test_cursors_are_signed_with_the_lifespans_secret(
    memory: DynamoClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with use_client(memory):
        async with Note.batch_write() as batch:
            for n in range(4):
                batch.put(Note(owner="sig", number=n))

    async def first_cursor(secret: str | None) -> Any:
        app = make_app()
        app.router.lifespan_context = lifespan(memory, cursor_secret=secret)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://a") as http:
                page = (await http.get("/notes-async/sig")).json()
                again = await http.get("/notes-async/sig", params={"cursor": page["next_cursor"]})
        return page["next_cursor"], again.status_code

    one, status = await first_cursor("one secret")
    assert status == 200
    assert (await first_cursor("one secret"))[0] == one  # stable across restarts
    two, _ = await first_cursor("another secret")
    assert two != one
    monkeypatch.setenv("DYNOMODEL_CURSOR_SECRET", "one secret")
    assert (await first_cursor(None))[0] == one  # the environment's secret

    app = make_app()
    async with (
        app.router.lifespan_context(app),
        lifespan(memory, cursor_secret="another secret")(app),
    ):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://a") as http:
            foreign = await http.get("/notes-async/sig", params={"cursor": one})
    assert foreign.status_code == 400
