"""Typed attribute paths: `attr(Order.total) >= 100`, `attr(Order.tags).add({"x"})`.

On the class, a model's field is a `Path` (a descriptor installed by `install_paths`); type
checkers see the field's value type there instead (pydantic declares it so), and `attr()` turns
that into a `Path[T]` whose operations are typed by `T`. Every operation encodes its values at
once, as the model stores the value at that path, so a NaN or a value of the wrong type raises
the codec's `EncodeError` where the condition or update is written, before any request.
"""

from __future__ import annotations

import builtins
import dataclasses
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Generic,
    NamedTuple,
    NoReturn,
    TypeAlias,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    overload,
)

from pydantic.dataclasses import is_pydantic_dataclass

from .._schema.codec import ModelCodec, encode_value
from .._schema.records import fields_of, is_record_class
from .._schema.wire import AttributeValue
from ..exceptions import InvalidExpressionError
from .nodes import (
    AttributeType,
    AttributeTypeName,
    BeginsWith,
    Between,
    Comparison,
    ComparisonOperator,
    Condition,
    Contains,
    Exists,
    In,
    NotExists,
    Operand,
    UpdateAction,
    Value,
)

if TYPE_CHECKING:
    from .builder import ExpressionBuilder

__all__ = [
    "Attr",
    "Path",
    "Size",
    "attr",
    "codec_of",
    "install_paths",
    "located",
    "owner",
    "size",
    "steps",
    "stored",
]

T = TypeVar("T")
E = TypeVar("E")
V = TypeVar("V")

Step: TypeAlias = str | int


class PathInfo(NamedTuple):
    """What a path is: the model it starts from (None for an `Attr` path), its Python steps
    (field names, dict keys, list positions), the same with stored attribute names, and the
    codec that located them. Kept in the one attribute `__dynamo__`, which no field can hide."""

    model: type[Any] | None
    steps: tuple[Step, ...]
    stored: tuple[Step, ...]
    codec: ModelCodec[Any] | None


