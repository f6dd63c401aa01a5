"""The resume point of an import: `FILE.resume`, beside the file, records the last line of the
file whose items are all written, after each chunk; an interrupted import started again with
`resume=True` goes on after it. A finished import removes it."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass

from ..exceptions import TransferError

__all__ = ["ResumePoint"]

SUFFIX = ".resume"


@dataclass(frozen=True)
class ResumePoint:
    """The resume file of importing `file` into `table`."""

    file: str
    table: str

    @property
    def path(self) -> str:
        """`FILE.resume`."""
        return self.file + SUFFIX

    def _size(self) -> int:
        try:
            return os.stat(self.file).st_size
        except OSError:
            return -1

    def line(self) -> int:
        """The last line written by an earlier import of this file into this table, 0 when
        there is no resume file.

        Raises:
            TransferError: the resume file records another table, or a file of another size
                (not this one any more), or cannot be read.
        """
        try:
            with open(self.path, encoding="utf-8") as recorded:
                point = json.load(recorded)
            line, table, size = point["line"], point["table"], point["size"]
        except FileNotFoundError:
            return 0
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise TransferError(
                f"{self.path} cannot be read as a resume point ({type(error).__name__}): "
                "remove it to import from the first line",
                file=self.file,
            ) from None
        if table != self.table:
            raise TransferError(
                f"{self.path} records an import into table {table!r}, not {self.table!r}: "
                "import into that table, or remove it to start from the first line",
                file=self.file,
            )
        if size != self._size() or not isinstance(line, int):
            raise TransferError(
                f"{self.path} records an import of another version of {self.file} (another "
                "size): remove it to import from the first line",
                file=self.file,
            )
        return line

    def record(self, line: int) -> None:
        """Every line up to `line` is written (replaced whole, never half-written)."""
        point = {"table": self.table, "line": line, "size": self._size()}
        partial = self.path + ".partial"
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(point, out)
        os.replace(partial, self.path)

    def clear(self) -> None:
        """The import is complete: no resume point is left."""
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path)
