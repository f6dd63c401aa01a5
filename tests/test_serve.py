"""`python -m dynomodel serve`: the embedded engine over HTTP for other SDKs, in memory or in a
SQLite file that survives a restart and is never left corrupt by Ctrl-C; and `--version`."""

from __future__ import annotations

import importlib.metadata
import signal
import sqlite3
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

import dynomodel
from dynomodel import DynamoClient
from dynomodel.exceptions import ConfigurationError


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The server, started on a free port, and its URL; interrupted on the way out."""
    server = subprocess.Popen(
        [sys.executable, "-m", "dynomodel", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "serving" in line, line + (server.stderr.read() if server.stderr else "")
        yield server, line.split(" on ", 1)[1].split()[0]
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def boto(url: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def create(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName="things",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_a_file_database_survives_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "data.db"
    with serving("--db", str(database)) as (server, url):
        dynamodb = boto(url)
        create(dynamodb)
        dynamodb.put_item(TableName="things", Item={"id": {"S": "a"}, "n": {"N": "1"}})
    assert server.returncode == 0
    with serving("--db", str(database)) as (_, url):
        item = boto(url).get_item(TableName="things", Key={"id": {"S": "a"}})["Item"]
    assert item == {"id": {"S": "a"}, "n": {"N": "1"}}


def test_dynomodel_reaches_a_memory_server(tmp_path: Path) -> None:
    with serving() as (_, url):
        create(boto(url))
        client = DynamoClient(
            endpoint_url=url, region="us-east-1", access_key_id="x", secret_access_key="x"
        )
        assert client.sync_describe_table("things").partition_key == ("id", "S")


def test_ctrl_c_under_write_load_leaves_the_file_whole(tmp_path: Path) -> None:
    database = tmp_path / "load.db"
    acknowledged: list[str] = []
    stop = threading.Event()
    with serving("--db", str(database)) as (server, url):
        create(boto(url))

        def write() -> None:
            dynamodb = boto(url)
            n = 0
            while not stop.is_set():
                key = f"item-{n}"
                try:
                    dynamodb.put_item(TableName="things", Item={"id": {"S": key}})
                except Exception:
                    return  # the server went away mid-request: that write is not counted
                acknowledged.append(key)
                n += 1

        writers = [threading.Thread(target=write) for _ in range(4)]
        for writer in writers:
            writer.start()
        while len(acknowledged) < 200:
            threading.Event().wait(0.01)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        stop.set()
        for writer in writers:
            writer.join()
    assert server.returncode == 0
    with sqlite3.connect(database) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with serving("--db", str(database)) as (_, url):
        dynamodb = boto(url)
        stored: set[str] = set()
        for page in dynamodb.get_paginator("scan").paginate(TableName="things"):
            stored.update(item["id"]["S"] for item in page["Items"])
    assert set(acknowledged) <= stored


def test_bad_input_says_what_to_change(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.db"
    done = subprocess.run(
        [sys.executable, "-m", "dynomodel", "serve", "--db", str(missing)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert str(missing) in done.stderr and "folder that exists" in done.stderr
    with serving() as (_, url):
        port = url.rsplit(":", 1)[1]
        taken = subprocess.run(
            [sys.executable, "-m", "dynomodel", "serve", "--port", port],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert taken.returncode == 2 and f"port {port} on 127.0.0.1 is in use" in taken.stderr
    with pytest.raises(ConfigurationError, match="letters, digits"):
        DynamoClient(endpoint_url="memory://not a name")


def test_the_version_is_cargos() -> None:
    """One version, single-sourced from the Cargo workspace: the CLI, the package and the
    installed distribution's metadata all say it."""
    cargo = tomllib.loads((Path(__file__).parents[1] / "Cargo.toml").read_text())
    expected = cargo["workspace"]["package"]["version"]
    done = subprocess.run(
        [sys.executable, "-m", "dynomodel", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"dynomodel {expected}"
    assert dynomodel.__version__ == expected == importlib.metadata.version("dynomodel")
