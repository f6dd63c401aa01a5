"""PartiQL statements (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) as steps,
their parameters always bound to `?` placeholders, their items decoded by a model's codec."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .._expr.paths import Path, codec_of
from .._native import Client as NativeClient
from .._schema.codec import encode_value
from .._schema.wire import AttributeValue
from .._table.requests import WIRE, Decoding
from ..exceptions import EncryptionError, InvalidExpressionError
from .costs import CallCost
from .driver import Call, Steps

__all__ = [
    "BatchStatementResults",
    "StatementError",
    "StatementPage",
    "batch_statements",
    "statement_page",
    "statement_transaction",
]

T = TypeVar("T")

Statements = Sequence[tuple[str, Sequence[object]] | str]
"""Statements of a batch or transaction: each its text, or its text and parameters."""


@dataclass(frozen=True)
class StatementPage(Generic[T]):
    """One page of an ExecuteStatement: its `items`, where the next starts (`next_token`, None
    after the last) and what it cost."""

    items: list[T]
    next_token: str | None
    cost: CallCost


@dataclass(frozen=True)
class StatementError:
    """Why one statement of a batch failed, as DynamoDB says it (`ConditionalCheckFailed`,
    `DuplicateItem`, ...)."""

    code: str
    message: str


@dataclass(frozen=True)
class BatchStatementResults(Generic[T]):
    """What a BatchExecuteStatement answered, per statement in order: the item a read found
    (None for writes and reads that found nothing) and the error where a statement failed
    alone (None where it did not)."""

    items: list[T | None]
    errors: list[StatementError | None]
    cost: CallCost


def parameters(values: Sequence[object], where: str) -> list[AttributeValue]:
    """Each parameter in wire form: a `(path, value)` pair as the model stores the value at
    that path (`(attr(Order.placed_at), when)`), any other value by its Python type."""
    if isinstance(values, str | bytes):
        raise InvalidExpressionError(
            f"{where}: parameters are a sequence of values, not {values!r}"
        )
    bound: list[AttributeValue] = []
    for position, value in enumerate(values):
        path, stored = _at_path(value)
        if path is not None:
            bound.append(path._encode(stored))  # pyright: ignore[reportPrivateUsage]
        else:
            bound.append(encode_value(value, f"{where}: parameter {position}"))
    return bound


def _at_path(value: object) -> tuple[Path[Any] | None, object]:
    """`(path, value)` for a parameter given as a path and its value; `(None, value)` else."""
    plain: object = value
    pair: tuple[Any, ...] = value if isinstance(value, tuple) else ()  # pyright: ignore[reportUnknownVariableType]
    if len(pair) == 2 and isinstance(pair[0], Path):
        path: Path[Any] = pair[0]  # pyright: ignore[reportUnknownVariableType]
        return path, pair[1]
    return None, plain


def decoding(model: type[Any] | None) -> Decoding:
    """Items decoded into `model` (validated), or left in wire form."""
    if model is None:
        return WIRE
    try:
        codec = codec_of(model)
    except AttributeError:
        raise InvalidExpressionError(
            f"{model!r} has no codec: a model of items is a DynamoModel or @dynamo_table class"
        ) from None
    if codec.sealed:
        field = min(codec.sealed)
        raise EncryptionError(
            f"{model.__name__}.{field} is Encrypted: PartiQL statements are sent and answered "
            "as they are, so their items would hold ciphertext; read the model with get(), "
            "query() or scan(), which decrypt",
            model=model.__name__,
            field=field,
        )
    return Decoding(codec.native, "models", None)


def _each(statements: Statements, consistent_read: bool, where: str) -> list[Any]:
    if isinstance(statements, str):
        raise InvalidExpressionError(f"{where}: give a sequence of statements, not one string")
    out: list[Any] = []
    for position, entry in enumerate(statements):
        text, values = (entry, ()) if isinstance(entry, str) else entry
        out.append((text, parameters(values, f"{where}: statement {position}"), consistent_read))
    return out


def statement_page(
    native: NativeClient,
    statement: str,
    values: Sequence[object],
    model: type[Any] | None,
    consistent_read: bool,
    limit: int | None,
    next_token: str | None,
) -> Steps[StatementPage[Any]]:
    """ExecuteStatement: one page."""
    if limit is not None and (isinstance(limit, bool) or limit < 1):
        raise InvalidExpressionError(
            f"execute_statement: limit must be a positive int, not {limit!r}"
        )
    bound = (statement, parameters(values, "execute_statement"), consistent_read)
    args = (bound, next_token, limit, decoding(model))
    output = yield Call(native.execute_statement, args)
    return StatementPage(list(output.items), output.next_token, CallCost.of(output.cost))


def batch_statements(
    native: NativeClient, statements: Statements, model: type[Any] | None, consistent_read: bool
) -> Steps[BatchStatementResults[Any]]:
    """BatchExecuteStatement: at most 25 statements."""
    sent = _each(statements, consistent_read, "batch_execute_statement")
    if not 1 <= len(sent) <= 25:
        raise InvalidExpressionError(
            f"batch_execute_statement takes 1 to 25 statements, not {len(sent)}"
        )
    output = yield Call(native.batch_execute_statement, (sent, decoding(model)))
    errors = [None if e is None else StatementError(*e) for e in output.errors]
    return BatchStatementResults(list(output.items), errors, CallCost.of(output.cost))


def statement_transaction(
    native: NativeClient, statements: Statements, model: type[Any] | None, token: str | None
) -> Steps[list[Any]]:
    """ExecuteTransaction: at most 100 statements that all apply or none does."""
    sent = _each(statements, False, "execute_transaction")
    if not 1 <= len(sent) <= 100:
        raise InvalidExpressionError(
            f"execute_transaction takes 1 to 100 statements, not {len(sent)}"
        )
    output = yield Call(native.execute_transaction, (sent, token, decoding(model)))
    return list(output.items)
