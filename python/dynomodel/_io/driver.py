"""One code path for async and sync: operations are generators of steps.

An operation yields each `Call` it needs (a native method and its arguments) and receives the
call's result; it yields the model hooks it runs as `Hook`s. `run_async` awaits each native
future and each async hook; `run_sync` blocks on the same Rust future with the GIL released and
runs an async hook to completion. Every operation's logic is written once; an async method and
its `sync_` twin only choose the driver. Whichever way a run ends, the generator is closed, so
an operation's `finally` blocks always run.
"""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, Generic, NamedTuple, TypeVar

from .._native import set_resolver

__all__ = [
    "Call",
    "Hook",
    "Steps",
    "run_async",
    "run_sync",
    "warn_if_blocking_a_loop",
]

T = TypeVar("T")
R = TypeVar("R")


class Call(Generic[R]):
    """A native client method and its arguments, less the trailing `blocking` flag; the step's
    result is the method's (`R`)."""

    __slots__ = ("args", "method")

    def __init__(self, method: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.method = method
        self.args = args


class Hook(NamedTuple):
    """A model hook bound to its instance (`instance.before_save`)."""

    function: Callable[[], Any]


Steps = Generator[Call[Any] | Hook, Any, T]


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
    finally:
        steps.close()


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
    finally:
        steps.close()


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
    frame = inspect.currentframe()
    frame = frame.f_back if frame is not None else None
    if frame is None:
        return
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


def _resolve(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    """Settle an asyncio future from the native bridge (scheduled on its loop), unless the
    awaiting task was cancelled meanwhile."""
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


# The native bridge settles every asyncio future it made through this function.
set_resolver(_resolve)
