"""Every error dynomodel raises, in one hierarchy.

```
DynamoError
├── ModelDefinitionError            a model dynomodel cannot serve (raised at class creation)
├── ConfigurationError              a client that cannot work as configured (no region, ...)
│   └── RateLimitError              a rate limit that cannot work as given (a negative rate, ...)
├── InvalidItemError                input that is not DynamoDB's wire form ({"S": "..."} and so on)
├── InvalidKeyError                 a key naming unknown fields or missing key fields
├── InvalidExpressionError          a read or expression DynamoDB or the model cannot serve, found
│                                   before sending (a key condition off the sort key, a projection
│                                   that leaves out required fields, a limit of 0, ...)
├── PartialInstanceError            saving whole an instance a projection read only in part
├── ResultsConsumedError            iterating again a query or scan result already read to its end
├── TransferError                   an export or import whose file cannot be read or written
│   ├── FileMissingError            the file to import does not exist (also a FileNotFoundError)
│   ├── CorruptFileError            gzip data that does not decompress, or is cut short
│   └── InvalidLineError            a line that is not an item the table can take (also an
│                                   InvalidItemError); `.line`, `.attribute` and `.rule` say where
│                                   and why
├── EncodeError                     a value that cannot be stored; raised before anything is sent
│   ├── InvalidNumberError          NaN, infinity, over 38 digits, outside 1E-130..9.99E+125
│   ├── EmptyKeyError               a key attribute that is missing, "" or b""
│   ├── KeyTooLargeError            a table or index key over 2048 bytes (partition), 1024 (sort)
│   ├── KeyTemplateError            a key template's field holding the separator, or a number
│   │                               too wide (or negative) for its zero-padded width
│   ├── ItemTooLargeError           over 400 KB (also raised when the server refuses an item)
│   ├── InvalidSetError             a set of mixed types, or an empty set inside a list or map
│   ├── InvalidStringError          a string with a lone surrogate (it has no UTF-8 form)
│   ├── NaiveDatetimeError          a datetime without tzinfo
│   └── UnexpectedTypeError         a value of a type its field's plan does not accept
└── RequestError                    DynamoDB, or the way to it, refused a call
    ├── TableNotFoundError          the table does not exist (or is not active yet)
    ├── TableExistsError            CreateTable named an existing table
    ├── ConditionalCheckFailedError a condition was false; `.item` is the stored item as a model
    ├── ItemNotFoundError           an update or refresh found no item under the key
    ├── ThrottlingError             throughput exceeded, after the SDK's retries
    ├── DynamoValidationError       the server refused the request; the message is DynamoDB's
    ├── TransactionCanceledError    a transaction was canceled; `.reasons` says why, per action
    ├── BatchIncompleteError        a batch gave up on items; `.unprocessed` lists them
    ├── CredentialsError            no credentials, or credentials DynamoDB rejects
    ├── EndpointError               the endpoint cannot be reached; the message names it
    ├── DynamoServiceError          any other error DynamoDB returned, with its code
    ├── EncryptionError             an `Encrypted` field's value cannot be sealed (its item lacks
    │   │                           its key, say), or its field cannot be used so (a condition)
    │   ├── DecryptionError         a stored value that does not open: moved from another item,
    │   │                           attribute or table, altered, or not encrypted at all
    │   └── KmsError                KMS refused a call (no such key, disabled, access denied)
    └── StorageError                S3 refused a call about a value kept there (`InS3`)
        ├── NoSuchBucketError       the field's bucket does not exist
        ├── ObjectNotFoundError     the object an item points at is gone
        └── ChecksumMismatchError   the object's content is not what was stored (SHA-256)
```

A `TransactionCanceledError` holds one `CancellationReason` per action of the transaction.

`EncodeError` and its subclasses are also `ValueError`s, and `ModelDefinitionError` and
`InvalidKeyError` are `TypeError`s, so code that catches the builtin classes keeps working.

Messages about configuration never hold a credential, and no message holds an attribute value
except those about one item (a failed condition names its key).

A `TransferError` names the file (`.file`); an `InvalidLineError` never holds the bad value,
only where it is: files of production data do not leak into logs through their errors.

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
    "ChecksumMismatchError",
    "ConditionalCheckFailedError",
    "ConfigurationError",
    "CorruptFileError",
    "CredentialsError",
    "DecryptionError",
    "DynamoError",
    "DynamoServiceError",
    "DynamoValidationError",
    "EmptyKeyError",
    "EncodeError",
    "EncryptionError",
    "EndpointError",
    "FileMissingError",
    "InvalidExpressionError",
    "InvalidItemError",
    "InvalidKeyError",
    "InvalidLineError",
    "InvalidNumberError",
    "InvalidSetError",
    "InvalidStringError",
    "ItemNotFoundError",
    "ItemTooLargeError",
    "KeyTemplateError",
    "KeyTooLargeError",
    "KmsError",
    "ModelDefinitionError",
    "NaiveDatetimeError",
    "NoSuchBucketError",
    "ObjectNotFoundError",
    "PartialInstanceError",
    "RateLimitError",
    "RequestError",
    "ResultsConsumedError",
    "StorageError",
    "TableExistsError",
    "TableNotFoundError",
    "ThrottlingError",
    "TransactionCanceledError",
    "TransferError",
    "UnexpectedTypeError",
]


class DynamoError(Exception):
    """Base class of every dynomodel error."""


class ModelDefinitionError(DynamoError, TypeError):
    """The model cannot be mapped to DynamoDB: bad keys, a set of mixed element types, and so on."""


class ConfigurationError(DynamoError):
    """The client cannot work as configured: no region, an invalid table prefix. The message
    says what to set; it never holds a credential."""


class RateLimitError(ConfigurationError, ValueError):
    """A rate limit that cannot work as given: a rate that is not a positive number, an
    adaptive one that starts above its ceiling, a key that names no table or index, a setting
    it does not know. Raised when the limit is made (or a model that names it is first used);
    the message says what to change."""


class InvalidItemError(DynamoError, ValueError):
    """The input is not an item in DynamoDB's wire form."""