class Path(Generic[T]):
    """The path to an attribute (or to a value inside one) of items of a model.

    Fields of nested records are attributes (`Order.address.city`), list positions and dict
    keys are indexes (`Order.lines[0].sku`, `Order.meta["key"]`); a field whose name a method
    of `Path` takes (`set`, `add`, ...) is reached by index too (`attr(Order.x)["set"]`).

    Comparisons (`== != < <= > >=`) build conditions and the other methods build conditions or
    update actions; none of them sends anything. Paths hash by identity: `==` builds a
    condition rather than comparing paths, so two paths are never "equal".

    What the request layer reads of a path (`owner`, `steps`, `stored`) are functions of this
    module, so that no attribute of a path can hide a field of the same name.
    """

    __slots__ = ("__dynamo__",)

    __dynamo__: PathInfo

    def __init__(
        self,
        model: type[Any] | None,
        steps: tuple[Step, ...],
        stored: tuple[Step, ...],
        codec: ModelCodec[Any] | None,
    ) -> None:
        self.__dynamo__ = PathInfo(model, steps, stored, codec)

    # -- navigation

    def __getattr__(self, name: str) -> Path[Any]:
        """The field `name` of the record at this path."""
        # Underscore names are Python's protocols (copy, pickle, ...) probing, never fields.
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        try:
            return self._child(name)
        except LookupError as error:
            raise AttributeError(str(error)) from None

    def __getitem__(self, step: int | str) -> Path[Any]:
        """The list position `step` (an int) or the dict key or field `step` (a str)."""
        if isinstance(step, bool) or not isinstance(step, int | str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"a path index is an int or a str, not {type(step).__name__}")
        if isinstance(step, int) and step < 0:
            raise IndexError(f"DynamoDB list positions count from 0; {step} is not one")
        return self._child(step)

    def _child(self, step: Step) -> Path[Any]:
        info = self.__dynamo__
        steps = (*info.steps, step)
        stored = (*info.stored, step) if info.codec is None else info.codec.locate(steps)
        return Path(info.model, steps, stored, info.codec)

    # A path is not a container: without these, Python would iterate it through __getitem__
    # forever, and `x in path` would compare with == (a Condition).
    def __iter__(self) -> NoReturn:
        raise TypeError(f"{self!r} is not iterable")

    def __contains__(self, value: object) -> NoReturn:
        raise TypeError(f"use {self!r}.contains(value), not `in`")

    # -- identity, copying, pickling

    def __hash__(self) -> int:
        return object.__hash__(self)

    def __repr__(self) -> str:
        model, steps = self.__dynamo__.model, self.__dynamo__.steps
        if model is None:
            return _render(f"Attr({steps[0]!r})", steps[1:])
        return f"Path({_render(model.__name__, steps)})"

    def __copy__(self) -> Path[T]:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> Path[T]:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # The codec is a compiled plan: rebuild the path from its model instead.
        return (_rebuild, (self.__dynamo__.model, self.__dynamo__.steps))

    # -- operands and values

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return builder.path(self)

    def __dynamo_paths__(self) -> Iterator[Path[Any]]:
        yield self

    def _encode(self, value: object, element: bool = False) -> AttributeValue:
        info = self.__dynamo__
        if info.codec is None:
            return encode_value(value, repr(self))
        return info.codec.encode_at(info.steps, value, element)

    def _operand(self, value: object) -> Operand:
        if isinstance(value, Path):
            return value  # pyright: ignore[reportUnknownVariableType]
        return Value(self._encode(value))

    def _compare(self, op: ComparisonOperator, other: object) -> Condition:
        return Comparison(self, op, self._operand(other))

    # -- comparisons: `#n0 = :v0`, `#n0 <> :v0`, `#n0 < :v0`, ... (or another path: `#n0 < #n1`)

    @overload  # type: ignore[override]
    def __eq__(
        self: Path[Decimal] | Path[Decimal | None], other: Decimal | int | Path[Decimal]
    ) -> Condition: ...
    @overload
    def __eq__(self: Path[T], other: T | Path[T]) -> Condition: ...
    def __eq__(self, other: object) -> Condition:  # pyright: ignore[reportIncompatibleMethodOverride]
        """`path = value`."""
        return self._compare("=", other)

    @overload  # type: ignore[override]
    def __ne__(
        self: Path[Decimal] | Path[Decimal | None], other: Decimal | int | Path[Decimal]
    ) -> Condition: ...
    @overload
    def __ne__(self: Path[T], other: T | Path[T]) -> Condition: ...
    def __ne__(self, other: object) -> Condition:  # pyright: ignore[reportIncompatibleMethodOverride]
        """`path <> value`."""
        return self._compare("<>", other)

    @overload
    def __lt__(
        self: Path[Decimal] | Path[Decimal | None], other: Decimal | int | Path[Decimal]
    ) -> Condition: ...
    @overload
    def __lt__(self: Path[T], other: T | Path[T]) -> Condition: ...
    def __lt__(self, other: object) -> Condition:
        """`path < value`."""
        return self._compare("<", other)

    @overload
    def __le__(
        self: Path[Decimal] | Path[Decimal | None], other: Decimal | int | Path[Decimal]
    ) -> Condition: ...
    @overload
    def __le__(self: Path[T], other: T | Path[T]) -> Condition: ...
    def __le__(self, other: object) -> Condition:
        """`path <= value`."""
        return self._compare("<=", other)

    @overload
    def __gt__(
        self: Path[Decimal] | Path[Decimal | None], other: Decimal | int | Path[Decimal]
    ) -> Condition: ...
    @overload
    def __gt__(self: Path[T], other: T | Path[T]) -> Condition: ...
    def __gt__(self, other: object) -> Condition:
        """`path > value`."""
        return self._compare(">", other)

    @overload
    def __ge__(
        self: Path[Decimal] | Path[Decimal | None], other: Decimal | int | Path[Decimal]
    ) -> Condition: ...
    @overload
    def __ge__(self: Path[T], other: T | Path[T]) -> Condition: ...
    def __ge__(self, other: object) -> Condition:
        """`path >= value`."""
        return self._compare(">=", other)

    # -- other conditions

    @overload
    def between(
        self: Path[Decimal] | Path[Decimal | None],
        low: Decimal | int | Path[Decimal],
        high: Decimal | int | Path[Decimal],
    ) -> Condition: ...
    @overload
    def between(self: Path[T], low: T | Path[T], high: T | Path[T]) -> Condition: ...
    def between(self, low: object, high: object) -> Condition:
        """`path BETWEEN :low AND :high` (both ends included)."""
        return Between(self, self._operand(low), self._operand(high))

    @overload
    def is_in(
        self: Path[Decimal] | Path[Decimal | None], values: Iterable[Decimal | int], /
    ) -> Condition: ...
    @overload
    def is_in(self: Path[Decimal] | Path[Decimal | None], *values: Decimal | int) -> Condition: ...
    @overload
    def is_in(self: Path[T], values: Iterable[T], /) -> Condition: ...
    @overload
    def is_in(self: Path[T], *values: T) -> Condition: ...
    def is_in(self, *values: object) -> Condition:
        """`path IN (:v0, :v1, ...)`: `is_in("a", "b")` or `is_in(["a", "b"])` (any iterable
        but a str, bytes or dict, which is one value); DynamoDB takes 1 to 100 values (else
        ValueError). To compare with one list value, wrap it: `is_in([[1, 2]])`."""
        if len(values) == 1 and _collection(values[0]):
            values = tuple(cast("Iterable[object]", values[0]))
        if not 1 <= len(values) <= 100:
            raise InvalidExpressionError(f"is_in takes 1 to 100 values, not {len(values)}")
        return In(self, tuple(Value(self._encode(value)) for value in values))

    @overload
    def begins_with(self: Path[str] | Path[str | None], prefix: str) -> Condition: ...
    @overload
    def begins_with(self: Path[bytes] | Path[bytes | None], prefix: bytes) -> Condition: ...
    def begins_with(self, prefix: str | bytes) -> Condition:
        """`begins_with(path, :prefix)`, on string and binary attributes."""
        return BeginsWith(self, Value(self._encode(prefix)))

    @overload
    def contains(self: Path[str] | Path[str | None], value: str) -> Condition: ...
    @overload
    def contains(self: Path[builtins.set[E]], value: E) -> Condition: ...
    @overload
    def contains(self: Path[frozenset[E]], value: E) -> Condition: ...
    @overload
    def contains(self: Path[list[E]], value: E) -> Condition: ...
    def contains(self, value: object) -> Condition:
        """`contains(path, :value)`: a substring of a string, or an element of a set or list."""
        return Contains(self, Value(self._encode(value, element=True)))

    def exists(self) -> Condition:
        """`attribute_exists(path)`."""
        return Exists(self)

    def not_exists(self) -> Condition:
        """`attribute_not_exists(path)`."""
        return NotExists(self)

    def attribute_type(self, type: AttributeTypeName) -> Condition:
        """`attribute_type(path, :type)`: the stored value is of DynamoDB type `type`."""
        return AttributeType(self, type)

    # -- update actions

    @overload
    def set(
        self: Path[Decimal] | Path[Decimal | None], value: Decimal | int | Path[Decimal]
    ) -> UpdateAction: ...
    @overload
    def set(self: Path[T], value: T | Path[T]) -> UpdateAction: ...
    def set(self, value: object) -> UpdateAction:
        """`SET path = :value` (or `SET path = #other` for a path)."""
        return UpdateAction("SET", self, "{path} = {0}", (self._operand(value),))

    def remove(self) -> UpdateAction:
        """`REMOVE path`: the attribute, or the list element or map entry, is deleted."""
        return UpdateAction("REMOVE", self, "{path}")

    @overload
    def add(self: Path[int] | Path[int | None], value: int) -> UpdateAction: ...
    @overload
    def add(self: Path[Decimal] | Path[Decimal | None], value: Decimal | int) -> UpdateAction: ...
    @overload
    def add(self: Path[float] | Path[float | None], value: float) -> UpdateAction: ...
    @overload
    def add(self: Path[builtins.set[E]], value: AbstractSet[E]) -> UpdateAction: ...
    @overload
    def add(self: Path[frozenset[E]], value: AbstractSet[E]) -> UpdateAction: ...
    def add(self, value: object) -> UpdateAction:
        """`ADD path :value`: adds to a number (a missing one counts as 0) or puts the elements
        into a set (a missing one counts as empty)."""
        return UpdateAction("ADD", self, "{path} {0}", (Value(self._set_operand(value, "ADD")),))

    @overload
    def delete(self: Path[builtins.set[E]], value: AbstractSet[E]) -> UpdateAction: ...
    @overload
    def delete(self: Path[frozenset[E]], value: AbstractSet[E]) -> UpdateAction: ...
    def delete(self, value: AbstractSet[Any]) -> UpdateAction:
        """`DELETE path :value`: takes the elements out of a set."""
        operand = self._set_operand(value, "DELETE")
        return UpdateAction("DELETE", self, "{path} {0}", (Value(operand),))

    def _set_operand(self, value: object, action: str) -> AttributeValue:
        """The operand of ADD or DELETE, which DynamoDB takes for numbers and sets only: a set
        stored as a list (`StoredAs.LIST`) is refused here rather than by the server."""
        wire = self._encode(value)
        if "L" in wire:
            raise InvalidExpressionError(
                f"{self!r} is stored as a list (StoredAs.LIST), which DynamoDB's {action} does "
                "not take: set the whole value instead"
            )
        return wire

    def append(self: Path[list[E]], values: list[E] | tuple[E, ...]) -> UpdateAction:
        """`SET path = list_append(path, :values)`: the list must exist."""
        wire = self._encode(list(values))
        return UpdateAction("SET", self, "{path} = list_append({path}, {0})", (Value(wire),))

    def prepend(self: Path[list[E]], values: list[E] | tuple[E, ...]) -> UpdateAction:
        """`SET path = list_append(:values, path)`: the list must exist."""
        wire = self._encode(list(values))
        return UpdateAction("SET", self, "{path} = list_append({0}, {path})", (Value(wire),))

    @overload
    def if_not_exists(
        self: Path[Decimal] | Path[Decimal | None], value: Decimal | int
    ) -> UpdateAction: ...
    @overload
    def if_not_exists(self: Path[T], value: T) -> UpdateAction: ...
    def if_not_exists(self, value: object) -> UpdateAction:
        """`SET path = if_not_exists(path, :value)`: sets the value only where there is none."""
        wire = self._encode(value)
        return UpdateAction("SET", self, "{path} = if_not_exists({path}, {0})", (Value(wire),))

    @overload
    def increment(self: Path[int], by: int = 1) -> UpdateAction: ...
    @overload
    def increment(self: Path[Decimal], by: Decimal | int = 1) -> UpdateAction: ...
    @overload
    def increment(self: Path[float], by: float = 1) -> UpdateAction: ...
    def increment(self, by: object = 1) -> UpdateAction:
        """`SET path = path + :by`: the number must exist (`add` starts from 0 instead)."""
        return UpdateAction("SET", self, "{path} = {path} + {0}", (Value(self._encode(by)),))

    @overload
    def decrement(self: Path[int], by: int = 1) -> UpdateAction: ...
    @overload
    def decrement(self: Path[Decimal], by: Decimal | int = 1) -> UpdateAction: ...
    @overload
    def decrement(self: Path[float], by: float = 1) -> UpdateAction: ...
    def decrement(self, by: object = 1) -> UpdateAction:
        """`SET path = path - :by`: the number must exist."""
        return UpdateAction("SET", self, "{path} = {path} - {0}", (Value(self._encode(by)),))


