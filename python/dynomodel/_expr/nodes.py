"""Conditions and update actions as trees.

A `Condition` or `UpdateAction` holds typed paths and values already in wire form (they are
encoded when the node is built, so a bad value fails before any request). Each node compiles
itself into an `ExpressionBuilder` (`_expr.builder`) through `__dynamo_compile__`, the protocol
every operand (a value, a path, a size) follows too; the dunder keeps it out of the way of the
field names a path navigates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Protocol, TypeAlias

from .._schema.wire import AttributeValue
from ..exceptions import InvalidExpressionError

if TYPE_CHECKING:
    from .builder import ExpressionBuilder
    from .paths import Path, Size

__all__ = [
    "And",
    "AttributeType",
    "AttributeTypeName",
    "BeginsWith",
    "Between",
    "Comparison",
    "ComparisonOperator",
    "Condition",
    "Contains",
    "Exists",
    "In",
    "Not",
    "NotExists",
    "Operand",
    "Or",
    "RawCondition",
    "UpdateAction",
    "UpdateClause",
    "Value",
    "generated_placeholders",
]

ComparisonOperator: TypeAlias = Literal["=", "<>", "<", "<=", ">", ">="]
AttributeTypeName: TypeAlias = Literal["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"]
UpdateClause: TypeAlias = Literal["SET", "REMOVE", "ADD", "DELETE"]

_GENERATED_NAME = re.compile(r"#n\d+(?![A-Za-z0-9_])")
_GENERATED_VALUE = re.compile(r":v\d+(?![A-Za-z0-9_])")


def generated_placeholders() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns of the placeholders a builder generates (`#n<i>`, `:v<i>`), which raw
    conditions may not use."""
    return _GENERATED_NAME, _GENERATED_VALUE


class Operand(Protocol):
    """What a condition compares: a `Path`, a `Size` or a `Value`."""

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str: ...

    def __dynamo_paths__(self) -> Iterator[Path[Any]]: ...


@dataclass(frozen=True, eq=False, slots=True)
class Value:
    """A value in wire form; compiles to a `:v<i>` placeholder."""

    wire: AttributeValue

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return builder.value(self.wire)

    def __dynamo_paths__(self) -> Iterator[Path[Any]]:
        return iter(())


class Condition:
    """A condition expression (key condition, filter or write condition).

    Combine with `&`, `|` and `~`; Python's `and`, `or` and `not` cannot be overloaded, so a
    condition refuses to be used as a bool rather than silently dropping half of an expression.
    """

    __slots__ = ()

    def __and__(self, other: Condition) -> Condition:
        """Both hold: `(a AND b)`."""
        if not isinstance(other, Condition):  # pyright: ignore[reportUnnecessaryIsInstance]
            return NotImplemented
        return And((*_flatten(self, And), *_flatten(other, And)))

    def __or__(self, other: Condition) -> Condition:
        """Either holds: `(a OR b)`."""
        if not isinstance(other, Condition):  # pyright: ignore[reportUnnecessaryIsInstance]
            return NotImplemented
        return Or((*_flatten(self, Or), *_flatten(other, Or)))

    def __invert__(self) -> Condition:
        """Does not hold: `NOT (a)`."""
        return Not(self)

    def __bool__(self) -> NoReturn:
        raise TypeError(
            "a Condition has no truth value: combine conditions with & | ~ , not and/or/not "
            "(and compare the result of ==, not a path, with `is`)"
        )

    def paths(self) -> Iterator[Path[Any]]:
        """The paths this condition references, in order."""
        raise NotImplementedError

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        raise NotImplementedError

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        """The text as an operand of AND, OR or NOT."""
        return self.__dynamo_compile__(builder)


def _flatten(condition: Condition, kind: type[And] | type[Or]) -> tuple[Condition, ...]:
    return condition.conditions if isinstance(condition, kind) else (condition,)


@dataclass(frozen=True, eq=False, slots=True)
class Comparison(Condition):
    """`path op value`, e.g. `#n0 >= :v0`; `path` is a `Path` or a `Size`, `value` a `Value`
    or another path."""

    path: Path[Any] | Size
    op: ComparisonOperator
    value: Operand

    def paths(self) -> Iterator[Path[Any]]:
        yield from self.path.__dynamo_paths__()
        yield from self.value.__dynamo_paths__()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        left, right = self.path.__dynamo_compile__(builder), self.value.__dynamo_compile__(builder)
        return f"{left} {self.op} {right}"


