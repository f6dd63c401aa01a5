"""`Index[M]`: a secondary index of a model's table, read like the table itself."""

from __future__ import annotations

from typing import TypeVar

from .._ops.bound import BoundTable
from .._table.indexes import SecondaryIndex
from .reader import Reader

__all__ = ["Index"]

M = TypeVar("M")


class Index(Reader[M]):
    """A secondary index of `M`'s table, to query and scan like the table itself:
    `Order.by_status.query(partition_key="shipped")`, or `table_of(User).index("by-name")`."""

    __slots__ = ("definition", "table")

    def __init__(self, table: BoundTable[M], definition: SecondaryIndex) -> None:
        self.table = table
        self.definition = definition

    def __repr__(self) -> str:
        return f"Index({self.table.model.__name__}, {self.definition.name!r})"

    @property
    def name(self) -> str:
        """The index name."""
        return self.definition.name

    def target(self) -> tuple[BoundTable[M], SecondaryIndex | None]:
        """The index's table, and the index."""
        return self.table, self.definition