class Attr(Path[Any]):
    """The path to the attribute `name` of any item, typed by no model: `Attr("status")`.

    The name is taken whole (`Attr("a.b")` is the one attribute named "a.b"; DynamoDB allows
    dots in names); index it for what is inside (`Attr("meta")["key"][0]`). Values are encoded
    by their Python type alone.
    """

    __slots__ = ()

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"an attribute name is a non-empty str, not {name!r}")
        super().__init__(None, (name,), (name,), None)


class Size:
    """`size(path)`: the length of a string, binary value, set, list or map."""

    __slots__ = ("path",)

    def __init__(self, path: Path[Any]) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"size({self.path!r})"

    def __hash__(self) -> int:
        return object.__hash__(self)

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"size({builder.path(self.path)})"

    def __dynamo_paths__(self) -> Iterator[Path[Any]]:
        yield self.path

    def _compare(self, op: ComparisonOperator, other: int | Size) -> Condition:
        if isinstance(other, Size):
            return Comparison(self, op, other)
        if isinstance(other, bool) or not isinstance(other, int):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"size() compares with an int, not {type(other).__name__}")
        return Comparison(self, op, Value(encode_value(other, repr(self))))

    def __eq__(self, other: int | Size) -> Condition:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        """`size(path) = :n`."""
        return self._compare("=", other)

    def __ne__(self, other: int | Size) -> Condition:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        """`size(path) <> :n`."""
        return self._compare("<>", other)

    def __lt__(self, other: int | Size) -> Condition:
        """`size(path) < :n`."""
        return self._compare("<", other)

    def __le__(self, other: int | Size) -> Condition:
        """`size(path) <= :n`."""
        return self._compare("<=", other)

    def __gt__(self, other: int | Size) -> Condition:
        """`size(path) > :n`."""
        return self._compare(">", other)

    def __ge__(self, other: int | Size) -> Condition:
        """`size(path) >= :n`."""
        return self._compare(">=", other)


