"""Conditions and update actions as trees, and their compiler to DynamoDB expression text.

A `Condition` or `UpdateAction` holds typed paths and values already in wire form (they are
encoded when the node is built, so a bad value fails before any request). `ExpressionBuilder`
turns the nodes of one request into expression text where every attribute name is a `#n<i>`
placeholder and every value a `:v<i>` placeholder: no user-provided string ever appears in the
text, so reserved words, dots and any other characters in names need no care.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Protocol, TypeAlias, TypeVar

from ._types import AttributeValue

if TYPE_CHECKING:
    from ._paths import Path, Size

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
    "ExpressionBuilder",
    "In",
    "Not",
    "NotExists",
    "Operand",
    "Or",
    "RawCondition",
    "UpdateAction",
    "UpdateClause",
    "Value",
]

ComparisonOperator: TypeAlias = Literal["=", "<>", "<", "<=", ">", ">="]
AttributeTypeName: TypeAlias = Literal["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"]
UpdateClause: TypeAlias = Literal["SET", "REMOVE", "ADD", "DELETE"]

_V = TypeVar("_V")

_GENERATED_NAME = re.compile(r"#n\d+(?![A-Za-z0-9_])")
_GENERATED_VALUE = re.compile(r":v\d+(?![A-Za-z0-9_])")


class Operand(Protocol):
    """What a condition compares: a `Path`, a `Size` or a `Value`."""

    def _compile(self, builder: ExpressionBuilder) -> str: ...

    def _paths(self) -> Iterator[Path[Any]]: ...


@dataclass(frozen=True, eq=False, slots=True)
class Value:
    """A value in wire form; compiles to a `:v<i>` placeholder."""

    wire: AttributeValue

    def _compile(self, builder: ExpressionBuilder) -> str:
        return builder.value(self.wire)

    def _paths(self) -> Iterator[Path[Any]]:
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

    def _compile(self, builder: ExpressionBuilder) -> str:
        raise NotImplementedError

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        """The text as an operand of AND, OR or NOT."""
        return self._compile(builder)


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
        yield from self.path._paths()
        yield from self.value._paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"{self.path._compile(builder)} {self.op} {self.value._compile(builder)}"


@dataclass(frozen=True, eq=False, slots=True)
class Between(Condition):
    """`path BETWEEN low AND high` (both ends included)."""

    path: Path[Any]
    low: Operand
    high: Operand

    op: Literal["BETWEEN"] = field(default="BETWEEN", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        yield from self.low._paths()
        yield from self.high._paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        path = builder.path(self.path)
        return f"{path} BETWEEN {self.low._compile(builder)} AND {self.high._compile(builder)}"


@dataclass(frozen=True, eq=False, slots=True)
class In(Condition):
    """`path IN (v1, v2, ...)`: DynamoDB allows 1 to 100 values."""

    path: Path[Any]
    values: tuple[Operand, ...]

    op: Literal["IN"] = field(default="IN", init=False)

    def __post_init__(self) -> None:
        if not 1 <= len(self.values) <= 100:
            raise ValueError(f"IN takes 1 to 100 values, not {len(self.values)}")

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        for value in self.values:
            yield from value._paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        values = ", ".join(value._compile(builder) for value in self.values)
        return f"{builder.path(self.path)} IN ({values})"


@dataclass(frozen=True, eq=False, slots=True)
class BeginsWith(Condition):
    """`begins_with(path, prefix)`."""

    path: Path[Any]
    prefix: Operand

    op: Literal["begins_with"] = field(default="begins_with", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        yield from self.prefix._paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"begins_with({builder.path(self.path)}, {self.prefix._compile(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Contains(Condition):
    """`contains(path, value)`: a substring of a string, or an element of a set or list."""

    path: Path[Any]
    value: Operand

    op: Literal["contains"] = field(default="contains", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path
        yield from self.value._paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"contains({builder.path(self.path)}, {self.value._compile(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Exists(Condition):
    """`attribute_exists(path)`."""

    path: Path[Any]

    op: Literal["attribute_exists"] = field(default="attribute_exists", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"attribute_exists({builder.path(self.path)})"


@dataclass(frozen=True, eq=False, slots=True)
class NotExists(Condition):
    """`attribute_not_exists(path)`."""

    path: Path[Any]

    op: Literal["attribute_not_exists"] = field(default="attribute_not_exists", init=False)

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"attribute_not_exists({builder.path(self.path)})"


@dataclass(frozen=True, eq=False, slots=True)
class AttributeType(Condition):
    """`attribute_type(path, :type)`, the type one of DynamoDB's (`"S"`, `"N"`, `"SS"`, ...)."""

    path: Path[Any]
    type: AttributeTypeName

    op: Literal["attribute_type"] = field(default="attribute_type", init=False)

    def __post_init__(self) -> None:
        if self.type not in _ATTRIBUTE_TYPES:
            raise ValueError(
                f"attribute_type takes one of {', '.join(_ATTRIBUTE_TYPES)}, not {self.type!r}"
            )

    def paths(self) -> Iterator[Path[Any]]:
        yield self.path

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"attribute_type({builder.path(self.path)}, {builder.value({'S': self.type})})"


