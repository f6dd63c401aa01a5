"""`TableMapping`: how the items of one table are instances of one model, and the requests that
follow from it. No I/O: every operation asks the mapping what to send, and sends it elsewhere."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Generic, Literal, NamedTuple, TypeVar, cast

from pydantic import TypeAdapter

from .._expr.builder import Expression, ExpressionBuilder
from .._expr.nodes import Comparison, Condition, UpdateAction, Value
from .._expr.paths import Attr, Path, located, stored
from .._native import UNREAD_FIELDS
from .._schema.codec import ModelCodec
from .._schema.external import check_placement, encrypted_fields, s3_fields
from .._schema.hooks import active_hooks
from .._schema.markers import TTL, StoredAs, Version, marked_field, stored_forms
from .._schema.records import copied, fields_of, record_class
from .._schema.templates import KeyTemplate, TemplatePart
from .._schema.wire import Item
from ..exceptions import (
    EncryptionError,
    InvalidExpressionError,
    InvalidKeyError,
    ModelDefinitionError,
    PartialInstanceError,
)
from .indexes import SecondaryIndex, check_name
from .requests import IndexSpec

__all__ = ["LOADED_ITEM", "KeyDefinition", "KeySpec", "PutRequest", "TableMapping", "both"]

M = TypeVar("M")

KeyDefinition = tuple[str, Literal["S", "N", "B"]]
"""A key attribute: its name and DynamoDB type."""

KeySpec = str | KeyTemplate
"""A key as declared: a field's name, or a template over fields that fills an attribute."""


LOADED_ITEM = "__dynamo_loaded__"
"""The key in an instance's `__dict__` under which the item it was read with (or last wrote)
is kept, in wire form, by the single-item calls (`get`, `refresh`, `save`, `update`): what
`save(if_unchanged=True)` conditions the write on. Pages of a query or scan keep none, so that
a page of models costs no more memory than the models."""


class PutRequest(NamedTuple):
    """What a put of one instance sends: the item, its condition (the version guard beside the
    caller's), and the version it writes (set on the instance once stored)."""

    item: Item
    condition: Condition | None
    version: int | None