def size(path: Path[Any]) -> Size:
    """`size(path)`, to compare with a number: `size(attr(Order.tags)) > 2`."""
    if not isinstance(path, Path):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"size() takes a path, like size(attr(Order.tags)), not {path!r}")
    return Size(path)


@overload
def attr(field: Any, variant: type[V], then: Callable[[V], E], /) -> Path[E]: ...
@overload
def attr(field: Path[T | None], then: Callable[[T], E], /) -> Path[E]: ...
@overload
def attr(field: T | None, then: Callable[[T], E], /) -> Path[E]: ...
@overload
def attr(field: T, /) -> Path[T]: ...
def attr(
    field: Any,
    then: Callable[[Any], Any] | type[Any] | None = None,
    rest: Callable[[Any], Any] | None = None,
    /,
) -> Path[Any]:
    """The typed path of a field accessed on its class: `attr(Order.total)` is a
    `Path[Decimal]`.

    Type checkers see `Order.total` as the field's value type (that is how pydantic declares
    models); at run time it already is the path, which this returns unchanged.

    Through a nested model, `Order.address.city` is typed too, but not through an optional one
    (`address: Address | None`), where checkers flag `.city` on None: there the rest of the path
    is a lambda over the nested model, `attr(Order.address, lambda a: a.city)`, a `Path[str]`
    (the lambda is only read for the attributes and items it takes, never run on data).

    Into a union of models (a pydantic discriminated union, `Card | Transfer`), name the
    variant the rest of the path is in: `attr(Invoice.payment, Card, lambda c: c.last4)` is a
    `Path[str]`, checked to be a variant the field holds. The item may hold another variant:
    a condition on the discriminator (`attr(Invoice.payment, Card, lambda c: c.kind) ==
    "card"`) says which one a write expects.
    """
    if rest is not None:
        if not (isinstance(then, type) and is_record_class(then)):
            raise TypeError(f"attr(path, variant, then): the variant is a model, not {then!r}")
        _check_variant(field, then)
        return attr(field, rest)
    if isinstance(then, type):
        raise TypeError("attr(path, variant, then): name the rest of the path, lambda v: v.field")
    if not isinstance(field, Path):
        raise TypeError(
            f"attr() takes a field accessed on its class, not {field!r}: use attr(Order.total), "
            "a field accessed on the class (not on an instance)"
        )
    path: Path[Any] = field  # pyright: ignore[reportUnknownVariableType]
    if then is None:
        return path
    recorder = _Steps()
    if then(recorder) is not recorder:
        raise TypeError(
            "attr(path, then): `then` reads attributes and items only, like `lambda a: a.city`"
        )
    for step in recorder.steps:
        path = path[step]
    return path


