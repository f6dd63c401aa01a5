"""`KeyTemplate`: a key attribute built from other fields of the item, the way single-table
designs key several entities in one table (`"CUSTOMER#{customer_id}"`)."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from ..exceptions import ModelDefinitionError

__all__ = ["KeyTemplate", "TemplatePart"]

TemplatePart = str | tuple[str, int]
"""Literal text, or a field's name and the width its number is zero-padded to (0: none)."""

_WIDTH = re.compile(r"0(\d+)d?")


class KeyTemplate:
    """A key attribute (of the table or of an index) built from other fields of the model.

    ```python
    class Order(
        DynamoModel,
        table="shop",
        partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
        sort_key=KeyTemplate("sk", "ORDER#{placed_at}#{number:06}"),
    ):
        customer_id: str
        placed_at: datetime
        number: int
    ```

    Each field is written as the model stores it (a datetime in its sortable form, or the
    field's `StoredAs` form), and `{field:0N}` zero-pads an int to N digits so that string
    order is numeric order. A template without fields is a constant (`KeyTemplate("gsi1sk",
    "PROFILE")`), which an entity sharing an overloaded index often wants. The attribute is
    computed on every write, never set by hand; `get`, `delete_by_key`, `update_by_key` and
    `batch_get` take the template's fields (or the stored key attributes), and an item that
    holds a field only inside the key has it read back from there. A field's value may not
    hold the model's key separator (`"#"` unless the model says otherwise): that is what lets
    the key be read back, and it is refused before sending (`KeyTemplateError`), as is a key
    over DynamoDB's size limits (`KeyTooLargeError`).
    """

    __slots__ = ("attribute", "parts", "template")

    def __init__(self, attribute: str, template: str) -> None:
        self.attribute = attribute
        """The stored attribute the template fills."""
        self.template = template
        """The template text."""
        self.parts: tuple[TemplatePart, ...] = _parse(attribute, template)
        """Its literal text and fields, in order."""

    def __repr__(self) -> str:
        return f"KeyTemplate({self.attribute!r}, {self.template!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyTemplate):
            return NotImplemented
        return (self.attribute, self.template) == (other.attribute, other.template)

    def __hash__(self) -> int:
        return hash((self.attribute, self.template))

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields it is built from, in order."""
        return tuple(part[0] for part in self.parts if isinstance(part, tuple))

    @property
    def prefix(self) -> str:
        """The literal text before its first field: what every value of it starts with."""
        first = self.parts[0] if self.parts else ""
        return first if isinstance(first, str) else ""

    def check(self, model: str, separator: str, stored: Mapping[str, str | None]) -> None:
        """Refuse a template the model cannot serve: a field that is not there or is not a
        string or number (`stored` gives each field's key type), a width on a field that is not
        a number, or a field followed by text without the separator (the stored value could not
        be read back into its fields)."""
        where = f"{model}: the key template {self.template!r} of {self.attribute!r}"
        for position, part in enumerate(self.parts):
            if isinstance(part, str):
                continue
            name, width = part
            if name not in stored:
                raise ModelDefinitionError(f"{where} names {name!r}, which is not a field")
            kind = stored[name]
            if kind not in ("S", "N"):
                raise ModelDefinitionError(
                    f"{where}: {name!r} must be a string or number field (one that could be a "
                    "key by itself), not bytes, a container or an optional value"
                )
            if width and kind != "N":
                raise ModelDefinitionError(
                    f"{where}: only a number can be zero-padded, not {name!r}"
                )
            following = self.parts[position + 1] if position + 1 < len(self.parts) else ""
            if isinstance(following, tuple) or (following and separator not in following):
                raise ModelDefinitionError(
                    f"{where}: the text after {{{name}}} must hold the separator {separator!r} "
                    "(or end the template), so that a stored key reads back into its fields"
                )


def _parse(attribute: str, template: str) -> tuple[TemplatePart, ...]:
    where = f"KeyTemplate({attribute!r}, {template!r})"
    if not attribute or not isinstance(attribute, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ModelDefinitionError(f"{where}: name the attribute the template fills")
    parts: list[TemplatePart] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ModelDefinitionError(f"{where}: {error}") from None
    for literal, name, spec, conversion in parsed:
        if literal:
            parts.append(literal)
        if name is None:
            continue
        if not name.isidentifier():
            raise ModelDefinitionError(f"{where}: {{{name}}} is not a field name")
        if conversion:
            raise ModelDefinitionError(f"{where}: {{{name}!{conversion}}}: no conversions")
        width = 0
        if spec:
            match = _WIDTH.fullmatch(spec)
            if match is None:
                raise ModelDefinitionError(
                    f"{where}: {{{name}:{spec}}}: the one format is a zero-padded width, "
                    f"{{{name}:08}}"
                )
            width = int(match.group(1))
        parts.append((name, width))
    if not parts:
        raise ModelDefinitionError(f"{where}: an empty template")
    return tuple(parts)
