"""One code path for async and sync: operations are generators of steps.

An operation yields each `Call` it needs (a native method and its arguments) and receives the
call's result; it yields the model hooks it runs as `Hook`s. Run on asyncio, each native call
returns an awaitable and an async hook is awaited; run blocking, the same Rust future is waited
for with the GIL released and an async hook runs to completion. Both runs are the one loop of
`_drive`, which also observes each call (`observe`: log record, metrics, span). Every
operation's logic is written once, and so is its signature: a method returning steps becomes
the async method and its `sync_` twin with `get = awaitable(_get)` and
`sync_get = blocking(_get)`. Whichever way a run ends, the generator is closed, so an
operation's `finally` blocks always run.
"""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, Generic, NamedTuple, ParamSpec, TypeVar

from .._native import set_resolver
from .observe import begin

__all__ = [
    "Call",
    "Hook",
    "Steps",
    "awaitable",
    "blocking",
    "run_async",
    "run_sync",
    "warn_if_blocking_a_loop",
]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


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


async def _drive(steps: Steps[T], blocking: bool) -> T:
    """Run `steps` to their result. Blocking, nothing here is awaited (each call returns its
    result, an async hook is finished on the spot), so the coroutine completes on its first
    `send`: one loop serves both modes."""
    try:
        step = next(steps)
        while True:
            try:
                if isinstance(step, Call):
                    seen = begin(step.method, step.args)
                    try:
                        result = step.method(*step.args, blocking)
                        if not blocking:
                            result = await result
                    except BaseException as error:
                        if seen is not None:
                            seen.end(None, error)
                        raise
                    if seen is not None:
                        seen.end(result, None)
                else:
                    result = step.function()
                    if inspect.isawaitable(result):
                        result = _finish(result) if blocking else await result
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
    return _drive(steps, False)


def run_sync(steps: Steps[T], call: str, twin: str) -> T:
    """Run `steps` blocking: each native call waits with the GIL released. `call` and `twin`
    name the blocking call and its async twin in the warning given inside an event loop."""
    warn_if_blocking_a_loop(call, twin)
    run = _drive(steps, True)
    try:
        run.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    run.close()
    raise AssertionError("a blocking run never suspends")


def awaitable(
    steps: Callable[P, Steps[R]], name: str | None = None
) -> Callable[P, Coroutine[Any, Any, R]]:
    """The async method (or function) `name` (by default that of `steps` without its leading
    underscore) that runs what `steps` returns on asyncio, with its signature and docstring:
    `get = awaitable(_get)`."""
    name = name or steps.__name__.lstrip("_")

    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return await _drive(steps(*args, **kwargs), False)

    return _named(run, steps, name, steps.__doc__)


def blocking(steps: Callable[P, Steps[R]], name: str | None = None) -> Callable[P, R]:
    """The blocking twin of `awaitable(steps, name)`: `sync_get = blocking(_get)`. It warns once
    when called inside a running event loop, naming the async method to await instead."""
    name = name or steps.__name__.lstrip("_")
    call, twin = f"sync_{name}()", f"await ...{name}()"

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return run_sync(steps(*args, **kwargs), call, twin)

    return _named(run, steps, f"sync_{name}", f"Blocking twin of `{name}`.")


def _named(
    function: Callable[P, R], steps: Callable[..., Any], name: str, doc: str | None
) -> Callable[P, R]:
    """`function` dressed as the method `name` of `steps`' class (or module), for `help()`,
    tracebacks and `inspect.signature`."""
    function.__name__ = name
    function.__qualname__ = f"{steps.__qualname__.rpartition('.')[0]}.{name}".lstrip(".")
    function.__module__ = steps.__module__
    function.__doc__ = doc
    function.__wrapped__ = steps  # type: ignore[attr-defined]
    return function


_warned: set[str] = set()


def warn_if_blocking_a_loop(call: str, twin: str) -> None:
    """Warn, once per operation, that the blocking `call` is made from a running event loop: it
    blocks every task of the loop until it returns. The warning names `twin`, the async call to
    use instead, and points at the caller's line (the first frame outside the package)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    if twin in _warned:
        return
    _warned.add(twin)
    level = 1
    frame = inspect.currentframe()
    while frame is not None and _inside(frame.f_globals.get("__name__", "")):
        frame = frame.f_back
        level += 1
    warnings.warn(
        f"{call} blocks the running event loop until DynamoDB answers: use {twin} instead",
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
