"""Must NOT type-check: each line marked `# error` is a mistake the checkers have to catch."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel

from dynomodel import Condition, DynamoModel, PartitionKey, UpdateAction, attr, size
from dynomodel._expr.builder import ExpressionBuilder


class Line(BaseModel):
    sku: str


class Order(DynamoModel, table="orders"):
    pk: Annotated[str, PartitionKey]
    total: Decimal
    status: str
    quantity: int
    tags: set[str] = set()
    lines: list[Line] = []
    note: str | None = None


def use(condition: Condition) -> None:
    print(condition)


def apply(action: UpdateAction) -> None:
    print(action)


def misuse() -> None:
    use(attr(Order.total) > "3")  # error
    use(attr(Order.quantity) <= Decimal(1))  # error
    use(attr(Order.status) < 3)  # error
    use(attr(Order.total) == "3")  # error
    use(attr(Order.quantity).begins_with("x"))  # error
    use(attr(Order.tags).begins_with("x"))  # error
    use(attr(Order.status).begins_with(b"x"))  # error
    use(attr(Order.total).between("a", "b"))  # error
    use(attr(Order.status).is_in("a", 2))  # error
    use(attr(Order.status).is_in([1, 2]))  # error
    use(attr(Order.quantity).contains(1))  # error
    use(attr(Order.tags).contains(1))  # error
    use(attr(Order.note).attribute_type("STRING"))  # error
    use(size(attr(Order.tags)) > "2")  # error
    use(size(Order.tags) > 2)  # error
    apply(attr(Order.status).set(3))  # error
    apply(attr(Order.quantity).set("3"))  # error
    apply(attr(Order.status).add("x"))  # error
    apply(attr(Order.tags).add({1}))  # error
    apply(attr(Order.tags).add("x"))  # error
    apply(attr(Order.quantity).delete({1}))  # error
    apply(attr(Order.tags).append(["x"]))  # error
    apply(attr(Order.lines).append(["x"]))  # error
    apply(attr(Order.status).increment())  # error
    apply(attr(Order.quantity).increment(Decimal(1)))  # error
    apply(attr(Order.status).if_not_exists(1))  # error
    ExpressionBuilder().update(attr(Order.status).remove())  # error
    use(attr(Order.status).set("x"))  # error


def bad_reads() -> None:
    Order.query(partition_key="x", filter_condition=attr(Order.total) == "3")  # error
    Order.query(partition_key="x", sort_key_condition="pk = :v")  # error
    print(Order.sync_query(partition_key="x").sync_first().total)  # error
