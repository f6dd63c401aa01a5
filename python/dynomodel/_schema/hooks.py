"""Model hooks: methods a model overrides to run code around its DynamoDB operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

__all__ = ["HOOKS", "active_hooks", "default_hook"]

F = TypeVar("F", bound=Callable[..., Any])

HOOKS: Final = (
    "before_save",
    "after_save",
    "before_update",
    "after_update",
    "before_delete",
    "after_delete",
    "after_load",
)


def default_hook(function: F) -> F:
    """Mark `DynamoModel`'s do-nothing hook, so that operations skip it for free."""
    function.__dynamo_default_hook__ = True  # type: ignore[attr-defined]
    return function


def active_hooks(model: type) -> frozenset[str]:
    """The hooks `model` defines (a `DynamoModel` subclass: overrides), found once per table so
    that a model without an `after_load` pays nothing per item read."""
    return frozenset(
        name
        for name in HOOKS
        if callable(hook := getattr(model, name, None))
        and not getattr(hook, "__dynamo_default_hook__", False)
    )
