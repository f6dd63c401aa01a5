"""The step driver without a server: both modes run the same steps to the same result, async
hooks included, hand a failure back to the operation, and always close the generator."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from typing import Any

import pytest

from dynomodel._io.driver import Hook, Steps, awaitable, blocking, run_async, run_sync


class Operation:
    """An operation of hooks only: what it saw, and whether its `finally` ran."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.closed = False

    def _steps(self, fail: bool = False) -> Steps[str]:
        """Runs two hooks, one of them async."""
        try:
            self.seen.append((yield Hook(lambda: "plain")))
            self.seen.append((yield Hook(self._later)))
            if fail:
                yield Hook(self._raise)
            return "done"
        finally:
            self.closed = True

    async def _later(self) -> str:
        await asyncio.sleep(0)
        return "awaited"

    def _raise(self) -> None:
        raise LookupError("from a hook")

    steps = awaitable(_steps)
    sync_steps = blocking(_steps)


async def test_async_runs_each_step_and_closes() -> None:
    operation = Operation()
    assert await operation.steps() == "done"
    assert operation.seen == ["plain", "awaited"] and operation.closed


def test_blocking_runs_the_same_steps_async_hooks_to_completion() -> None:
    operation = Operation()
    assert operation.sync_steps() == "done"
    assert operation.seen == ["plain", "awaited"] and operation.closed


async def test_a_failing_step_reaches_the_operation_and_the_caller() -> None:
    operation = Operation()
    with pytest.raises(LookupError, match="from a hook"):
        await operation.steps(fail=True)
    assert operation.closed
    operation = Operation()
    with pytest.raises(LookupError, match="from a hook"):
        await asyncio.to_thread(operation.sync_steps, fail=True)
    assert operation.closed


async def test_a_cancelled_run_closes_its_steps() -> None:
    operation = Operation()
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    def steps() -> Steps[None]:
        try:
            yield Hook(forever)
        finally:
            operation.closed = True

    task = asyncio.ensure_future(run_async(steps()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert operation.closed


def test_twins_carry_the_name_signature_and_docstring() -> None:
    assert Operation.steps.__name__ == "steps" and Operation.sync_steps.__name__ == "sync_steps"
    assert Operation.steps.__qualname__ == "Operation.steps"
    assert Operation.steps.__doc__ == "Runs two hooks, one of them async."
    assert Operation.sync_steps.__doc__ == "Blocking twin of `steps`."
    assert "fail" in inspect.signature(Operation.sync_steps).parameters
    assert inspect.iscoroutinefunction(Operation.steps)


def plain() -> Steps[str]:
    return (yield Hook(lambda: "plain"))


async def test_a_blocking_run_inside_a_loop_warns_once_naming_the_async_twin() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            assert run_sync(plain(), "sync_probe()", "await ...probe()") == "plain"
    messages = [str(w.message) for w in caught if w.category is RuntimeWarning]
    assert messages == [
        "sync_probe() blocks the running event loop until DynamoDB answers: "
        "use await ...probe() instead"
    ]
    assert caught[0].filename == __file__
