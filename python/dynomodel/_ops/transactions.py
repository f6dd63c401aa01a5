"""Transactions: TransactWriteItems (all actions apply or none) and TransactGetItems."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Literal, TypeAlias, TypeVar, cast, overload

from .._expr.builder import Expression, ExpressionBuilder, compiled_condition
from .._expr.nodes import Condition, UpdateAction
from .._io.client import DynamoClient, get_default_client
from .._io.driver import Call, Steps, run_async, run_sync
from .._native import TransactGetOutput
from .._schema.wire import Item
from .._table.mapping import LOADED_ITEM
from .._table.requests import Action, Decoding
from .._table.requests import Get as GetRequest
from ..exceptions import InvalidExpressionError, TransactionCanceledError
from .batches import KeyInput, key_values
from .bound import BoundTable, mapped, ready
from .objects import Uploaded, deleted_objects, discard, pending, upload

__all__ = ["MAX_ACTIONS", "Transaction", "sync_transact_get", "transact_get", "transaction"]

M = TypeVar("M")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")

MAX_ACTIONS = 100
"""Actions in one TransactWriteItems (and gets in one TransactGetItems)."""

_OPTIONS = ("actions", "condition")


@dataclass
class _Action:
    """One compiled action, with what to do to its instance once the transaction commits."""

    kind: Literal["put", "update", "delete", "check"]
    """`put`, `update`, `delete` or `check`: the native client's names."""
    table: BoundTable[Any]
    key: Item
    sent: Item
    """The item for a put, the key otherwise."""
    update: Expression | None = None
    condition: Expression | None = None
    instance: object = None
    version: int | None = None
    """The version the action writes, set on the instance after the commit."""
    changes: dict[str, Any] = field(default_factory=dict[str, Any])
    """Validated field values an update writes, set on the instance after the commit."""
    hooks: str | None = None
    """`save`, `update` or `delete`: the hooks run around the commit on the instance."""
    rebuild: Callable[[], _Action] | None = None
    """Compiles the action again: after a `before_*` hook changed the instance."""


