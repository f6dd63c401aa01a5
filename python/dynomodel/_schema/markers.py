"""Field markers for `Annotated` fields with a DynamoDB role beyond the key: `Version` and `TTL`."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Final

from pydantic import BaseModel

from ..exceptions import ModelDefinitionError

__all__ = ["TTL", "FieldMarker", "Version", "expires_in", "marked_field"]


class FieldMarker:
    """Marks a field inside `Annotated[...]`; see `Version` and `TTL`."""

    __slots__ = ("_name", "types")

    def __init__(self, name: str, types_: tuple[type, ...]) -> None:
        self._name = name
        self.types = types_
        """The types (besides None) a field it marks may have."""

    def __repr__(self) -> str:
        return self._name


Version: Final = FieldMarker("Version", (int,))
"""`version: Annotated[int, Version] = 0`: optimistic locking. Every save, update and delete
(transactions included) is conditioned on the stored version being the instance's, and writes the
next one; a stale instance gets `ConditionalCheckFailedError` and is left unchanged. 0 (or None)
means "never saved": the item must not exist yet, or carry no version (or 0)."""

TTL: Final = FieldMarker("TTL", (dt.datetime,))
"""`expires: Annotated[datetime, TTL]`: stored as epoch seconds (`N`, the sub-second part dropped),
the form DynamoDB's time to live reads; `create_table()` enables TTL on it."""


def expires_in(delta: dt.timedelta) -> dt.datetime:
    """The aware UTC instant `delta` from now: a value for a `TTL` field."""
    return dt.datetime.now(dt.UTC) + delta


def marked_field(model: type[BaseModel], marker: FieldMarker) -> str | None:
    """The one field `marker` annotates, checked to be of the marker's type (or that or None)."""
    found = [
        name for name, info in model.model_fields.items() if any(m is marker for m in info.metadata)
    ]
    if len(found) > 1:
        raise ModelDefinitionError(
            f"{model.__name__}: at most one field is the {marker!r}, found {', '.join(found)}"
        )
    if not found:
        return None
    name = found[0]
    annotation = model.model_fields[name].annotation
    if _without_none(annotation) not in marker.types:
        wanted = " or ".join(t.__name__ for t in marker.types)
        raise ModelDefinitionError(
            f"{model.__name__}.{name}: a {marker!r} field is of type {wanted} (or optional), "
            f"not {annotation!r}"
        )
    return name


def _without_none(annotation: Any) -> Any:
    """`T` of `T | None` (or `Optional[T]`); anything else as it is."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation
