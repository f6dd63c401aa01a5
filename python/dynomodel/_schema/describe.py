"""Describe a model's storage plan from pydantic's core schema, for `_native.Codec` to compile.

The core schema is what pydantic itself validates with, so aliases, defaults, `Annotated`
constraints, forward references and recursive models are already resolved there. This walk runs
once per class; nothing here is on the per-item path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias, cast

from pydantic_core import SchemaSerializer

from ..exceptions import ModelDefinitionError
from .markers import StoredAs
from .records import record_class
from .templates import TemplatePart

__all__ = ["Spec", "describe"]

Absent: TypeAlias = Literal["null", "empty_set", "other"]
"""What reading an item back makes of an attribute it leaves out: None, an empty set, or
anything else (a default that is neither). A None or an empty set is left out of an item only
where it reads back as itself."""
KindSpec: TypeAlias = tuple[Any, ...]
FieldSpec: TypeAlias = tuple[str, str, str, bool, KindSpec, Absent, bool]
"""(field name, stored attribute, key of the decoded data for validation, required, kind,
absent, computed)"""
RecordSpec: TypeAlias = tuple[Any, str, bool, bool, list[FieldSpec]]
"""(class, name, is a model, keeps extras, fields)"""
TemplateSpec: TypeAlias = tuple[int, list[str | tuple[int, int]], str]
"""`(position, parts, separator)`: a derived root field and its template, fields by position."""
Spec: TypeAlias = tuple[list[RecordSpec], list[int], list[tuple[int, int]], list[TemplateSpec]]
"""The records, the root fields that are keys, and the root fields with a size limit."""
"""(records, key field indexes): what `_native.Codec` compiles."""

_FUNCTION_SERIALIZERS = {"function-plain", "function-wrap"}

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
    model: type[Any],
    keys: Sequence[str],
    epoch: Sequence[str] = (),
    computed: Sequence[str] = (),
    limits: Mapping[str, int] | None = None,
    forms: Mapping[str, StoredAs] | None = None,
    datetime_form: StoredAs | None = None,
    derived: Mapping[str, Sequence[TemplatePart]] | None = None,
    separator: str = "#",
) -> tuple[Spec, bool]:
    """The plan description of `model`, with the named fields as its keys (partition key first),
    the `epoch` datetime fields stored as epoch seconds, the `computed` fields
    (`@computed_field`s) stored beside the others and the most bytes the `limits` fields (the
    keys of the table and its indexes) may hold, the `forms` fields stored in another form (and,
    with `datetime_form`, every other datetime of the item), the `derived` attributes built
    from templates over the fields (key templates, the entity name; `separator` is what their
    fields may not hold), and whether decoded data must be validated with `by_name=True` (see
    `_Walker.by_name`)."""
    walker = _Walker(model)
    if _custom_serializer(walker.root):
        raise ModelDefinitionError(
            f"{model.__name__}: a @model_serializer decides the whole dump, while DynamoDB "
            "stores each field as an attribute; serialize fields with @field_serializer or "
            "PlainSerializer instead"
        )
    root = walker.record(walker.root)
    if root != 0:  # pragma: no cover - the root is always the first record walked
        raise AssertionError("the model's own record must come first")
    cls, name, is_model, extra, fields = walker.records[0]
    for field_name, form in (forms or {}).items():
        where = f"{model.__name__}.{field_name}"
        fields = [_with_form(f, form, where) if f[0] == field_name else f for f in fields]
    walker.records[0] = (cls, name, is_model, extra, fields)
    if datetime_form is not None and datetime_form.kind != "datetime":
        # After the fields' own forms, which it must not override.
        walker.records = [
            (c, n, m, x, [_with_form(f, datetime_form) for f in fs])
            for c, n, m, x, fs in walker.records
        ]
    cls, name, is_model, extra, fields = walker.records[0]
    fields = [_as_epoch(f) if f[0] in epoch else f for f in fields]
    fields += walker.computed(computed)
    # Derived attributes are fields no instance holds and validation never sees.
    derived_fields: list[FieldSpec] = [
        (attr, attr, attr, False, ("str",), "null", True) for attr in derived or {}
    ]
    fields += derived_fields
    walker.records[0] = (cls, name, is_model, extra, fields)
    names = [f[0] for f in fields]
    bounded = [(names.index(name), most) for name, most in (limits or {}).items()]
    templates = [
        (
            names.index(attr),
            [p if isinstance(p, str) else (names.index(p[0]), p[1]) for p in parts],
            separator,
        )
        for attr, parts in (derived or {}).items()
    ]
    keys_at = [names.index(key) for key in keys]
    return (walker.records, keys_at, bounded, templates), walker.by_name


def _with_form(field: FieldSpec, form: StoredAs, required_by: str | None = None) -> FieldSpec:
    """The field with its `form.applies_to` kinds stored as `form`; a field named for the form
    (`required_by`) must have one."""
    name, attr, key, required, kind, absent, computed = field
    changed = _kind_with_form(kind, form)
    if required_by is not None and changed == kind:
        wanted = "a datetime" if form.applies_to == "datetime" else "a set"
        raise ModelDefinitionError(
            f"{required_by}: {form!r} is the stored form of {wanted}, which this field is not"
        )
    return (name, attr, key, required, changed, absent, computed)


def _kind_with_form(kind: Any, form: StoredAs) -> Any:
    """`kind` with its datetimes (or sets) replaced by `form`, inside containers too."""
    tag = kind[0]
    if tag == form.applies_to:
        return (form.kind, *kind[1:])
    if tag in ("nullable", "list", "map") or (tag == "set" and form.applies_to != "set"):
        return (tag, _kind_with_form(kind[1], form), *kind[2:])
    if tag in ("tuple", "union"):
        return (tag, [_kind_with_form(k, form) for k in kind[1]], *kind[2:])
    return kind


def _as_epoch(field: FieldSpec) -> FieldSpec:
    """A datetime field (or optional one) stored as epoch seconds instead of ISO text."""
    name, attr, key, required, kind, absent, computed = field
    epoch = ("nullable", ("epoch",)) if kind[0] == "nullable" else ("epoch",)
    return (name, attr, key, required, epoch, absent, computed)


class _Serialized:
    """How a field whose type or annotation carries its own serializer is stored: what that
    serializer returns (Python mode, or JSON mode where Python mode leaves a type DynamoDB
    cannot hold, such as a URL). Validation reads it back."""

    __slots__ = ("_serializer",)

    def __init__(self, serializer: SchemaSerializer) -> None:
        self._serializer = serializer

    def __call__(self, value: Any, owner: Any, json: bool) -> Any:
        return self._serializer.to_python(value, mode="json" if json else "python")


class _FieldSerialized:
    """A field with a `@field_serializer`: the model's serializer runs it on the instance that
    holds the value (a value in an expression gets an instance holding just that value)."""

    __slots__ = ("_model", "_name")

    def __init__(self, model: type[Any], name: str) -> None:
        self._model = model
        self._name = name

    def __call__(self, value: Any, owner: Any, json: bool) -> Any:
        if owner is None:
            owner = object.__new__(self._model)
            object.__setattr__(owner, "__dict__", {self._name: value})
            object.__setattr__(owner, "__pydantic_fields_set__", {self._name})
            object.__setattr__(owner, "__pydantic_extra__", None)
            object.__setattr__(owner, "__pydantic_private__", None)
        dumped = record_class(self._model).serializer.to_python(
            owner, include={self._name}, mode="json" if json else "python"
        )
        return dumped[self._name]


class _JsonText:
    """A `Json[...]` field: stored as its JSON text, which is what validation parses."""

    __slots__ = ("_serializer",)

    def __init__(self, serializer: SchemaSerializer) -> None:
        self._serializer = serializer

    def __call__(self, value: Any, owner: Any, json: bool) -> Any:
        if isinstance(value, str):
            return value
        return self._serializer.to_python(value, round_trip=True)


class _SecretValue:
    """`SecretStr`, `SecretBytes`, `Secret[T]`: the secret itself is stored (pydantic's own
    dumps mask it), as any other value would be."""

    __slots__ = ()

    def __call__(self, value: Any, owner: Any, json: bool) -> Any:
        reveal = getattr(value, "get_secret_value", None)
        return value if reveal is None else reveal()


class _Walker:
    def __init__(self, model: type[Any]) -> None:
        self.model = model
        schema: Mapping[str, Any] = record_class(model).core_schema
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
        self._owner: tuple[Any, str] | None = None
        """The record class and field whose kind is being walked, for field serializers."""

    def _register(self, definitions: Sequence[Mapping[str, Any]]) -> None:
        for definition in definitions:
            self.definitions[definition["ref"]] = definition

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow references and validator wrappers down to the schema that holds the type."""
        while True:
            if _custom_serializer(schema):
                return schema
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
        self.records.append((cls, name, False, False, []))  # filled below; recursion finds it
        is_model, fields = self._fields(schema)
        config: Mapping[str, Any] = schema.get("config") or {}
        extra = config.get("extra_fields_behavior") == "allow"
        self.records[record_id] = (cls, name, is_model, extra and is_model, fields)
        return record_id

    def computed(self, names: Sequence[str]) -> list[FieldSpec]:
        """The `@computed_field`s named, as fields stored with the item and never validated."""
        schema = self._resolve(self.root["schema"])
        found = {c["property_name"]: c for c in schema.get("computed_fields", ())}
        fields: list[FieldSpec] = []
        for name in names:
            if name not in found:
                raise ModelDefinitionError(
                    f"{self.model.__name__}: {name!r} is not a @computed_field of the model"
                )
            computed = found[name]
            self._owner = (self.model, name)
            kind = self.kind(computed["return_schema"])
            attr = computed.get("alias") or name
            # Never read back, so leaving a None out loses nothing (and keeps indexes sparse).
            fields.append((name, attr, name, False, kind, "null", True))
        return fields

    def _fields(self, schema: Mapping[str, Any]) -> tuple[bool, list[FieldSpec]]:
        kind = schema["type"]
        config: Mapping[str, Any] = schema.get("config") or {}
        cls = schema.get("cls")
        if kind == "typed-dict":
            total = schema.get("total", True)
            entries = [
                (name, field, field.get("required", total))
                for name, field in schema["fields"].items()
            ]
            return False, [
                self._field(cls, name, field, required, config) for name, field, required in entries
            ]
        inner = self._resolve(schema["schema"])
        if kind == "dataclass":
            pairs = [(field["name"], field) for field in inner["fields"]]
        else:
            pairs = list(inner["fields"].items())
        return True, [
            self._field(cls, name, field, _required(field["schema"]), config)
            for name, field in pairs
        ]

    def _field(
        self,
        cls: Any,
        name: str,
        field: Mapping[str, Any],
        required: bool,
        config: Mapping[str, Any],
    ) -> FieldSpec:
        attr = field.get("serialization_alias") or name
        alias = field.get("validation_alias")
        key = name
        if alias is not None and config.get("validate_by_alias", True):
            if isinstance(alias, str):
                key = alias
            else:
                self.by_name = True
        self._owner = (cls, name)
        kind = self.kind(field["schema"])
        return (name, attr, key, required, kind, _absent(field["schema"], required, kind), False)

    def kind(self, schema: Mapping[str, Any]) -> KindSpec:
        if _is_secret(schema):
            return ("custom", _SecretValue())
        original = schema
        schema = self._resolve(schema)
        serialization = _custom_serializer(schema)
        if serialization is not None:
            if serialization.get("is_field_serializer") and self._owner is not None:
                return ("custom", _FieldSerialized(*self._owner))
            return ("custom", _Serialized(self._serializer(original)))
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
        if kind == "json":
            return ("custom", _JsonText(self._serializer(schema)))
        return ("custom", _Serialized(self._serializer(original)))

    def _items(self, schema: Mapping[str, Any]) -> KindSpec:
        return self.kind(schema["items_schema"]) if "items_schema" in schema else ("any",)

    def _values(self, schema: Mapping[str, Any]) -> KindSpec:
        return self.kind(schema["values_schema"]) if "values_schema" in schema else ("any",)

    @staticmethod
    def _union(kinds: list[KindSpec]) -> KindSpec:
        return kinds[0] if len(kinds) == 1 else ("union", kinds)

    def _serializer(self, schema: Mapping[str, Any]) -> SchemaSerializer:
        """pydantic's serializer for `schema` (a type the plan cannot see into, or one with a
        serializer function), resolving the model's definitions."""
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


