"""`@dynamo_table`: map an existing pydantic model to a table without changing the class; and
`table_of`, the typed handle of any mapped model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .._expr.paths import install_paths
from .._io.limits import RateLimit
from .._ops.bound import bind, bound_of
from .._schema.keys import declared_keys
from .._schema.markers import StoredAs
from .._schema.records import is_record_class, record_class
from .._table.indexes import SecondaryIndex
from .._table.mapping import KeySpec
from ..exceptions import ModelDefinitionError
from .table import Table

__all__ = ["dynamo_table", "table_of"]

M = TypeVar("M")


def dynamo_table(
    name: str,
    *,
    partition_key: KeySpec | None = None,
    sort_key: KeySpec | None = None,
    indexes: Sequence[SecondaryIndex] = (),
    skip_hooks: bool = False,
    store_computed: bool | Sequence[str] = False,
    datetime_form: StoredAs | None = None,
    entity: str | bool | None = None,
    type_attribute: str = "_type",
    key_separator: str = "#",
    rate_limit: RateLimit | None = None,
) -> Callable[[type[M]], type[M]]:
    """Map a pydantic model to the DynamoDB table `name`, leaving the class as it is.

    The class keeps its identity, `isinstance`, JSON schema and FastAPI behaviour; the DynamoDB
    operations live on its typed handle, `table_of(Model)`, a `Table[Model]` that mypy and pyright
    check (methods added to a class by a decorator would be invisible to them).

    Keys are named here (a field, or a `KeyTemplate` that builds the key from fields) or
    declared on the fields with `Annotated[..., PartitionKey]` / `Annotated[..., SortKey]`;
    `entity`, `type_attribute` and `key_separator` are as `Table` has them; `indexes` lists
    `GlobalIndex`/`LocalIndex` declarations, reached as `table_of(User).index("name")`;
    `datetime_form` is the stored form of every datetime (`StoredAs`, for a table another
    library shares); `store_computed` stores the `@computed_field`s too (True, or their
    names); `rate_limit` gives the table read and write budgets (a `RateLimit`). The fields
    become typed paths on the class (`attr(User.email)`); instances, validation and dumps are
    unchanged.

    Raises:
        ModelDefinitionError: the keys are missing, unknown, optional or of a non-key type.
    """

    def decorate(model: type[M]) -> type[M]:
        # Untyped callers can hand anything to a decorator.
        if not is_record_class(model):
            raise ModelDefinitionError(
                f"@dynamo_table decorates a pydantic model, a pydantic dataclass or a "
                f"standard-library @dataclass, not {model!r}"
            )
        record_class(model)  # refuses what it cannot serve (a dataclass with slots)
        declared_partition, declared_sort = declared_keys(model)
        partition = partition_key or declared_partition
        if partition is None:
            raise ModelDefinitionError(
                f"{model.__name__}: name the partition key, @dynamo_table({name!r}, "
                "partition_key=...)"
            )
        table = Table(
            model,
            name,
            partition_key=partition,
            sort_key=sort_key or declared_sort,
            indexes=indexes,
            skip_hooks=skip_hooks,
            store_computed=store_computed,
            datetime_form=datetime_form,
            entity=entity,
            type_attribute=type_attribute,
            key_separator=key_separator,
            rate_limit=rate_limit,
        )
        bind(model, table)
        install_paths(model, table.mapping.codec)
        return model

    return decorate


def table_of(model: type[M]) -> Table[M]:
    """The `Table[M]` of a `DynamoModel` with a table or of a `@dynamo_table` model.

    Raises:
        ModelDefinitionError: `model` is not mapped to a table.
    """
    table = bound_of(model)
    if not isinstance(table, Table):  # pragma: no cover - every mapping goes through Table
        raise ModelDefinitionError(f"{model.__name__} is mapped without a Table")
    return table
