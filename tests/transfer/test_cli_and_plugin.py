"""`python -m dynomodel export` and `import`, run as a user runs them, the progress bar, and
the pytest plugin loading a file into a test's database."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from transfer_support import by_key, line, make_table, numbered, put_all, scan_raw, write_lines

from dynomodel import DynamoClient, ProgressBar, TransferProgress
from dynomodel.__main__ import main


def test_export_and_import_through_main_on_a_named_memory_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = DynamoClient(endpoint_url="memory://cli-test")
    make_table(shared, "cli-source")
    make_table(shared, "cli-target")
    put_all(shared, "cli-source", numbered(120))
    path = str(tmp_path / "cli.jsonl.gz")

    assert main(["export", "cli-source", path, "--endpoint-url", "memory://cli-test"]) == 0
    assert "exported 120 items from cli-source to" in capsys.readouterr().out
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "memory://cli-test")
    assert main(["import", path, "cli-target", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert by_key(scan_raw(shared, "cli-target")) == by_key(scan_raw(shared, "cli-source"))

    assert main(["import", str(tmp_path / "none.jsonl"), "cli-target"]) == 1
    assert "none.jsonl: no such file" in capsys.readouterr().err
    bad = write_lines(tmp_path / "bad.jsonl", [line(numbered(1)[0]), "{\n"])
    assert main(["import", str(bad), "cli-target"]) == 1
    assert "bad.jsonl, line 2: not valid JSON" in capsys.readouterr().err


def test_the_commands_run_as_a_process_against_an_endpoint(
    client: DynamoClient, endpoint: str, table_name: str, tmp_path: Path
) -> None:
    source = make_table(client, table_name)
    put_all(client, source, numbered(300))
    path = tmp_path / "process.jsonl"
    env = {
        "PATH": "",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
    }

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dynomodel", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    exported = run("export", source, str(path), "--segments", "2")
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == ""  # no terminal: no progress bar
    assert len(path.read_text().splitlines()) == 300
    target = make_table(client, table_name + "-copy")
    imported = run("import", str(path), target)
    assert imported.returncode == 0, imported.stderr
    assert "imported 300 items" in imported.stdout
    assert len(scan_raw(client, target)) == 300
    missing = run("export", "no-such-table", str(tmp_path / "x.jsonl"))
    assert missing.returncode == 1 and "no-such-table" in missing.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_only() -> None:
    terminal = Terminal()
    bar = ProgressBar(terminal)
    bar(TransferProgress("orders", "o.jsonl", "check", 5000, None, 1.0))
    bar(TransferProgress("orders", "o.jsonl", "import", 2500, 10_000, 0.5))
    bar.close()
    drawn = terminal.getvalue()
    assert "check orders:  5,000 lines  5,000 lines/s" in drawn
    assert "import orders:  [######..................]  2,500/10,000 items" in drawn
    assert "5,000 items/s  ETA 0:00:01" in drawn and drawn.endswith("\n")

    log = io.StringIO()
    quiet = ProgressBar(log)
    quiet(TransferProgress("orders", "o.jsonl", "export", 1, None, 1.0))
    quiet.close()
    assert log.getvalue() == ""


def test_the_plugin_loads_a_file_for_a_test(pytester: pytest.Pytester) -> None:
    data = pytester.mkdir("data")
    write_lines(data / "orders.jsonl", [line(item) for item in numbered(40)])
    pytester.makepyfile(
        test_loaded="""
from typing import Annotated

import pytest

from dynomodel import DynamoModel, PartitionKey, SortKey


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[int, SortKey]
    payload: str


@pytest.mark.dynomodel(load={Order: "data/orders.jsonl"})
def test_the_file_is_there(dynomodel_memory):
    assert len(list(Order.sync_scan())) == 40
    assert Order.sync_get(pk="P#3", sk=3).payload == "x" * 40


@pytest.mark.dynomodel(load={Order: "data/orders.jsonl"})
async def test_async_tests_see_it_too(dynomodel_memory):
    assert await Order.scan().count() == 40


def test_others_start_empty(dynomodel_memory):
    assert list(Order.sync_scan()) == []
"""
    )
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
