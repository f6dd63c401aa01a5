"""The compiler of one request's expressions into DynamoDB expression text.

Every attribute name becomes a `#n<i>` placeholder and every value a `:v<i>` placeholder: no
user-provided string ever appears in the text, so reserved words, dots and any other characters
in names need no care.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from .._schema.wire import AttributeValue
from ..exceptions import EncryptionError, InvalidExpressionError
from .nodes import Condition, RawCondition, UpdateAction, UpdateClause, generated_placeholders
from .paths import Path, stored

__all__ = ["Expression", "ExpressionBuilder", "compiled_condition"]


class Expression(NamedTuple):
    """An expression as a request carries it: its text and the placeholders it uses."""

    text: str
    names: dict[str, str]
    """`#n<i>` (and raw conditions' own placeholders) to stored attribute names."""
    values: dict[str, AttributeValue]
    """`:v<i>` (and raw conditions' own placeholders) to wire values."""


_V = TypeVar("_V")

_CLAUSES: tuple[UpdateClause, ...] = ("SET", "REMOVE", "ADD", "DELETE")


class ExpressionBuilder:
    """Compiles the expressions of one request into text over one placeholder namespace.

    A request's key condition, filter, condition, update and projection share their
    `ExpressionAttributeNames` and `ExpressionAttributeValues`, so one builder serves them all;
    afterwards `names` and `values` are those two maps.

    ```python
    builder = ExpressionBuilder()
    assert builder.condition(attr(Order.status) == "open") == "#n0 = :v0"
    assert builder.names == {"#n0": "status"}
    assert builder.values == {":v0": {"S": "open"}}
    ```
    """

    __slots__ = ("_name_ids", "_use", "_value_count", "names", "values")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        """`#n<i>` (and raw conditions' own placeholders) to stored attribute names."""
        self.values: dict[str, AttributeValue] = {}
        """`:v<i>` (and raw conditions' own placeholders) to wire values."""
        self._name_ids: dict[str, str] = {}
        self._value_count = 0
        self._use: str | None = None
        """What the paths compiled now serve, where DynamoDB reads values (a condition, an
        update): an `Encrypted` field is refused there."""

    def condition(self, condition: Condition) -> str:
        """The text of a key condition, filter or write condition."""
        if not isinstance(condition, Condition):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"expected a Condition, not {type(condition).__name__}")
        self._use = "a condition"
        try:
            return condition.__dynamo_compile__(self)
        finally:
            self._use = None

    def update(self, actions: Sequence[UpdateAction]) -> str:
        """The text of an update expression: `SET a = :v0, b = :v1 REMOVE c ADD d :v2 ...`.

        Raises ValueError when there is no action or when two actions target the same path or
        overlapping paths (one inside the other), which DynamoDB rejects.
        """
        if not actions:
            raise InvalidExpressionError("an update needs at least one action")
        _check_overlaps(actions)
        # Clause by clause, so that placeholders number in reading order.
        clauses: list[str] = []
        self._use = "an update"
        try:
            for clause in _CLAUSES:
                parts = [
                    action.__dynamo_compile__(self) for action in actions if action.clause == clause
                ]
                if parts:
                    clauses.append(f"{clause} {', '.join(parts)}")
        finally:
            self._use = None
        return " ".join(clauses)

    def projection(self, paths: Sequence[Path[Any]]) -> str:
        """The text of a projection expression: `#n0, #n1.#n2[0]`."""
        if not paths:
            raise InvalidExpressionError("a projection needs at least one path")
        return ", ".join(self.path(path) for path in paths)

    def path(self, path: Path[Any]) -> str:
        """The text of a path: each name or dict key a `#n<i>` placeholder (the same stored
        name reuses its placeholder), each list position `[i]`: `#n0.#n1[2]`."""
        if self._use is not None:
            _refuse_sealed(path, self._use)
        text: list[str] = []
        for step in stored(path):
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

    def merge_raw(self, raw: RawCondition) -> None:
        """Add a raw condition's placeholders, refusing any that generated ones could take."""
        for pattern in generated_placeholders():
            clash = pattern.search(raw.expression)
            if clash is not None:
                raise InvalidExpressionError(
                    f"RawCondition uses the placeholder {clash.group()!r}: #n<digits> and "
                    ":v<digits> are reserved for generated placeholders, choose another"
                )
        names, values = generated_placeholders()
        _merge(raw.names, self.names, "#", names)
        _merge(raw.values, self.values, ":", values)


def _refuse_sealed(path: Path[Any], use: str) -> None:
    """Refuse an `Encrypted` field where DynamoDB would compare or change its stored value,
    which is ciphertext, and an update of an `InS3` field's pointer."""
    info = path.__dynamo__
    if info.codec is None or not info.steps:
        return
    model, field = info.codec.model.__name__, str(info.steps[0])
    if use == "an update" and field in info.codec.in_s3:
        raise InvalidExpressionError(
            f"{model}.{field} is InS3: it changes through save(), which uploads new content "
            "before the item points at it and deletes the object it replaces"
        )
    if field not in info.codec.sealed:
        return
    raise EncryptionError(
        f"{model}.{field} is Encrypted: it cannot be used in {use}, where DynamoDB would read "
        "its stored value, which is ciphertext (save() the instance to change it)",
        model=model,
        field=field,
    )


def _merge(
    raw: Mapping[str, _V], table: dict[str, _V], prefix: str, generated: re.Pattern[str]
) -> None:
    for placeholder, item in raw.items():
        if not placeholder.startswith(prefix):
            raise InvalidExpressionError(
                f"RawCondition placeholder {placeholder!r} must start with {prefix!r}"
            )
        if generated.fullmatch(placeholder):
            raise InvalidExpressionError(
                f"RawCondition placeholder {placeholder!r} is reserved for generated "
                "placeholders (#n<digits>, :v<digits>), choose another"
            )
        if table.get(placeholder, item) != item:
            raise InvalidExpressionError(
                f"two raw conditions give the placeholder {placeholder!r} different meanings"
            )
        table[placeholder] = item


def _check_overlaps(actions: Sequence[UpdateAction]) -> None:
    targets = [stored(action.path) for action in actions]
    for i, first in enumerate(targets):
        for second in targets[i + 1 :]:
            shorter, longer = sorted((first, second), key=len)
            if longer[: len(shorter)] == shorter:
                raise InvalidExpressionError(
                    f"two update actions touch {_describe(shorter)}"
                    + ("" if first == second else f" and {_describe(longer)}, one inside the other")
                    + ": DynamoDB rejects overlapping paths in one update"
                )


def _describe(stored: tuple[str | int, ...]) -> str:
    return "".join(
        f"[{s}]" if isinstance(s, int) else (f".{s}" if i else s) for i, s in enumerate(stored)
    )


def compiled_condition(condition: Condition | None) -> Expression | None:
    """A write's condition, compiled on placeholders of its own."""
    if condition is None:
        return None
    builder = ExpressionBuilder()
    return Expression(builder.condition(condition), builder.names, builder.values)
