"""Key markers for `Annotated` fields, and finding the fields they mark."""

from __future__ import annotations

from typing import Any, Final, Literal

from ..exceptions import ModelDefinitionError
from .records import fields_of

__all__ = ["KeyRole", "PartitionKey", "SortKey", "declared_keys"]


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


def declared_keys(model: type[Any]) -> tuple[str | None, str | None]:
    """The fields annotated `PartitionKey` and `SortKey`, checked to be one of each at most."""
    found: dict[KeyRole, list[str]] = {PartitionKey: [], SortKey: []}
    for name, info in fields_of(model).items():
        roles = [role for role in found if any(m is role for m in info.metadata)]
        if len(roles) > 1:
            raise ModelDefinitionError(
                f"{model.__name__}.{name}: a field cannot be both the partition and the sort key"
            )
        for role in roles:
            found[role].append(name)
    for role, names in found.items():
        if len(names) > 1:
            raise ModelDefinitionError(
                f"{model.__name__}: a table has one {role!r} field, found {len(names)}: "
                + ", ".join(names)
            )
    partition, sort = found[PartitionKey], found[SortKey]
    return (partition[0] if partition else None), (sort[0] if sort else None)
