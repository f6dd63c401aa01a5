"""Misuses of Encrypted, InS3 and S3Object a type checker rejects."""

from __future__ import annotations

from dynomodel import Encrypted, InS3, KeyCache, S3Object

Encrypted()  # error
InS3(prefix="x/")  # error
S3Object.from_bytes("text")  # error
KeyCache(max_uses="many")  # error


async def reads(value: S3Object) -> None:
    value.read().decode()  # error
    value.sync_stream(chunk_size="big")  # error
