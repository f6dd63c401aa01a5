"""A file that cannot be imported whole is not imported at all: each rule a line can break is
reported with its line number (never its value), and the table stays empty; missing and
corrupt files are typed errors."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pytest
from transfer_support import line, make_table, numbered, scan_raw, write_lines

from dynomodel import DynamoClient, DynamoModel, GlobalIndex, PartitionKey, SortKey
from dynomodel import sync_import_table as import_table
from dynomodel.exceptions import (
    CorruptFileError,
    FileMissingError,
    InvalidItemError,
    InvalidLineError,
)

SECRET = "SECRET-4711"
GOOD = [line(item) for item in numbered(2)]


def key(**more: Any) -> dict[str, Any]:
    return {"pk": {"S": "P#1"}, "sk": {"N": "7"}, **more}


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": SECRET}
    for _ in range(depth):
        value = {"L": [value]}
    return value


BAD_LINES: dict[str, tuple[str, str, str | None]] = {
    # case: (the bad line, what the rule says, the attribute path)
    "not json": (f'{{"Item": {SECRET}}}\n', "not valid JSON", None),
    "not an item line": (f'{{"Items": {{"a": {{"S": "{SECRET}"}}}}}}\n', "DynamoDB JSON", None),
    "extra member": (line(key()).replace("}\n", ', "Other": 1}\n'), "DynamoDB JSON", None),
    "two descriptors": (line(key(a={"S": SECRET, "N": "1"})), "one key", "a"),
    "unknown descriptor": (line(key(a={"STRING": SECRET})), "unknown type", "a"),
    "wrong json type": (line(key(a={"N": 5})), "wrong JSON type", "a.N"),
    "bad base64": (line(key(a={"B": SECRET + "!"})), "base64", "a"),
    "bad base64 in a set": (line(key(a={"BS": ["AA==", SECRET + "!"]})), "base64", "a"),
    "39 digits": (line(key(a={"N": "1" * 39})), "39 significant digits", "a.N"),
    "out of range": (line(key(a={"N": "1E+126"})), "number range", "a.N"),
    "not a number": (line(key(a={"N": SECRET})), "not a valid DynamoDB number", "a.N"),
    "number set": (line(key(a={"NS": ["1", "1E-131"]})), "number range", "a.NS"),
    "empty string set": (line(key(a={"SS": []})), "empty set", "a.SS"),
    "empty number set": (line(key(a={"M": {"b": {"NS": []}}})), "empty set", "a.M.b.NS"),
    "empty binary set": (line(key(a={"L": [{"BS": []}]})), "empty set", "a.L[0].BS"),
    "twice in a set": (line(key(a={"SS": [SECRET, SECRET]})), "twice", "a.SS"),
    "one number twice": (line(key(a={"NS": ["1", "1.00"]})), "twice", "a.NS"),
    "bytes twice": (line(key(a={"BS": ["AA==", "AA=="]})), "twice", "a.BS"),
    "null false": (line(key(a={"NULL": False})), "NULL must be true", "a.NULL"),
    "too deep": (line(key(a=nested(33))), "32 levels", "a" + ".L[0]" * 31),
    "no sort key": (line({"pk": {"S": SECRET}}), "no value for the key attribute 'sk'", None),
    "key of the wrong type": (line(key(sk={"S": SECRET})), "'sk' is a key attribute", None),
    "empty key": (line(key(pk={"S": ""})), "'pk' is empty", None),
    "key too long": (line(key(pk={"S": "k" * 2049})), "2049 bytes", None),
    "item too large": (line(key(a={"S": "x" * 410_000})), "400 KB", None),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_each_rule_names_the_line_and_nothing_is_written(
    client: DynamoClient, table_name: str, tmp_path: Path, case: str
) -> None:
    table = make_table(client, table_name)
    bad, says, attribute = BAD_LINES[case]
    path = write_lines(tmp_path / "bad.jsonl", [*GOOD, "\n", bad, *GOOD])
    with pytest.raises(InvalidLineError) as raised:
        import_table(client, path, table)
    error = raised.value
    assert (error.line, error.attribute, error.file) == (4, attribute, str(path))
    assert says in error.rule and says in str(error)
    assert str(error).startswith(f"{path}, line 4")
    assert SECRET not in str(error) and SECRET not in repr(error.args)
    assert isinstance(error, InvalidItemError) and isinstance(error, ValueError)
    assert scan_raw(client, table) == []


def test_a_bad_last_line_stops_a_large_file_before_its_first_write(
    client: DynamoClient, table_name: str, tmp_path: Path
) -> None:
    table = make_table(client, table_name)
    lines = [line(item) for item in numbered(5000)]
    path = write_lines(tmp_path / "late.jsonl", [*lines, BAD_LINES["39 digits"][0]])
    with pytest.raises(InvalidLineError, match="line 5001"):
        import_table(client, path, table)
    assert scan_raw(client, table) == []
    assert not Path(f"{path}.resume").exists()


def test_index_key_attributes_keep_their_types(
    client: DynamoClient, table_name: str, tmp_path: Path
) -> None:
    class Order(DynamoModel, table=table_name):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[int, SortKey]
        status: str = "open"
        by_status: ClassVar[GlobalIndex] = GlobalIndex("status-index", partition_key="status")

    Order.sync_create_table()
    path = write_lines(tmp_path / "index.jsonl", [line(key(status={"N": "1"}))])
    with pytest.raises(InvalidLineError, match="'status' is a key attribute of a secondary"):
        import_table(client, path, table_name)
    path = write_lines(tmp_path / "index.jsonl", [line(key(status={"S": "open"})), line(key())])
    assert import_table(client, path, table_name).items == 2


def test_missing_and_corrupt_files(client: DynamoClient, table_name: str, tmp_path: Path) -> None:
    table = make_table(client, table_name)
    with pytest.raises(FileMissingError, match=r"none\.jsonl: no such file") as missing:
        import_table(client, tmp_path / "none.jsonl", table)
    assert isinstance(missing.value, FileNotFoundError)
    assert missing.value.file == str(tmp_path / "none.jsonl")

    data = gzip.compress("".join(line(item) for item in numbered(3000)).encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CorruptFileError, match="gzip data is corrupt or cut short"):
        import_table(client, cut, table)
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    broken = tmp_path / "damaged.gz"
    broken.write_bytes(bytes(damaged))
    with pytest.raises(CorruptFileError, match=r"damaged\.gz"):
        import_table(client, broken, table)
    assert scan_raw(client, table) == []
