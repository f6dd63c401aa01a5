"""Every error dynomodel raises, in one hierarchy.

```
DynamoError
├── ModelDefinitionError            a model dynomodel cannot serve (raised at class creation)
├── InvalidItemError                input that is not DynamoDB's wire form ({"S": "..."} and so on)
├── InvalidExpressionError          a read or expression DynamoDB or the model cannot serve, found
│                                   before sending (a key condition off the sort key, a projection
│                                   that leaves out required fields, a limit of 0, ...)
├── EncodeError                     a value that cannot be stored; raised before anything is sent
│   ├── InvalidNumberError          NaN, infinity, over 38 digits, outside 1E-130..9.99E+125
│   ├── EmptyKeyError               a key attribute that is missing, "" or b""
│   ├── ItemTooLargeError           over 400 KB (also raised when the server refuses an item)
│   ├── InvalidSetError             a set of mixed types, or an empty set inside a list or map
│   ├── NaiveDatetimeError          a datetime without tzinfo
│   └── UnexpectedTypeError         a value of a type its field's plan does not accept
└── RequestError                    DynamoDB, or the way to it, refused a call
    ├── TableNotFoundError          the table does not exist (or is not active yet)
    ├── TableExistsError            CreateTable named an existing table
    ├── ConditionalCheckFailedError a condition was false; `.item` is the stored item if any
    ├── ItemNotFoundError           refresh() found no item under the instance's key
    ├── ThrottlingError             throughput exceeded, after the SDK's retries
    ├── DynamoValidationError       the server refused the request; the message is DynamoDB's
    ├── TransactionCanceledError    a transaction was canceled
    ├── CredentialsError            no credentials, or credentials DynamoDB rejects
    ├── EndpointError               the endpoint cannot be reached; the message names it
    └── DynamoServiceError          any other error DynamoDB returned, with its code
```

`EncodeError` and its subclasses are also `ValueError`s, and `ModelDefinitionError` is a
`TypeError`, so code that catches the builtin classes keeps working.

Every `EncodeError` names the model, the path to the value (`lines[2].price`) and the rule, both in
its message and as the attributes `model`, `field` and `rule`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConditionalCheckFailedError",
    "CredentialsError",
    "DynamoError",
    "DynamoServiceError",
    "DynamoValidationError",
    "EmptyKeyError",
    "EncodeError",
    "EndpointError",
    "InvalidExpressionError",
    "InvalidItemError",
    "InvalidNumberError",
    "InvalidSetError",
    "ItemNotFoundError",
    "ItemTooLargeError",
    "ModelDefinitionError",
    "NaiveDatetimeError",
    "RequestError",
    "TableExistsError",
    "TableNotFoundError",
    "ThrottlingError",
    "TransactionCanceledError",
    "UnexpectedTypeError",
]


class DynamoError(Exception):
    """Base class of every dynomodel error."""


class ModelDefinitionError(DynamoError, TypeError):
    """The model cannot be mapped to DynamoDB: bad keys, a set of mixed element types, and so on."""


class InvalidItemError(DynamoError, ValueError):
    """The input is not an item in DynamoDB's wire form."""


class InvalidExpressionError(DynamoError, ValueError):
    """A query, scan, condition or update that cannot be sent as written; nothing was sent."""


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


class RequestError(DynamoError):
    """DynamoDB, or the way to it, refused a call."""


class TableNotFoundError(RequestError):
    """The table does not exist, or is not active yet."""


class TableExistsError(RequestError):
    """CreateTable named a table that already exists."""


class ConditionalCheckFailedError(RequestError):
    """A condition expression was false.

    Attributes:
        item: the item as stored, in wire form, when DynamoDB returned it (None if there is none).
    """

    def __init__(self, message: str, *, item: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.item = item


class ItemNotFoundError(RequestError):
    """`refresh()` found no item under the instance's key."""


class ThrottlingError(RequestError):
    """Throughput was exceeded or the request was throttled, after the SDK's retries."""


class DynamoValidationError(RequestError):
    """The server refused the request as invalid; the message is DynamoDB's."""


class TransactionCanceledError(RequestError):
    """A transaction was canceled."""


class CredentialsError(RequestError):
    """No credentials were found, or DynamoDB rejects the ones given."""


class EndpointError(RequestError):
    """The endpoint could not be reached or did not answer in time; the message names it."""


class DynamoServiceError(RequestError):
    """Any other error DynamoDB returned; the message starts with its code."""
