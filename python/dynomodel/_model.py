"""`DynamoModel`: a pydantic model that is also a DynamoDB item."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel

from ._codec import ModelCodec
from ._table import Table, attach, declared_keys
from ._types import AttributeValue, Item
from .exceptions import ModelDefinitionError

__all__ = ["DynamoModel"]


class DynamoModel(BaseModel):
    """Base class for models stored in DynamoDB.

    ```python
    class Order(DynamoModel, table="orders"):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        total: Decimal
    ```

    The keys are checked when the class is created (exactly one partition key, at most one sort
    key, of a type DynamoDB keys can have, never optional) and the codec plan is compiled once
    then. A subclass without `table=` inherits its parent's table; a `DynamoModel` that names no
    table anywhere is still encodable (`to_item`), for use as a base or a nested value.
    """

    __dynamo_table_name__: ClassVar[str | None] = None

    def __init_subclass__(cls, *, table: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    @classmethod
    def __pydantic_init_subclass__(cls, *, table: str | None = None, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = table or cls.__dynamo_table_name__
        cls.__dynamo_table_name__ = name
        partition_key, sort_key = declared_keys(cls)
        if name is None:
            if partition_key or sort_key:
                raise ModelDefinitionError(
                    f"{cls.__name__} declares keys but no table: class {cls.__name__}"
                    "(DynamoModel, table=...)"
                )
            cls.__dynamo_codec__ = ModelCodec(cls)
            return
        if partition_key is None:
            raise ModelDefinitionError(
                f"{cls.__name__}: a table model needs exactly one partition key, "
                "declared as Annotated[<type>, PartitionKey]"
            )
        table_ = Table(cls, name, partition_key=partition_key, sort_key=sort_key)
        attach(cls, table_)
        cls.__dynamo_codec__ = table_.codec

    __dynamo_codec__: ClassVar[ModelCodec[Any]]

    def to_item(self) -> Item:
        """This instance in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Raises an `EncodeError` subclass, naming the field and the rule, for a value DynamoDB
        cannot store: NaN, a number over 38 digits, an empty key, an item over 400 KB, ...
        """
        return type(self).__dynamo_codec__.to_item(self)

    @classmethod
    def from_item(cls, item: Mapping[str, AttributeValue]) -> Self:
        """Validate one wire-form item into this model; no request is sent.

        Attributes the model does not declare are kept with the instance and written back
        unchanged by `to_item()` (and so by `save()`).
        """
        return cls.__dynamo_codec__.from_item(item)  # type: ignore[no-any-return]

    @classmethod
    def from_items(cls, items: Iterable[Mapping[str, AttributeValue]]) -> list[Self]:
        """Validate a page of wire-form items with one crossing into Rust and one pydantic call."""
        return cls.__dynamo_codec__.from_items(items)
