"""Describe a model's storage plan from pydantic's core schema, for `_native.Codec` to compile.

The core schema is what pydantic itself validates with, so aliases, defaults, `Annotated`
constraints, forward references and recursive models are already resolved there. This walk runs
once per class; nothing here is on the per-item path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias, cast

from pydantic import BaseModel
from pydantic_core import SchemaSerializer

from .exceptions import ModelDefinitionError

__all__ = ["Spec", "describe"]

KindSpec: TypeAlias = tuple[Any, ...]
FieldSpec: TypeAlias = tuple[str, str, str, bool, KindSpec]
"""(field name, stored attribute, key of the decoded data for validation, required, kind)"""
RecordSpec: TypeAlias = tuple[Any, str, bool, list[FieldSpec]]
Spec: TypeAlias = tuple[list[RecordSpec], list[int]]
"""(records, key field indexes): what `_native.Codec` compiles."""

_SCALARS = {
    "str": "str",
    "bool": "bool",
    "int": "int",
    "float": "float",
    "decimal": "decimal",
    "bytes": "bytes",
    "datetime": "datetime",
    "date": "date",
    "time": "time",
    "uuid": "uuid",
    "any": "any",
    "literal": "any",
}
_ENUM_VALUES = {"str": ("str",), "int": ("int",), "float": ("float",)}
_WRAPPERS = {"function-before", "function-after", "function-wrap", "default", "model-field"}
_RECORDS = {"model", "dataclass", "typed-dict"}


def describe(
    model: type[BaseModel], keys: Sequence[str], epoch: Sequence[str] = ()
) -> tuple[Spec, bool]:
    """The plan description of `model`, with the named fields as its keys (partition key first)
    and the `epoch` datetime fields stored as epoch seconds, and whether decoded data must be
    validated with `by_name=True` (see `_Walker.by_name`)."""
    walker = _Walker(model)
    root = walker.record(walker.root)
    if root != 0:  # pragma: no cover - the root is always the first record walked
        raise AssertionError("the model's own record must come first")
    cls, name, is_model, fields = walker.records[0]
    walker.records[0] = (
        cls,
        name,
        is_model,
        [_as_epoch(f) if f[0] in epoch else f for f in fields],
    )
    names = [f[0] for f in fields]
    return (walker.records, [names.index(key) for key in keys]), walker.by_name


def _as_epoch(field: FieldSpec) -> FieldSpec:
    """A datetime field (or optional one) stored as epoch seconds instead of ISO text."""
    name, attr, key, required, kind = field
    epoch = ("nullable", ("epoch",)) if kind[0] == "nullable" else ("epoch",)
    return (name, attr, key, required, epoch)


class _Walker:
    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        schema: Mapping[str, Any] = model.__pydantic_core_schema__
        self.definitions: dict[str, Mapping[str, Any]] = {}
        if schema["type"] == "definitions":
            self._register(schema["definitions"])
            schema = schema["schema"]
        self.root = self._resolve(schema)
        self.records: list[RecordSpec] = []
        self._record_ids: dict[Any, int] = {}
        self.by_name = False
        """Set when a field's validation alias is not a plain string (AliasPath, AliasChoices):
        decoded data is then keyed by field name and validated with by_name=True."""

    def _register(self, definitions: Sequence[Mapping[str, Any]]) -> None:
        for definition in definitions:
            self.definitions[definition["ref"]] = definition

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow references and validator wrappers down to the schema that holds the type."""
        while True:
            kind = schema["type"]
            if kind == "definition-ref":
                schema = self.definitions[schema["schema_ref"]]
            elif kind == "definitions":
                self._register(schema["definitions"])
                schema = schema["schema"]
            elif kind in _WRAPPERS:
                schema = schema["schema"]
            elif kind == "lax-or-strict":
                schema = schema["lax_schema"]
            elif kind == "json-or-python":
                schema = schema["python_schema"]
            elif kind == "chain":
                schema = schema["steps"][-1]
            else:
                return schema

    def record(self, schema: Mapping[str, Any]) -> int:
        identity = schema.get("ref") or id(schema)
        if identity in self._record_ids:
            return self._record_ids[identity]
        record_id = len(self.records)
        self._record_ids[identity] = record_id
        cls = schema.get("cls")
        name = getattr(cls, "__name__", "TypedDict")
        self.records.append((cls, name, False, []))  # filled below; recursion finds the id
        is_model, fields = self._fields(schema)
        self.records[record_id] = (cls, name, is_model, fields)
        return record_id

    def _fields(self, schema: Mapping[str, Any]) -> tuple[bool, list[FieldSpec]]:
        kind = schema["type"]
        config: Mapping[str, Any] = schema.get("config") or {}
        if kind == "typed-dict":
            total = schema.get("total", True)
            entries = [
                (name, field, field.get("required", total))
                for name, field in schema["fields"].items()
            ]
            return False, [
                self._field(name, field, required, config) for name, field, required in entries
            ]
        inner = self._resolve(schema["schema"])
        if kind == "dataclass":
            pairs = [(field["name"], field) for field in inner["fields"]]
        else:
            pairs = list(inner["fields"].items())
        return True, [
            self._field(name, field, _required(field["schema"]), config) for name, field in pairs
        ]

    def _field(
        self, name: str, field: Mapping[str, Any], required: bool, config: Mapping[str, Any]
    ) -> FieldSpec:
        attr = field.get("serialization_alias") or name
        alias = field.get("validation_alias")
        key = name
        if alias is not None and config.get("validate_by_alias", True):
            if isinstance(alias, str):
                key = alias
            else:
                self.by_name = True
        return (name, attr, key, required, self.kind(field["schema"]))

    def kind(self, schema: Mapping[str, Any]) -> KindSpec:
        schema = self._resolve(schema)
        kind = schema["type"]
        if kind in _SCALARS:
            return (_SCALARS[kind],)
        if kind == "enum":
            return ("enum", schema["cls"], _ENUM_VALUES.get(schema.get("sub_type") or "", ("any",)))
        if kind in ("set", "frozenset"):
            return ("set", self._items(schema))
        if kind == "list":
            return ("list", self._items(schema))
        if kind == "tuple":
            items = [self.kind(s) for s in schema["items_schema"]]
            if schema.get("variadic_item_index") is None:
                return ("tuple", items)
            return ("list", items[0] if len(items) == 1 else ("any",))
        if kind == "dict":
            keys = self._resolve(schema.get("keys_schema", {"type": "any"}))
            if not _is_string(keys):
                raise ModelDefinitionError(
                    f"{self.model.__name__}: DynamoDB map keys are strings; "
                    f"a dict keyed by {keys['type']} cannot be stored"
                )
            return ("map", self._values(schema))
        if kind == "nullable":
            return ("nullable", self.kind(schema["schema"]))
        if kind == "union":
            choices: list[Any] = schema["choices"]  # a schema, or a (schema, label) pair
            return self._union([self.kind(_choice(c)) for c in choices])
        if kind == "tagged-union":
            return self._union([self.kind(c) for c in schema["choices"].values()])
        if kind in _RECORDS and not schema.get("root_model"):
            return ("record", self.record(schema))
        return ("custom", self._serializer(schema))

    def _items(self, schema: Mapping[str, Any]) -> KindSpec:
        return self.kind(schema["items_schema"]) if "items_schema" in schema else ("any",)

    def _values(self, schema: Mapping[str, Any]) -> KindSpec:
        return self.kind(schema["values_schema"]) if "values_schema" in schema else ("any",)

    @staticmethod
    def _union(kinds: list[KindSpec]) -> KindSpec:
        return kinds[0] if len(kinds) == 1 else ("union", kinds)

    def _serializer(self, schema: Mapping[str, Any]) -> SchemaSerializer:
        """A type the plan cannot see into (a URL, a RootModel): pydantic serializes it to JSON
        data first, and validation turns that data back into the type on the way out."""
        wrapped: Any = schema
        if self.definitions:
            wrapped = {
                "type": "definitions",
                "schema": schema,
                "definitions": list(self.definitions.values()),
            }
        return SchemaSerializer(wrapped)


def _choice(choice: Any) -> Mapping[str, Any]:
    return cast("Mapping[str, Any]", choice[0] if isinstance(choice, tuple) else choice)


def _required(schema: Mapping[str, Any]) -> bool:
    while schema["type"] in ("function-before", "function-after", "function-wrap"):
        schema = schema["schema"]
    return bool(schema["type"] != "default")


def _is_string(schema: Mapping[str, Any]) -> bool:
    kind = schema["type"]
    if kind in ("str", "any"):
        return True
    if kind == "enum":
        return bool(schema.get("sub_type") == "str")
    if kind == "literal":
        return all(isinstance(v, str) for v in schema["expected"])
    return False