@dataclass(frozen=True, eq=False, slots=True)
class Between(Condition):
    """`path BETWEEN low AND high` (both ends included)."""

    path: Path[Any]
    low: Operand
    high: Operand

    op: Literal["BETWEEN"] = field(default="BETWEEN", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        yield from self.low.__dynamo_paths__()
        yield from self.high.__dynamo_paths__()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        path = builder.path(self.path)
        low, high = self.low.__dynamo_compile__(builder), self.high.__dynamo_compile__(builder)
        return f"{path} BETWEEN {low} AND {high}"


@dataclass(frozen=True, eq=False, slots=True)
class In(Condition):
    """`path IN (v1, v2, ...)`: DynamoDB allows 1 to 100 values."""

    path: Path[Any]
    values: tuple[Operand, ...]

    op: Literal["IN"] = field(default="IN", init=False)

    def __post_init__(self) -> None:
        if not 1 <= len(self.values) <= 100:
            raise InvalidExpressionError(f"IN takes 1 to 100 values, not {len(self.values)}")

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        for value in self.values:
            yield from value.__dynamo_paths__()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        values = ", ".join(value.__dynamo_compile__(builder) for value in self.values)
        return f"{builder.path(self.path)} IN ({values})"


@dataclass(frozen=True, eq=False, slots=True)
class BeginsWith(Condition):
    """`begins_with(path, prefix)`."""

    path: Path[Any]
    prefix: Operand

    op: Literal["begins_with"] = field(default="begins_with", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        yield from self.prefix.__dynamo_paths__()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"begins_with({builder.path(self.path)}, {self.prefix.__dynamo_compile__(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Contains(Condition):
    """`contains(path, value)`: a substring of a string, or an element of a set or list."""

    path: Path[Any]
    value: Operand

    op: Literal["contains"] = field(default="contains", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        yield from self.value.__dynamo_paths__()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"contains({builder.path(self.path)}, {self.value.__dynamo_compile__(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Exists(Condition):
    """`attribute_exists(path)`."""

    path: Path[Any]

    op: Literal["attribute_exists"] = field(default="attribute_exists", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"attribute_exists({builder.path(self.path)})"


@dataclass(frozen=True, eq=False, slots=True)
class NotExists(Condition):
    """`attribute_not_exists(path)`."""

    path: Path[Any]

    op: Literal["attribute_not_exists"] = field(default="attribute_not_exists", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"attribute_not_exists({builder.path(self.path)})"


@dataclass(frozen=True, eq=False, slots=True)
class AttributeType(Condition):
    """`attribute_type(path, :type)`, the type one of DynamoDB's (`"S"`, `"N"`, `"SS"`, ...)."""

    path: Path[Any]
    type: AttributeTypeName

    op: Literal["attribute_type"] = field(default="attribute_type", init=False)

    def __post_init__(self) -> None:
        if self.type not in _ATTRIBUTE_TYPES:
            raise InvalidExpressionError(
                f"attribute_type takes one of {', '.join(_ATTRIBUTE_TYPES)}, not {self.type!r}"
            )

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"attribute_type({builder.path(self.path)}, {builder.value({'S': self.type})})"


_ATTRIBUTE_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")


@dataclass(frozen=True, eq=False, slots=True)
class And(Condition):
    """All hold: `a AND b AND c`, in parentheses when nested."""

    conditions: tuple[Condition, ...]

    def paths(self) -> Iterator[Path[Any]]:
        for condition in self.conditions:
            yield from condition.paths()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return " AND ".join(c._compile_nested(builder) for c in self.conditions)

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        return f"({self.__dynamo_compile__(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Or(Condition):
    """Any holds: `a OR b OR c`, in parentheses when nested."""

    conditions: tuple[Condition, ...]

    def paths(self) -> Iterator[Path[Any]]:
        for condition in self.conditions:
            yield from condition.paths()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return " OR ".join(c._compile_nested(builder) for c in self.conditions)

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        return f"({self.__dynamo_compile__(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Not(Condition):
    """Does not hold: `NOT (a)`."""

    condition: Condition

    def paths(self) -> Iterator[Path[Any]]:
        return self.condition.paths()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        return f"NOT ({self.condition.__dynamo_compile__(builder)})"


@dataclass(frozen=True)
class RawCondition(Condition):
    """A condition expression written by hand, with its placeholders.

    `RawCondition("attribute_not_exists(#pk)", names={"#pk": "pk"})`; values are in DynamoDB's
    wire form: `values={":s": {"S": "open"}}`. It combines with `&`, `|` and `~` like any
    condition. Generated placeholders are `#n<digits>` and `:v<digits>`: a raw condition that
    uses one of those is refused (ValueError) when it is compiled.
    """

    expression: str
    names: Mapping[str, str] = field(default_factory=dict[str, str])
    values: Mapping[str, AttributeValue] = field(default_factory=dict[str, AttributeValue])

    def paths(self) -> Iterator[Path[Any]]:
        return iter(())

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        builder.merge_raw(self)
        return self.expression

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        return f"({self.__dynamo_compile__(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class UpdateAction:
    """One action of an update expression, in the clause `clause` (SET, REMOVE, ADD, DELETE).

    `form` is the action's text with `{path}` for the target path and `{0}`, `{1}`, ... for the
    operands, e.g. `"{path} = if_not_exists({path}, {0})"`. Built by the path methods (`set`,
    `remove`, `add`, `delete`, `append`, ...), not by hand.
    """

    clause: UpdateClause
    path: Path[Any]
    form: str
    operands: tuple[Operand, ...] = ()

    def paths(self) -> Iterator[Path[Any]]:
        """The target path, then the paths the operands read."""
        yield self.path
        for operand in self.operands:
            yield from operand.__dynamo_paths__()

    def __dynamo_compile__(self, builder: ExpressionBuilder) -> str:
        path = builder.path(self.path)
        return self.form.format(*(o.__dynamo_compile__(builder) for o in self.operands), path=path)
