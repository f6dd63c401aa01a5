"""The S3 side of writing items with `InS3` fields: new content uploaded before the item is
written, removed again if the write fails, and objects no item points at any more deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .._io.driver import Call, Steps
from .._io.objects import S3Object
from .._schema.external import InS3
from .._schema.wire import AttributeValue, Item
from ..exceptions import StorageError
from .bound import BoundTable

__all__ = ["Uploaded", "deleted_objects", "discard", "drop_replaced", "pending", "upload"]


class Uploaded:
    """An object uploaded for a write, and what its value held before."""

    __slots__ = ("content", "place", "value")

    def __init__(self, value: S3Object, place: InS3, content: bytes | Path) -> None:
        self.value = value
        self.place = place
        self.content = content


def pending(table: BoundTable[Any], instance: object) -> list[tuple[str, InS3, S3Object]]:
    """The `InS3` fields of `instance` whose content is still to be uploaded."""
    found: list[tuple[str, InS3, S3Object]] = []
    for name, place in table.mapping.s3_fields.items():
        value = getattr(instance, name, None)
        if isinstance(value, S3Object) and value.pending:
            found.append((name, place, value))
    return found


def upload(table: BoundTable[Any], instance: object) -> Steps[list[Uploaded]]:
    """Upload the pending content of `instance` (PutObject, or a multipart upload above the
    field's threshold), each value then pointing at its new object under a fresh key.

    Raises:
        StorageError: S3 refused an upload (`NoSuchBucketError` for a missing bucket), naming
            the model and field; what was uploaded before it is deleted again.
    """
    done: list[Uploaded] = []
    native = table.native
    for name, place, value in pending(table, instance):
        content = value._pending  # pyright: ignore[reportPrivateUsage]
        assert content is not None
        key = f"{place.prefix}{table.name}/{uuid.uuid4().hex}"
        data, path = (content, None) if isinstance(content, bytes) else (None, str(content))
        args = (place.bucket, key, data, path, value.content_type)
        sizes = (place.multipart_threshold, place.part_size, place.concurrency)
        try:
            size, sha256, _ = yield Call(native.s3_put, (*args, *sizes))
        except StorageError as error:
            yield from discard(table, done)
            raise type(error)(
                f"{table.model.__name__}.{name}: {error}",
                bucket=error.bucket or place.bucket,
                key=error.key,
                code=error.code,
            ) from None
        value.bucket, value.key, value.size, value.sha256 = place.bucket, key, size, sha256
        value._pending = None  # pyright: ignore[reportPrivateUsage]
        value._client = table.client  # pyright: ignore[reportPrivateUsage]
        done.append(Uploaded(value, place, content))
    return done


def discard(table: BoundTable[Any], uploaded: Sequence[Uploaded]) -> Steps[None]:
    """After a write that failed: delete what was uploaded for it (DeleteObject each), and
    make each value pending again, so that saving it again uploads it again."""
    for one in uploaded:
        value = one.value
        try:
            yield Call(table.native.s3_delete, (value.bucket, value.key))
        finally:
            value.bucket, value.key, value.sha256 = "", "", ""
            value._pending = one.content  # pyright: ignore[reportPrivateUsage]


def drop_replaced(table: BoundTable[Any], old: Item | None, new: object | None) -> Steps[None]:
    """After a write that replaced (or deleted) the item `old`: DeleteObject of each object it
    pointed at that `new` (the instance written, None for a delete) does not, unless the field
    keeps its objects."""
    if old is None:
        return
    for name, place in table.mapping.s3_fields.items():
        if place.keep_on_delete:
            continue
        pointer = _pointer(old.get(table.mapping.codec.attribute(name)))
        if pointer is None:
            continue
        value = getattr(new, name, None) if new is not None else None
        if isinstance(value, S3Object) and (value.bucket, value.key) == pointer:
            continue
        yield Call(table.native.s3_delete, pointer)


def deleted_objects(table: BoundTable[Any], instances: Iterable[object]) -> Steps[None]:
    """DeleteObject of the objects `instances` (deleted items) point at, where kept nowhere."""
    for instance in instances:
        for name, place in table.mapping.s3_fields.items():
            value = getattr(instance, name, None)
            if not place.keep_on_delete and isinstance(value, S3Object) and value.key:
                yield Call(table.native.s3_delete, (value.bucket, value.key))


def _pointer(stored: AttributeValue | None) -> tuple[str, str] | None:
    """`(bucket, key)` of a stored S3Object (a map in wire form)."""
    fields = (stored or {}).get("M", {})
    bucket, key = fields.get("bucket", {}).get("S"), fields.get("key", {}).get("S")
    return (bucket, key) if bucket and key else None
