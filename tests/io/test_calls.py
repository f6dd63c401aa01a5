"""How calls end: timeouts, Ctrl-C, cancelled tasks, blocking calls inside an event loop, and
clients that cannot work as configured."""

from __future__ import annotations

import _thread
import asyncio
import socket
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest

from dynomodel import (
    DynamoClient,
    DynamoModel,
    PartitionKey,
    Table,
    sync_transact_get,
    table_of,
    transaction,
)
from dynomodel._io import driver as calls
from dynomodel.exceptions import ConfigurationError, CredentialsError, EndpointError


class Silent:
    """A loopback server that accepts connections, reads, and never answers; it notes when a
    client closes its connection."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.opened = threading.Event()
        self.closed = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop:
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            self.opened.set()
            connection.settimeout(0.1)
            with connection:
                while not self._stop:
                    try:
                        if connection.recv(65536) == b"":
                            self.closed.set()
                            break
                    except TimeoutError:
                        continue

    def stop(self) -> None:
        self._stop = True
        self._thread.join()
        self._server.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.stop()


def silent_client(server: Silent, **settings: Any) -> DynamoClient:
    return DynamoClient(
        endpoint_url=server.endpoint,
        region="us-east-1",
        access_key_id="local",
        secret_access_key="local",
        max_retries=0,
        **settings,
    )


class Thing(DynamoModel):
    pk: Annotated[str, PartitionKey]


def things(client: DynamoClient) -> Table[Thing]:
    return Table(Thing, "things", partition_key="pk", client=client)


def test_a_server_that_never_answers_times_out(silent: Silent) -> None:
    table = things(silent_client(silent, read_timeout=0.3))
    with pytest.raises(EndpointError, match="timed out"):
        table.sync_get(pk="a")


def test_ctrl_c_interrupts_a_blocking_call(silent: Silent) -> None:
    table = things(silent_client(silent, read_timeout=30))
    threading.Timer(0.3, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt) as raised:
        table.sync_get(pk="a")
    # Seen while waiting, not once the call gave up: no timeout error led to it.
    assert raised.value.__context__ is None
    assert silent.closed.wait(5), "the interrupted request still holds its connection"


async def test_cancelling_a_task_cancels_its_request(silent: Silent) -> None:
    table = things(silent_client(silent, read_timeout=30))
    task = asyncio.ensure_future(table.get(pk="a"))
    assert await asyncio.to_thread(silent.opened.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(silent.closed.wait, 5), "the request went on after cancel"


async def test_a_blocking_call_in_an_event_loop_warns_once(silent: Silent) -> None:
    table = things(silent_client(silent, read_timeout=0.2))
    calls._warned.discard("await ...get()")
    with (
        pytest.warns(
            RuntimeWarning, match=r"sync_get\(\) blocks the running event loop.*await"
        ) as seen,
        pytest.raises(EndpointError),
    ):
        table.sync_get(pk="a")
    assert seen[0].filename == __file__  # points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(EndpointError):
            table.sync_get(pk="a")


def test_no_region_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ConfigurationError, match=r"region.*AWS_REGION"):
        DynamoClient(endpoint_url="http://127.0.0.1:9")


def test_missing_credentials_are_one_readable_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, endpoint: str
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = DynamoClient(endpoint_url=endpoint, region="us-east-1", max_retries=0)
    with pytest.raises(CredentialsError) as raised:
        things(client).sync_get(pk="a")
    message = str(raised.value)
    assert "\n" not in message and "{" not in message and "AWS_ACCESS_KEY_ID" in message


def test_a_client_repr_holds_no_credential() -> None:
    client = DynamoClient(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        access_key_id="AKIAEXAMPLEKEY",
        secret_access_key="very-secret",
        session_token="token-value",
        table_prefix="dev-",
    )
    text = repr(client)
    assert text == "DynamoClient(endpoint_url='http://127.0.0.1:9', table_prefix='dev-')"
    for secret in ("AKIAEXAMPLEKEY", "very-secret", "token-value"):
        assert secret not in text


def test_a_table_prefix_applies_to_every_table_a_client_touches(
    endpoint: str, client: DynamoClient, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DYNOMODEL_TABLE_PREFIX", "dev-")
    prefixed = DynamoClient(
        endpoint_url=endpoint, region="us-east-1", access_key_id="local", secret_access_key="local"
    )
    assert prefixed.table_prefix == "dev-"

    class Item(DynamoModel, table=table_name, client=prefixed):
        pk: Annotated[str, PartitionKey]
        n: int = 0

    description = Item.sync_create_table()
    assert description.name == f"dev-{table_name}"
    assert client.sync_table_exists(f"dev-{table_name}")
    assert not client.sync_table_exists(table_name)
    Item(pk="a").sync_save()
    with Item.sync_batch_write() as batch:
        batch.put(Item(pk="b"))
    with transaction() as tx:
        tx.put(Item(pk="c", n=3))
    assert [i.n if i else None for i in sync_transact_get([(Item, "c"), (Item, "z")])] == [3, None]
    assert sorted(i.pk for i in Item.sync_batch_get(["a", "b", "c"])) == ["a", "b", "c"]
    assert sorted(i.pk for i in Item.sync_scan()) == ["a", "b", "c"]
    assert table_of(Item).stats.write_units > 0
    with pytest.raises(ConfigurationError, match="table_prefix"):
        DynamoClient(region="us-east-1", table_prefix="bad prefix/")