class TableMapping(Generic[M]):
    """The model `M` mapped to the table `name`: its keys (partition key first), its compiled
    codec, its `Version`, `TTL` and stored computed fields, its secondary indexes and the hooks
    it defines. Checked once, when it is made.

    A key (of the table or of an index) is a field, or a `KeyTemplate` whose attribute the
    codec fills from other fields on every write. A model that is an `entity` (by default, one
    with a key template) also stores its entity name in `type_attribute` on every write, which
    tells the entities of one table apart on read.

    Raises:
        ModelDefinitionError: the table name is not one DynamoDB allows, a key field is missing,
            optional, or of a type DynamoDB keys cannot have, the model has a field the codec
            cannot store, an index names a field that is not there or cannot be a key, a key
            template names a field that cannot be in it, or a `Version`/`TTL` field is not an
            int/datetime.
    """

    __slots__ = (
        "codec",
        "computed_fields",
        "entity",
        "fields",
        "hooks",
        "index_keys",
        "indexes",
        "key_attributes",
        "key_fields",
        "model",
        "name",
        "partition_key",
        "s3_fields",
        "sealed",
        "separator",
        "sort_key",
        "templates",
        "ttl_field",
        "type_attribute",
        "version_field",
    )

    def __init__(
        self,
        model: type[M],
        name: str,
        *,
        partition_key: KeySpec,
        sort_key: KeySpec | None = None,
        indexes: Sequence[SecondaryIndex] = (),
        store_computed: bool | Sequence[str] = False,
        datetime_form: StoredAs | None = None,
        entity: str | bool | None = None,
        type_attribute: str = "_type",
        key_separator: str = "#",
    ) -> None:
        check_name(f"{model.__name__}: the table name", name)
        self.model = model
        self.fields = fields_of(model)
        """The model's fields by name."""
        self.templates: dict[str, KeyTemplate] = {}
        """The key templates of the table and its indexes, by the attribute each fills."""
        self.separator = key_separator
        """What the fields of key templates may not hold."""
        if not key_separator:
            raise ModelDefinitionError(f"{model.__name__}: the key separator cannot be empty")
        partition_key = self._declare(partition_key)
        sort_key = None if sort_key is None else self._declare(sort_key)
        for role, key_field in (("partition", partition_key), ("sort", sort_key)):
            if key_field is not None and key_field not in (*self.fields, *self.templates):
                raise ModelDefinitionError(
                    f"{model.__name__}: the {role} key {key_field!r} is not a field of the model"
                )
        self.index_keys: dict[str, tuple[str, str | None]] = {}
        """The key fields (or templates' attributes) of each index, partition key first."""
        for index in indexes:
            index_partition = partition_key if index.partition_key is None else None
            self.index_keys[index.name] = (
                index_partition or self._declare(index.partition_key),  # type: ignore[arg-type]
                None if index.sort_key is None else self._declare(index.sort_key),
            )
        if partition_key == sort_key:
            raise ModelDefinitionError(
                f"{model.__name__}: {partition_key!r} cannot be both the partition and the sort key"
            )
        self.model = model
        self.name = name
        self.partition_key = partition_key
        self.sort_key = sort_key
        keys = (partition_key,) if sort_key is None else (partition_key, sort_key)
        self.key_fields = keys
        """The key fields, partition key first."""
        self.version_field = marked_field(model, Version)
        """The `Annotated[int, Version]` field, if any."""
        self.ttl_field = marked_field(model, TTL)
        """The `Annotated[datetime, TTL]` field, if any."""
        for special in (self.version_field, self.ttl_field):
            if special in keys:
                raise ModelDefinitionError(f"{model.__name__}.{special} cannot also be a key")
        self.computed_fields = _computed(model, store_computed)
        """The `@computed_field`s stored with each item."""
        epoch = [] if self.ttl_field is None else [self.ttl_field]
        self.entity = _entity(model, entity, bool(self.templates))
        """The entity name written in `type_attribute`, or None."""
        self.type_attribute = type_attribute if self.entity is not None else None
        """The attribute that holds the entity name, or None."""
        derived: dict[str, tuple[TemplatePart, ...]] = {
            a: t.parts for a, t in self.templates.items()
        }
        if self.type_attribute is not None:
            derived[self.type_attribute] = (self.entity,)  # type: ignore[assignment]
        self._check_derived(derived)
        roles = [(keys[0], PARTITION_KEY_BYTES), (sort_key, SORT_KEY_BYTES)]
        for index_partition, index_sort in self.index_keys.values():
            roles += [(index_partition, PARTITION_KEY_BYTES), (index_sort, SORT_KEY_BYTES)]
        stored_names = (*self.fields, *self.computed_fields, *self.templates)
        limits = _key_limits(roles, stored_names)
        forms = stored_forms(model)
        if self.ttl_field in forms:
            raise ModelDefinitionError(
                f"{model.__name__}.{self.ttl_field}: a TTL field is stored as epoch seconds, "
                "the form DynamoDB's time to live reads; it takes no StoredAs form"
            )
        if datetime_form is not None and datetime_form.applies_to != "datetime":
            raise ModelDefinitionError(
                f"{model.__name__}: datetime_form is a datetime's form, not {datetime_form!r}"
            )
        self.codec: ModelCodec[M] = ModelCodec(
            model,
            keys,
            epoch,
            self.computed_fields,
            limits,
            forms,
            datetime_form,
            derived,
            key_separator,
        )
        """The model's compiled codec (its plan, keys included)."""
        key_types = {f: self.codec.key_type(f) for f in self.fields}
        for template in self.templates.values():
            template.check(model.__name__, key_separator, key_types)
        self.key_attributes = tuple(self.codec.attribute(k) for k in keys)
        """The key fields' stored attribute names."""
        self.hooks = active_hooks(model)
        """The hooks the model defines."""
        self.indexes: dict[str, SecondaryIndex] = {}
        """The secondary indexes by name."""
        for index in indexes:
            self._check_index(index, stored_names)
            self.indexes[index.name] = index
        check_placement(model)
        self.sealed = self._check_encrypted()
        """The `Encrypted` fields as `(attribute, field, key_id)`."""
        self.s3_fields = s3_fields(model)
        """The `InS3` fields by name, with where their content goes."""
        for name in set(self.s3_fields) & {field for _, field, _ in self.sealed}:
            raise ModelDefinitionError(
                f"{model.__name__}.{name}: a value in S3 is not Encrypted (its item holds a "
                "pointer); encrypt the objects with the bucket's own encryption"
            )

    def __repr__(self) -> str:
        return f"TableMapping({self.model.__name__}, {self.name!r})"

    def _check_encrypted(self) -> tuple[tuple[str, str, str], ...]:
        """The `Encrypted` fields, refused where DynamoDB must read the value itself."""
        keyed = {f for pair in (self.key_fields, *self.index_keys.values()) for f in pair if f}
        roles = {
            **{f: "a key" for f in keyed},
            **{
                f: f"in the key template of {a!r}"
                for a, t in self.templates.items()
                for f in t.fields
            },
            **{f: "the Version" for f in (self.version_field,) if f},
            **{f: "the TTL" for f in (self.ttl_field,) if f},
        }
        sealed: list[tuple[str, str, str]] = []
        for name, marker in encrypted_fields(self.model).items():
            role = roles.get(name)
            if role is not None:
                raise ModelDefinitionError(
                    f"{self.model.__name__}.{name} is Encrypted and {role}: DynamoDB must read "
                    "that value, and would see only ciphertext"
                )
            sealed.append((self.codec.attribute(name), name, marker.key_id))
        return tuple(sealed)

    def _declare(self, key: KeySpec) -> str:
        """The name a key goes by: a field's, or the attribute its template fills."""
        if not isinstance(key, KeyTemplate):
            return key
        known = self.templates.get(key.attribute)
        if known is not None and known != key:
            raise ModelDefinitionError(
                f"{self.model.__name__}: {key.attribute!r} is filled by two templates, "
                f"{known.template!r} and {key.template!r}"
            )
        self.templates[key.attribute] = key
        return key.attribute

    def _check_derived(self, derived: Mapping[str, object]) -> None:
        """A template names fields of the model, and a derived attribute may not be stored by
        a field too."""
        for template in self.templates.values():
            unknown = [f for f in template.fields if f not in self.fields]
            if unknown:
                raise ModelDefinitionError(
                    f"{self.model.__name__}: the key template {template.template!r} of "
                    f"{template.attribute!r} names {unknown[0]!r}, which is not a field"
                )
        stored = {
            info.serialization_alias or info.alias or name: name
            for name, info in self.fields.items()
        }
        clash = [a for a in derived if a in stored or a in self.fields]
        if clash:
            raise ModelDefinitionError(
                f"{self.model.__name__}: {clash[0]!r} is filled by a key template (or holds the "
                "entity name), so no field can be stored under it too"
            )

    def _check_index(self, index: SecondaryIndex, fields: Sequence[str]) -> None:
        where = f"{self.model.__name__}: index {index.name!r}"
        if index.name in self.indexes:
            raise ModelDefinitionError(f"{where} is declared twice")
        if not index.is_global and self.sort_key is None:
            raise ModelDefinitionError(f"{where}: a local index needs a table with a sort key")
        index_partition, index_sort = self.index_keys[index.name]
        # A local index's partition key is the table's, checked already.
        own_partition = None if index.partition_key is None else index_partition
        for role, key in (("partition", own_partition), ("sort", index_sort)):
            if key is None:
                continue
            if key not in fields:
                raise ModelDefinitionError(
                    f"{where}: the {role} key {key!r} is not a field (nor a stored computed field)"
                )
            if self.codec.key_type(key) is None:
                raise ModelDefinitionError(
                    f"{where}: the {role} key {key!r} must be a str, number or bytes field"
                )
        if not isinstance(index.projection, str):
            unknown = [f for f in index.projection if f not in self.fields]
            if unknown:
                raise ModelDefinitionError(f"{where} projects unknown fields {unknown}")

    # -- keys and identity

    def path(self, field: str) -> Path[Any]:
        """The path of a root field."""
        return located(self.model, self.codec, (field,))

    def identity(self, item: Item) -> tuple[tuple[str, Any], ...]:
        """What makes an item (or key) in wire form this item: its key attributes' values, as
        hashable `(attribute, value)` pairs."""
        return tuple((a, next(iter(item[a].values()))) for a in self.key_attributes)

    def show_key(self, key: Item) -> str:
        """A key in wire form as the key fields' values, for messages about one item."""
        return "{" + ", ".join(f"{a}: {v!r}" for a, v in self.identity(key)) + "}"

    def sources(self, keys: Sequence[str | None]) -> tuple[str, ...]:
        """The fields `keys` (key fields or templates' attributes) are built from."""
        found: list[str] = []
        for key in keys:
            template = self.templates.get(key) if key is not None else None
            for field in template.fields if template is not None else (key,):
                if field is not None and field not in found:
                    found.append(field)
        return tuple(found)

    @property
    def key_names(self) -> tuple[str, ...]:
        """Every name a key may be given by: the key fields (a template's attribute, for its
        stored value) and the fields the key templates are built from."""
        return (*self.key_fields, *self.sources(self.key_fields))

    def key_values(
        self, values: Mapping[str, Any], call: str, options: Sequence[str] = ()
    ) -> dict[str, Any]:
        """`values` checked to give every key (a key field, or a template's attribute or all the
        fields it is built from) and nothing else; the error names the unknown and missing
        fields, the model's keys and, for names that look like a mistyped option of `call`, the
        options."""
        names = self.key_names
        unknown = [name for name in values if name not in names]
        missing: list[str] = []
        for key in self.key_fields:
            template = self.templates.get(key)
            if key in values or template is None:
                missing += [] if key in values else [key]
            else:
                missing += [f for f in template.fields if f not in values]
        if unknown or missing:
            raise InvalidKeyError(self._key_problem(call, unknown, missing, options))
        return dict(values)

    def encoded_key(
        self, values: Mapping[str, Any], call: str, options: Sequence[str] = ()
    ) -> Item:
        """The primary key in wire form from the key fields' values, checked by `key_values`."""
        return self.codec.key(self.key_values(values, call, options))

    def key_of(self, instance: M) -> Item:
        """The instance's key, as the item it was read from stores it."""
        return self.codec.instance_key(instance)

    def _key_problem(
        self, call: str, unknown: Sequence[str], missing: Sequence[str], options: Sequence[str]
    ) -> str:
        name = self.model.__name__
        parts: list[str] = []
        for field in unknown:
            close = difflib.get_close_matches(field, [*options, *self.key_names], n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            what = "option or key field" if options else "key field"
            parts.append(f"unknown {what} {field!r}{hint}")
        if missing:
            plural = "s" if len(missing) > 1 else ""
            parts.append(f"missing key field{plural} " + ", ".join(repr(m) for m in missing))
        keys = ", ".join(
            f"{k} (or {', '.join(self.templates[k].fields)})" if k in self.templates else k
            for k in self.key_fields
        )
        text = f"{name}.{call}: {'; '.join(parts)}; {name}'s keys are {keys}"
        if options and unknown:
            text += f"; {call} also takes {', '.join(options)}"
        return text

    def check_fields(
        self, changes: Mapping[str, Any], call: str, also: Sequence[str], options: Sequence[str]
    ) -> None:
        """Refuse names in `changes` that are neither fields of the model nor in `also`."""
        unknown = [n for n in changes if n not in self.fields and n not in also]
        if unknown:
            fields = [*options, *self.fields]
            hints = ", ".join(
                f"{n!r}"
                + (
                    f" (did you mean {close[0]}?)"
                    if (close := difflib.get_close_matches(n, fields, n=1))
                    else ""
                )
                for n in unknown
            )
            raise InvalidKeyError(
                f"{self.model.__name__}.{call}: {hints} is not a field of "
                f"{self.model.__name__} nor an option of {call} ({', '.join(options)})"
            )

    # -- whole writes, versions

    def check_whole(self, instance: M, call: str) -> None:
        """Refuse to write whole an instance a projection read without some fields: they hold
        defaults, and a put would store those over the real values."""
        unread: frozenset[str] | None = vars(instance).get(UNREAD_FIELDS)
        if unread:
            raise PartialInstanceError(
                f"{self.model.__name__}.{call}: this instance was read with a projection, "
                f"without {', '.join(sorted(unread))}; writing it whole would store their "
                "defaults over the stored values. update(...) writes only the fields you change "
                "(or refresh() reads the whole item first)",
                unread=unread,
            )

    def put_request(
        self, instance: M, condition: Condition | None, if_unchanged: bool = False
    ) -> PutRequest:
        """The item a put writes and its condition: with a `Version` field, the next version
        and a guard on the instance's; with `if_unchanged`, a guard that the stored item still
        holds what the instance was read with."""
        self.check_whole(instance, "save")
        if if_unchanged:
            condition = both(self.unchanged(instance), condition)
        item = self.codec.to_item(instance)
        if self.version_field is None:
            return PutRequest(item, condition, None)
        current = getattr(instance, self.version_field)
        following = (current or 0) + 1
        item.update(self.codec.fields({self.version_field: following}))  # type: ignore[arg-type]
        return PutRequest(item, both(self.version_guard(current), condition), following)

    def unchanged(self, instance: M) -> Condition:
        """The stored item holds every attribute as the instance was read with it (placeholders
        only), and none the item did not have.

        Raises:
            InvalidExpressionError: the instance keeps no item it was read with (it came from
                a query, a scan or a batch, or was never stored).
        """
        if self.sealed:
            raise EncryptionError(
                f"{self.model.__name__}.save(if_unchanged=True): the model has Encrypted fields, "
                "whose stored ciphertext a condition cannot compare; use a Version field",
                model=self.model.__name__,
                field=self.sealed[0][1],
            )
        loaded: Item | None = vars(instance).get(LOADED_ITEM)
        if loaded is None:
            raise InvalidExpressionError(
                f"{self.model.__name__}.save(if_unchanged=True): this instance keeps no item it "
                "was read with; instances from get(), refresh(), save() and update() do, pages "
                "of a query, scan or batch get do not: refresh() it first"
            )
        guard: Condition = Attr(self.key_attributes[0]).exists()
        for attribute, wire in loaded.items():
            if attribute not in self.key_attributes:
                guard = guard & Comparison(Attr(attribute), "=", Value(wire))
        declared = {self.codec.attribute(name) for name in (*self.fields, *self.templates)}
        for attribute in sorted(declared - loaded.keys() - set(self.key_attributes)):
            guard = guard & Attr(attribute).not_exists()
        return guard

    def expected_version(self, instance: M, call: str) -> int | None:
        """The instance's version, which its writes are conditioned on; refused when a
        projection did not read it."""
        if self.version_field is None:
            return None
        unread: frozenset[str] = vars(instance).get(UNREAD_FIELDS, frozenset())
        if self.version_field in unread:
            raise PartialInstanceError(
                f"{self.model.__name__}.{call}: this instance was read without its Version field "
                f"{self.version_field!r}, so the stored version is unknown; refresh() it first",
                unread=unread,
            )
        return cast("int | None", getattr(instance, self.version_field))

    def version_guard(self, current: int | None) -> Condition:
        """The stored version is `current`; a never-saved instance (0 or None) finds no item, an
        item without a version, or one at version 0."""
        path = self.path(self.version_field)  # type: ignore[arg-type]
        if current:
            return path == current
        return path.not_exists() | (path == 0)

    def set_version(self, instance: M, version: int | None) -> None:
        """Set the version a write stored on the instance."""
        if version is not None:
            # Not setattr: a model with validate_assignment or frozen=True would refuse or
            # re-validate a value that is already the stored one.
            vars(instance)[self.version_field] = version  # type: ignore[index]

    def delete_condition(self, instance: M, condition: Condition | None) -> Condition | None:
        """A delete's condition: the caller's, beside the version guard."""
        if self.version_field is None:
            return condition
        return both(self.version_guard(self.expected_version(instance, "delete")), condition)

    # -- updates

    def versioned(
        self,
        actions: Sequence[UpdateAction],
        condition: Condition | None,
        expected: int | None,
        known: bool,
    ) -> tuple[list[UpdateAction], Condition | None, int | None]:
        """An update's actions and condition with the version bump: conditioned on `expected`
        when the version is `known`, a plain `ADD 1` otherwise. Also the version written."""
        if self.version_field is None:
            return list(actions), condition, None
        attribute = self.codec.attribute(self.version_field)
        if any(stored(action.path)[0] == attribute for action in actions):
            raise InvalidExpressionError(
                f"{self.model.__name__}.{self.version_field} is the Version: dynomodel sets it"
            )
        path = self.path(self.version_field)
        if not known:
            return [*actions, path.add(1)], condition, None
        following = (expected or 0) + 1
        bump = path.set(following)
        return [*actions, bump], both(self.version_guard(expected), condition), following

    def update_request(
        self, every: Sequence[UpdateAction], condition: Condition | None
    ) -> tuple[Expression, Expression]:
        """An update's expressions on one set of placeholders: `every` action (never on a key),
        and `condition` beside a guard that the item exists."""
        name = self.model.__name__
        if not every:
            raise InvalidExpressionError(f"{name}.update: name a field to change or an action")
        for action in every:
            if stored(action.path)[0] in self.key_attributes:
                raise InvalidExpressionError(
                    f"{name}.update cannot change the key ({stored(action.path)[0]}): "
                    "save a new item and delete the old one"
                )
        builder = ExpressionBuilder()
        update_text = builder.update(every)
        # UpdateItem would create a partial item under a missing key: refuse instead.
        guard = self.path(self.partition_key).exists()
        condition_text = builder.condition(both(guard, condition))
        return (
            Expression(update_text, builder.names, builder.values),
            Expression(condition_text, {}, {}),
        )

    def field_actions(
        self, values: Mapping[str, Any], whole: Mapping[str, Any] | None = None
    ) -> list[UpdateAction]:
        """SET each value, or REMOVE it where the item leaves the value out (a None or an empty
        set that reads back as itself); and the index key templates built from a changed field
        SET again, from `whole` (the instance's values; without it, `values` must hold every
        field of such a template).

        Raises:
            InvalidExpressionError: a changed field is part of the table's key, or an index key
                template is missing fields to be built again.
        """
        encoded = self.codec.fields(values)
        actions: list[UpdateAction] = []
        for field in values:
            wire = encoded[self.codec.attribute(field)]
            actions.append(self._set_or_remove(field, wire))
        for attribute, template in self.templates.items():
            changed = [f for f in template.fields if f in values]
            if not changed:
                continue
            if attribute in self.key_fields:
                raise InvalidExpressionError(
                    f"{self.model.__name__}.update cannot change {changed[0]!r}: the key "
                    f"{attribute!r} is built from it; save a new item and delete the old one"
                )
            source = {**(whole or {}), **values}
            missing = [f for f in template.fields if f not in source]
            if missing:
                raise InvalidExpressionError(
                    f"{self.model.__name__}.update changes {changed[0]!r}, from which the index "
                    f"key {attribute!r} is built: give {', '.join(missing)} too"
                )
            parts = {f: source[f] for f in template.fields}
            text = self.codec.template_text(attribute, parts, True)
            actions.append(self._set_or_remove(attribute, None if text is None else {"S": text}))
        return actions

    def _set_or_remove(self, field: str, wire: Any) -> UpdateAction:
        path = self.path(field)
        if wire is None:
            return path.remove()
        return UpdateAction("SET", path, "{path} = {0}", (Value(wire),))

    def instance_update(
        self, instance: M, changes: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[UpdateAction]]:
        """The changed fields' values, validated as assignments, and the actions that write
        them and the stored computed fields computed again with them."""
        self.check_fields(changes, "update", (), _UPDATE_OPTIONS)
        copy = copied(instance)
        validator = record_class(self.model).validator
        for name, value in changes.items():
            if name == self.version_field:
                raise InvalidExpressionError(
                    f"{self.model.__name__}.{name} is the Version: dynomodel sets it"
                )
            validator.validate_assignment(copy, name, value)
        values = {name: getattr(copy, name) for name in changes}
        computed = {name: getattr(copy, name) for name in self.computed_fields}
        whole = {name: getattr(copy, name) for name in self.sources(tuple(self.templates))}
        return values, self.field_actions({**values, **computed}, whole)

    def key_update(
        self, values: Mapping[str, Any], call: str, options: Sequence[str]
    ) -> tuple[Item, dict[str, Any], int | None, bool]:
        """An update by key: the key from the key fields among `values`, and the rest as
        `changes_by_key` has them."""
        names = self.key_names
        keys = {k: v for k, v in values.items() if k in names}
        changes = {k: v for k, v in values.items() if k not in names}
        validated, expected, known = self.changes_by_key(changes, call, options)
        return self.encoded_key(keys, call, options), validated, expected, known

    def changes_by_key(
        self, changes: Mapping[str, Any], call: str, options: Sequence[str]
    ) -> tuple[dict[str, Any], int | None, bool]:
        """An update without an instance: the new values validated field by field, the version
        the caller expects and whether it gave one."""
        self.check_fields(changes, call, self.key_names, options)
        values = dict(changes)
        known = self.version_field in values
        expected = values.pop(self.version_field) if known else None  # type: ignore[arg-type]
        validated = {
            name: _adapter(self.model, name).validate_python(value)
            for name, value in values.items()
        }
        return validated, expected, known

    # -- tables

    def key_schema(self) -> tuple[KeyDefinition, KeyDefinition | None]:
        """The table's key attributes and types, as CreateTable wants them."""
        partition = self.codec.key_definition(self.partition_key)
        sort = self.codec.key_definition(self.sort_key) if self.sort_key else None
        return partition, sort

    def index_schema(
        self, capacity: tuple[int, int] | None, index_capacity: Mapping[str, tuple[int, int]]
    ) -> list[IndexSpec]:
        """The indexes as the native CreateTable takes them; global indexes of a provisioned
        table (`capacity` given) get theirs from `index_capacity`, or the table's."""
        unknown = [n for n in index_capacity if not getattr(self.indexes.get(n), "is_global", 0)]
        if unknown:
            known = ", ".join(n for n, i in self.indexes.items() if i.is_global) or "none"
            raise InvalidExpressionError(
                f"{self.model.__name__}.create_table: index_capacity names {unknown}, which are "
                f"not global indexes of the table (global indexes: {known})"
            )
        if capacity is None and index_capacity:
            raise InvalidExpressionError(
                f"{self.model.__name__}.create_table: index_capacity applies to PROVISIONED "
                "tables only"
            )
        schema: list[IndexSpec] = []
        for index in self.indexes.values():
            partition, sort_name = self.index_keys[index.name]
            sort = None if sort_name is None else self.codec.key_definition(sort_name)
            if isinstance(index.projection, str):
                projection: tuple[str, list[str]] = (index.projection, [])
                if index.projection == "KEYS_ONLY" and self.type_attribute is not None:
                    # An entity's items are told apart by their type in every read.
                    projection = ("INCLUDE", [self.type_attribute])
            else:
                included = [self.codec.attribute(f) for f in index.projection]
                projection = ("INCLUDE", included)
            key = self.codec.key_definition(partition)
            units = None
            if capacity is not None and index.is_global:
                units = index_capacity.get(index.name, capacity)
            schema.append(IndexSpec(index.name, index.is_global, key, sort, projection, units))
        return schema

    def ttl_attribute(self) -> str | None:
        """The stored name of the `TTL` field, if any."""
        return None if self.ttl_field is None else self.codec.attribute(self.ttl_field)


_UPDATE_OPTIONS = ("actions", "condition", "skip_hooks")


def both(first: Condition, second: Condition | None) -> Condition:
    """`first`, and `second` when there is one."""
    return first if second is None else first & second


def _computed(model: type[Any], store: bool | Sequence[str]) -> tuple[str, ...]:
    """The `@computed_field`s to store: all of them (True), none (False), or those named."""
    available = record_class(model).computed
    if store is True:
        return available
    if store is False:
        return ()
    names = (store,) if isinstance(store, str) else tuple(store)
    unknown = [name for name in names if name not in available]
    if unknown:
        raise ModelDefinitionError(
            f"{model.__name__}: store_computed names {unknown}, which are not @computed_fields "
            f"of the model (it has {', '.join(available) or 'none'})"
        )
    return names


_ADAPTERS: dict[tuple[type[Any], str], TypeAdapter[Any]] = {}


def _adapter(model: type[Any], name: str) -> TypeAdapter[Any]:
    """A validator for one field, built once: how an update by key checks values without an
    instance."""
    adapter = _ADAPTERS.get((model, name))
    if adapter is None:
        info = fields_of(model)[name]
        # The field's annotation and FieldInfo (constraints, validators) as one type form.
        form: Any = cast(Any, Annotated)[info.annotation, info]
        adapter = TypeAdapter[Any](form)
        _ADAPTERS[(model, name)] = adapter
    return adapter


PARTITION_KEY_BYTES = 2048
"""The most bytes a partition key value holds, in a table or an index."""

SORT_KEY_BYTES = 1024
"""The most bytes a sort key value holds, in a table or an index."""


def _entity(model: type[Any], entity: str | bool | None, templated: bool) -> str | None:
    """The entity name a model writes: its own (a str), its class name (True, or by default for
    a model keyed by templates), or none."""
    if entity is None:
        entity = templated
    if entity is True:
        return model.__name__
    if entity is False:
        return None
    if not entity or not isinstance(entity, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ModelDefinitionError(f"{model.__name__}: entity is a name, True or False")
    return entity


def _key_limits(roles: Sequence[tuple[str | None, int]], fields: Sequence[str]) -> dict[str, int]:
    """The fields that key the table or an index (`roles`: each with the most bytes its role
    allows), with the most bytes each may hold (the smaller where a field keys several).
    Checked when an item is encoded: not every engine enforces the limit on index keys,
    DynamoDB does."""
    limits: dict[str, int] = {}
    for name, most in roles:
        if name is not None and name in fields:
            limits[name] = min(limits.get(name, most), most)
    return limits
