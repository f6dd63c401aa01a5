"""`S3Object`: the value of an `InS3` field. Content to upload, or a pointer to an object stored
in S3 whose content is read on demand and checked against the SHA-256 recorded when it was
uploaded."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ..exceptions import ChecksumMismatchError
from .client import DynamoClient, get_default_client
from .driver import Call, Steps, awaitable, blocking, run_async, run_sync

__all__ = ["S3Object"]

_CHUNK = 8 * 1024 * 1024


class S3Object(BaseModel):
    """The value of an `Annotated[S3Object, InS3(bucket=...)]` field: content kept in S3.

    Make one to assign with `S3Object.from_bytes(data, content_type=...)` (or `from_file(path)`,
    which streams the file when it is uploaded); saving the item uploads it first. An item read
    back holds the pointer only (`bucket`, `key`, `size`, `sha256`, `content_type`): the content
    is fetched when asked for, with `await obj.read()` (`sync_read()`), or in chunks with
    `async for chunk in obj.stream()` (`sync_stream()`), one ranged GetObject per chunk. What
    is read is checked against `sha256`: `ChecksumMismatchError` if the object was altered.
    """

    model_config = ConfigDict(extra="ignore")
    __dynamo_s3_object__: ClassVar[bool] = True

    bucket: str = ""
    """The bucket the content is in ("" until uploaded)."""
    key: str = ""
    """The object's key ("" until uploaded)."""
    size: int = 0
    """The content's size in bytes."""
    sha256: str = ""
    """The content's SHA-256, base64 (as S3's `x-amz-checksum-sha256` has it)."""
    content_type: str = "application/octet-stream"
    """The object's `Content-Type`."""

    _pending: bytes | Path | None = PrivateAttr(default=None)
    _client: DynamoClient | None = PrivateAttr(default=None)

    @classmethod
    def from_bytes(cls, data: bytes, content_type: str = "application/octet-stream") -> S3Object:
        """A value holding `data`, uploaded when its item is saved."""
        made = cls(size=len(data), content_type=content_type)
        made._pending = bytes(data)
        return made

    @classmethod
    def from_file(
        cls, path: str | Path, content_type: str = "application/octet-stream"
    ) -> S3Object:
        """A value holding the file at `path`, read (part by part) when its item is saved."""
        file = Path(path)
        made = cls(size=file.stat().st_size, content_type=content_type)
        made._pending = file
        return made

    @property
    def pending(self) -> bool:
        """Whether the content is still to be uploaded (it is in memory or on disk)."""
        return self._pending is not None

    def __repr__(self) -> str:
        where = "pending" if self.pending else f"s3://{self.bucket}/{self.key}"
        return f"S3Object({where}, size={self.size}, content_type={self.content_type!r})"

    def _read(self) -> Steps[bytes]:
        """GetObject of the whole content (or the pending content itself), checked."""
        if self._pending is not None:
            pending = self._pending
            return pending if isinstance(pending, bytes) else pending.read_bytes()
        data: bytes = yield Call(self._native().s3_get, (self.bucket, self.key, None))
        checked = _Checked(self)
        checked.add(data)
        checked.finish()
        return data

    read = awaitable(_read)
    sync_read = blocking(_read)

    def _range(self, start: int, end: int) -> Steps[bytes]:
        pending = self._pending
        if isinstance(pending, bytes):
            return pending[start:end]
        if pending is not None:
            with pending.open("rb") as file:
                file.seek(start)
                return file.read(end - start)
        chunk: bytes = yield Call(self._native().s3_get, (self.bucket, self.key, (start, end)))
        return chunk

    async def stream(self, chunk_size: int = _CHUNK) -> AsyncIterator[bytes]:
        """The content in chunks of `chunk_size` bytes (one ranged GetObject each), checked
        against `sha256` at the end (`ChecksumMismatchError` after the last chunk)."""
        checked = _Checked(self)
        for start in range(0, self.size, max(chunk_size, 1)):
            chunk = await run_async(self._range(start, min(start + chunk_size, self.size)))
            yield checked.add(chunk)
        checked.finish()

    def sync_stream(self, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        """Blocking twin of `stream`."""
        checked = _Checked(self)
        for start in range(0, self.size, max(chunk_size, 1)):
            end = min(start + chunk_size, self.size)
            yield checked.add(run_sync(self._range(start, end), "sync_stream()", "stream()"))
        checked.finish()

    def _native(self) -> Any:
        return (self._client or get_default_client()).native


def bind_objects(instances: Any, fields: Any, client: DynamoClient) -> None:
    """Give the `S3Object`s of `fields` of each instance read the client to read through."""
    for instance in instances:
        for name in fields:
            value = getattr(instance, name, None)
            if isinstance(value, S3Object):
                value._client = client  # pyright: ignore[reportPrivateUsage]


class _Checked:
    """The SHA-256 of content read, compared with the one recorded at upload."""

    __slots__ = ("_digest", "_object", "_size")

    def __init__(self, obj: S3Object) -> None:
        self._object = obj
        self._digest = hashlib.sha256()
        self._size = 0

    def add(self, chunk: bytes) -> bytes:
        self._digest.update(chunk)
        self._size += len(chunk)
        return chunk

    def finish(self) -> None:
        obj = self._object
        if obj.pending:
            return  # content not uploaded yet: no checksum recorded to compare with
        found = base64.b64encode(self._digest.digest()).decode()
        if found != obj.sha256 or self._size != obj.size:
            raise ChecksumMismatchError(
                f"s3://{obj.bucket}/{obj.key}: the content read ({self._size} bytes) is not "
                f"what was stored ({obj.size} bytes, SHA-256 {obj.sha256}): the object was "
                "altered or replaced in S3",
                bucket=obj.bucket,
                key=obj.key,
                code="ChecksumMismatch",
            )
