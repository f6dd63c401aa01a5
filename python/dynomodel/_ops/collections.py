"""The results of a collection's query: the items of several entities of one table, each
decoded into its own model, in the order DynamoDB returns them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Generic, TypeVar

from .._io.driver import Steps, awaitable, blocking
from .._native import RawItem
from .._schema.records import record_class
from .._schema.wire import Item
from .._table.reads import ReadOptions, ReadPlan
from .bound import BoundTable, bound_of
from .reads import Results

__all__ = ["CollectionItems", "CollectionResults"]

E = TypeVar("E")
T = TypeVar("T")


@dataclass
class CollectionItems(Generic[E]):
    """Everything a collection's query read: `items` in the order DynamoDB returned them,
    `of(Model)` for one entity's, `unknown` for the items no entity of the collection is (in
    wire form), and `last_evaluated_key` to resume."""

    items: list[E]
    unknown: list[Item] = field(default_factory=list[Item])
    last_evaluated_key: Item | None = None

    def of(self, model: type[T]) -> list[T]:
        """The items that are `model` instances, in order."""
        return [item for item in self.items if isinstance(item, model)]


class CollectionResults(Results[E]):
    """A `Results` whose items are models of several entities (`E` is their union), or their
    dicts with `as_dict=True`. Items whose type no entity of the collection has are never
    dropped and never an error: they are kept, in wire form, in `unknown` as pages are read.
    `collect()` (`sync_collect()`) reads to the end and groups the items by model."""

    def __init__(
        self,
        table: BoundTable[Any],
        plan: ReadPlan,
        options: ReadOptions,
        as_dict: bool,
        entities: Sequence[BoundTable[Any]],
    ) -> None:
        super().__init__(table, plan, options)
        self._as_dict = as_dict
        self._entities = entities
        # Only pages of entities with an `after_load` hook are walked item by item in Python.
        self._hooked = any(e.runs("after_load", self._skip_hooks) for e in entities)
        self.unknown: list[Item] = []
        """The items of no entity of the collection, in wire form, as read so far."""

    def _readers(self) -> Sequence[BoundTable[Any]]:
        # Each entity's encrypted attributes must be known before its items are opened.
        return [self._table, *self._entities]

    def starting_at(self, key: Any) -> CollectionResults[E]:
        options: ReadOptions = {**self._options, "last_evaluated_key": key}
        return CollectionResults(self._table, self._plan, options, self._as_dict, self._entities)

    def _received(self, items: list[Any]) -> list[E]:
        known: list[E] = []
        for item in items:
            if isinstance(item, RawItem):
                self.unknown.append(item.item)
            else:
                known.append(item)
        return known

    def _loaded(self, items: list[E]) -> Steps[None]:
        """`after_load` of each item's own model."""
        if not self._hooked:
            return
        for model, group in groupby(items, type):
            yield from bound_of(model).loaded(list(group), self._skip_hooks)  # type: ignore[arg-type]

    def _take(self) -> E:
        # The model stays the last item handed out: its own mapping gives the resume key.
        item = super()._take()
        if self._as_dict:
            return record_class(type(item)).serializer.to_python(item)  # type: ignore[no-any-return]
        return item

    def _collect(self) -> Steps[CollectionItems[E]]:
        """Every item to the end (or `limit`), grouped in a `CollectionItems`."""
        items: list[E] = []
        self._start_iteration()
        while True:
            while self._ready:
                items.append(self._take())
            if self._done:
                break
            yield from self._fetch()
        return CollectionItems(items, list(self.unknown), self.last_evaluated_key)

    collect = awaitable(_collect)
    sync_collect = blocking(_collect)