_ATTRIBUTE_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")


@dataclass(frozen=True, eq=False, slots=True)
class And(Condition):
    """All hold: `a AND b AND c`, in parentheses when nested."""

    conditions: tuple[Condition, ...]

    def paths(self) -> Iterator[Path[Any]]:
        for condition in self.conditions:
            yield from condition.paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        return " AND ".join(c._compile_nested(builder) for c in self.conditions)

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        return f"({self._compile(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Or(Condition):
    """Any holds: `a OR b OR c`, in parentheses when nested."""

    conditions: tuple[Condition, ...]

    def paths(self) -> Iterator[Path[Any]]:
        for condition in self.conditions:
            yield from condition.paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        return " OR ".join(c._compile_nested(builder) for c in self.conditions)

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        return f"({self._compile(builder)})"


@dataclass(frozen=True, eq=False, slots=True)
class Not(Condition):
    """Does not hold: `NOT (a)`."""

    condition: Condition

    def paths(self) -> Iterator[Path[Any]]:
        return self.condition.paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        return f"NOT ({self.condition._compile(builder)})"


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

    def _compile(self, builder: ExpressionBuilder) -> str:
        builder._merge_raw(self)
        return self.expression

    def _compile_nested(self, builder: ExpressionBuilder) -> str:
        return f"({self._compile(builder)})"


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
            yield from operand._paths()

    def _compile(self, builder: ExpressionBuilder) -> str:
        path = builder.path(self.path)
        return self.form.format(*(o._compile(builder) for o in self.operands), path=path)


_CLAUSES: tuple[UpdateClause, ...] = ("SET", "REMOVE", "ADD", "DELETE")


