"""Which models dump as their decoded items, so that `as_dict=True` can skip pydantic.

Read as dicts, an item is otherwise validated into a model and the model dumped again. For a
model whose fields are all plain types (text, numbers, bytes, datetimes, and lists, sets,
dicts and nested models of them) without constraints, validators, serializers or computed
fields, validating the decoder's values hands them back unchanged and the dump hands them back
again: the decoded item, in field order and with the defaults filled in, *is* the dump.

The walk below runs once per class, over pydantic's core schema, and allows only what it
knows leaves values unchanged: any other key of a schema (a constraint, a function, a
serializer, a setting of the config) makes the model take the validated path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias, cast

__all__ = ["Defaults", "plain_defaults"]

Defaults: TypeAlias = list[tuple[()] | tuple[object]]
"""A record's fields in the plan's order: `(default,)` where pydantic fills a missing field
with `default` (an empty list, set or dict stands for a new one), `()` where it fills none."""

_BARE = {"str", "int", "float", "bool", "bytes", "decimal", "date", "any"}
_ALWAYS = {"type", "ref", "metadata"}
_IMMUTABLE = (type(None), bool, int, float, str, bytes, Decimal, datetime, date)
_FACTORIES: dict[object, object] = {list: [], set: set(), dict: {}}
_CONFIG = {
    # Settings that change neither the values validation returns nor the dump of them.
    "title",
    "strict",  # decoded data is validated in lax mode whatever the model says
    "extra_fields_behavior",  # but "allow", checked below: extras are part of the dump
    "typed_dict_total",
    "from_attributes",
    "loc_by_alias",
    "revalidate_instances",
    "allow_inf_nan",  # DynamoDB holds finite numbers only
    "ser_json_timedelta",
    "ser_json_temporal",
    "ser_json_bytes",
    "ser_json_inf_nan",
    "val_json_bytes",
    "hide_input_in_errors",
    "validation_error_cause",
    "regex_engine",
    "cache_strings",
    "validate_by_alias",
    "validate_by_name",
    "polymorphic_serialization",
    "url_preserve_empty_path",
}
_MODEL = {"cls", "schema", "config", "custom_init", "root_model", "generic_origin", "post_init"}
_MODEL_FIELDS = {"fields", "computed_fields", "model_name", "extra_behavior"}
_FIELD = {"schema", "validation_alias", "serialization_alias", "frozen"}


def plain_defaults(
    root: Mapping[str, Any], records: Sequence[tuple[Any, ...]]
) -> list[Defaults | None] | None:
    """For each record of a plan (`describe`'s records, the model's own first), its fields'
    defaults if its dump is its decoded data, else None; None for the whole plan when the
    model's own record is not plain. `root` is the model's core schema."""
    walk = _Walk(root)
    found = [walk.defaults(cls, fields) for cls, _, _, _, fields in records]
    return found if found and found[0] is not None else None


class _Walk:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self._definitions: dict[str, Mapping[str, Any]] = {}
        self._models: dict[type[Any], Mapping[str, Any]] = {}
        self._judged: dict[int, bool] = {}
        self._find_models(root)

    def _find_models(self, schema: object) -> None:
        """Index every model schema (and definition) reachable from `schema` by class."""
        if isinstance(schema, Mapping):
            found = cast("Mapping[str, Any]", schema)
            # A model's `fields` are keyed by field name, which may be "type" or "ref" too.
            if found.get("type") == "model" and isinstance(found.get("cls"), type):
                self._models.setdefault(found["cls"], found)
            if isinstance(found.get("ref"), str) and isinstance(found.get("type"), str):
                self._definitions.setdefault(found["ref"], found)
            for value in found.values():
                self._find_models(value)
        elif isinstance(schema, list | tuple):
            for value in cast("Sequence[object]", schema):
                self._find_models(value)

    def defaults(self, cls: Any, fields: Sequence[tuple[Any, ...]]) -> Defaults | None:
        schema = self._models.get(cls)
        if schema is None or not self._model(schema):
            return None
        declared = schema["schema"]["fields"]
        found: Defaults = []
        for name, *_, computed in fields:
            if computed:
                found.append(())  # derived attributes: never part of the model
                continue
            default = _default(declared[name]["schema"])
            if default is None:
                return None
            found.append(default)
        return found

    def _model(self, schema: Mapping[str, Any]) -> bool:
        # Recursive models are plain unless something else says otherwise.
        key = id(schema)
        if key not in self._judged:
            self._judged[key] = True
            self._judged[key] = self._judge_model(schema)
        return self._judged[key]

    def _judge_model(self, schema: Mapping[str, Any]) -> bool:
        config: Mapping[str, Any] = schema.get("config") or {}
        inner = schema["schema"]
        if (
            _extra(schema, _MODEL)
            or schema.get("custom_init")
            or schema.get("root_model")
            or schema.get("post_init")
            or not config.keys() <= _CONFIG
            or config.get("extra_fields_behavior") == "allow"
            or inner.get("type") != "model-fields"
            or _extra(inner, _MODEL_FIELDS)
            or inner.get("computed_fields")
            or inner.get("extra_behavior") == "allow"
        ):
            return False
        for field in inner["fields"].values():
            if field.get("type") != "model-field" or _extra(field, _FIELD):
                return False
            schema = field["schema"]
            if schema["type"] == "default":
                schema = schema["schema"]
            if not self._plain(schema):
                return False
        return True

    def _plain(self, schema: Mapping[str, Any]) -> bool:
        kind = schema["type"]
        if kind in _BARE:
            return not _extra(schema, set())
        if kind == "datetime":
            # Truncating is pydantic's default: the decoder builds whole microseconds.
            return not _extra(schema, {"microseconds_precision"}) and (
                schema.get("microseconds_precision", "truncate") == "truncate"
            )
        if kind == "nullable":
            return not _extra(schema, {"schema"}) and self._plain(schema["schema"])
        if kind in ("list", "set"):
            items = schema.get("items_schema", {"type": "any"})
            return not _extra(schema, {"items_schema"}) and self._plain(items)
        if kind == "dict":
            keys = schema.get("keys_schema", {"type": "str"})
            values = schema.get("values_schema", {"type": "any"})
            return (
                not _extra(schema, {"keys_schema", "values_schema"})
                and keys.get("type") in ("str", "any")
                and not _extra(keys, set())
                and self._plain(values)
            )
        if kind == "definition-ref":
            target = self._definitions.get(schema["schema_ref"])
            return not _extra(schema, {"schema_ref"}) and target is not None and self._plain(target)
        if kind == "model":
            return self._model(schema)
        return False


def _extra(schema: Mapping[str, Any], allowed: set[str]) -> bool:
    """Whether `schema` has keys beyond `allowed` and those every schema may have."""
    return any(key not in _ALWAYS and key not in allowed for key in schema)


def _default(schema: Mapping[str, Any]) -> tuple[()] | tuple[object] | None:
    """What pydantic fills a missing field of this schema with: `()` for nothing (the field is
    required), `(value,)`, or None when the default is not one a dump can be built with
    (a mutable value pydantic copies, a factory, a default that is validated)."""
    if schema["type"] != "default":
        return ()
    allowed = {"schema", "default", "default_factory", "default_factory_takes_data"}
    if _extra(schema, allowed) or schema.get("default_factory_takes_data"):
        return None
    if "default_factory" in schema:
        factory: object = schema["default_factory"]
        return (_FACTORIES[factory],) if factory in _FACTORIES else None
    value: object = schema.get("default")
    empty = isinstance(value, list | set | dict) and not value
    if not empty and not isinstance(value, _IMMUTABLE):
        return None
    filled: tuple[object] = (schema.get("default"),)
    return filled
