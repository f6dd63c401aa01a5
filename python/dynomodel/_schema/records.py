"""What dynomodel reads of a class whose instances are items, the same way for a pydantic
model, a pydantic dataclass and a standard-library `@dataclass`: its fields, its validator and
serializer, its core schema and its `@computed_field`s."""

from __future__ import annotations

import copy
import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from pydantic import BaseModel, TypeAdapter
from pydantic.dataclasses import is_pydantic_dataclass
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema, SchemaSerializer, SchemaValidator

from ..exceptions import ModelDefinitionError

__all__ = ["RecordClass", "copied", "fields_of", "is_record_class", "record_class"]


@dataclass(frozen=True)
class RecordClass:
    """The parts of a class that encoding, validation and paths use."""

    fields: Mapping[str, FieldInfo]
    """The fields by name, with their annotations, defaults and `Annotated` metadata."""
    validator: SchemaValidator
    """Validates data into an instance (and assignments into a copy)."""
    serializer: SchemaSerializer
    """Dumps an instance to Python values."""
    core_schema: CoreSchema
    """pydantic's core schema of the class, which the codec's plan is derived from."""
    computed: tuple[str, ...]
    """The `@computed_field` properties (pydantic models and dataclasses only)."""


_RECORDS: WeakKeyDictionary[type[Any], RecordClass] = WeakKeyDictionary()


def is_record_class(cls: object) -> bool:
    """Whether instances of `cls` can be items: a pydantic model or any dataclass."""
    if not isinstance(cls, type):
        return False
    klass: type[object] = cls  # pyright: ignore[reportUnknownVariableType]
    return issubclass(klass, BaseModel) or dataclasses.is_dataclass(klass)


def record_class(cls: type[Any]) -> RecordClass:
    """What dynomodel reads of `cls`, worked out once.

    Raises:
        ModelDefinitionError: `cls` is no pydantic model nor dataclass, or a dataclass with
            `slots=True` (its instances have no `__dict__`, where what an item holds beyond
            the fields is kept).
    """
    found = _RECORDS.get(cls)
    if found is None:
        found = _inspect(cls)
        _RECORDS[cls] = found
    return found


def fields_of(cls: type[Any]) -> Mapping[str, FieldInfo]:
    """The fields of a pydantic model or dataclass, by name."""
    return record_class(cls).fields


def copied(instance: Any) -> Any:
    """A shallow copy of an instance, as `model_copy()` makes it for a model."""
    if isinstance(instance, BaseModel):
        return instance.model_copy()
    return copy.copy(instance)


def _inspect(cls: type[Any]) -> RecordClass:
    if issubclass(cls, BaseModel):
        return RecordClass(
            cls.model_fields,
            cls.__pydantic_validator__,  # type: ignore[arg-type]
            cls.__pydantic_serializer__,
            cls.__pydantic_core_schema__,
            tuple(cls.__pydantic_computed_fields__),
        )
    if not is_record_class(cls):
        raise ModelDefinitionError(
            f"{cls!r} is not a class dynomodel can map: use a pydantic model, a pydantic "
            "dataclass or a standard-library @dataclass"
        )
    if "__slots__" in vars(cls):
        raise ModelDefinitionError(
            f"{cls.__name__}: a dataclass with slots=True has no __dict__, where dynomodel keeps "
            "the attributes an item holds beyond the fields; drop slots=True"
        )
    if is_pydantic_dataclass(cls):
        computed = tuple(cls.__pydantic_decorators__.computed_fields)
        return RecordClass(
            cls.__pydantic_fields__,
            cls.__pydantic_validator__,  # type: ignore[arg-type]
            cls.__pydantic_serializer__,
            cls.__pydantic_core_schema__,
            computed,
        )
    adapter = TypeAdapter[Any](cls)
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {
        field.name: FieldInfo.from_annotated_attribute(hints[field.name], field)
        for field in dataclasses.fields(cls)
    }
    return RecordClass(fields, adapter.validator, adapter.serializer, adapter.core_schema, ())  # type: ignore[arg-type]