class ExpressionBuilder:
    """Compiles the expressions of one request into text over one placeholder namespace.

    A request's key condition, filter, condition, update and projection share their
    `ExpressionAttributeNames` and `ExpressionAttributeValues`, so one builder serves them all;
    afterwards `names` and `values` are those two maps.

    ```python
    builder = ExpressionBuilder()
    builder.condition(attr(Order.status) == "open")   # "#n0 = :v0"
    builder.names                                     # {"#n0": "status"}
    builder.values                                    # {":v0": {"S": "open"}}
    ```
    """

    __slots__ = ("_name_ids", "_value_count", "names", "values")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        """`#n<i>` (and raw conditions' own placeholders) to stored attribute names."""
        self.values: dict[str, AttributeValue] = {}
        """`:v<i>` (and raw conditions' own placeholders) to wire values."""
        self._name_ids: dict[str, str] = {}
        self._value_count = 0

    def condition(self, condition: Condition) -> str:
        """The text of a key condition, filter or write condition."""
        if not isinstance(condition, Condition):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"expected a Condition, not {type(condition).__name__}")
        return condition._compile(self)

    def update(self, actions: Sequence[UpdateAction]) -> str:
        """The text of an update expression: `SET a = :v0, b = :v1 REMOVE c ADD d :v2 ...`.

        Raises ValueError when there is no action or when two actions target the same path or
        overlapping paths (one inside the other), which DynamoDB rejects.
        """
        if not actions:
            raise ValueError("an update needs at least one action")
        _check_overlaps(actions)
        # Clause by clause, so that placeholders number in reading order.
        clauses: list[str] = []
        for clause in _CLAUSES:
            parts = [action._compile(self) for action in actions if action.clause == clause]
            if parts:
                clauses.append(f"{clause} {', '.join(parts)}")
        return " ".join(clauses)

    def projection(self, paths: Sequence[Path[Any]]) -> str:
        """The text of a projection expression: `#n0, #n1.#n2[0]`."""
        if not paths:
            raise ValueError("a projection needs at least one path")
        return ", ".join(self.path(path) for path in paths)

    def path(self, path: Path[Any]) -> str:
        """The text of a path: each name or dict key a `#n<i>` placeholder (the same stored
        name reuses its placeholder), each list position `[i]`: `#n0.#n1[2]`."""
        text: list[str] = []
        for step in path._stored:
            if isinstance(step, int):
                text.append(f"[{step}]")
            else:
                placeholder = self._name_ids.get(step)
                if placeholder is None:
                    placeholder = f"#n{len(self._name_ids)}"
                    self._name_ids[step] = placeholder
                    self.names[placeholder] = step
                text.append(f".{placeholder}" if text else placeholder)
        return "".join(text)

    def value(self, wire: AttributeValue) -> str:
        """A new `:v<i>` placeholder for `wire`."""
        placeholder = f":v{self._value_count}"
        self._value_count += 1
        self.values[placeholder] = wire
        return placeholder

    def _merge_raw(self, raw: RawCondition) -> None:
        """Add a raw condition's placeholders, refusing any that generated ones could take."""
        for pattern in (_GENERATED_NAME, _GENERATED_VALUE):
            clash = pattern.search(raw.expression)
            if clash is not None:
                raise ValueError(
                    f"RawCondition uses the placeholder {clash.group()!r}: #n<digits> and "
                    ":v<digits> are reserved for generated placeholders, choose another"
                )
        _merge(raw.names, self.names, "#", _GENERATED_NAME)
        _merge(raw.values, self.values, ":", _GENERATED_VALUE)


def _merge(
    raw: Mapping[str, _V], table: dict[str, _V], prefix: str, generated: re.Pattern[str]
) -> None:
    for placeholder, item in raw.items():
        if not placeholder.startswith(prefix):
            raise ValueError(f"RawCondition placeholder {placeholder!r} must start with {prefix!r}")
        if generated.fullmatch(placeholder):
            raise ValueError(
                f"RawCondition placeholder {placeholder!r} is reserved for generated "
                "placeholders (#n<digits>, :v<digits>), choose another"
            )
        if table.get(placeholder, item) != item:
            raise ValueError(
                f"two raw conditions give the placeholder {placeholder!r} different meanings"
            )
        table[placeholder] = item


def _check_overlaps(actions: Sequence[UpdateAction]) -> None:
    targets = [action.path._stored for action in actions]
    for i, first in enumerate(targets):
        for second in targets[i + 1 :]:
            shorter, longer = sorted((first, second), key=len)
            if longer[: len(shorter)] == shorter:
                raise ValueError(
                    f"two update actions touch {_describe(shorter)}"
                    + ("" if first == second else f" and {_describe(longer)}, one inside the other")
                    + ": DynamoDB rejects overlapping paths in one update"
                )


def _describe(stored: tuple[str | int, ...]) -> str:
    return "".join(
        f"[{s}]" if isinstance(s, int) else (f".{s}" if i else s) for i, s in enumerate(stored)
    )