def _check_variant(field: Any, variant: type[Any]) -> None:
    """Refuse a variant that the value at `field` cannot be."""
    if not isinstance(field, Path):
        return  # attr() says what it takes
    info = field.__dynamo__
    annotation: Any = info.model
    for step in info.steps:
        annotation = _step_type(annotation, step)
    variants = [t for t in _members(annotation) if isinstance(t, type)]
    if variants and variant not in variants:
        names = ", ".join(t.__name__ for t in variants)
        raise InvalidExpressionError(
            f"{field!r} holds {names}; {variant.__name__} is not one of them"
        )


def _members(annotation: Any) -> list[Any]:
    """The types a value of `annotation` may be (Annotated and None taken off, unions opened)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return [m for arg in get_args(annotation) for m in _members(arg) if m is not type(None)]
    return [annotation]


def _step_type(annotation: Any, step: Step) -> Any:
    """The type one step into a value of `annotation` leads to (Any where it cannot tell)."""
    for member in _members(annotation):
        fields: Mapping[str, Any] = fields_of(member) if is_record_class(member) else {}
        if isinstance(step, str) and step in fields:
            return fields[step].annotation
        args = get_args(member)
        if isinstance(step, int) and get_origin(member) in (list, tuple) and args:
            return args[0]
        if isinstance(step, str) and get_origin(member) is dict and len(args) == 2:
            return args[1]
    return Any


class _Steps:
    """Records the attributes and items a lambda reads, for `attr(path, lambda a: a.city)`."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def __getattr__(self, name: str) -> _Steps:
        self.steps.append(name)
        return self

    def __getitem__(self, step: Step) -> _Steps:
        self.steps.append(step)
        return self


