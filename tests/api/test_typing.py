"""mypy and pyright accept tests/api/typechecking/*.py and reject every `# error` line of the
*_fail.py files there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ROOT / "tests" / "api" / "typechecking"
FAILING = sorted(CHECKS.glob("*_fail.py"))
BIN = Path(sys.executable).parent


def run(*command: str | Path, stdout_only: bool = False) -> str:
    result = subprocess.run(
        [str(c) for c in command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout if stdout_only else result.stdout + result.stderr


def expected_lines(path: Path) -> set[int]:
    lines = path.read_text().splitlines()
    return {n for n, line in enumerate(lines, 1) if line.rstrip().endswith("# error")}


def test_package_and_checks_pass_mypy() -> None:
    out = run(sys.executable, "-m", "mypy")
    assert "Success: no issues found" in out, out


def test_package_and_checks_pass_pyright() -> None:
    out = run(BIN / "pyright")
    assert "0 errors" in out, out


@pytest.mark.parametrize("path", FAILING, ids=lambda p: p.name)
def test_mypy_rejects_each_marked_line(path: Path) -> None:
    out = run(sys.executable, "-m", "mypy", "--strict", path)
    flagged = {int(n) for n in re.findall(rf"{re.escape(path.name)}:(\d+): error", out)}
    assert flagged == expected_lines(path), out


@pytest.mark.parametrize("path", FAILING, ids=lambda p: p.name)
def test_pyright_rejects_each_marked_line(path: Path, tmp_path: Path) -> None:
    (tmp_path / path.name).write_text(path.read_text())
    config = {
        "include": [path.name],
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "venvPath": str(ROOT),
        "venv": ".venv",
        "extraPaths": [str(ROOT / "python")],
    }
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    out = run(
        BIN / "pyright", "--outputjson", "-p", tmp_path / "pyrightconfig.json", stdout_only=True
    )
    report = json.loads(out)
    flagged = {
        d["range"]["start"]["line"] + 1
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    }
    assert flagged == expected_lines(path), out
