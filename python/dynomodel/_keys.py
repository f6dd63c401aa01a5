"""Key markers for `Annotated` fields."""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["KeyRole", "PartitionKey", "SortKey"]


class KeyRole:
    """Marks a field as the table's partition key or sort key inside `Annotated[...]`."""

    __slots__ = ("role",)

    def __init__(self, role: Literal["partition", "sort"]) -> None:
        self.role: Final = role

    def __repr__(self) -> str:
        return "PartitionKey" if self.role == "partition" else "SortKey"


PartitionKey: Final = KeyRole("partition")
"""`pk: Annotated[str, PartitionKey]`: the field is the table's partition (hash) key."""

SortKey: Final = KeyRole("sort")
"""`sk: Annotated[str, SortKey]`: the field is the table's sort (range) key."""