class Transaction:
    """Writes that all apply or none does, sent as one TransactWriteItems when the block exits.

    ```python
    async with dynomodel.transaction() as tx:
        tx.put(order, condition=attr(Order.pk).not_exists())
        tx.update(customer, actions=[attr(Customer.orders).increment(1)])
        tx.condition_check(Stock, "SKU#1", condition=attr(Stock.quantity) > 0)
    ```

    (`with dynomodel.transaction() as tx:` sends it blocking.) Every action is compiled as it is
    added, so a bad value or expression raises in the block and nothing is sent; a block that
    raises sends nothing. At most 100 actions, on distinct items. `Version` fields are checked
    and bumped as `save`/`update`/`delete` do; the instances get their new versions (and an
    update's field values) once the transaction commits. Hooks: `before_*` run on the instances
    just before sending, `after_*` after the commit (none for actions given by key).

    A canceled transaction raises `TransactionCanceledError`, whose `reasons` say, per action,
    the model, table, key, DynamoDB's reason code and message, and the stored item where a
    condition failed. `client_request_token` makes retries of the same transaction idempotent
    (for ten minutes). Costs 2 WCU per KB of each item written, 2 RCU per 4 KB checked.
    """

    def __init__(
        self,
        client: DynamoClient | None = None,
        *,
        client_request_token: str | None = None,
        skip_hooks: bool = False,
    ) -> None:
        self._client = client
        self._explicit = client is not None
        self._token = client_request_token
        self._skip_hooks = skip_hooks
        self._actions: list[_Action] = []
        self._items: set[tuple[str, tuple[tuple[str, Any], ...]]] = set()

    def put(
        self,
        instance: object,
        *,
        condition: Condition | None = None,
        if_unchanged: bool = False,
        table: BoundTable[Any] | None = None,
    ) -> None:
        """Put the whole item, if `condition` (and its version) holds, and with `if_unchanged`
        if the stored item still holds what the instance was read with; into `table` (a
        `Table` of the instance's model) rather than the model's own table, if given."""

        def build() -> _Action:
            target = table or mapped(type(instance))
            item, guarded, version = target.mapping.put_request(instance, condition, if_unchanged)
            return _Action(
                "put",
                target,
                target.mapping.key_of(instance),
                item,
                condition=compiled_condition(guarded),
                instance=instance,
                version=version,
                hooks="save",
                rebuild=build,
            )

        self._add(build())

    def update(
        self,
        target: object,
        key: KeyInput | None = None,
        *,
        actions: Sequence[UpdateAction] = (),
        condition: Condition | None = None,
        **changes: Any,
    ) -> None:
        """Update an item: an instance (its key, its version), or a model (or `Table`) and a
        key. `actions` and the named field values as in `Table.update`; the item must exist."""
        table, instance, item_key = self._target(target, key)

        def build() -> _Action:
            mapping = table.mapping
            values: dict[str, Any] = {}
            if instance is not None:
                values, field_actions = mapping.instance_update(instance, changes)
                expected, known = mapping.expected_version(instance, "update"), True
            else:
                validated, expected, known = mapping.changes_by_key(changes, "update", _OPTIONS)
                whole = key if isinstance(key, Mapping) else None
                field_actions = mapping.field_actions(validated, whole)
            every, guarded, version = mapping.versioned(
                [*actions, *field_actions], condition, expected, known
            )
            update, condition_expression = mapping.update_request(every, guarded)
            return _Action(
                "update",
                table,
                item_key,
                item_key,
                update=update,
                condition=condition_expression,
                instance=instance,
                version=version,
                changes=values,
                hooks=None if instance is None else "update",
                rebuild=build,
            )

        self._add(build())

    def delete(
        self,
        target: object,
        key: KeyInput | None = None,
        *,
        condition: Condition | None = None,
    ) -> None:
        """Delete an item: an instance (checked against its version), or a model and a key."""
        table, instance, item_key = self._target(target, key)

        def build() -> _Action:
            guarded = condition
            if instance is not None:
                guarded = table.mapping.delete_condition(instance, condition)
            return _Action(
                "delete",
                table,
                item_key,
                item_key,
                condition=compiled_condition(guarded),
                instance=instance,
                hooks=None if instance is None else "delete",
                rebuild=build,
            )

        self._add(build())

    def condition_check(
        self,
        target: object,
        key: KeyInput | None = None,
        *,
        condition: Condition,
    ) -> None:
        """Cancel the transaction unless `condition` holds on an item it does not write."""
        table, _, item_key = self._target(target, key)
        builder = ExpressionBuilder()
        text = builder.condition(condition)
        self._add(
            _Action(
                "check",
                table,
                item_key,
                item_key,
                condition=Expression(text, builder.names, builder.values),
            )
        )

    @property
    def actions(self) -> int:
        """How many actions the transaction holds."""
        return len(self._actions)

    def _target(self, target: object, key: KeyInput | None) -> tuple[BoundTable[Any], object, Item]:
        if not isinstance(target, type | BoundTable):
            if key is not None:
                raise TypeError("give an instance, or a model and a key, not both")
            table: BoundTable[Any] = mapped(type(target))
            return table, target, table.mapping.key_of(target)
        if key is None:
            raise TypeError(f"{target!r}: give the key of the item")
        table = mapped(cast("type[Any] | BoundTable[Any]", target))
        return table, None, table.mapping.codec.key(key_values(table, key, "transaction"))

    def _add(self, action: _Action) -> None:
        if len(self._actions) >= MAX_ACTIONS:
            raise InvalidExpressionError(
                f"a transaction holds at most {MAX_ACTIONS} actions; this is action "
                f"{len(self._actions) + 1}"
            )
        identity = (action.table.name, action.table.mapping.identity(action.key))
        if identity in self._items:
            raise InvalidExpressionError(
                f"the transaction already has an action on {action.table.model.__name__} "
                f"{dict(identity[1])}: DynamoDB allows one action per item"
            )
        if self._client is None:
            self._client = action.table.client
        elif not self._explicit and action.table.client is not self._client:
            raise ValueError(
                f"{action.table!r} uses another client than the transaction's first action: "
                "pass the client to transaction()"
            )
        self._items.add(identity)
        self._actions.append(action)

    def _commit(self) -> Steps[None]:
        if not self._actions:
            return
        client = self._client or get_default_client()
        for position, action in enumerate(self._actions):
            hook = f"before_{action.hooks}"
            if action.hooks is None or not action.table.runs(hook, self._skip_hooks):
                continue
            yield from action.table.hook(hook, action.instance, self._skip_hooks)
            if action.rebuild is not None:
                # The hook may have changed the instance: what is sent must show it.
                self._actions[position] = action.rebuild()
        yield from ready({a.table for a in self._actions}, client)
        uploaded = yield from self._uploaded()
        sent = [Action(a.kind, a.table.name, a.sent, a.update, a.condition) for a in self._actions]
        try:
            yield Call(client.native.transact_write, (sent, self._token))
        except Exception as error:
            for table, objects in uploaded:
                yield from discard(table, objects)
            if isinstance(error, TransactionCanceledError):
                raise _explained(error, self._actions) from None
            raise
        for action in self._actions:
            if action.kind == "delete" and action.instance is not None:
                yield from deleted_objects(action.table, [action.instance])
        for action in self._actions:
            if action.instance is None:
                continue
            state = vars(action.instance)
            state.update(action.changes)
            action.table.mapping.set_version(action.instance, action.version)
            # A put leaves the item it wrote; an update, a stored item this instance has not seen.
            if action.kind == "put":
                state[LOADED_ITEM] = action.sent
            else:
                state.pop(LOADED_ITEM, None)
            hook = f"after_{action.hooks}"
            yield from action.table.hook(hook, action.instance, self._skip_hooks)

    def _uploaded(self) -> Steps[list[tuple[BoundTable[Any], list[Uploaded]]]]:
        """Upload the pending S3 content of the puts, each put then built again to point at
        its objects; what was uploaded, to delete again if the transaction fails."""
        uploaded: list[tuple[BoundTable[Any], list[Uploaded]]] = []
        for position, action in enumerate(self._actions):
            if action.kind != "put" or not pending(action.table, action.instance):
                continue
            try:
                objects = yield from upload(action.table, action.instance)
            except Exception:
                for table, earlier in uploaded:
                    yield from discard(table, earlier)
                raise
            uploaded.append((action.table, objects))
            if action.rebuild is not None:
                self._actions[position] = action.rebuild()
        return uploaded

    def __enter__(self) -> Transaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            run_sync(self._commit(), "with ...transaction()", "async with ...transaction()")

    async def __aenter__(self) -> Transaction:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await run_async(self._commit())


def transaction(
    client: DynamoClient | None = None,
    *,
    client_request_token: str | None = None,
    skip_hooks: bool = False,
) -> Transaction:
    """A transaction: `async with dynomodel.transaction() as tx:` (or `with`); see
    `Transaction`. It goes through `client`, or without one through the client of the first
    action's model (models naming other clients are then refused)."""
    return Transaction(client, client_request_token=client_request_token, skip_hooks=skip_hooks)


Get: TypeAlias = tuple[type[M] | BoundTable[M], KeyInput]
"""One read of `transact_get`: a mapped model (or `Table`) and a key."""


# The overloads are stated twice, for each mode: mypy loses an overloaded function's type
# variables through a ParamSpec, so `awaitable`/`blocking` cannot carry them as they do for
# methods generic in their class.
@overload
async def transact_get(
    gets: tuple[Get[A]], *, client: DynamoClient | None = None, skip_hooks: bool = False
) -> tuple[A | None]: ...
@overload
async def transact_get(
    gets: tuple[Get[A], Get[B]], *, client: DynamoClient | None = None, skip_hooks: bool = False
) -> tuple[A | None, B | None]: ...
@overload
async def transact_get(
    gets: tuple[Get[A], Get[B], Get[C]],
    *,
    client: DynamoClient | None = None,
    skip_hooks: bool = False,
) -> tuple[A | None, B | None, C | None]: ...
@overload
async def transact_get(
    gets: Sequence[Get[M]], *, client: DynamoClient | None = None, skip_hooks: bool = False
) -> Sequence[M | None]: ...
@overload
async def transact_get(
    gets: Sequence[tuple[type | BoundTable[Any], KeyInput]],
    *,
    client: DynamoClient | None = None,
    skip_hooks: bool = False,
) -> Sequence[Any]: ...
async def transact_get(
    gets: Sequence[tuple[Any, KeyInput]],
    *,
    client: DynamoClient | None = None,
    skip_hooks: bool = False,
) -> Sequence[Any]:
    """TransactGetItems: the items of `gets` (`(Model, key)` pairs, a key as a dict, a
    `(partition, sort)` tuple or the partition value) read as one consistent snapshot, in order,
    None where there is no item; `after_load` runs on each model. At most 100 gets. Without
    `client`, the first model's. Costs 2 RCU per 4 KB of each item.

    A tuple of gets gives a tuple, each item typed by its model for mypy and pyright
    (`cart, order = await transact_get(((Cart, key), (Order, key)))`); a list gives a list,
    typed by the model of its gets (or untyped where they mix models, for mypy).
    """
    return await run_async(_transact_get(gets, client, skip_hooks))


