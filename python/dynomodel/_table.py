"""`Table[M]`: a DynamoDB table whose items are instances of a pydantic model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ._codec import ModelCodec
from ._keys import KeyRole, PartitionKey, SortKey
from ._types import AttributeValue, Item
from .exceptions import ModelDefinitionError

__all__ = ["Table", "declared_keys", "table_of"]

M = TypeVar("M", bound=BaseModel)

_TABLE_ATTRIBUTE = "__dynamo_table__"


class Table(Generic[M]):
    """A DynamoDB table whose items are instances of `M`.

    This is the typed handle for models that stay plain pydantic models (`@dynamo_table`):
    `users = table_of(User)` is a `Table[User]`, so every call through it is checked by mypy and
    pyright. `DynamoModel` subclasses get the same operations as methods, served by the same object.

    Args:
        model: the pydantic model of the items.
        name: the DynamoDB table name.
        partition_key: the field that is the partition (hash) key.
        sort_key: the field that is the sort (range) key, if the table has one.

    Raises:
        ModelDefinitionError: a key field is missing, optional, or of a type DynamoDB keys cannot
            have, or the model has a field the codec cannot store.
    """

    __slots__ = ("codec", "model", "name", "partition_key", "sort_key")

    def __init__(
        self, model: type[M], name: str, *, partition_key: str, sort_key: str | None = None
    ) -> None:
        if not name:
            raise ModelDefinitionError(f"{model.__name__}: the table name is empty")
        for role, field in (("partition", partition_key), ("sort", sort_key)):
            if field is not None and field not in model.model_fields:
                raise ModelDefinitionError(
                    f"{model.__name__}: the {role} key {field!r} is not a field of the model"
                )
        if partition_key == sort_key:
            raise ModelDefinitionError(
                f"{model.__name__}: {partition_key!r} cannot be both the partition and the sort key"
            )
        self.model = model
        self.name = name
        self.partition_key = partition_key
        self.sort_key = sort_key
        keys = [partition_key] if sort_key is None else [partition_key, sort_key]
        self.codec: ModelCodec[M] = ModelCodec(model, keys)
        """The model's compiled codec (its plan, keys included)."""

    def __repr__(self) -> str:
        return f"Table({self.model.__name__}, {self.name!r})"

    def to_item(self, instance: M) -> Item:
        """`instance` in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Attributes the instance was loaded with but the model does not declare are included
        unchanged. Raises an `EncodeError` subclass for a value DynamoDB cannot store.
        """
        return self.codec.to_item(instance)

    def item_size(self, instance: M) -> int:
        """The size of `instance` as an item, by DynamoDB's rules (the 400 KB limit's measure)."""
        return self.codec.item_size(instance)

    def from_item(self, item: Mapping[str, AttributeValue]) -> M:
        """Validate one wire-form item into `M`; no request is sent."""
        return self.codec.from_item(item)

    def from_items(self, items: Iterable[Mapping[str, AttributeValue]]) -> list[M]:
        """Validate many wire-form items into `M` with one pydantic call; no request is sent."""
        return self.codec.from_items(items)


def declared_keys(model: type[BaseModel]) -> tuple[str | None, str | None]:
    """The fields annotated `PartitionKey` and `SortKey`, checked to be one of each at most."""
    found: dict[KeyRole, list[str]] = {PartitionKey: [], SortKey: []}
    for name, info in model.model_fields.items():
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


def attach(model: type[M], table: Table[M]) -> None:
    """Register `table` as `model`'s own (not inherited by subclasses)."""
    setattr(model, _TABLE_ATTRIBUTE, table)


def table_of(model: type[M]) -> Table[M]:
    """The `Table[M]` of a `DynamoModel` with a table or of a `@dynamo_table` model.

    Raises:
        ModelDefinitionError: `model` is not mapped to a table.
    """
    table: Table[Any] | None = model.__dict__.get(_TABLE_ATTRIBUTE)
    if table is None:
        raise ModelDefinitionError(
            f"{model.__name__} is not mapped to a table: decorate it with @dynamo_table(...) "
            "or subclass DynamoModel with table=..."
        )
    return table
