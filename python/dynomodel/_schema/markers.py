"""Field markers for `Annotated` fields with a DynamoDB role beyond the key: `Version` and `TTL`."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, ClassVar, Final

from pydantic.fields import FieldInfo

from ..exceptions import ModelDefinitionError
from .records import fields_of

__all__ = [
    "TTL",
    "FieldMarker",
    "StoredAs",
    "Version",
    "expires_in",
    "marked_field",
    "stored_forms",
]


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


class StoredAs:
    """The stored form of a field, for tables other libraries read and write too: a datetime
    in another form than dynomodel's sortable UTC text, or a set stored as a list.

    Per field, `placed_at: Annotated[datetime, StoredAs.PYNAMODB]`; per model, for every
    datetime of its items, the class keyword `datetime_form=StoredAs.PYNAMODB` (or
    `@dynamo_table(..., datetime_form=...)`). Writes use the declared form, and so do the
    values of conditions on the field; reads accept every form whatever the declaration says.

    - `SORTABLE`: `S`, `2024-05-01T09:30:00.000000Z`, UTC, fixed width (the default).
    - `ISO`: `S`, `isoformat()` with the value's own offset (`2024-05-01T11:30:00+02:00`), what
      pydynox's `DatetimeAttribute` writes; the offset round-trips.
    - `PYNAMODB`: `S`, `2024-05-01T09:30:00.000000+0000`, PynamoDB's `UTCDateTimeAttribute`.
    - `EPOCH_SECONDS`: `N`, whole seconds since the epoch (sub-second parts are dropped).
    - `EPOCH_MILLIS`: `N`, whole milliseconds since the epoch (microseconds are dropped).
    - `LIST`: a `set` stored as `L` (sorted) rather than `SS`/`NS`/`BS`; reads take either.
    """

    __slots__ = ("_name", "applies_to", "kind")

    SORTABLE: ClassVar[StoredAs]
    ISO: ClassVar[StoredAs]
    PYNAMODB: ClassVar[StoredAs]
    EPOCH_SECONDS: ClassVar[StoredAs]
    EPOCH_MILLIS: ClassVar[StoredAs]
    LIST: ClassVar[StoredAs]

    def __init__(self, name: str, kind: str, applies_to: str) -> None:
        self._name = name
        self.kind = kind
        """The plan kind of the form (`datetime_pynamodb`, `set_list`, ...)."""
        self.applies_to = applies_to
        """The plan kind it replaces: `datetime` or `set`."""

    def __repr__(self) -> str:
        return f"StoredAs.{self._name}"


StoredAs.SORTABLE = StoredAs("SORTABLE", "datetime", "datetime")
StoredAs.ISO = StoredAs("ISO", "datetime_iso", "datetime")
StoredAs.PYNAMODB = StoredAs("PYNAMODB", "datetime_pynamodb", "datetime")
StoredAs.EPOCH_SECONDS = StoredAs("EPOCH_SECONDS", "epoch", "datetime")
StoredAs.EPOCH_MILLIS = StoredAs("EPOCH_MILLIS", "epoch_ms", "datetime")
StoredAs.LIST = StoredAs("LIST", "set_list", "set")


def stored_forms(model: type[Any]) -> dict[str, StoredAs]:
    """The fields annotated with a `StoredAs` form, by name."""
    forms: dict[str, StoredAs] = {}
    for name, info in fields_of(model).items():
        marked = [m for m in markers(info) if isinstance(m, StoredAs)]
        if len(marked) > 1:
            raise ModelDefinitionError(f"{model.__name__}.{name}: one StoredAs form per field")
        if marked:
            forms[name] = marked[0]
    return forms


def expires_in(delta: dt.timedelta) -> dt.datetime:
    """The aware UTC instant `delta` from now: a value for a `TTL` field."""
    return dt.datetime.now(dt.UTC) + delta


def marked_field(model: type[Any], marker: FieldMarker) -> str | None:
    """The one field `marker` annotates, checked to be of the marker's type (or that or None)."""
    found = [
        name for name, info in fields_of(model).items() if any(m is marker for m in markers(info))
    ]
    if len(found) > 1:
        raise ModelDefinitionError(
            f"{model.__name__}: at most one field is the {marker!r}, found {', '.join(found)}"
        )
    if not found:
        return None
    name = found[0]
    annotation = fields_of(model)[name].annotation
    inner = _without_none(annotation)
    if getattr(inner, "__origin__", inner) not in marker.types:
        wanted = " or ".join(t.__name__ for t in marker.types)
        raise ModelDefinitionError(
            f"{model.__name__}.{name}: a {marker!r} field is of type {wanted} (or optional), "
            f"not {annotation!r}"
        )
    return name


def markers(info: FieldInfo) -> list[Any]:
    """A field's `Annotated` metadata, also where the annotation is an optional one
    (`Annotated[datetime, TTL] | None` marks the field as `Annotated[datetime | None, TTL]`
    does)."""
    inner = _without_none(info.annotation)
    extra = list(getattr(inner, "__metadata__", ())) if inner is not info.annotation else []
    return [*info.metadata, *extra]


def _without_none(annotation: Any) -> Any:
    """`T` of `T | None` (or `Optional[T]`); anything else as it is."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation
