"""The operations as steps, read without a server: what each asks the native client to send,
and in which order hooks and calls come. Nothing here answers a call: a step generator is
advanced to the call it yields, the call is inspected, and the generator is closed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest

import dynomodel
from dynomodel import DynamoClient, DynamoModel, PartitionKey, SortKey, Version, attr, table_of
from dynomodel._io.driver import Call, Hook
from dynomodel._ops import batches, items

# Never contacted: making a client opens no connection.
OFFLINE = DynamoClient(
    endpoint_url="http://127.0.0.1:9", region="us-east-1", access_key_id="x", secret_access_key="x"
)


class Order(DynamoModel, table="orders", client=OFFLINE):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[str, SortKey]
    total: Decimal
    version: Annotated[int, Version] = 0

    def before_save(self) -> None:
        pass


def test_save_runs_its_hook_then_one_put_item_with_the_version_condition() -> None:
    order = Order(pk="C#1", sk="O#1", total=Decimal("1.5"))
    steps = items.save(table_of(Order), order, attr(Order.total) > 1, False)
    hook = next(steps)
    assert isinstance(hook, Hook) and hook.function == order.before_save
    call = steps.send(None)
    assert isinstance(call, Call) and call.method == OFFLINE.native.put_item
    table, item, condition, return_old = call.args
    assert table == "orders" and return_old is False, "no stored item wanted back"
    assert item == {
        "pk": {"S": "C#1"},
        "sk": {"S": "O#1"},
        "total": {"N": "1.5"},
        "version": {"N": "1"},
    }
    assert condition.text == "(attribute_not_exists(#n0) OR #n0 = :v0) AND #n1 > :v1"
    assert condition.names == {"#n0": "version", "#n1": "total"}
    assert condition.values == {":v0": {"N": "0"}, ":v1": {"N": "1"}}
    steps.close()
    assert order.version == 0  # nothing was stored, so nothing changed


def test_skip_hooks_leaves_only_the_call() -> None:
    order = Order(pk="C#1", sk="O#1", total=Decimal(1))
    steps = items.save(table_of(Order), order, None, True)
    assert isinstance(next(steps), Call)
    steps.close()


def test_a_batch_get_hands_every_key_to_one_native_call() -> None:
    # Splitting into requests of 100, and reading a duplicate once, happen in Rust.
    keys = [("C#1", f"O#{i % 200}") for i in range(250)]
    steps = batches.read_keys(table_of(Order), keys, {}, False)
    call = next(steps)
    assert call.method == OFFLINE.native.batch_get
    (table,), decodings, timeout = call.args
    assert table.table == "orders" and len(table.keys) == 250
    assert len(decodings) == 1 and timeout == 60
    steps.close()


def test_bad_input_raises_before_any_step() -> None:
    steps = items.get(table_of(Order), {"pk": "C#1"}, None, False)
    with pytest.raises(dynomodel.exceptions.InvalidKeyError, match="sk"):
        next(steps)


def test_a_transaction_is_one_call_with_every_action() -> None:
    transaction = dynomodel.transaction(OFFLINE, skip_hooks=True)
    transaction.put(Order(pk="C#1", sk="O#1", total=Decimal(1)))
    transaction.delete(Order, ("C#1", "O#2"))
    steps: Any = transaction._commit()  # the steps its `with` runs
    call = next(steps)
    assert call.method == OFFLINE.native.transact_write
    actions = call.args[0]
    assert [a.table for a in actions] == ["orders", "orders"]
    steps.close()
