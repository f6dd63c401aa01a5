"""How far an export or import has got: `TransferProgress`, handed to a progress callback
after each chunk, and `ProgressBar`, the callback that draws it on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

__all__ = ["Phase", "ProgressBar", "ProgressCallback", "TransferProgress"]

Phase = Literal["check", "import", "export"]
"""`check`: an import reading every line before it writes any; `import`: writing them;
`export`: scanning the table into the file."""


@dataclass(frozen=True)
class TransferProgress:
    """Where an export or import stands, after one more chunk."""

    table: str
    file: str
    phase: Phase
    count: int
    """Lines checked (`check`), or items written (`import`, `export`)."""
    total: int | None
    """What `count` goes up to, when it is known: an import's item count (from its check),
    an export's from DescribeTable (DynamoDB's estimate, refreshed about every six hours);
    None when unknown, or when the estimate turned out too low."""
    elapsed: float
    """Seconds since the phase started."""

    @property
    def rate(self) -> float:
        """`count` per second so far."""
        return self.count / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far, where the total is known."""
        if self.total is None or self.rate <= 0:
            return None
        return (self.total - self.count) / self.rate


ProgressCallback = Callable[[TransferProgress], object]
"""Called after each chunk with where the transfer stands; an exception it raises stops the
transfer (an import then resumes from its last whole chunk)."""


def _clock(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour}:{minute:02}:{second:02}"


class ProgressBar:
    """Draws a transfer's progress on one line of a terminal: count, rate and, where the total
    is known, a bar and the time left. Quiet when `stream` (stderr by default) is not a
    terminal, so logs and pipes get nothing (`quiet=True`: never anything; `quiet=False`:
    always). `close()` ends the line.

    ```python
    import tempfile
    from pathlib import Path

    file = Path(tempfile.mkdtemp()) / "orders.jsonl"
    bar = ProgressBar()
    await export_table(get_default_client(), "doc-orders", file, progress=bar)
    bar.close()
    ```
    """

    WIDTH = 24
    """Characters of the bar."""
    EVERY = 0.1
    """Seconds between two drawings."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._quiet = not self._stream.isatty() if quiet is None else quiet
        self._last: TransferProgress | None = None
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, progress: TransferProgress) -> None:
        if self._quiet:
            return
        phase_changed = self._last is not None and self._last.phase != progress.phase
        if phase_changed:
            self._end_line()
        self._last = progress
        now = time.monotonic()
        if phase_changed or now - self._drawn_at >= self.EVERY:
            self._draw(progress)
            self._drawn_at = now

    def close(self) -> None:
        """Draw the last progress and end its line."""
        if self._last is not None and not self._quiet:
            self._draw(self._last)
            self._end_line()

    def _end_line(self) -> None:
        self._stream.write("\n")
        self._stream.flush()
        self._width = 0

    def _draw(self, progress: TransferProgress) -> None:
        unit = "lines" if progress.phase == "check" else "items"
        parts = [f"{progress.phase} {progress.table}:"]
        if progress.total:
            filled = min(self.WIDTH, self.WIDTH * progress.count // progress.total)
            parts.append("[" + "#" * filled + "." * (self.WIDTH - filled) + "]")
            parts.append(f"{progress.count:,}/{progress.total:,} {unit}")
        else:
            parts.append(f"{progress.count:,} {unit}")
        parts.append(f"{progress.rate:,.0f} {unit}/s")
        eta = progress.eta
        if eta is not None:
            parts.append(f"ETA {_clock(eta)}")
        line = "  ".join(parts)
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)
