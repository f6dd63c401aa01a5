"""What calls cost: consumed capacity and time, per call and summed per table."""

from __future__ import annotations

from dataclasses import dataclass

from .._native import Cost

__all__ = ["CallCost", "TableStats"]


@dataclass(frozen=True)
class CallCost:
    """What one call consumed and how long it took (retries included)."""

    read_units: float
    write_units: float
    duration: float
    """Seconds."""

    @classmethod
    def of(cls, cost: Cost) -> CallCost:
        """The cost a native call reported."""
        return cls(cost.read, cost.write, cost.duration)

    def __add__(self, other: CallCost) -> CallCost:
        return CallCost(
            self.read_units + other.read_units,
            self.write_units + other.write_units,
            self.duration + other.duration,
        )


@dataclass
class TableStats:
    """Running totals of the calls made through one table (model), batches included."""

    calls: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    duration: float = 0.0
    """Seconds, summed over calls."""
    last_call: CallCost | None = None

    def add(self, cost: CallCost) -> None:
        """Count one more call that cost `cost`."""
        self.calls += 1
        self.read_units += cost.read_units
        self.write_units += cost.write_units
        self.duration += cost.duration
        self.last_call = cost
