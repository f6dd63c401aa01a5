"""One page of a query or scan per request: `Page[Order]` and `paginate`."""

from __future__ import annotations

from typing import Generic, TypeVar

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from .._ops.reads import Results
from .._schema.wire import Item
from ._cursors import CursorError, decode, encode

__all__ = ["Page", "paginate", "sync_paginate"]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a listing, as a response model: `-> Page[Order]`.

    `next_cursor` is None on the last page; otherwise the client passes it back as `cursor` to
    get the next one. It is opaque and signed: see `paginate`.
    """

    items: list[T]
    next_cursor: str | None = None


async def paginate(
    read: Results[T], *, cursor: str | None, limit: int, max_limit: int = 1000
) -> Page[T]:
    """One page of `read` (a query or scan not iterated yet: `Order.query(...)`, an index's,
    a `Table`'s): up to `limit` items after `cursor` (the first page without one), and the
    cursor of the next page.

    The read sends Query (or Scan) requests for what the page lacks plus one item, to know
    whether another page follows (so the last page is never an empty one): a page of `limit`
    items costs the reading of `limit + 1` (more when a filter drops items). A cursor is the
    resume key, URL-safe and signed with HMAC-SHA256 by the app's cursor secret
    (`lifespan(cursor_secret=...)`, else `DYNOMODEL_CURSOR_SECRET`, else a random key of the
    process: cursors then stop working when it restarts), and bound to the read: a cursor
    tampered with, signed with another secret or issued for another listing is a 400, and
    no request is sent. A `limit` outside 1..`max_limit` is a 422 naming `limit`.
    """
    start = _start(read, cursor, limit, max_limit)
    items, following = await start.page(limit)
    return _page(read, items, following)


def sync_paginate(
    read: Results[T], *, cursor: str | None, limit: int, max_limit: int = 1000
) -> Page[T]:
    """`paginate` for routes declared with `def`: it blocks (FastAPI runs them in a thread)."""
    start = _start(read, cursor, limit, max_limit)
    items, following = start.sync_page(limit)
    return _page(read, items, following)


def _start(read: Results[T], cursor: str | None, limit: int, max_limit: int) -> Results[T]:
    if isinstance(limit, bool) or not 1 <= limit <= max_limit:
        raise RequestValidationError(
            [
                {
                    "type": "limit_out_of_range",
                    "loc": ("query", "limit"),
                    "msg": f"limit must be between 1 and {max_limit}",
                    "input": limit,
                }
            ]
        )
    if cursor is None:
        return read
    try:
        return read.starting_at(decode(cursor, read.signature))
    except CursorError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


def _page(read: Results[T], items: list[T], following: Item | None) -> Page[T]:
    next_cursor = None if following is None else encode(following, read.signature)
    return Page[T](items=items, next_cursor=next_cursor)
