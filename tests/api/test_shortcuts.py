"""`_api/shortcuts.py` is what `scripts/generate_shortcuts.py` writes from `Table`'s methods."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dynomodel import DynamoModel, Table
from dynomodel._ops.bound import BoundTable

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_shortcuts_are_current() -> None:
    script = ROOT / "scripts" / "generate_shortcuts.py"
    done = subprocess.run(
        [sys.executable, script, "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_operation_of_a_table_has_its_shortcut() -> None:
    # What `BoundTable` holds is the operations' plumbing (hooks, stats), not an operation.
    operations = {
        name
        for name in set(dir(Table)) - set(dir(BoundTable))
        if not name.startswith("_") and callable(getattr(Table, name))
    }
    # The wire-form helpers work on one instance (`order.to_item()`), not by the Table's
    # signature; `index` and `target` belong to the handle.
    own = {"to_item", "to_items", "from_item", "from_items", "item_size", "index", "target"}
    missing = {name for name in operations - own if not hasattr(DynamoModel, name)}
    assert not missing
