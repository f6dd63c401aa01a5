"""Item operations, each one generator of native calls: PutItem, GetItem, UpdateItem and
DeleteItem of one item, and CreateTable of a model's table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._expr.builder import compiled_condition
from .._expr.nodes import Condition, UpdateAction
from .._io.client import CreateOptions, TableDescription, created
from .._io.driver import Call, Steps
from .._schema.wire import Item
from .._table.mapping import LOADED_ITEM, KeyDefinition
from ..exceptions import (
    ConditionalCheckFailedError,
    DynamoError,
    DynamoValidationError,
    ItemNotFoundError,
)
from .bound import BoundTable, ready, table_spec
from .objects import discard, drop_replaced, upload

__all__ = [
    "GET_OPTIONS",
    "UPDATE_OPTIONS",
    "create_table",
    "delete",
    "delete_by_key",
    "get",
    "refresh",
    "save",
    "update",
    "update_by_key",
]

M = TypeVar("M")

GET_OPTIONS = ("consistent_read", "skip_hooks")
UPDATE_OPTIONS = ("actions", "condition", "skip_hooks")


def save(
    table: BoundTable[M],
    instance: M,
    condition: Condition | None,
    skip_hooks: bool,
    if_unchanged: bool = False,
) -> Steps[None]:
    """PutItem of the whole item, version-checked, between `before_save` and `after_save`."""
    yield from table.hook("before_save", instance, skip_hooks)
    mapping = table.mapping
    put = mapping.put_request(instance, condition, if_unchanged)
    in_s3 = bool(mapping.s3_fields)
    # Content goes up before the item that points at it (checked first: nothing is uploaded
    # for an item that cannot be stored), and comes down again if the write fails.
    uploaded = (yield from upload(table, instance)) if in_s3 else []
    try:
        if uploaded:
            put = mapping.put_request(instance, condition, if_unchanged)
        key = {attribute: put.item[attribute] for attribute in mapping.key_attributes}
        args = (table.name, put.item, compiled_condition(put.condition), in_s3)
        output = yield from _write(table, table.native.put_item, args, key)
    except Exception:
        yield from discard(table, uploaded)
        raise
    table.record(output.cost)
    if in_s3:
        yield from drop_replaced(table, output.item, instance)
    mapping.set_version(instance, put.version)
    vars(instance)[LOADED_ITEM] = put.item
    yield from table.hook("after_save", instance, skip_hooks)


def get(
    table: BoundTable[M],
    key: Mapping[str, Any],
    consistent_read: bool | None,
    skip_hooks: bool,
) -> Steps[M | None]:
    """GetItem by the key fields' values."""
    consistent = table.consistent_read if consistent_read is None else consistent_read
    encoded = table.mapping.encoded_key(key, "get", GET_OPTIONS)
    yield from ready([table], table.client)
    try:
        output = yield Call(table.native.get_item, (table.name, encoded, consistent))
    except DynamoValidationError as error:
        raise (yield from _explained(table, error)) from None
    table.record(output.cost)
    if output.item is None:
        return None
    found = table.mapping.codec.from_item(output.item)
    vars(found)[LOADED_ITEM] = output.item
    (found,) = yield from table.loaded([found], skip_hooks)
    return found


def refresh(table: BoundTable[M], instance: M, skip_hooks: bool) -> Steps[None]:
    """Strongly consistent GetItem of the instance's key, loaded into the instance."""
    key = table.mapping.key_of(instance)
    yield from ready([table], table.client)
    output = yield Call(table.native.get_item, (table.name, key, True))
    table.record(output.cost)
    if output.item is None:
        raise ItemNotFoundError(
            f"{table.model.__name__}: no item in {table.name!r} has the key "
            f"{table.mapping.show_key(key)}"
        )
    _replace(instance, table.mapping.codec.from_item(output.item))
    vars(instance)[LOADED_ITEM] = output.item
    yield from table.loaded([instance], skip_hooks)


def update(
    table: BoundTable[M],
    instance: M,
    actions: Sequence[UpdateAction],
    condition: Condition | None,
    changes: Mapping[str, Any],
    skip_hooks: bool,
) -> Steps[None]:
    """One UpdateItem of the instance's changed fields and `actions`, version-checked; the
    instance then holds the item as stored."""
    yield from table.hook("before_update", instance, skip_hooks)
    mapping = table.mapping
    _, field_actions = mapping.instance_update(instance, changes)
    expected = mapping.expected_version(instance, "update")
    every, guarded, _ = mapping.versioned([*actions, *field_actions], condition, expected, True)
    key = mapping.key_of(instance)
    fresh = yield from _update(table, key, every, guarded, condition is not None)
    _replace(instance, fresh)
    yield from table.hook("after_update", instance, skip_hooks)


def update_by_key(
    table: BoundTable[M],
    values: Mapping[str, Any],
    actions: Sequence[UpdateAction],
    condition: Condition | None,
    skip_hooks: bool,
) -> Steps[M]:
    """One UpdateItem by key, without reading the item first; the item as stored after it."""
    mapping = table.mapping
    key, validated, expected, known = mapping.key_update(values, "update_by_key", UPDATE_OPTIONS)
    # The key's fields are whole: an index template built from them and a change is built again.
    field_actions = mapping.field_actions(validated, values)
    every, guarded, _ = mapping.versioned([*actions, *field_actions], condition, expected, known)
    fresh = yield from _update(table, key, every, guarded, condition is not None)
    (loaded,) = yield from table.loaded([fresh], skip_hooks)
    return loaded


