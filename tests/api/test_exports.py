"""The public API: every export resolves, nothing private leaks."""

from __future__ import annotations

import importlib
import subprocess
import sys

import dynomodel
import dynomodel.exceptions


def test_every_export_resolves() -> None:
    for module in (dynomodel, dynomodel.exceptions):
        for name in module.__all__:
            assert getattr(module, name) is not None, name


def test_nothing_private_is_exported() -> None:
    public = {n for n in dir(dynomodel) if not n.startswith("_")}
    submodules = {n for n in public if type(getattr(dynomodel, n)).__name__ == "module"}
    assert public - submodules - {"annotations"} == set(dynomodel.__all__) - {
        "exceptions",
        "__version__",
    }
    assert all(not n.startswith("_") or n == "__version__" for n in dynomodel.__all__)


def test_exception_hierarchy_is_drawn_in_the_docstring() -> None:
    doc = dynomodel.exceptions.__doc__ or ""
    for name in dynomodel.exceptions.__all__:
        assert name in doc, name


def test_native_stub_matches_the_build() -> None:
    importlib.import_module("dynomodel._native")
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "dynomodel._native"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
