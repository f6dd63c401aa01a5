"""Cursors: a resume key as an opaque, URL-safe token, signed so that a client cannot forge
one, and bound to the read it came from."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from typing import Any

from .._schema.wire import Item

__all__ = ["CURSOR_SECRET_ENV", "CursorError", "decode", "encode", "use_secret"]

CURSOR_SECRET_ENV = "DYNOMODEL_CURSOR_SECRET"
"""The environment variable whose value signs cursors when the lifespan is given no secret."""

_VERSION = b"dynomodel-cursor-1"
_MAC_BYTES = 16

_configured: bytes | None = None
_random: bytes | None = None


class CursorError(ValueError):
    """A cursor that is not one this app signed for this read; the message says which way."""


def use_secret(secret: str | bytes | None) -> bytes | None:
    """Sign cursors with `secret` from now on (None: the environment's, else a random key of
    this process); returns the secret used before, to put back."""
    global _configured
    previous = _configured
    _configured = secret.encode() if isinstance(secret, str) else secret
    return previous


def _key() -> bytes:
    global _random
    if _configured is not None:
        return _configured
    configured = os.environ.get(CURSOR_SECRET_ENV)
    if configured:
        return configured.encode()
    # Cursors signed with it die with the process: say so wherever cursors are documented.
    if _random is None:
        _random = secrets.token_bytes(32)
    return _random


def _mac(payload: bytes, read: str) -> bytes:
    message = b"\0".join((_VERSION, read.encode(), payload))
    return hmac.new(_key(), message, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(key: Item, read: str) -> str:
    """The cursor of `key` (a LastEvaluatedKey) for the read whose signature is `read`."""
    fields: list[list[str]] = []
    for name, value in sorted(key.items()):
        if "B" in value:
            fields.append([name, "B", _b64(value["B"])])
        elif "N" in value:
            fields.append([name, "N", value["N"]])
        elif "S" in value:
            fields.append([name, "S", value["S"]])
        else:
            raise ValueError(f"{name!r} is not a key attribute (S, N or B)")
    payload = json.dumps(fields, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(payload, read))}"


def decode(cursor: str, read: str) -> Item:
    """The key in `cursor`, after checking its signature against the read `read`.

    Raises:
        CursorError: the cursor is malformed, tampered with, signed with another secret or
            made for another read.
    """
    body, dot, mac = cursor.partition(".")
    try:
        payload, signature = _unb64(body), _unb64(mac)
    except (binascii.Error, ValueError):
        raise CursorError("the cursor is not one this API issued") from None
    if not dot or not hmac.compare_digest(signature, _mac(payload, read)):
        raise CursorError(
            "the cursor is not one this API issued for this listing (tampered with, from "
            "another listing, or from before the server's cursor secret changed)"
        )
    try:
        return _key_of(json.loads(payload))
    except (ValueError, TypeError):
        raise CursorError("the cursor is not one this API issued") from None


def _key_of(fields: Any) -> Item:
    """The key a signed payload holds (we signed it, so it is well formed: checked all the
    same, since a leaked secret should not give a way to crash the app)."""
    key: Item = {}
    for name, kind, text in fields:
        if not (isinstance(name, str) and isinstance(text, str)):
            raise TypeError("not a key")
        if kind == "B":
            key[name] = {"B": _unb64(text)}
        elif kind == "N":
            key[name] = {"N": text}
        elif kind == "S":
            key[name] = {"S": text}
        else:
            raise TypeError("not a key type")
    return key
