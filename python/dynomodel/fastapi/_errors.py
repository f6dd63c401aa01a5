"""DynamoDB's errors as HTTP answers, in FastAPI's own error shape (`{"detail": ...}`).

What an answer says comes from the error's kind and the model's and fields' names, never from
its message: no stored item, key value, credential or endpoint reaches a client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.responses import Response
from starlette.types import ExceptionHandler

from .._api.decorator import table_of
from ..exceptions import (
    BatchIncompleteError,
    CancellationReason,
    ConditionalCheckFailedError,
    EncodeError,
    EndpointError,
    InvalidExpressionError,
    InvalidItemError,
    InvalidKeyError,
    ItemNotFoundError,
    ThrottlingError,
    TransactionCanceledError,
)
from ._items import expected_version

__all__ = ["install_error_handlers"]

RETRY_AFTER = "1"
"""Seconds a client waits before trying again after a 503: throttling passes in about that."""

_THROTTLED = {"ProvisionedThroughputExceeded", "ThrottlingError", "RequestLimitExceeded"}

Handler = Callable[[Request, Any], Awaitable[Response]]


def install_error_handlers(app: FastAPI) -> None:
    """Answer dynomodel's errors with their HTTP statuses, on `app`:

    | error | status |
    |---|---|
    | `ItemNotFoundError` | 404 |
    | `ConditionalCheckFailedError` | 409; 412 when the request's `If-Match` version is stale |
    | `TransactionCanceledError` | 409, a reason per failed action; 503 when throttled |
    | bad input: `EncodeError`, `InvalidKeyError`, `InvalidExpressionError`, ... | 422 |
    | `ThrottlingError`, `BatchIncompleteError` | 503 with `Retry-After` |
    | `EndpointError` (DynamoDB unreachable) | 503 with `Retry-After` |

    Bad input is also `InvalidItemError` and pydantic's `ValidationError` (an update's values).
    Bodies follow FastAPI's: `{"detail": "..."}`, or for 422 a list of `{"type", "loc", "msg"}`
    naming the field.
    Other errors (a missing table, bad credentials) stay 500s: the server is misconfigured, and
    a client can do nothing about it.
    """
    handlers: Sequence[tuple[type[Exception], Handler]] = (
        (ItemNotFoundError, _not_found),
        (ConditionalCheckFailedError, _condition_failed),
        (TransactionCanceledError, _transaction_canceled),
        (EncodeError, _unstorable),
        (InvalidKeyError, _invalid),
        (InvalidExpressionError, _invalid),
        (InvalidItemError, _invalid),
        (ValidationError, _invalid_fields),
        (ThrottlingError, _unavailable),
        (BatchIncompleteError, _unavailable),
        (EndpointError, _unavailable),
    )
    for error, handler in handlers:
        app.add_exception_handler(error, cast(ExceptionHandler, handler))


def _detail(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _not_found(request: Request, error: ItemNotFoundError) -> Response:
    return _detail(404, "item not found")


async def _condition_failed(request: Request, error: ConditionalCheckFailedError) -> Response:
    model = _name(error.model)
    expected = expected_version(request)
    if expected is not None and _stored_version(error.item) != expected:
        return _detail(412, f"the {model} changed since the version in If-Match: read it again")
    return _detail(409, f"the {model} is not in the state this write requires")


async def _transaction_canceled(request: Request, error: TransactionCanceledError) -> Response:
    failed = error.failed
    if any(reason.code in _THROTTLED for reason in failed):
        return _unavailable_answer("the transaction was throttled: try again")
    return _detail(409, [_reason(reason) for reason in failed])


def _reason(reason: CancellationReason) -> dict[str, Any]:
    return {
        "type": reason.code,
        "loc": ["transaction", reason.index],
        "msg": f"action {reason.index} ({_name(reason.model)}) failed: {reason.code}",
    }


async def _unstorable(request: Request, error: EncodeError) -> Response:
    loc: list[str | int] = [error.model or "item"]
    if error.field:
        loc += error.field.replace("[", ".").replace("]", "").split(".")
    rule = error.rule or "cannot be stored"
    problem: dict[str, Any] = {"type": "dynamodb_value", "loc": loc, "msg": rule}
    return _detail(422, [problem])


async def _invalid(request: Request, error: Exception) -> Response:
    problem: dict[str, Any] = {"type": "dynamodb_request", "loc": [], "msg": str(error)}
    return _detail(422, [problem])


async def _invalid_fields(request: Request, error: ValidationError) -> Response:
    problems = error.errors(include_url=False, include_input=False, include_context=False)
    return _detail(422, [{**problem, "loc": list(problem["loc"])} for problem in problems])


async def _unavailable(request: Request, error: Exception) -> Response:
    if isinstance(error, EndpointError):
        return _unavailable_answer("DynamoDB cannot be reached: try again")
    return _unavailable_answer("DynamoDB is throttling requests: try again")


def _unavailable_answer(detail: str) -> Response:
    return _detail(503, detail, {"Retry-After": RETRY_AFTER})


def _name(model: type[Any] | None) -> str:
    return "item" if model is None else model.__name__


def _stored_version(stored: Any) -> int | None:
    """The version of the item a failed condition found (None when there is none)."""
    if not isinstance(stored, BaseModel):
        return None
    field = table_of(type(stored)).mapping.version_field
    return None if field is None else getattr(stored, field)
