"""One model's codec: the compiled Rust plan plus the pydantic validators it feeds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from .._native import UNKNOWN_ATTRIBUTES, Codec, NativeItem
from ..exceptions import EncodeError, ModelDefinitionError
from .describe import describe
from .external import encrypted_fields, s3_fields
from .markers import StoredAs
from .plain import plain_defaults
from .records import record_class
from .templates import TemplatePart
from .wire import AttributeValue, Item

__all__ = ["ModelCodec", "encode_value", "unknown_attributes"]

M = TypeVar("M")

_LAX: dict[str, Any] = {"strict": False}
"""Decoded data holds wire-level types (a `str` for a UUID), so it is validated in lax mode
whatever the model's own configuration says."""
_BY_NAME: dict[str, Any] = {**_LAX, "by_alias": False, "by_name": True}
"""For models with AliasPath/AliasChoices validation aliases, data is keyed by field name."""


class ModelCodec(Generic[M]):
    """Encodes instances of `model` to DynamoDB's wire form and validates items back into it.

    The plan is compiled once, here. Each item crosses into Rust once, and a page of items too:
    each item is validated by pydantic-core as soon as it is decoded, with no Python loop.
    """

    __slots__ = ("_attributes", "_key_types", "in_s3", "model", "native", "sealed")

    def __init__(
        self,
        model: type[M],
        keys: Sequence[str] = (),
        epoch: Sequence[str] = (),
        computed: Sequence[str] = (),
        limits: Mapping[str, int] | None = None,
        forms: Mapping[str, StoredAs] | None = None,
        datetime_form: StoredAs | None = None,
        derived: Mapping[str, Sequence[TemplatePart]] | None = None,
        separator: str = "#",
    ) -> None:
        self.model = model
        self.sealed = frozenset(encrypted_fields(model))
        """The `Encrypted` fields: DynamoDB sees only their ciphertext."""
        self.in_s3 = frozenset(s3_fields(model))
        """The `InS3` fields: their items hold pointers to objects in S3."""
        spec, by_name = describe(
            model, keys, epoch, computed, limits, forms, datetime_form, derived, separator
        )
        options = _BY_NAME if by_name else _LAX
        record = record_class(model)
        validate = partial(record.validator.validate_python, **options)
        dump = record.serializer.to_python
        plain = plain_defaults(record.core_schema, spec[0])
        self.native = Codec(spec, validate, dump, plain)
        """The compiled plan, which native calls decode pages with."""
        root_fields = spec[0][0][4]
        self._attributes: dict[str, str] = {name: attr for name, attr, *_ in root_fields}
        # An optional field can key an index (items without it are left out of the index); the
        # plan refuses optional table keys. Floats key nothing: they are not exact.
        self._key_types: dict[str, Literal["S", "N", "B"] | None] = {
            name: _key_type(kind[1] if kind[0] == "nullable" else kind)
            for name, _, _, _, kind, *_ in root_fields
        }

    def to_item(self, instance: M) -> Item:
        """The instance as a DynamoDB item; raises an `EncodeError` if a value cannot be stored."""
        return self.native.encode(instance)

    def to_items(self, instances: Iterable[M]) -> list[Item]:
        """`to_item` of each instance, in one native call."""
        return self.native.encode_many(instances)

    def to_native(self, instance: M) -> tuple[NativeItem, tuple[tuple[str, str | bytes], ...]]:
        """The instance as an item in the SDK's own values, for a batch to send without a wire
        dict in between, and its key attributes' `(attribute, value)` pairs (what tells it
        apart from other items); raises like `to_item`."""
        return self.native.encode_native(instance)

    def keys(self, values: list[dict[str, Any]]) -> list[Item]:
        """`key` of each of `values` (dicts of key field values), in one native call."""
        return self.native.encode_keys(values)

    def key(self, values: Mapping[str, Any]) -> Item:
        """The primary key in wire form from the key fields' values (all of them, nothing else)."""
        return self.native.encode_key(dict(values))

    def template_text(self, attribute: str, values: Mapping[str, Any], whole: bool) -> str | None:
        """The derived `attribute` built by its template from the fields in `values` (None if
        one is missing); with `whole` False, the prefix up to the first field not given."""
        return self.native.template_text(attribute, dict(values), whole)

    def instance_key(self, instance: M) -> Item:
        """The primary key of an instance, as the item it was read from stores it (a key
        attribute another library wrote in another form keeps that form while its field holds
        the value it was read with)."""
        return self.native.instance_key(instance)

    def fields(self, values: Mapping[str, Any]) -> dict[str, AttributeValue | None]:
        """Field values in wire form by stored name; None where an item leaves the value out."""
        return self.native.encode_fields(dict(values))

    def attribute(self, field: str) -> str:
        """The stored attribute name of a field."""
        return self._attributes[field]

    def locate(self, steps: Sequence[str | int]) -> tuple[str | int, ...]:
        """The stored path of `steps` (field names, dict keys and list positions from the root):
        field names become their stored attribute names. Raises LookupError if it leads nowhere.
        """
        return tuple(self.native.locate(list(steps)))

    def encode_at(
        self, steps: Sequence[str | int], value: Any, element: bool = False
    ) -> AttributeValue:
        """`value` in wire form as the model stores the value at `steps` (with `element`, as one
        element of the set or list there); raises an `EncodeError` before anything is sent."""
        wire: AttributeValue = self.native.encode_at(list(steps), value, element)
        return wire

    def key_definition(self, field: str) -> tuple[str, Literal["S", "N", "B"]]:
        """A key field's stored name and DynamoDB type, as CreateTable wants them."""
        key_type = self._key_types[field]
        if key_type is None:
            raise ModelDefinitionError(f"{self.model.__name__}.{field} cannot be a key")
        return self._attributes[field], key_type

    def key_type(self, field: str) -> Literal["S", "N", "B"] | None:
        """The DynamoDB type of a field as a key (of the table or an index, where it may be
        optional), or None if it cannot be one."""
        return self._key_types[field]

    def item_size(self, instance: M) -> int:
        """The instance's size as an item, by DynamoDB's rules, in bytes."""
        return self.native.item_size(instance)

    def from_item(self, item: Mapping[str, AttributeValue]) -> M:
        """Validate one item into the model, keeping the attributes the model does not declare."""
        return self.native.load(item)  # type: ignore[no-any-return]

    def from_items(self, items: Iterable[Mapping[str, AttributeValue]]) -> list[M]:
        """Validate a page of items in one call into Rust."""
        return self.native.load_many(items)


_KEY_TYPES: dict[str, Literal["S", "N", "B"]] = {
    "str": "S",
    "datetime": "S",
    "date": "S",
    "time": "S",
    "uuid": "S",
    "int": "N",
    "epoch": "N",
    "decimal": "N",
    "bytes": "B",
}


def _key_type(kind: tuple[Any, ...]) -> Literal["S", "N", "B"] | None:
    """The DynamoDB scalar type a plan kind is stored as (enums by their values' kind)."""
    if kind[0] == "enum":
        return _key_type(kind[2])
    return _KEY_TYPES.get(kind[0])


class _Anything(BaseModel):
    value: Any


_ANYTHING = ModelCodec(_Anything)


def encode_value(value: Any, where: str) -> AttributeValue:
    """`value` in wire form by its Python type alone, for a path no model describes; an error
    names `where` (the path) and the rule."""
    try:
        return _ANYTHING.encode_at(("value",), value)
    except EncodeError as error:
        raise type(error)(f"{where}: {error.rule}", field=where, rule=error.rule) from None


def unknown_attributes(instance: object) -> dict[str, AttributeValue]:
    """The attributes the stored item had that the model does not declare (a copy)."""
    return dict(vars(instance).get(UNKNOWN_ATTRIBUTES, {}))