class InvalidKeyError(DynamoError, TypeError):
    """A key (or the keyword arguments of `get`, `delete_by_key`, ...) names fields that are
    not the model's keys, or leaves a key field out; nothing was sent. The message lists the
    model's key fields, and the options the call takes where a name looks like a mistyped one."""


class InvalidExpressionError(DynamoError, ValueError):
    """A query, scan, condition or update that cannot be sent as written; nothing was sent."""


class PartialInstanceError(DynamoError, ValueError):
    """The instance was read with a projection: the fields it was read without hold their
    defaults, not what is stored, so saving it whole would overwrite them. Nothing was sent;
    `update()` writes only what changed. Attributes: `unread`, the fields left out."""

    def __init__(self, message: str, *, unread: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.unread = unread


class ResultsConsumedError(DynamoError, RuntimeError):
    """A query or scan result was iterated again after it had handed out every item: a result
    reads its pages once. Run the query again for a fresh read (or keep the items in a list)."""


class TransferError(DynamoError):
    """An export or an import stopped on its file: it cannot be opened, read or written, or it
    changed while it was imported. The message names the file and what to do.

    Attributes:
        file: the file, as given (None where the error concerns no single file).
    """

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.file = file


class FileMissingError(TransferError, FileNotFoundError):
    """The file to import does not exist."""


class CorruptFileError(TransferError):
    """The file's gzip data does not decompress: it is damaged, or was cut short in copying."""


class InvalidLineError(TransferError, InvalidItemError):
    """A line of a DynamoDB JSON lines file is not an item the table can take: not JSON, not
    `{"Item": {...}}` in DynamoDB JSON, or breaking one of DynamoDB's rules (numbers, sets,
    base64, keys, size). Found before anything of the file is written. The message and the
    attributes say where and why, never the value.

    Attributes:
        line: the line's number, from 1.
        attribute: the path to the bad value (`address.M.city`), None for the line as a whole.
        rule: the rule the line breaks, in words.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int = 0,
        attribute: str | None = None,
        rule: str = "",
    ) -> None:
        super().__init__(message, file=file)
        self.line = line
        self.attribute = attribute
        self.rule = rule


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


class KeyTooLargeError(EncodeError):
    """A key attribute of the table or of an index is longer than DynamoDB allows: 2048 bytes
    for a partition key, 1024 for a sort key."""


class KeyTemplateError(EncodeError):
    """A field a key template is built from cannot be written into it: the value holds the
    template's separator (the stored key could not be read back into its fields), or a
    zero-padded number is negative, fractional or wider than its declared width."""


class ItemTooLargeError(EncodeError):
    """The item is over DynamoDB's 400 KB limit, measured by DynamoDB's size rules."""


class InvalidSetError(EncodeError):
    """A set mixes element types, or an empty set stands where it cannot be omitted."""


class InvalidStringError(EncodeError):
    """A string holds a lone surrogate (`"\\ud800"`): it has no UTF-8 form, so DynamoDB cannot
    store it."""


class NaiveDatetimeError(EncodeError):
    """A datetime has no tzinfo, so the instant it names is unknown."""


class UnexpectedTypeError(EncodeError):
    """A value's Python type does not fit its field's plan (e.g. after `model_construct`)."""


class RequestError(DynamoError):
    """DynamoDB, or the way to it, refused a call.

    Attributes (None where the error came from no single call):
        operation: the DynamoDB operation (`PutItem`, `Query`, ...).
        table: the table the call named (the first one, for a batch or a transaction).
        attempts: the attempts sent, the SDK's own retries included.
        throttles: how many of those attempts DynamoDB throttled.
        elapsed: seconds from the first attempt to the failure.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        table: str | None = None,
        attempts: int | None = None,
        throttles: int | None = None,
        elapsed: float | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.table = table
        self.attempts = attempts
        self.throttles = throttles
        self.elapsed = elapsed


class TableNotFoundError(RequestError):
    """The table does not exist, or is not active yet."""


class TableExistsError(RequestError):
    """CreateTable named a table that already exists."""


class ConditionalCheckFailedError(RequestError):
    """A condition expression was false. The message names the model, the table and the key.

    Attributes:
        item: the item as stored, as an instance of the model, when DynamoDB returned it (None
            if there is no item, or it does not validate as the model).
        raw_item: the same item in wire form (None if there is no item).
        model: the model of the write (None for a call made without one).
        table: the table name.
        key: the item's key, in wire form.
    """

    def __init__(
        self,
        message: str,
        *,
        item: Any = None,
        raw_item: dict[str, Any] | None = None,
        model: type[Any] | None = None,
        key: dict[str, Any] | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.item = item
        self.raw_item = raw_item
        self.model = model
        self.key = key


class ItemNotFoundError(RequestError):
    """An update (without a condition of its own) or `refresh()` found no item under the key."""


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
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
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


class EncryptionError(RequestError):
    """An `Encrypted` field's value could not be sealed (its item lacks a key attribute the
    value is bound to, KMS refused a data key), or the field was used where ciphertext cannot
    serve (a condition, a key, an index, an update path into it). Never holds the value.

    Attributes:
        model: the model.
        field: the field.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        field: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.model = model
        self.field = field


class DecryptionError(EncryptionError):
    """A stored value of an `Encrypted` field does not open here: it was encrypted for another
    item, attribute or table (copied there), altered, or is not encrypted at all. No value is
    returned rather than a wrong one."""


class KmsError(EncryptionError):
    """KMS refused a call: the key does not exist, is disabled, or access is denied.

    Attributes:
        key_id: the key the call named.
        code: KMS's error code (`NotFoundException`, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        key_id: str | None = None,
        code: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.key_id = key_id
        self.code = code


class StorageError(RequestError):
    """S3 refused or failed a call about the object of an `InS3` value.

    Attributes:
        bucket: the bucket.
        key: the object's key.
        code: S3's error code (`NoSuchBucket`, `NoSuchKey`, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        bucket: str | None = None,
        key: str | None = None,
        code: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.bucket = bucket
        self.key = key
        self.code = code


class NoSuchBucketError(StorageError):
    """The bucket an `InS3` field names does not exist."""


class ObjectNotFoundError(StorageError):
    """The object an item points at is gone (deleted behind the library's back)."""


class ChecksumMismatchError(StorageError):
    """An object's content does not have the SHA-256 its item recorded: it was replaced or
    altered in S3. Raised by `read()`, and by a stream at its end."""


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
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.unprocessed = list(unprocessed)
        self.items = list(items)