def delete(
    table: BoundTable[M], instance: M, condition: Condition | None, skip_hooks: bool
) -> Steps[None]:
    """DeleteItem of the instance's key, version-checked, between the delete hooks."""
    yield from table.hook("before_delete", instance, skip_hooks)
    mapping = table.mapping
    key = mapping.key_of(instance)
    yield from delete_by_key(table, key, mapping.delete_condition(instance, condition))
    yield from table.hook("after_delete", instance, skip_hooks)


def delete_by_key(table: BoundTable[M], key: Item, condition: Condition | None) -> Steps[None]:
    """DeleteItem of `key` (in wire form); for a model with `InS3` fields, the item deleted
    comes back (ReturnValues ALL_OLD, at no extra cost) and its objects are deleted after it."""
    in_s3 = bool(table.mapping.s3_fields)
    args = (table.name, key, compiled_condition(condition), in_s3)
    output = yield from _write(table, table.native.delete_item, args, key)
    table.record(output.cost)
    if in_s3:
        yield from drop_replaced(table, output.item, None)


def create_table(table: BoundTable[Any], options: CreateOptions) -> Steps[TableDescription]:
    """CreateTable with the mapping's keys, indexes and TTL attribute."""
    wait, exist_ok = options.get("wait", True), options.get("exist_ok", False)
    return (yield from created(table.client, table_spec(table, options), wait, exist_ok))


def _update(
    table: BoundTable[M],
    key: Item,
    every: Sequence[UpdateAction],
    condition: Condition | None,
    own_condition: bool,
) -> Steps[M]:
    update_expression, guarded = table.mapping.update_request(every, condition)
    args = (table.name, key, update_expression, guarded)
    output = yield from _write(table, table.native.update_item, args, key, own_condition)
    table.record(output.cost)
    fresh = table.mapping.codec.from_item(output.item)
    vars(fresh)[LOADED_ITEM] = output.item
    return fresh


def _write(
    table: BoundTable[Any],
    method: Any,
    args: tuple[Any, ...],
    key: Item,
    own_condition: bool = True,
) -> Steps[Any]:
    """One PutItem, UpdateItem or DeleteItem of the item under `key`, its failures explained:
    a false condition names the model, table and key and holds the stored item as a model;
    an update (guarded by the item's existence) of an item that is not there, when the caller
    gave no condition of its own, is `ItemNotFoundError`; a key the table's schema does not
    match says what the table's keys are."""
    yield from ready([table], table.client)
    try:
        return (yield Call(method, args))
    except ConditionalCheckFailedError as error:
        if error.raw_item is None and not own_condition:
            raise ItemNotFoundError(
                f"{table.model.__name__}: no item in {table.name!r} has the key "
                f"{table.mapping.show_key(key)}"
            ) from None
        raise _condition_failed(table, error, key) from None
    except DynamoValidationError as error:
        raise (yield from _explained(table, error)) from None


def _condition_failed(
    table: BoundTable[Any], error: ConditionalCheckFailedError, key: Item
) -> ConditionalCheckFailedError:
    stored: Any = None
    if error.raw_item is not None:
        try:
            stored = table.mapping.codec.from_item(error.raw_item)
        except (ValidationError, DynamoError):
            stored = None  # another entity, or an item the model cannot read: raw only
    missing = "" if error.raw_item is not None else " (there is no such item)"
    return ConditionalCheckFailedError(
        f"{table.model.__name__} in {table.name!r} with the key {table.mapping.show_key(key)}: "
        f"the condition was not met{missing}",
        item=stored,
        raw_item=error.raw_item,
        model=table.model,
        table=table.name,
        key=key,
    )


def _explained(table: BoundTable[Any], error: DynamoValidationError) -> Steps[DynamoError]:
    """A refused key explained by the table's key schema (one DescribeTable), when the
    model's keys do not match it; otherwise the error as it was."""
    if "key" not in str(error).lower():
        return error
    try:
        raw = yield Call(table.native.describe_table, (table.name,))
    except DynamoError:
        return error
    described = TableDescription.of(raw)
    declared = [k for k in table.mapping.key_schema() if k is not None]
    actual = [k for k in (described.partition_key, described.sort_key) if k is not None]
    if declared == actual:
        return error
    return DynamoValidationError(
        f"{table.model.__name__}'s keys are {_keys_text(declared)}, but table "
        f"{described.name!r} has the keys {_keys_text(actual)}: declare the model's keys as "
        "the table has them (names, order and types), or map the model to another table"
    )


def _keys_text(keys: Sequence[KeyDefinition]) -> str:
    return ", ".join(f"{name} ({kind})" for name, kind in keys)


def _replace(instance: object, fresh: object) -> None:
    """Load `fresh`'s state into `instance`, keeping the caller's object."""
    state = vars(instance)
    state.clear()
    state.update(vars(fresh))
    if isinstance(fresh, BaseModel):
        object.__setattr__(instance, "__pydantic_fields_set__", set(fresh.model_fields_set))
