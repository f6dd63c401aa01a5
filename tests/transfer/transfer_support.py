"""What the transfer tests share: tables made and read in wire form, bypassing every model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dynomodel import DynamoClient
from dynomodel._table.requests import WIRE, ReadRequest, Write

KEYS = (("pk", "S"), ("sk", "N"))


def make_table(client: DynamoClient, name: str) -> str:
    client.sync_create_table(name, KEYS[0], KEYS[1])  # type: ignore[arg-type]
    return name


def scan_raw(client: DynamoClient, table: str) -> list[dict[str, Any]]:
    """Every item of `table` in wire form, read strongly consistent."""
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        read = ReadRequest(None, None, None, start, True, False)
        (page,) = client.native.scan(table, None, read, [(0, start)], 0, WIRE, True)
        items.extend(page.items)
        start = page.last_key
        if start is None:
            return items


def put_all(client: DynamoClient, table: str, items: list[dict[str, Any]]) -> None:
    for at in range(0, len(items), 5000):
        writes: list[Write] = [(table, True, item) for item in items[at : at + 5000]]
        output = client.native.batch_write(writes, 60.0, True)
        assert not output.unprocessed


def numbered(count: int, payload: str = "x" * 40) -> list[dict[str, Any]]:
    return [
        {"pk": {"S": f"P#{i % 50}"}, "sk": {"N": str(i)}, "payload": {"S": payload}}
        for i in range(count)
    ]


def by_key(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["pk"]["S"], item["sk"]["N"]): item for item in items}


def line(item: dict[str, Any]) -> str:
    """`item` (wire form with bytes) as a line of DynamoDB JSON."""
    return json.dumps({"Item": item}) + "\n"


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines))
    return path
