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
    ├── TransactionCanceledError    a transaction was canceled; `.reasons` says why, per action
    ├── BatchIncompleteError        a batch gave up on items; `.unprocessed` lists them
    ├── CredentialsError            no credentials, or credentials DynamoDB rejects
    ├── EndpointError               the endpoint cannot be reached; the message names it
    └── DynamoServiceError          any other error DynamoDB returned, with its code
```

A `TransactionCanceledError` holds one `CancellationReason` per action of the transaction.

`EncodeError` and its subclasses are also `ValueError`s, and `ModelDefinitionError` is a
`TypeError`, so code that catches the builtin classes keeps working.

Every `EncodeError` names the model, the path to the value (`lines[2].price`) and the rule, both in
its message and as the attributes `model`, `field` and `rule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BatchIncompleteError",
    "CancellationReason",
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


@dataclass(frozen=True)
class CancellationReason:
    """Why one action of a canceled transaction failed, or `code == "None"` if it did not."""

    index: int
    """The action's position in the transaction."""
    code: str
    """`ConditionalCheckFailed`, `TransactionConflict`, `ItemCollectionSizeLimitExceeded`,
    `ValidationError`, `ProvisionedThroughputExceeded`, ... or `None`."""
    message: str | None
    item: dict[str, Any] | None = None
    """The item as stored (wire form), when a condition failed and the item exists."""
    model: type[Any] | None = None
    """The model of the action's item (None outside a dynomodel transaction)."""
    table: str | None = None
    key: dict[str, Any] | None = None
    """The action's key, in wire form."""

    @property
    def failed(self) -> bool:
        return self.code != "None"


class TransactionCanceledError(RequestError):
    """A transaction was canceled: nothing of it was applied.

    Attributes:
        reasons: one `CancellationReason` per action, in the transaction's order (empty when
            DynamoDB gave none); `failed` picks the actions that caused the cancellation.
    """

    def __init__(
        self,
        message: str,
        *,
        reasons: Sequence[CancellationReason | tuple[str, str | None, dict[str, Any] | None]] = (),
    ) -> None:
        super().__init__(message)
        self.reasons = [
            r if isinstance(r, CancellationReason) else CancellationReason(i, *r)
            for i, r in enumerate(reasons)
        ]

    @property
    def failed(self) -> list[CancellationReason]:
        """The reasons of the actions that failed."""
        return [reason for reason in self.reasons if reason.failed]


class CredentialsError(RequestError):
    """No credentials were found, or DynamoDB rejects the ones given."""


class EndpointError(RequestError):
    """The endpoint could not be reached or did not answer in time; the message names it."""


class DynamoServiceError(RequestError):
    """Any other error DynamoDB returned; the message starts with its code."""


class BatchIncompleteError(RequestError):
    """A batch stopped with items it could not read or write: DynamoDB kept leaving them
    unprocessed (or the requests kept failing) for the whole retry time.

    Attributes:
        unprocessed: what was not done, as `(table, "get" | "put" | "delete", key or item)`,
            keys and items in wire form.
        items: for a batch get, the items it did read (models or dicts, as asked).
    """

    def __init__(
        self,
        message: str,
        *,
        unprocessed: Sequence[tuple[str, str, dict[str, Any]]] = (),
        items: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self.unprocessed = list(unprocessed)
        self.items = list(items)
