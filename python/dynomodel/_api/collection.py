"""`Collection`: several entities of one table, read together from one partition."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Generic, Literal, TypeVar, cast, overload

from .._native import Entities
from .._ops.collections import CollectionResults
from .._schema.templates import KeyTemplate
from .._table.reads import NO_KEY, QUERY_OPTIONS, QueryOptions, plan_query
from ..exceptions import InvalidExpressionError, ModelDefinitionError
from .decorator import table_of

__all__ = ["Collection"]

E = TypeVar("E")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
F = TypeVar("F")
G = TypeVar("G")

_OPTIONS = QUERY_OPTIONS - {"sort_key_condition", "projection"}


class Collection(Generic[E]):
    """Entities of one table that share a partition (a customer and its orders and addresses),
    read by one query and each decoded into its own model.

    ```python
    class Profile(
        DynamoModel,
        table="doc-shop",
        partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
        sort_key=KeyTemplate("sk", "PROFILE"),
    ):
        customer_id: str
        name: str

    class Purchase(
        DynamoModel,
        table="doc-shop",
        partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
        sort_key=KeyTemplate("sk", "PURCHASE#{number:06}"),
    ):
        customer_id: str
        number: int
        total: Decimal

    await Profile.create_table(exist_ok=True)
    await Profile(customer_id="C1", name="Ann").save()
    await Purchase(customer_id="C1", number=7, total=Decimal("9.99")).save()

    customer_view = Collection("customer", Profile, Purchase)
    async for item in customer_view.query(customer_id="C1"):
        print(item)  # a Profile | Purchase, in sort key order
    everything = await customer_view.query(customer_id="C1").collect()
    assert [purchase.number for purchase in everything.of(Purchase)] == [7]
    ```

    The entities are models of the same table (and the same `type_attribute`), with different
    entity names, whose partition key (of the table, or of the index named by `index`) is
    stored in the same attribute. `query` builds it from fields where every entity builds it
    with the same `KeyTemplate`; an index several entities fill each their own way (index
    overloading) is queried by its stored `partition_key`. The result is typed as the union of
    the models; an item of a type none of them is (another entity, a row another tool wrote)
    is never dropped nor an error: it lands in the result's `unknown`, in wire form.

    Raises:
        ModelDefinitionError: the models do not share a table, a type attribute or a partition
            key, are not entities, or two have one entity name.
    """

    __slots__ = ("_entities", "_index", "_lead", "_tables", "_template", "models", "name")

    @overload
    def __init__(
        self: Collection[A], name: str, a: type[A], /, *, index: str | None = None
    ) -> None: ...
    @overload
    def __init__(
        self: Collection[A | B], name: str, a: type[A], b: type[B], /, *, index: str | None = None
    ) -> None: ...
    @overload
    def __init__(
        self: Collection[A | B | C],
        name: str,
        a: type[A],
        b: type[B],
        c: type[C],
        /,
        *,
        index: str | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Collection[A | B | C | D],
        name: str,
        a: type[A],
        b: type[B],
        c: type[C],
        d: type[D],
        /,
        *,
        index: str | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Collection[A | B | C | D | F],
        name: str,
        a: type[A],
        b: type[B],
        c: type[C],
        d: type[D],
        f: type[F],
        /,
        *,
        index: str | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Collection[A | B | C | D | F | G],
        name: str,
        a: type[A],
        b: type[B],
        c: type[C],
        d: type[D],
        f: type[F],
        g: type[G],
        /,
        *,
        index: str | None = None,
    ) -> None: ...
    def __init__(self, name: str, *models: type[Any], index: str | None = None) -> None:
        if not models:
            raise ModelDefinitionError(f"Collection {name!r}: name the entities it holds")
        self.name = name
        """The collection's name, for messages."""
        self.models = models
        """The entities, as given."""
        tables = [table_of(model) for model in models]
        self._tables = tables
        self._lead = tables[0]
        self._index = None if index is None else self._lead.index(index).definition
        where = f"Collection {name!r}"
        lead = self._lead.mapping
        partition = self._partition(lead, index, where)
        templates: set[object] = set()
        codecs: dict[str, Any] = {}
        for table in tables:
            mapping = table.mapping
            model = mapping.model.__name__
            if table.name != self._lead.name:
                raise ModelDefinitionError(
                    f"{where}: {model} is stored in {table.name!r}, not {self._lead.name!r}"
                )
            if mapping.entity is None or mapping.type_attribute != lead.type_attribute:
                raise ModelDefinitionError(
                    f"{where}: {model} must be an entity (entity=...) with the type attribute "
                    f"{lead.type_attribute!r}, which tells the entities apart"
                )
            if mapping.entity in codecs:
                raise ModelDefinitionError(f"{where}: two entities are named {mapping.entity!r}")
            own = self._partition(mapping, index, where)
            if _attribute(own) != _attribute(partition):
                raise ModelDefinitionError(
                    f"{where}: {model}'s partition key is not {lead.model.__name__}'s "
                    f"({_attribute(own)!r}, not {_attribute(partition)!r})"
                )
            templates.add(own)
            codecs[mapping.entity] = mapping.codec.native
        self._template = partition if len(templates) == 1 else None
        self._entities = Entities(cast(str, lead.type_attribute), codecs)

    def __repr__(self) -> str:
        names = ", ".join(model.__name__ for model in self.models)
        return f"Collection({self.name!r}, {names})"

    @staticmethod
    def _partition(mapping: Any, index: str | None, where: str) -> object:
        try:
            key = mapping.index_keys[index][0] if index else mapping.partition_key
        except KeyError:
            raise ModelDefinitionError(
                f"{where}: {mapping.model.__name__} has no index {index!r}"
            ) from None
        return mapping.templates.get(key, key)

    @overload
    def query(
        self, *, partition_key: Any = ..., as_dict: Literal[False] = False, **fields: Any
    ) -> CollectionResults[E]: ...
    @overload
    def query(
        self, *, partition_key: Any = ..., as_dict: Literal[True], **fields: Any
    ) -> CollectionResults[dict[str, Any]]: ...
    def query(self, *, partition_key: Any = NO_KEY, **fields: Any) -> CollectionResults[Any]:
        """Query one partition for every entity of the collection: the partition key's value,
        or the fields of its `KeyTemplate` (`customer_id="C1"`), with the options of a query
        (`limit`, `page_size`, `consistent_read`, `last_evaluated_key`,
        `scan_index_forward`, `filter_condition`, `as_dict`, `skip_hooks`).

        One request stream: 0.5 RCU per 4 KB read (1 consistent), summed over each page, for
        the items of every entity in the partition, unknown ones included.
        """
        options = {k: fields.pop(k) for k in list(fields) if k in _OPTIONS}
        if "sort_key_condition" in fields or "projection" in fields:
            raise InvalidExpressionError(
                f"{self!r}.query: the entities' sort keys and fields differ; no "
                "sort_key_condition or projection"
            )
        lead = self._lead
        partition = self._template
        allowed = partition.fields if isinstance(partition, KeyTemplate) else ()
        unknown = [name for name in fields if name not in allowed]
        if unknown:
            raise InvalidExpressionError(
                f"{self!r}.query: unknown option or field {unknown[0]!r}; it takes "
                f"{', '.join(sorted(_OPTIONS))}"
                + (
                    f" and the partition key's fields {', '.join(allowed)}"
                    if allowed
                    else " and partition_key (the entities build it each their own way)"
                )
            )
        as_dict = bool(options.pop("as_dict", False))
        read = cast(QueryOptions, options)
        plan = plan_query(
            lead.mapping,
            self._index,
            partition_key,
            read,
            lead.consistent_read,
            False,
            fields,
            own_items=False,
        )
        plan = replace(plan, entities=self._entities)
        return CollectionResults(lead, plan, read, as_dict, self._tables)


def _attribute(key: object) -> object:
    """The attribute a partition key is stored in: a template's, or the field's name."""
    return key.attribute if isinstance(key, KeyTemplate) else key