def _absent(schema: Mapping[str, Any], required: bool, kind: KindSpec) -> Absent:
    """What a field reads back as when the item leaves its attribute out: the decoder fills a
    required optional field with None and a required set with an empty set; a default reads
    back as itself."""
    while schema["type"] in ("function-before", "function-after", "function-wrap"):
        schema = schema["schema"]
    if schema["type"] != "default":
        if not required:  # a TypedDict key that may be missing: it then reads back missing
            return "other"
        if kind[0] == "nullable":
            return "null"
        return "empty_set" if kind[0] == "set" else "other"
    if "default" in schema:
        default = schema["default"]
        if default is None:
            return "null"
        if isinstance(default, set | frozenset) and not default:
            return "empty_set"
        return "other"
    if schema.get("default_factory") in (set, frozenset):
        return "empty_set"
    return "other"


def _custom_serializer(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The serializer function a schema carries (`@field_serializer`, `PlainSerializer`, a
    type's own, such as a URL's), if any."""
    serialization = schema.get("serialization")
    if serialization is not None and serialization.get("type") in _FUNCTION_SERIALIZERS:
        return cast("Mapping[str, Any]", serialization)
    return None


def _is_secret(schema: Mapping[str, Any]) -> bool:
    """Whether `schema` is that of a pydantic secret type (`SecretStr`, `SecretBytes`,
    `Secret[T]`): an instance check on a class with `get_secret_value`."""
    while schema["type"] in ("lax-or-strict", "json-or-python", "default", "nullable"):
        if schema["type"] == "nullable":
            return False  # `SecretStr | None`: the nullable wraps it, the inner schema decides
        schema = schema.get("lax_schema") or schema.get("python_schema") or schema["schema"]
    choices: list[Any] = schema.get("choices", []) if schema["type"] == "union" else [schema]
    return any(
        _choice(choice).get("type") == "is-instance"
        and hasattr(_choice(choice).get("cls"), "get_secret_value")
        for choice in choices
    )


def _is_string(schema: Mapping[str, Any]) -> bool:
    kind = schema["type"]
    if kind in ("str", "any"):
        return True
    if kind == "enum":
        return bool(schema.get("sub_type") == "str")
    if kind == "literal":
        return all(isinstance(v, str) for v in schema["expected"])
    return False
