"""`@dynamo_table`: map an existing pydantic model to a table without changing the class."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from ._indexes import SecondaryIndex
from ._paths import install_paths
from ._table import Table, attach, declared_keys
from .exceptions import ModelDefinitionError

__all__ = ["dynamo_table"]

M = TypeVar("M", bound=BaseModel)


def dynamo_table(
    name: str,
    *,
    partition_key: str | None = None,
    sort_key: str | None = None,
    indexes: Sequence[SecondaryIndex] = (),
    skip_hooks: bool = False,
    store_computed: bool | Sequence[str] = False,
) -> Callable[[type[M]], type[M]]:
    """Map a pydantic model to the DynamoDB table `name`, leaving the class as it is.

    The class keeps its identity, `isinstance`, JSON schema and FastAPI behaviour; the DynamoDB
    operations live on its typed handle, `table_of(Model)`, a `Table[Model]` that mypy and pyright
    check (methods added to a class by a decorator would be invisible to them).

    Keys are named here or declared on the fields with `Annotated[..., PartitionKey]` /
    `Annotated[..., SortKey]`; `indexes` lists `GlobalIndex`/`LocalIndex` declarations, reached
    as `table_of(User).index("name")`; `store_computed` stores the `@computed_field`s too (True,
    or their names). The fields become typed paths on the class (`attr(User.email)`);
    instances, validation and dumps are unchanged.

    Raises:
        ModelDefinitionError: the keys are missing, unknown, optional or of a non-key type.
    """

    def decorate(model: type[M]) -> type[M]:
        # Untyped callers can hand anything to a decorator.
        if not (isinstance(model, type) and issubclass(model, BaseModel)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ModelDefinitionError(f"@dynamo_table decorates pydantic models, not {model!r}")
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
        )
        attach(model, table)
        model.__dynamo_codec__ = table.codec  # type: ignore[attr-defined]
        install_paths(model)
        return model

    return decorate
