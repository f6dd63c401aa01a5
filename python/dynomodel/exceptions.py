"""Every error dynomodel raises, in one hierarchy.

```
DynamoError
├── ModelDefinitionError        a model dynomodel cannot serve (raised when the class is created)
├── InvalidItemError            input that is not DynamoDB's wire form ({"S": "..."} and so on)
└── EncodeError                 a value that cannot be stored; raised before anything is sent
    ├── InvalidNumberError      NaN, infinity, over 38 digits, outside 1E-130..9.99E+125
    ├── EmptyKeyError           a key attribute that is missing, "" or b""
    ├── ItemTooLargeError       over 400 KB by DynamoDB's size rules
    ├── InvalidSetError         a set of mixed types, or an empty set inside a list or map
    ├── NaiveDatetimeError      a datetime without tzinfo
    └── UnexpectedTypeError     a value of a type its field's plan does not accept
```

`EncodeError` and its subclasses are also `ValueError`s, and `ModelDefinitionError` is a
`TypeError`, so code that catches the builtin classes keeps working.

Every `EncodeError` names the model, the path to the value (`lines[2].price`) and the rule, both in
its message and as the attributes `model`, `field` and `rule`.
"""

from __future__ import annotations

__all__ = [
    "DynamoError",
    "EmptyKeyError",
    "EncodeError",
    "InvalidItemError",
    "InvalidNumberError",
    "InvalidSetError",
    "ItemTooLargeError",
    "ModelDefinitionError",
    "NaiveDatetimeError",
    "UnexpectedTypeError",
]


class DynamoError(Exception):
    """Base class of every dynomodel error."""


class ModelDefinitionError(DynamoError, TypeError):
    """The model cannot be mapped to DynamoDB: bad keys, a set of mixed element types, and so on."""


class InvalidItemError(DynamoError, ValueError):
    """The input is not an item in DynamoDB's wire form."""


class EncodeError(DynamoError, ValueError):
    """A value cannot be stored in DynamoDB. Raised before any request is sent.

    Attributes:
        model: the model class name.
        field: the path from the item to the value (`lines[2].price`), or None for the whole item.
        rule: the DynamoDB rule the value breaks, in words.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        field: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.model = model
        self.field = field
        self.rule = rule


class InvalidNumberError(EncodeError):
    """NaN or infinity, more than 38 significant digits, or outside 1E-130..9.99E+125."""


class EmptyKeyError(EncodeError):
    """A key attribute is missing, or an empty string or empty bytes."""


class ItemTooLargeError(EncodeError):
    """The item is over DynamoDB's 400 KB limit, measured by DynamoDB's size rules."""


class InvalidSetError(EncodeError):
    """A set mixes element types, or an empty set stands where it cannot be omitted."""


class NaiveDatetimeError(EncodeError):
    """A datetime has no tzinfo, so the instant it names is unknown."""


class UnexpectedTypeError(EncodeError):
    """A value's Python type does not fit its field's plan (e.g. after `model_construct`)."""
