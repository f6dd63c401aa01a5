"""Every test that talks to DynamoDB runs on both engines: the embedded one (`memory://`,
dynoxide-rs in this process) and DynamoDB Local (fetched with Maven, started once per session
on loopback, unless DYNOMODEL_TEST_ENDPOINT names another server).

`DYNOMODEL_TEST_BACKENDS=memory` (or `local`) runs one of them only. When DynamoDB Local cannot
be fetched or started, every test that needs it errors with the reason: nothing is skipped.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import boto3
import pytest

from dynomodel import DynamoClient, KeyCache, set_default_client
from dynomodel.testing import DynamoDBLocal, MotoServer

ROOT = Path(__file__).resolve().parent.parent
MakeClient = Callable[..., DynamoClient]
"""`make_client(key_cache=...)`: see the `make_client` fixture."""
pytest_plugins = ["pytester"]
BACKENDS = os.environ.get("DYNOMODEL_TEST_BACKENDS", "memory,local").split(",")


@pytest.fixture(scope="session")
def local_endpoint() -> Iterator[str]:
    """DynamoDB Local, started the first time a test needs it."""
    configured = os.environ.get("DYNOMODEL_TEST_ENDPOINT")
    if configured:
        yield configured
        return
    with DynamoDBLocal(ROOT / ".cache" / "dynamodb-local") as local:
        yield local.endpoint


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server (the KMS and S3 APIs), started the first time a test needs it."""
    with MotoServer(ROOT / ".cache" / "moto" / "server.log") as moto:
        yield moto.endpoint


def _aws(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def kms(moto_endpoint: str) -> Any:
    """boto3's KMS client on moto, to make keys and disable them."""
    return _aws("kms", moto_endpoint)


@pytest.fixture(scope="session")
def s3(moto_endpoint: str) -> Any:
    """boto3's S3 client on moto, to make buckets and look inside them."""
    return _aws("s3", moto_endpoint)


@pytest.fixture(scope="session")
def key_id(kms: Any) -> str:
    """A KMS key, by the alias models name it with."""
    made = kms.create_key(Description="dynomodel tests")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=made)
    return "alias/app"


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"b-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_client(
    backend: str, moto_endpoint: str, request: pytest.FixtureRequest
) -> Iterator[MakeClient]:
    """`make_client(key_cache=...)`: a client with KMS and S3 on moto, on a database this test
    shares with every client it makes (a named `memory://` database, or a DynamoDB Local
    access key of its own)."""
    database = uuid.uuid4().hex[:16]

    def make(key_cache: KeyCache | None = None) -> DynamoClient:
        if backend == "memory":
            endpoint, access_key = f"memory://{database}", "testing"
        else:
            endpoint, access_key = request.getfixturevalue("local_endpoint"), "k" + database
        return DynamoClient(
            endpoint_url=endpoint,
            region="us-east-1",
            access_key_id=access_key,
            secret_access_key="testing",
            kms_endpoint_url=moto_endpoint,
            s3_endpoint_url=moto_endpoint,
            key_cache=key_cache,
            create_tables=True,
        )

    yield make


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The engine of this run of the test: "memory" or "local"."""
    return str(request.param)


@pytest.fixture(scope="session")
def client(backend: str, request: pytest.FixtureRequest) -> Iterator[DynamoClient]:
    """The default client of the session, on `backend`."""
    if backend == "memory":
        client = DynamoClient(endpoint_url="memory://")
    else:
        client = DynamoClient(
            endpoint_url=request.getfixturevalue("local_endpoint"),
            region="us-east-1",
            access_key_id="local",
            secret_access_key="local",
        )
    set_default_client(client)
    yield client
    set_default_client(None)


@pytest.fixture(scope="session")
def endpoint(backend: str, client: DynamoClient, request: pytest.FixtureRequest) -> Iterator[str]:
    """An HTTP endpoint of the same database as `client`: on the embedded engine, `client`'s
    database served on loopback, for what needs a socket (proxies, other processes)."""
    if backend == "local":
        yield request.getfixturevalue("local_endpoint")
        return
    server = client.serve()
    yield server.url
    server.stop()


def fresh_client(backend: str, local_endpoint: Callable[[], str], name: str) -> DynamoClient:
    """A client whose tables no other test sees: a database of its own on the embedded
    engine, credentials of its own on DynamoDB Local (it keeps tables apart by access key;
    letters and digits only)."""
    if backend == "memory":
        return DynamoClient(endpoint_url="memory://")
    access_key = "k" + uuid.uuid5(uuid.NAMESPACE_URL, name).hex[:16]
    return DynamoClient(
        endpoint_url=local_endpoint(),
        region="us-east-1",
        access_key_id=access_key,
        secret_access_key="x",
    )


@pytest.fixture
def table_name() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def put_raw(client: DynamoClient, table: str, item: dict[str, Any]) -> None:
    """Store an item as another writer would, in wire form, bypassing every model."""
    client.native.put_item(table, item, None, False, True)


def get_raw(client: DynamoClient, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """An item as stored, in wire form, read strongly consistent and without a codec."""
    item: dict[str, Any] | None = client.native.get_item(table, key, True, True).item
    return item


T = TypeVar("T")


class Both(AbstractContextManager[T], AbstractAsyncContextManager[T], Protocol[T]):
    """A block that is entered with `with` or `async with` alike (batches, transactions)."""


class Driver:
    """Runs an operation the way one mode of the API does, so one test covers both.

    Async, `await driver(order.save, condition=...)` is `await order.save(condition=...)`;
    blocking, it is `order.sync_save(condition=...)` run in a worker thread, as blocking code
    outside an event loop calls it. `driver.list(results)` reads a query's items with `async
    for` or `for`, and `async with driver.block(Order.batch_write()) as batch:` enters a batch
    or transaction with `async with` or `with`.
    """

    def __init__(self, blocking: bool) -> None:
        self.blocking = blocking

    def __repr__(self) -> str:
        return "sync" if self.blocking else "async"

    async def __call__(
        self, operation: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
    ) -> T:
        if not self.blocking:
            return await operation(*args, **kwargs)
        return await asyncio.to_thread(self.twin(operation), *args, **kwargs)

    @staticmethod
    def twin(operation: Callable[..., Any]) -> Callable[..., Any]:
        """The `sync_` twin of a bound method or of a module function."""
        owner = getattr(operation, "__self__", None)
        if owner is None:
            owner = sys.modules[operation.__module__]
        return getattr(owner, f"sync_{operation.__name__}")  # type: ignore[no-any-return]

    async def list(self, results: Any) -> list[Any]:
        if not self.blocking:
            return [item async for item in results]
        return await asyncio.to_thread(list, results)

    @asynccontextmanager
    async def block(self, block: Both[T]) -> AsyncIterator[T]:
        if not self.blocking:
            async with block as entered:
                yield entered
            return
        entered = await asyncio.to_thread(block.__enter__)
        try:
            yield entered
        except BaseException as error:
            if not await asyncio.to_thread(block.__exit__, type(error), error, error.__traceback__):
                raise
        else:
            await asyncio.to_thread(block.__exit__, None, None, None)


@pytest.fixture(params=[False, True], ids=["async", "sync"])
def driver(request: pytest.FixtureRequest) -> Driver:
    """Each test that takes it runs twice: through the async API and through the `sync_` one."""
    return Driver(request.param)
