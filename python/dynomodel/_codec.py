"""One model's codec: the compiled Rust plan plus the pydantic validators it feeds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter

from . import _native
from ._schema import describe
from ._types import AttributeValue, Item

__all__ = ["ModelCodec"]

M = TypeVar("M", bound=BaseModel)

_VALIDATE: dict[str, Any] = {"strict": False, "by_alias": False, "by_name": True}
"""Decoded data is keyed by field name and holds wire-level types (a `str` for a UUID), so it is
validated by name and in lax mode whatever the model's own configuration says."""


class ModelCodec(Generic[M]):
    """Encodes instances of `model` to DynamoDB's wire form and validates items back into it.

    The plan is compiled once, here; each item then crosses into Rust once, and a page of items is
    validated by pydantic in one call.
    """

    __slots__ = ("_many", "_native", "model")

    def __init__(self, model: type[M], keys: Sequence[str] = ()) -> None:
        self.model = model
        self._native = _native.Codec(describe(model, keys))
        self._many: TypeAdapter[list[M]] = TypeAdapter(list[model])  # type: ignore[valid-type]

    def to_item(self, instance: M) -> Item:
        """The instance as a DynamoDB item; raises an `EncodeError` if a value cannot be stored."""
        return self._native.encode(instance)

    def item_size(self, instance: M) -> int:
        """The instance's size as an item, by DynamoDB's rules, in bytes."""
        return self._native.item_size(instance)

    def from_item(self, item: Mapping[str, AttributeValue]) -> M:
        """Validate one item into the model, keeping the attributes the model does not declare."""
        data, unknown = self._native.decode(item)
        instance = self.model.__pydantic_validator__.validate_python(data, **_VALIDATE)
        if unknown is not None:
            vars(instance)[_native.UNKNOWN_ATTRIBUTES] = unknown
        return instance  # type: ignore[no-any-return]

    def from_items(self, items: Iterable[Mapping[str, AttributeValue]]) -> list[M]:
        """Validate a page of items in one pydantic call."""
        data, unknown = self._native.decode_many(items)
        instances = self._many.validate_python(data, **_VALIDATE)
        for index, attributes in unknown:
            vars(instances[index])[_native.UNKNOWN_ATTRIBUTES] = attributes
        return instances


def unknown_attributes(instance: BaseModel) -> dict[str, AttributeValue]:
    """The attributes the stored item had that the model does not declare (a copy)."""
    return dict(vars(instance).get(_native.UNKNOWN_ATTRIBUTES, {}))
