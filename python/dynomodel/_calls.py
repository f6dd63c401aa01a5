"""One code path for async and sync: operations are generators of native calls.

An operation yields each `Call` it needs and receives the call's result; `run_async` awaits the
native future, `run_sync` blocks on the same Rust future with the GIL released. Every operation's
logic is written once; the async method and its `sync_` twin only choose the driver.

An operation also yields the model hooks it runs (`Hook`): a hook may be a plain method or a
coroutine function, awaited by the async driver and run to completion by the sync one.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "Call",
    "Hook",
    "Steps",
    "resolve",
    "run_async",
    "run_sync",
    "warn_if_blocking_a_loop",
]

T = TypeVar("T")


class Call(NamedTuple):
    """A native client method and its arguments, less the trailing `blocking` flag."""

    method: Callable[..., Any]
    args: tuple[Any, ...]


class Hook(NamedTuple):
    """A model hook bound to its instance (`instance.before_save`)."""

    function: Callable[[], Any]


Steps = Generator[Call | Hook, Any, T]


async def _drive(steps: Steps[T]) -> T:
    try:
        step = next(steps)
        while True:
            try:
                if isinstance(step, Call):
                    result = await step.method(*step.args, False)
                else:
                    result = step.function()
                    if inspect.isawaitable(result):
                        result = await result
            except Exception as error:
                # The operation may handle its call's failure (to explain it, say).
                step = steps.throw(error)
            else:
                step = steps.send(result)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def run_async(steps: Steps[T]) -> Coroutine[Any, Any, T]:
    """Run `steps` on asyncio: each native call returns an awaitable."""
    return _drive(steps)


def run_sync(steps: Steps[T], call: str | None = None, twin: str | None = None) -> T:
    """Run `steps` blocking: each native call waits with the GIL released. `call` and `twin`
    name the blocking call and its async twin in the warning given inside an event loop (by
    default the `sync_` method running it)."""
    warn_if_blocking_a_loop(call, twin)
    try:
        step = next(steps)
        while True:
            try:
                if isinstance(step, Call):
                    result = step.method(*step.args, True)
                else:
                    result = step.function()
                    if inspect.isawaitable(result):
                        result = _finish(result)
            except Exception as error:
                step = steps.throw(error)
            else:
                step = steps.send(result)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


_warned: set[str] = set()


def warn_if_blocking_a_loop(call: str | None = None, twin: str | None = None) -> None:
    """Warn, once per operation, that a blocking call is made from a running event loop: it
    blocks every task of the loop until it returns. The warning names the call and its async
    twin (by default the `sync_` method's name, and it without the prefix) and points at the
    caller's line."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    frame = sys._getframe(1)
    level = 2
    operation = None
    while frame.f_back is not None and _inside(frame.f_globals.get("__name__", "")):
        if frame.f_code.co_name.startswith("sync_"):
            operation = frame.f_code.co_name
        frame = frame.f_back
        level += 1
    if twin is None:
        twin = f"await ...{operation.removeprefix('sync_')}()" if operation else "the async API"
    if twin in _warned:
        return
    _warned.add(twin)
    what = call or (f"{operation}()" if operation else "this blocking call")
    warnings.warn(
        f"{what} blocks the running event loop until DynamoDB answers: use {twin} instead",
        RuntimeWarning,
        stacklevel=level,
    )


def _inside(module: str) -> bool:
    return module == "dynomodel" or module.startswith("dynomodel.")


def _finish(awaitable: Awaitable[Any]) -> Any:
    """An async hook's result, from a blocking call: on an event loop of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:

        async def wait() -> Any:
            return await awaitable

        return asyncio.run(wait())
    if inspect.iscoroutine(awaitable):
        awaitable.close()
    raise RuntimeError(
        "an async hook cannot run inside a sync_ call made from a running event loop: "
        "call the async method instead"
    )


def resolve(future: Any, ok: bool, value: Any) -> None:
    """Settle an asyncio future from the native bridge (scheduled on its loop), unless the
    awaiting task was cancelled meanwhile."""
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
