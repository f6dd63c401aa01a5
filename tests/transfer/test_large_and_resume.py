"""Streaming: 20,000 items and more go through in bounded chunks both ways; an import that is
interrupted resumes after its last whole chunk, every item present once, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Driver, put_raw
from transfer_support import by_key, line, make_table, numbered, put_all, scan_raw, write_lines

from dynomodel import DynamoClient, TransferProgress, export_table, import_table
from dynomodel._ops.transfer import CHUNK_ITEMS
from dynomodel.exceptions import TransferError

COUNT = 20_500


class Interrupted(Exception):
    """What the progress callback raises to stop an import mid-way."""


def stop_after(chunks: int) -> tuple[list[TransferProgress], object]:
    seen: list[TransferProgress] = []

    def progress(report: TransferProgress) -> None:
        seen.append(report)
        if sum(p.phase == "import" for p in seen) == chunks:
            raise Interrupted

    return seen, progress


async def test_twenty_thousand_items_each_way_in_chunks(
    client: DynamoClient, table_name: str, tmp_path: Path, driver: Driver
) -> None:
    source = make_table(client, table_name)
    put_all(client, source, numbered(COUNT))
    path = tmp_path / "large.jsonl.gz"
    exported: list[TransferProgress] = []
    report = await driver(
        export_table, client, source, path, page_size=500, progress=exported.append
    )
    assert report.items == COUNT and len(exported) >= 10

    target = make_table(client, table_name + "-copy")
    imported: list[TransferProgress] = []
    report = await driver(import_table, client, path, target, progress=imported.append)
    assert report.items == COUNT
    writes = [p for p in imported if p.phase == "import"]
    assert len(writes) == -(-COUNT // CHUNK_ITEMS)
    assert {p.total for p in writes} == {COUNT} and writes[-1].eta == 0
    assert imported[0].phase == "check" and imported[0].total is None
    assert by_key(scan_raw(client, target)) == by_key(scan_raw(client, source))


async def test_an_interrupted_import_resumes_after_its_last_whole_chunk(
    client: DynamoClient, table_name: str, tmp_path: Path, driver: Driver
) -> None:
    table = make_table(client, table_name)
    items = numbered(COUNT)
    path = write_lines(tmp_path / "orders.jsonl", [line(item) for item in items])
    resume = Path(f"{path}.resume")

    _, progress = stop_after(3)
    with pytest.raises(Interrupted):
        await driver(import_table, client, path, table, progress=progress)
    recorded = json.loads(resume.read_text())
    assert recorded["line"] == 3 * CHUNK_ITEMS and recorded["table"] == table
    assert len(scan_raw(client, table)) == 3 * CHUNK_ITEMS
    # Lines up to the resume point are not written again: a change made since stays.
    put_raw(client, table, {**items[0], "payload": {"S": "changed since"}})

    seen, _ = stop_after(-1)
    report = await driver(import_table, client, path, table, resume=True, progress=seen.append)
    assert report.items == COUNT - 3 * CHUNK_ITEMS
    assert next(p.total for p in seen if p.phase == "import") == COUNT - 3 * CHUNK_ITEMS
    stored = by_key(scan_raw(client, table))
    assert len(stored) == COUNT
    assert stored.pop(("P#0", "0"))["payload"] == {"S": "changed since"}
    assert stored == by_key(items[1:])
    assert not resume.exists()


def test_a_resume_point_of_another_import_is_refused(
    client: DynamoClient, table_name: str, tmp_path: Path
) -> None:
    table = make_table(client, table_name)
    path = write_lines(tmp_path / "a.jsonl", [line(item) for item in numbered(10)])
    resume = Path(f"{path}.resume")
    resume.write_text(json.dumps({"table": "other", "line": 4, "size": path.stat().st_size}))
    with pytest.raises(TransferError, match="records an import into table 'other'"):
        import_table_sync(client, path, table)
    resume.write_text(json.dumps({"table": table, "line": 4, "size": 1}))
    with pytest.raises(TransferError, match="another size"):
        import_table_sync(client, path, table)
    resume.write_text("{")
    with pytest.raises(TransferError, match="cannot be read as a resume point"):
        import_table_sync(client, path, table)
    assert scan_raw(client, table) == []
    resume.unlink()
    assert import_table_sync(client, path, table).items == 10  # no resume file: from line 1


def import_table_sync(client: DynamoClient, path: Path, table: str):  # type: ignore[no-untyped-def]
    from dynomodel import sync_import_table

    return sync_import_table(client, path, table, resume=True)
