"""Field markers for values DynamoDB does not hold in the clear: `Encrypted` (sealed with a data
key from KMS) and `InS3` (the content kept in S3, the item holding a pointer)."""

from __future__ import annotations

import types
import typing
from typing import Any

from ..exceptions import ModelDefinitionError
from .markers import markers
from .records import fields_of, is_record_class

__all__ = ["S3_OBJECT", "Encrypted", "InS3", "check_placement", "encrypted_fields", "s3_fields"]

S3_OBJECT = "__dynamo_s3_object__"
"""The class attribute that marks `S3Object` (defined where I/O is, above this layer)."""

_MIB = 1024 * 1024


class Encrypted:
    """`ssn: Annotated[str, Encrypted(key_id="alias/app")]`: the field's value is encrypted
    before it is stored, and decrypted when read.

    Any field type works: the value is encoded as usual, then sealed with AES-256-GCM under a
    data key KMS makes (`GenerateDataKey`) for the table, and stored as `B`. Each value is
    bound to its table, its item's key and its attribute: copied elsewhere, it fails to decrypt
    with a `DecryptionError` naming the field. Data keys are cached (`DynamoClient(key_cache=
    KeyCache(...))`), so a page of items costs a handful of KMS calls, not one per value.

    DynamoDB sees only ciphertext, so an encrypted field cannot be a key (of the table or an
    index, or part of a key template), and cannot appear in a condition, a filter or an update
    path: each is refused with an `EncryptionError` before anything is sent.
    """

    __slots__ = ("key_id",)

    def __init__(self, key_id: str) -> None:
        if not isinstance(key_id, str) or not key_id:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ModelDefinitionError(
                "Encrypted(key_id=...) takes a KMS key id, ARN or alias (alias/...)"
            )
        self.key_id = key_id
        """The KMS key (id, ARN or `alias/...`) data keys are made under."""

    def __repr__(self) -> str:
        return f"Encrypted(key_id={self.key_id!r})"


class InS3:
    """`invoice: Annotated[S3Object, InS3(bucket="docs", prefix="invoices/")]`: the field's
    content is kept in S3, the item stores a pointer to it (bucket, key, size, SHA-256, content
    type), and the content is read on demand (`await order.invoice.read()`).

    On save, new content is uploaded first (one PutObject up to `multipart_threshold` bytes, a
    multipart upload in parts of `part_size` above it, `concurrency` parts at a time), then the
    item is written; if the write fails, the upload is deleted, so no item points at a missing
    object and no object is left without an item. Deleting the item (or replacing the value)
    deletes the object, unless `keep_on_delete`. Object keys are `prefix` + the table + a fresh
    id, never reused.
    """

    __slots__ = (
        "bucket",
        "concurrency",
        "keep_on_delete",
        "multipart_threshold",
        "part_size",
        "prefix",
    )

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        keep_on_delete: bool = False,
        multipart_threshold: int = 8 * _MIB,
        part_size: int = 8 * _MIB,
        concurrency: int = 4,
    ) -> None:
        if not isinstance(bucket, str) or not bucket:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ModelDefinitionError("InS3(bucket=...) takes the name of an S3 bucket")
        if part_size < 5 * _MIB:
            raise ModelDefinitionError(
                f"InS3(part_size={part_size}): S3 takes parts of at least 5 MiB (5242880 bytes)"
            )
        if multipart_threshold < 0 or concurrency < 1:
            raise ModelDefinitionError(
                "InS3: multipart_threshold is a size in bytes and concurrency at least 1"
            )
        self.bucket = bucket
        """The bucket the objects go to (it must exist)."""
        self.prefix = prefix
        """What every object key starts with."""
        self.keep_on_delete = keep_on_delete
        """Keep the object when its item is deleted or its value replaced."""
        self.multipart_threshold = multipart_threshold
        """Content larger than this many bytes goes up in a multipart upload."""
        self.part_size = part_size
        """The size of each part of a multipart upload."""
        self.concurrency = concurrency
        """How many parts are sent at once."""

    def __repr__(self) -> str:
        return f"InS3(bucket={self.bucket!r}, prefix={self.prefix!r})"


def encrypted_fields(model: type[Any]) -> dict[str, Encrypted]:
    """The fields annotated `Encrypted`, by name."""
    return _marked(model, Encrypted)


def s3_fields(model: type[Any]) -> dict[str, InS3]:
    """The fields annotated `InS3`, by name."""
    return _marked(model, InS3)


def _marked(model: type[Any], kind: type[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, info in fields_of(model).items():
        marked = [m for m in markers(info) if isinstance(m, kind)]
        if len(marked) > 1:
            raise ModelDefinitionError(
                f"{model.__name__}.{name}: one {kind.__name__}(...) per field"
            )
        if marked:
            found[name] = marked[0]
    return found


def check_placement(model: type[Any]) -> None:
    """Refuse what would be stored in the clear or lost without a word: an `Encrypted` marker
    inside a nested record (only a model's own fields are sealed: mark the whole nested field),
    and an `S3Object` anywhere but a field of the model's own marked `InS3` (nothing would
    upload its content).

    Raises:
        ModelDefinitionError: naming the model, the field and where the marker or type is.
    """
    s3 = s3_fields(model)
    for name, info in fields_of(model).items():
        where = f"{model.__name__}.{name}"
        if _is_s3_object(_optional(info.annotation)):
            if name not in s3:
                raise ModelDefinitionError(
                    f"{where} is an S3Object without InS3(bucket=...): mark it, so that "
                    "saving it uploads its content"
                )
            continue
        problem = _nested(info.annotation, where, set())
        if problem is not None:
            raise ModelDefinitionError(
                f"{problem}: only a model's own fields are Encrypted (mark the whole nested "
                "field), and an S3Object is a field of the model's own, marked InS3(...)"
            )


def _nested(annotation: Any, where: str, seen: set[type]) -> str | None:
    """Where `annotation` (its type arguments, the fields of records in it) holds an
    `S3Object` or a field marked `Encrypted`."""
    if _is_s3_object(annotation):
        return f"{where} holds an S3Object"
    for arg in typing.get_args(annotation):
        found = _nested(arg, where, seen)
        if found is not None:
            return found
    if not isinstance(annotation, type) or annotation in seen or not is_record_class(annotation):
        return None
    seen.add(annotation)
    for name, info in fields_of(annotation).items():
        inner = f"{where}.{name}"
        if any(isinstance(m, Encrypted) for m in markers(info)):
            return f"{inner} is Encrypted inside the nested {annotation.__name__}"
        found = _nested(info.annotation, inner, seen)
        if found is not None:
            return found
    return None


def _optional(annotation: Any) -> Any:
    """`T` of `T | None`; anything else as it is."""
    rest = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(rest) == 1:
        return rest[0]
    return annotation


def _is_s3_object(cls: Any) -> bool:
    return isinstance(cls, type) and getattr(cls, S3_OBJECT, False) is True
