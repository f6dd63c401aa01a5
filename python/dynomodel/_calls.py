"""One code path for async and sync: operations are generators of native calls.

An operation yields each `Call` it needs and receives the call's result; `run_async` awaits the
native future, `run_sync` blocks on the same Rust future with the GIL released. Every operation's
logic is written once; the async method and its `sync_` twin only choose the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator
from typing import Any, NamedTuple, TypeVar

__all__ = ["Call", "Steps", "resolve", "run_async", "run_sync"]

T = TypeVar("T")


class Call(NamedTuple):
    """A native client method and its arguments, less the trailing `blocking` flag."""

    method: Callable[..., Any]
    args: tuple[Any, ...]


Steps = Generator[Call, Any, T]


async def _drive(steps: Steps[T]) -> T:
    try:
        call = next(steps)
        while True:
            call = steps.send(await call.method(*call.args, False))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def run_async(steps: Steps[T]) -> Coroutine[Any, Any, T]:
    """Run `steps` on asyncio: each native call returns an awaitable."""
    return _drive(steps)


def run_sync(steps: Steps[T]) -> T:
    """Run `steps` blocking: each native call waits with the GIL released."""
    try:
        call = next(steps)
        while True:
            call = steps.send(call.method(*call.args, True))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def resolve(future: Any, ok: bool, value: Any) -> None:
    """Settle an asyncio future from the native bridge (scheduled on its loop), unless the
    awaiting task was cancelled meanwhile."""
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