_CODEC = "__dynamo_codec__"
"""The class attribute holding the codec a model's paths are located by."""


def codec_of(model: type[Any]) -> ModelCodec[Any]:
    """The codec of a model whose paths are installed."""
    codec: ModelCodec[Any] = getattr(model, _CODEC)
    return codec


class _FieldPath:
    """The class attribute of one field: the field's `Path` on the class.

    It defines `__get__` only, so it is a non-data descriptor: an instance's own `__dict__`
    (where pydantic keeps field values) wins, and instances, validation, dumps and equality
    never see it.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type[Any]) -> Any:
        if instance is not None:
            try:
                return vars(instance)[self.name]
            except KeyError:
                raise AttributeError(
                    f"{type(instance).__name__!r} object has no attribute {self.name!r}"
                ) from None
        # Pydantic reads class attributes while it builds a class: a subclass's field defaults
        # come from `getattr(cls, name, PydanticUndefined)` (a path would become the default),
        # and `hasattr(base, name)` on a redeclared field warns that it shadows a parent
        # attribute. So a class that is not built yet, and pydantic itself, see no attribute.
        state = owner.__dict__
        building = "__pydantic_fields__" not in state or not state.get("__pydantic_complete__")
        if building and not _plain_dataclass(owner):
            raise AttributeError(self.name)
        frame = inspect.currentframe()
        caller = None if frame is None else frame.f_back
        if caller is not None and caller.f_globals.get("__name__", "").startswith("pydantic."):
            raise AttributeError(self.name)
        codec: ModelCodec[Any] | None = getattr(owner, _CODEC, None)
        if codec is None:
            raise AttributeError(f"{owner.__name__}.{self.name}: the model has no codec")
        return located(owner, codec, (self.name,))


def _plain_dataclass(cls: type[Any]) -> bool:
    """A standard-library dataclass: complete once decorated, and never built by pydantic."""
    return dataclasses.is_dataclass(cls) and not is_pydantic_dataclass(cls)


def install_paths(model: type[Any], codec: ModelCodec[Any]) -> None:
    """Make every field of `model` a `Path` on the class (`Order.total`), located by `codec`,
    leaving instances alone."""
    setattr(model, _CODEC, codec)
    for name in fields_of(model):
        setattr(model, name, _FieldPath(name))


def _rebuild(model: type[Any] | None, steps: tuple[Step, ...]) -> Path[Any]:
    """Unpickle a path: located again by its model's codec, or as an `Attr` path."""
    if model is None:
        path: Path[Any] = Attr(str(steps[0]))
        for step in steps[1:]:
            path = path[step]
        return path
    return located(model, getattr(model, _CODEC), steps)


def located(model: type[Any], codec: ModelCodec[Any], steps: tuple[Step, ...]) -> Path[Any]:
    """The path of `steps` from `model`'s root, its stored names found by the codec."""
    return Path(model, steps, codec.locate(steps), codec)


def owner(path: Path[Any]) -> type[Any] | None:
    """The model a path starts from (None for an `Attr` path)."""
    return path.__dynamo__.model


def steps(path: Path[Any]) -> tuple[Step, ...]:
    """A path's Python steps: field names, dict keys and list positions from the root."""
    return path.__dynamo__.steps


def stored(path: Path[Any]) -> tuple[Step, ...]:
    """A path's steps with field names replaced by their stored attribute names."""
    return path.__dynamo__.stored


def _collection(value: object) -> bool:
    """Whether `value` holds the values of an `is_in`, rather than being one."""
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping | Path)


def _render(root: str, steps: tuple[Step, ...]) -> str:
    parts = [root]
    for step in steps:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif step.isidentifier():
            parts.append(f".{step}")
        else:
            parts.append(f"[{step!r}]")
    return "".join(parts)
