"""Secondary indexes declared on a model: `GlobalIndex` and `LocalIndex`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, overload

from .._schema.templates import KeyTemplate
from ..exceptions import ModelDefinitionError

if TYPE_CHECKING:
    from .._api.index import Index

__all__ = ["GlobalIndex", "IndexProjection", "LocalIndex", "SecondaryIndex", "check_name"]

_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")


def check_name(what: str, name: str) -> None:
    """Refuse a table or index name DynamoDB would refuse: 3 to 255 characters of
    `A-Z a-z 0-9 _ . -`."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ModelDefinitionError(
            f"{what} {name!r} is not a DynamoDB name: use 3 to 255 characters of "
            "A-Z, a-z, 0-9, '_', '.' and '-'"
        )


M = TypeVar("M")

IndexProjection: TypeAlias = Literal["ALL", "KEYS_ONLY"] | Sequence[str]
"""What an index copies from the table besides the keys: every attribute (`"ALL"`), none
(`"KEYS_ONLY"`), or the named fields."""


class SecondaryIndex:
    """What `GlobalIndex` and `LocalIndex` share: a name, keys (field names) and a projection.

    Declared in the class body as a `ClassVar`, an index is a descriptor: `Order.by_status` is the
    model's typed `Index[Order]`, with `query`, `scan` and `count` like the table's own.
    """

    __slots__ = ("_attribute", "name", "partition_key", "projection", "sort_key")

    is_global: bool

    def __init__(
        self,
        name: str,
        *,
        partition_key: str | KeyTemplate | None,
        sort_key: str | KeyTemplate | None,
        projection: IndexProjection,
    ) -> None:
        check_name("the index name", name)
        if isinstance(projection, str) and projection not in ("ALL", "KEYS_ONLY"):
            raise ValueError(
                f"index {name!r}: projection is 'ALL', 'KEYS_ONLY' or a list of field names, "
                f"not {projection!r}"
            )
        self.name = name
        self.partition_key = partition_key
        self.sort_key = sort_key
        self.projection: IndexProjection = (
            projection if isinstance(projection, str) else tuple(projection)
        )
        self._attribute = ""

    def __set_name__(self, owner: type[Any], attribute: str) -> None:
        self._attribute = attribute

    def __repr__(self) -> str:
        keys = f"partition_key={self.partition_key!r}, sort_key={self.sort_key!r}"
        return f"{type(self).__name__}({self.name!r}, {keys}, projection={self.projection!r})"

    @overload
    def __get__(self, instance: None, owner: type[M]) -> Index[M]: ...
    @overload
    def __get__(self, instance: M, owner: type[M]) -> Index[M]: ...
    def __get__(self, instance: object, owner: type[Any]) -> Any:
        table = owner.__dict__.get("__dynamo_table__")
        if table is None:  # the class is still being built: the declaration itself
            return self
        return table.index(self.name)


class GlobalIndex(SecondaryIndex):
    """A global secondary index: any key-typed fields as its keys, including attributes that are
    not keys of the table (items without them are simply not in the index).

    ```python
    class Ticket(DynamoModel, table="tickets"):
        id: Annotated[str, PartitionKey]
        status: str
        created_at: datetime
        by_status: ClassVar[GlobalIndex] = GlobalIndex(
            "status-index", partition_key="status", sort_key="created_at"
        )
    ```

    Either key may be a `KeyTemplate` (`KeyTemplate("gsi1pk", "EMAIL#{email}")`): several
    entities of one table can share one index this way, each filling its attributes with its
    own templates (index overloading).

    Created by `create_table()` (with the table's capacity when it is provisioned); read
    eventually consistent only, as DynamoDB allows.
    """

    __slots__ = ()
    is_global = True

    def __init__(
        self,
        name: str,
        *,
        partition_key: str | KeyTemplate,
        sort_key: str | KeyTemplate | None = None,
        projection: IndexProjection = "ALL",
    ) -> None:
        super().__init__(
            name, partition_key=partition_key, sort_key=sort_key, projection=projection
        )


class LocalIndex(SecondaryIndex):
    """A local secondary index: the table's partition key with another sort key. Only a table
    with a sort key can have one, and only `create_table()` can add it.

    ```python
    class Invoice(DynamoModel, table="invoices"):
        customer: Annotated[str, PartitionKey]
        number: Annotated[int, SortKey]
        total: Decimal
        by_total: ClassVar[LocalIndex] = LocalIndex("total-index", sort_key="total")
    ```
    """

    __slots__ = ()
    is_global = False

    def __init__(
        self, name: str, *, sort_key: str | KeyTemplate, projection: IndexProjection = "ALL"
    ) -> None:
        super().__init__(name, partition_key=None, sort_key=sort_key, projection=projection)
