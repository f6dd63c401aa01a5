"""A table exported to DynamoDB JSON lines and imported into another: every attribute type
comes back equal, plain and gzip, async and sync, on both engines."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Driver
from transfer_support import by_key, make_table, numbered, put_all, scan_raw

from dynomodel import DynamoClient, TransferProgress, export_table, import_table
from dynomodel.exceptions import InvalidExpressionError, TableNotFoundError

EVERY_TYPE: list[dict[str, Any]] = [
    {
        "pk": {"S": "CUSTOMER#1"},
        "sk": {"N": "1"},
        "name": {"S": 'Zoë "quoted"\nnew line'},
        "total": {"N": "12345678901234567890.123456789012345678"},
        "tiny": {"N": "-1E-130"},
        "photo": {"B": bytes(range(256))},
        "tags": {"SS": ["gift", "urgent"]},
        "scores": {"NS": ["1", "2.5", "-99999999999999999999999999999999999999"]},
        "blobs": {"BS": [b"\x00", b"\xff\xfe"]},
        "active": {"BOOL": True},
        "gone": {"BOOL": False},
        "nothing": {"NULL": True},
        "lines": {
            "L": [
                {"M": {"sku": {"S": "A"}, "qty": {"N": "2"}, "deep": {"L": [{"L": []}]}}},
                {"S": "text"},
                {"NS": ["7"]},
            ]
        },
        "address": {"M": {"city": {"S": "Lyon"}, "geo": {"M": {"lat": {"N": "45.76"}}}}},
        "empty_map": {"M": {}},
        "empty_text": {"S": ""},
    },
    {"pk": {"S": "CUSTOMER#2"}, "sk": {"N": "99999999999999999999999999999999999999"}},
]


@pytest.mark.parametrize("name", ["orders.jsonl", "orders.jsonl.gz"])
async def test_every_attribute_type_comes_back_equal(
    client: DynamoClient, table_name: str, tmp_path: Path, driver: Driver, name: str
) -> None:
    source = make_table(client, table_name)
    target = make_table(client, table_name + "-copy")
    put_all(client, source, EVERY_TYPE)
    path = tmp_path / name

    exported = await driver(export_table, client, source, path)
    imported = await driver(import_table, client, path, target)

    assert exported.items == imported.items == len(EVERY_TYPE)
    assert by_key(scan_raw(client, target)) == by_key(scan_raw(client, source))
    written = path.read_bytes()
    assert (gzip.decompress(written) if name.endswith(".gz") else written).startswith(b'{"Item":')
    assert not (tmp_path / f"{name}.partial").exists()
    assert not (tmp_path / f"{name}.resume").exists()


async def test_the_file_is_dynamodb_json_lines(
    client: DynamoClient, table_name: str, tmp_path: Path
) -> None:
    table = make_table(client, table_name)
    put_all(client, table, EVERY_TYPE[:1])
    path = tmp_path / "one.jsonl"
    await export_table(client, table, path, segments=1)
    (line,) = path.read_text().splitlines()
    item = json.loads(line)["Item"]
    assert item["photo"] == {"B": base64.b64encode(bytes(range(256))).decode()}
    assert sorted(item["blobs"]["BS"]) == sorted(
        base64.b64encode(b).decode() for b in (b"\x00", b"\xff\xfe")
    )
    assert item["total"] == {"N": "12345678901234567890.123456789012345678"}
    assert item["nothing"] == {"NULL": True}
    assert item["lines"]["L"][0]["M"]["qty"] == {"N": "2"}


async def test_gzip_is_chosen_by_the_flag_whatever_the_name(
    client: DynamoClient, table_name: str, tmp_path: Path
) -> None:
    source = make_table(client, table_name)
    put_all(client, source, numbered(30))
    path = tmp_path / "compressed.data"
    await export_table(client, source, path, gzip=True)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    target = make_table(client, table_name + "-copy")
    report = await import_table(client, path, target)  # found by its first bytes
    assert report.items == 30 and len(scan_raw(client, target)) == 30


async def test_segments_and_pages_each_item_once_with_progress(
    client: DynamoClient, table_name: str, tmp_path: Path
) -> None:
    table = make_table(client, table_name)
    put_all(client, table, numbered(500))
    seen: list[TransferProgress] = []
    path = tmp_path / "paged.jsonl"
    report = await export_table(client, table, path, segments=3, page_size=40, progress=seen.append)
    keys = [json.loads(line)["Item"]["sk"]["N"] for line in path.read_text().splitlines()]
    assert sorted(keys, key=int) == [str(i) for i in range(500)]
    assert report.items == 500 and report.cost.read_units > 0
    assert len(seen) > 3 and seen[-1].count == 500 and seen[-1].phase == "export"
    assert [p.count for p in seen] == sorted(p.count for p in seen)


async def test_a_missing_table_is_named(client: DynamoClient, tmp_path: Path) -> None:
    with pytest.raises(TableNotFoundError, match="no-such-table"):
        await export_table(client, "no-such-table", tmp_path / "x.jsonl")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "x.jsonl").write_text("")
    with pytest.raises(TableNotFoundError, match="no-such-table"):
        await import_table(client, tmp_path / "x.jsonl", "no-such-table")


async def test_bad_options_are_refused_before_anything_is_sent(
    client: DynamoClient, tmp_path: Path
) -> None:
    with pytest.raises(InvalidExpressionError, match="segments"):
        await export_table(client, "any", tmp_path / "x.jsonl", segments=0)
