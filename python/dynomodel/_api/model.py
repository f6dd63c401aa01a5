"""`DynamoModel`: a pydantic model that is also a DynamoDB item."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self, TypeVar

from .._expr.paths import codec_of, install_paths
from .._io.client import DynamoClient
from .._io.limits import RateLimit
from .._ops.bound import bind
from .._schema.codec import ModelCodec
from .._schema.hooks import default_hook
from .._schema.keys import declared_keys
from .._schema.markers import StoredAs
from .._schema.templates import KeyTemplate
from .._schema.wire import AttributeValue, Item
from .._table.indexes import SecondaryIndex
from .._table.mapping import KeySpec
from ..exceptions import ModelDefinitionError
from .decorator import table_of
from .shortcuts import TableShortcuts
from .table import Table

__all__ = ["DynamoModel"]

M = TypeVar("M")


class _TableOf:
    """`Order.table`: the model's `Table[Order]`, through which every operation runs; it
    stays reachable when a field's name hides the shortcut of the same name (`Order.count`)."""

    def __get__(self, instance: object, owner: type[M]) -> Table[M]:
        return table_of(owner)


class DynamoModel(TableShortcuts):
    """Base class for models stored in DynamoDB.

    ```python
    class Order(DynamoModel, table="orders"):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        total: Decimal
    ```

    The keys are checked when the class is created (exactly one partition key, at most one sort
    key, of a type DynamoDB keys can have, never optional) and the codec plan is compiled once
    then. A subclass without `table=` inherits its parent's table; a `DynamoModel` that names no
    table anywhere is still encodable (`to_item`), for use as a base or a nested value, and may
    declare the keys (and indexes) for subclasses that name their tables.

    Class keywords: `table` (the table name), `client` (a `DynamoClient`; by default the default
    client at call time), `consistent_read` (the default of `get`), `skip_hooks` (never run the
    hooks below), `store_computed` (store the `@computed_field`s too: True, or their names),
    `datetime_form` (the stored form of every datetime, `StoredAs.PYNAMODB` and so on, for a
    table another library shares); for single-table designs, `partition_key` and `sort_key`
    (`KeyTemplate`s that build the keys from fields), `entity` (the name written in
    `type_attribute`, `"_type"`; by default the class name for a model keyed by templates) and
    `key_separator` (`"#"`); `rate_limit` (the table's read and write budgets, a `RateLimit`,
    shared by every call through a client that gives the table none of its own).

    `Order.table` is the model's `Table[Order]`; the class methods (`Order.get`, `Order.query`,
    ...) are its operations, and `order.save()`, `order.update()`, `order.delete()` and
    `order.refresh()` run them on the instance (see `TableShortcuts`). Every I/O method is async
    with a blocking `sync_` twin; `Order.table.stats` holds the consumed capacity and time. A
    field named like an operation hides that shortcut on its class: `Order.table` still runs it.

    Hooks: override `before_save`, `after_save`, `before_update`, `after_update`,
    `before_delete`, `after_delete` or `after_load`, as plain methods or `async def` (a `sync_`
    call runs an async hook to completion). They run around `save`, `update`, `delete` and
    transactions on an instance, and `after_load` on every model read; `*_by_key` writes and
    batch writes run no write hooks. `skip_hooks=True` on a call skips them for that call.
    """

    __dynamo_table_name__: ClassVar[str | None] = None
    __dynamo_settings__: ClassVar[dict[str, Any]] = {}

    table: ClassVar[_TableOf] = _TableOf()

    def __init_subclass__(
        cls,
        *,
        table: str | None = None,
        client: DynamoClient | None = None,
        consistent_read: bool | None = None,
        skip_hooks: bool | None = None,
        store_computed: bool | Sequence[str] | None = None,
        datetime_form: StoredAs | None = None,
        partition_key: KeyTemplate | None = None,
        sort_key: KeyTemplate | None = None,
        entity: str | bool | None = None,
        type_attribute: str | None = None,
        key_separator: str | None = None,
        rate_limit: RateLimit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)

    @classmethod
    def __pydantic_init_subclass__(
        cls,
        *,
        table: str | None = None,
        client: DynamoClient | None = None,
        consistent_read: bool | None = None,
        skip_hooks: bool | None = None,
        store_computed: bool | Sequence[str] | None = None,
        datetime_form: StoredAs | None = None,
        partition_key: KeyTemplate | None = None,
        sort_key: KeyTemplate | None = None,
        entity: str | bool | None = None,
        type_attribute: str | None = None,
        key_separator: str | None = None,
        rate_limit: RateLimit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = table or cls.__dynamo_table_name__
        cls.__dynamo_table_name__ = name
        given: dict[str, Any] = {
            "client": client,
            "consistent_read": consistent_read,
            "skip_hooks": skip_hooks,
            "store_computed": store_computed,
            "datetime_form": datetime_form,
            "partition_key": partition_key,
            "sort_key": sort_key,
            "entity": entity,
            "type_attribute": type_attribute,
            "key_separator": key_separator,
            "rate_limit": rate_limit,
        }
        chosen = {k: v for k, v in given.items() if v is not None}
        settings: dict[str, Any] = {**cls.__dynamo_settings__, **chosen}
        cls.__dynamo_settings__ = settings
        declared_partition, declared_sort = declared_keys(cls)
        partition = _one_key(cls, "partition", settings.get("partition_key"), declared_partition)
        sort = _one_key(cls, "sort", settings.get("sort_key"), declared_sort)
        if name is None:
            # A base for models of several tables (the keys may be declared here, for
            # subclasses that name their table), or a nested value.
            install_paths(cls, ModelCodec(cls))
            return
        if partition is None:
            raise ModelDefinitionError(
                f"{cls.__name__}: a table model needs exactly one partition key, "
                "declared as Annotated[<type>, PartitionKey] or partition_key=KeyTemplate(...)"
            )
        own = Table(
            cls,
            name,
            partition_key=partition,
            sort_key=sort,
            indexes=_declared_indexes(cls),
            **{k: v for k, v in settings.items() if k not in ("partition_key", "sort_key")},
        )
        bind(cls, own)
        install_paths(cls, own.mapping.codec)

    def to_item(self) -> Item:
        """This instance in DynamoDB's wire form (`{"pk": {"S": "..."}, ...}`); no request is sent.

        Raises an `EncodeError` subclass, naming the field and the rule, for a value DynamoDB
        cannot store: NaN, a number over 38 digits, an empty key, an item over 400 KB, ...
        """
        return codec_of(type(self)).to_item(self)

    @classmethod
    def to_items(cls, instances: Iterable[Self]) -> list[Item]:
        """`to_item()` of many instances with one crossing into Rust, the cyclic GC paused
        meanwhile (a list of fresh items would otherwise set it off again and again); no
        request is sent. Raises like `to_item()`, for the first instance that cannot be stored.
        """
        return codec_of(cls).to_items(instances)

    @classmethod
    def from_item(cls, item: Mapping[str, AttributeValue]) -> Self:
        """Validate one wire-form item into this model; no request is sent.

        Attributes the model does not declare are kept with the instance and written back
        unchanged by `to_item()` (and so by `save()`).
        """
        found: Self = codec_of(cls).from_item(item)
        return found

    @classmethod
    def from_items(cls, items: Iterable[Mapping[str, AttributeValue]]) -> list[Self]:
        """Validate a page of wire-form items with one crossing into Rust."""
        return codec_of(cls).from_items(items)

    # -- hooks: override any of them; these defaults do nothing and cost nothing.

    @default_hook
    def before_save(self) -> Any:
        """Runs before `save` (and a transaction's put) sends the item."""

    @default_hook
    def after_save(self) -> Any:
        """Runs after `save` (and a transaction's put) stored the item."""

    @default_hook
    def before_update(self) -> Any:
        """Runs before `update` (and a transaction's update) is sent."""

    @default_hook
    def after_update(self) -> Any:
        """Runs after `update` applied (the instance holds the stored item)."""

    @default_hook
    def before_delete(self) -> Any:
        """Runs before `delete` (and a transaction's delete) is sent."""

    @default_hook
    def after_delete(self) -> Any:
        """Runs after `delete` removed the item."""

    @default_hook
    def after_load(self) -> Any:
        """Runs on each instance read from DynamoDB (get, refresh, query, scan, batch_get,
        transact_get, update_by_key)."""


def _one_key(
    model: type[Any], role: str, template: KeyTemplate | None, field: str | None
) -> KeySpec | None:
    """The key of `role`: a template given as a class keyword, or a field marked as the key."""
    if template is not None and field is not None:
        raise ModelDefinitionError(
            f"{model.__name__}: the {role} key is both {template!r} and the field {field!r}"
        )
    if template is not None and not isinstance(template, KeyTemplate):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ModelDefinitionError(
            f"{model.__name__}: {role}_key= takes a KeyTemplate (mark a field as the key with "
            f"Annotated[..., {role.title()}Key]), not {template!r}"
        )
    return template if template is not None else field


def _declared_indexes(model: type[Any]) -> list[SecondaryIndex]:
    """The `GlobalIndex`/`LocalIndex` class attributes of `model` and its bases."""
    found: dict[str, SecondaryIndex] = {}
    for klass in reversed(model.__mro__):
        for value in vars(klass).values():
            if isinstance(value, SecondaryIndex):
                found[value.name] = value
    return list(found.values())