@overload
def sync_transact_get(
    gets: tuple[Get[A]], *, client: DynamoClient | None = None, skip_hooks: bool = False
) -> tuple[A | None]: ...
@overload
def sync_transact_get(
    gets: tuple[Get[A], Get[B]], *, client: DynamoClient | None = None, skip_hooks: bool = False
) -> tuple[A | None, B | None]: ...
@overload
def sync_transact_get(
    gets: tuple[Get[A], Get[B], Get[C]],
    *,
    client: DynamoClient | None = None,
    skip_hooks: bool = False,
) -> tuple[A | None, B | None, C | None]: ...
@overload
def sync_transact_get(
    gets: Sequence[Get[M]], *, client: DynamoClient | None = None, skip_hooks: bool = False
) -> Sequence[M | None]: ...
@overload
def sync_transact_get(
    gets: Sequence[tuple[type | BoundTable[Any], KeyInput]],
    *,
    client: DynamoClient | None = None,
    skip_hooks: bool = False,
) -> Sequence[Any]: ...
def sync_transact_get(
    gets: Sequence[tuple[Any, KeyInput]],
    *,
    client: DynamoClient | None = None,
    skip_hooks: bool = False,
) -> Sequence[Any]:
    """Blocking twin of `transact_get`."""
    return run_sync(
        _transact_get(gets, client, skip_hooks), "sync_transact_get()", "await ...transact_get()"
    )


def _transact_get(
    gets: Sequence[tuple[Any, KeyInput]], client: DynamoClient | None, skip_hooks: bool
) -> Steps[Sequence[Any]]:
    if not gets:
        return () if isinstance(gets, tuple) else []
    if len(gets) > MAX_ACTIONS:
        raise InvalidExpressionError(
            f"a transactional read holds at most {MAX_ACTIONS} gets, not {len(gets)}"
        )
    tables = [mapped(target) for target, _ in gets]
    keys = [
        t.mapping.codec.key(key_values(t, key, "transact_get"))
        for t, (_, key) in zip(tables, gets, strict=True)
    ]
    chosen = client or tables[0].client
    args = [GetRequest(t.name, key) for t, key in zip(tables, keys, strict=True)]
    decodings = [Decoding(t.mapping.codec.native, "models", None) for t in tables]
    yield from ready(tables, chosen)
    output: TransactGetOutput = yield Call(chosen.native.transact_get, (args, decodings))
    items: list[Any] = output.items
    for table, item in zip(tables, items, strict=True):
        if item is not None:
            yield from table.loaded([item], skip_hooks)
    return tuple(items) if isinstance(gets, tuple) else items


def _explained(error: TransactionCanceledError, actions: list[_Action]) -> TransactionCanceledError:
    """`error` with each reason tied to its action's model, table and key, and a message that
    names the actions that failed."""
    reasons = [
        replace(reason, model=action.table.model, table=action.table.name, key=action.key)
        for reason, action in zip(error.reasons, actions, strict=False)
    ]
    failed = [
        f"action {r.index} ({action.table.model.__name__} "
        f"{action.table.mapping.show_key(action.key)}, {action.kind}): {r.code}: {r.message}"
        for r, action in zip(reasons, actions, strict=False)
        if r.failed
    ]
    detail = "; ".join(failed) if failed else str(error)
    return TransactionCanceledError(f"transaction canceled: {detail}", reasons=reasons)
