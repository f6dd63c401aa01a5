"""Which attributes of a client's tables are encrypted, as its native client seals and opens
them, and the bounds of its data key cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import ModelDefinitionError

if TYPE_CHECKING:
    from .._native import Client as NativeClient
    from .._table.mapping import TableMapping

__all__ = ["KeyCache", "SealedTables"]


@dataclass(frozen=True)
class KeyCache:
    """How long and how much a KMS data key is used (`DynamoClient(key_cache=...)`).

    A data key made by `GenerateDataKey` encrypts the values of one table for at most
    `max_age` seconds or `max_uses` values, whichever comes first; unwrapped keys (from
    `Decrypt`) are kept for at most `max_age` seconds, at most `max_keys` of them. So writing
    or reading 1,000 items costs one KMS call per data key involved, not one per value. Keys
    are held only in the native client's memory and wiped when dropped.
    """

    max_age: float = 300.0
    max_uses: int = 10_000
    max_keys: int = 1_000

    def __post_init__(self) -> None:
        if self.max_age <= 0 or self.max_uses < 1 or self.max_keys < 1:
            raise ValueError(
                "KeyCache: max_age is a positive number of seconds, max_uses and max_keys at "
                f"least 1 (given {self.max_age}, {self.max_uses}, {self.max_keys})"
            )


class SealedTables:
    """The encrypted attributes of the tables a client has met through models, by table: set
    on the native client the first time a model with `Encrypted` fields calls through it.

    One table's attribute is encrypted under one key for every model of the table, or for
    none: the native client seals and opens by table and attribute.
    """

    __slots__ = ("_native", "_tables")

    def __init__(self, native: NativeClient) -> None:
        self._native = native
        # table -> (models met, {attribute: (model, field, key_id)})
        self._tables: dict[str, tuple[dict[type, frozenset[str]], dict[str, tuple[str, str, str]]]]
        self._tables = {}
        """Per table: the models met (with the attributes each stores), and the encrypted
        attributes as `(model, field, key_id)`."""

    def adopt(self, mapping: TableMapping[Any]) -> None:
        """Before a call of `mapping`'s model: its encrypted attributes are set on the native
        client; a model without any is only checked (where its table has encrypted
        attributes). Done once per model; a lookup afterwards.

        Raises:
            ModelDefinitionError: another model of the table stores one of these attributes
                encrypted under another key, or in the clear.
        """
        table, model, sealed = mapping.name, mapping.model, mapping.sealed
        known = self._tables.get(table)
        if known is not None and model in known[0]:
            return
        if known is None:
            if not sealed:
                return
            known = self._tables[table] = ({}, {})
        models, by_attribute = known
        attributes = frozenset(
            mapping.codec.attribute(name) for name in (*mapping.fields, *mapping.computed_fields)
        )
        mine = {attribute: (model.__name__, field, key) for attribute, field, key in sealed}
        for attribute in attributes:
            theirs, ours = by_attribute.get(attribute), mine.get(attribute)
            if theirs is not None and (ours is None or ours[2] != theirs[2]):
                _conflict(table, attribute, model.__name__, theirs[0])
            clear = [m.__name__ for m, stored in models.items() if attribute in stored]
            if theirs is None and ours is not None and clear:
                _conflict(table, attribute, model.__name__, clear[0])
        models[model] = attributes
        by_attribute.update(mine)
        if sealed:
            self._native.set_sealed(
                table,
                list(mapping.key_attributes),
                [(a, owner, field, key) for a, (owner, field, key) in by_attribute.items()],
            )


def _conflict(table: str, attribute: str, model: str, other: str) -> None:
    raise ModelDefinitionError(
        f"{model} and {other} share the table {table!r} and disagree about its attribute "
        f"{attribute!r}: an attribute of a table is Encrypted under one key for every model "
        "that stores it, or for none"
    )
