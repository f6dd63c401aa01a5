"""Single-table design on both engines: entities keyed by `KeyTemplate`s in one table, their
type attribute, queries kept to one entity, an index shared by two entities, and collections
that read several entities of one partition in one stream."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from conftest import Driver, get_raw, put_raw

from dynomodel import (
    Collection,
    DynamoClient,
    DynamoModel,
    GlobalIndex,
    KeyTemplate,
    attr,
    transaction,
)
from dynomodel.exceptions import (
    InvalidExpressionError,
    InvalidKeyError,
    KeyTemplateError,
    KeyTooLargeError,
    ModelDefinitionError,
)

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def shop(name: str) -> Any:
    """Three entities of the table `name`, sharing its partitions and the index `gsi1`."""

    partition = KeyTemplate("pk", "CUSTOMER#{customer_id}")

    class Customer(
        DynamoModel, table=name, partition_key=partition, sort_key=KeyTemplate("sk", "PROFILE")
    ):
        customer_id: str
        name: str
        email: str
        by_email: ClassVar[GlobalIndex] = GlobalIndex(
            "gsi1",
            partition_key=KeyTemplate("gsi1pk", "EMAIL#{email}"),
            sort_key=KeyTemplate("gsi1sk", "CUSTOMER"),
        )

    class Order(
        DynamoModel,
        table=name,
        partition_key=partition,
        sort_key=KeyTemplate("sk", "ORDER#{placed_at}#{number:06}"),
    ):
        customer_id: str
        placed_at: datetime
        number: int
        total: Decimal
        status: str = "new"
        by_status: ClassVar[GlobalIndex] = GlobalIndex(
            "gsi1",
            partition_key=KeyTemplate("gsi1pk", "STATUS#{status}"),
            sort_key=KeyTemplate("gsi1sk", "{placed_at}"),
        )

    class Address(
        DynamoModel,
        table=name,
        partition_key=partition,
        sort_key=KeyTemplate("sk", "{label}"),
        entity="address",
    ):
        customer_id: str
        label: str
        city: str

    return Customer, Order, Address


async def filled(name: str, driver: Driver) -> Any:
    Customer, Order, Address = shop(name)
    await driver(Customer.create_table)
    await driver(Customer(customer_id="C1", name="Ann", email="ann@example.com").save)
    await driver(Customer(customer_id="C2", name="Bo", email="bo@example.com").save)
    for number in (2, 10, 1):
        placed = T0 + timedelta(days=number)
        await driver(Order(customer_id="C1", placed_at=placed, number=number, total=number).save)
    await driver(Order(customer_id="C2", placed_at=T0, number=1, total=5, status="paid").save)
    await driver(Address(customer_id="C1", label="home", city="Oslo").save)
    return Customer, Order, Address


async def test_items_store_their_keys_and_type(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Customer, Order, _ = await filled(table_name, driver)
    stored = get_raw(
        client,
        table_name,
        {
            "pk": {"S": "CUSTOMER#C1"},
            "sk": {"S": f"ORDER#{T0 + timedelta(days=2):%Y-%m-%dT%H:%M:%S}.000000Z#000002"},
        },
    )
    assert stored is not None
    assert stored["_type"] == {"S": "Order"}
    assert stored["gsi1pk"] == {"S": "STATUS#new"}
    assert stored["gsi1sk"] == {"S": "2024-05-03T09:30:00.000000Z"}
    assert stored["number"] == {"N": "2"} and stored["customer_id"] == {"S": "C1"}
    address = get_raw(client, table_name, {"pk": {"S": "CUSTOMER#C1"}, "sk": {"S": "home"}})
    assert address is not None and address["_type"] == {"S": "address"}

    by_fields = await driver(
        Order.get, customer_id="C1", placed_at=T0 + timedelta(days=2), number=2
    )
    assert by_fields is not None and by_fields.total == 2
    raw_key = {"pk": stored["pk"]["S"], "sk": stored["sk"]["S"]}
    assert await driver(Order.get, **raw_key) == by_fields
    profile = await driver(Customer.get, customer_id="C1", consistent_read=True)
    assert profile is not None and profile.name == "Ann"


async def test_a_field_stored_only_in_the_key_is_read_back_from_it(
    client: DynamoClient, table_name: str
) -> None:
    _, Order, _ = shop(table_name)
    await Order.create_table()
    sort = "ORDER#2024-05-01T09:30:00.000000Z#000042"
    put_raw(
        client,
        table_name,
        {
            "pk": {"S": "CUSTOMER#C9"},
            "sk": {"S": sort},
            "_type": {"S": "Order"},
            "total": {"N": "7"},
        },
    )
    order = await Order.get(customer_id="C9", placed_at=T0, number=42)
    assert order is not None
    assert (order.customer_id, order.placed_at, order.number) == ("C9", T0, 42)
    [queried] = [o async for o in Order.query(customer_id="C9")]
    assert queried == order


async def test_queries_return_their_own_entity(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Customer, Order, Address = await filled(table_name, driver)
    orders = await driver.list(Order.query(customer_id="C1"))
    assert [o.number for o in orders] == [1, 2, 10]  # padded: string order is numeric order
    assert [c.name for c in await driver.list(Customer.query(customer_id="C1"))] == ["Ann"]
    # The address's sort key starts with a field: its type is filtered on instead.
    assert [a.city for a in await driver.list(Address.query(customer_id="C1"))] == ["Oslo"]
    later = await driver.list(Order.query(customer_id="C1", placed_at=T0 + timedelta(days=10)))
    assert [o.number for o in later] == [10]
    newest = await driver.list(Order.query(customer_id="C1", scan_index_forward=False, limit=1))
    assert [o.number for o in newest] == [10]


async def test_scans_and_counts_of_an_entity_see_its_own_items(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Customer, Order, Address = await filled(table_name, driver)
    orders = await driver.list(Order.scan(filter_condition=attr(Order.total) >= 2))
    assert sorted((o.customer_id, o.number) for o in orders) == [("C1", 2), ("C1", 10), ("C2", 1)]
    assert await driver(Order.count) == 4
    assert sorted(c.name for c in await driver.list(Customer.scan(segments=2))) == ["Ann", "Bo"]
    assert await driver(Address.count) == 1


async def test_an_entity_query_resumes_where_it_stopped(
    client: DynamoClient, table_name: str
) -> None:
    _, Order, _ = await filled(table_name, Driver(False))
    first = Order.query(customer_id="C1", limit=2)
    seen = [o.number async for o in first]
    rest = [
        o.number
        async for o in Order.query(customer_id="C1", last_evaluated_key=first.last_evaluated_key)
    ]
    assert seen + rest == [1, 2, 10]


async def test_an_index_shared_by_two_entities(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Customer, Order, _ = await filled(table_name, driver)
    [ann] = await driver.list(Customer.by_email.query(email="ann@example.com"))
    assert ann.customer_id == "C1"
    paid = await driver.list(Order.by_status.query(status="paid"))
    assert [(o.customer_id, o.number) for o in paid] == [("C2", 1)]
    new = await driver.list(Order.by_status.query(status="new", scan_index_forward=False))
    assert [o.number for o in new] == [10, 2, 1]


async def test_updates_build_index_keys_again(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    _, Order, _ = await filled(table_name, driver)
    order = await driver(Order.get, customer_id="C1", placed_at=T0 + timedelta(days=1), number=1)
    assert order is not None
    await driver(order.update, status="paid")
    paid = await driver.list(Order.by_status.query(status="paid"))
    assert sorted((o.customer_id, o.number) for o in paid) == [("C1", 1), ("C2", 1)]
    with pytest.raises(InvalidExpressionError, match="'number': the key 'sk' is built from it"):
        await driver(order.update, number=3)
    by_key = await driver(
        Order.update_by_key,
        customer_id="C1",
        placed_at=T0 + timedelta(days=10),
        number=10,
        status="void",
    )
    assert [o.number for o in await driver.list(Order.by_status.query(status="void"))] == [
        by_key.number
    ]
    updated = await driver(
        Order.update_by_key,
        customer_id="C1",
        placed_at=T0 + timedelta(days=2),
        number=2,
        total=Decimal(8),
    )
    assert updated.total == 8
    await driver(Order.delete_by_key, customer_id="C1", placed_at=T0 + timedelta(days=2), number=2)
    assert (
        await driver(Order.get, customer_id="C1", placed_at=T0 + timedelta(days=2), number=2)
        is None
    )


async def test_batches_and_transactions_write_the_type(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Customer, Order, _ = shop(table_name)
    await driver(Customer.create_table)
    async with driver.block(Order.batch_write()) as batch:
        batch.put(Order(customer_id="B", placed_at=T0, number=1, total=1))
    async with driver.block(transaction()) as tx:
        tx.put(Customer(customer_id="B", name="B", email="b@example.com"))
    item = get_raw(client, table_name, {"pk": {"S": "CUSTOMER#B"}, "sk": {"S": "PROFILE"}})
    assert item is not None and item["_type"] == {"S": "Customer"}
    found = await driver(Order.batch_get, [{"customer_id": "B", "placed_at": T0, "number": 1}])
    assert [o.number for o in found] == [1]


async def test_collections_read_every_entity_of_a_partition(
    client: DynamoClient, table_name: str, driver: Driver
) -> None:
    Customer, Order, Address = await filled(table_name, driver)
    put_raw(
        client,
        table_name,
        {"pk": {"S": "CUSTOMER#C1"}, "sk": {"S": "NOTE#1"}, "_type": {"S": "note"}},
    )
    put_raw(client, table_name, {"pk": {"S": "CUSTOMER#C1"}, "sk": {"S": "LEGACY"}})
    view = Collection("customer", Customer, Order, Address)
    results = view.query(customer_id="C1")
    items = await driver.list(results)
    assert [type(i).__name__ for i in items] == ["Order", "Order", "Order", "Customer", "Address"]
    assert sorted(u["sk"]["S"] for u in results.unknown) == ["LEGACY", "NOTE#1"]
    everything = await driver(view.query(customer_id="C1").collect)
    assert [o.number for o in everything.of(Order)] == [1, 2, 10]
    assert [c.name for c in everything.of(Customer)] == ["Ann"]
    assert len(everything.unknown) == 2 and everything.last_evaluated_key is None
    dicts = await driver.list(view.query(customer_id="C1", as_dict=True))
    assert dicts[-1] == {"customer_id": "C1", "label": "home", "city": "Oslo"}

    # Pages of two, each resumed from the last: every item once, unknown ones included.
    seen: list[Any] = []
    unknown = 0
    key = None
    while True:
        page = view.query(customer_id="C1", limit=2, last_evaluated_key=key)
        seen += await driver.list(page)
        unknown += len(page.unknown)
        key = page.last_evaluated_key
        if key is None:
            break
    assert seen == items and unknown >= 2


async def test_a_collection_over_an_index(client: DynamoClient, table_name: str) -> None:
    Customer, Order, _ = await filled(table_name, Driver(False))
    view = Collection("by-gsi1", Customer, Order, index="gsi1")
    [ann] = [i async for i in view.query(partition_key="EMAIL#ann@example.com")]
    assert isinstance(ann, Customer)
    paid = [i async for i in view.query(partition_key="STATUS#paid")]
    assert [(type(o).__name__, o.customer_id) for o in paid] == [("Order", "C2")]
    with pytest.raises(InvalidExpressionError, match=r"partition_key \(the entities build it"):
        view.query(email="ann@example.com")


def test_template_values_are_checked_before_sending(table_name: str) -> None:
    Customer, Order, _ = shop(table_name)
    with pytest.raises(
        KeyTemplateError, match=r"Order\.customer_id: the value holds \"#\""
    ) as caught:
        Order(customer_id="C#1", placed_at=T0, number=1, total=1).to_item()
    assert caught.value.field == "customer_id"
    for number in (1_000_000, -1):
        with pytest.raises(KeyTemplateError, match="pads this field to 6 digits"):
            Order(customer_id="C1", placed_at=T0, number=number, total=1).to_item()
    with pytest.raises(KeyTooLargeError):
        Customer(customer_id="C" * 3000, name="x", email="e").to_item()
    with pytest.raises(
        InvalidKeyError,
        match=r"missing key fields 'placed_at', 'number'; Order's keys are pk \(or customer_id\)",
    ):
        Order.table.mapping.encoded_key({"customer_id": "C1"}, "get")
    with pytest.raises(
        InvalidExpressionError,
        match="unknown option 'custmer_id' \\(did you mean customer_id\\?\\)",
    ):
        Order.query(custmer_id="C1")
    with pytest.raises(InvalidExpressionError, match="give customer_id too"):
        Order.query(number=1)

    class Ticket(DynamoModel, table=table_name, partition_key=KeyTemplate("pk", "T#{id}")):
        id: str
        status: str
        owner: str
        by_owner: ClassVar[GlobalIndex] = GlobalIndex(
            "gsi1", partition_key=KeyTemplate("gsi1pk", "OWNER#{owner}#{status}")
        )

    with pytest.raises(InvalidExpressionError, match="index key 'gsi1pk' is built: give owner too"):
        Ticket.table.mapping.field_actions({"status": "closed"})
    with pytest.raises(
        InvalidExpressionError, match="a prefix gives its first fields in that order"
    ):
        Order.query(customer_id="C1", number=1)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("X#{missing}", "names 'missing', which is not a field"),
        ("X#{blob}", "must be a string or number field"),
        ("X#{name:04}", "only a number can be zero-padded"),
        ("{name}{number}", "must hold the separator"),
        ("{name}-{number}", "must hold the separator"),
        ("{name:>4}", "the one format is a zero-padded width"),
        ("{name!r}", "no conversions"),
    ],
)
def test_templates_a_model_cannot_serve(template: str, message: str) -> None:
    with pytest.raises(ModelDefinitionError, match=message):

        class Bad(DynamoModel, table="bad-templates", partition_key=KeyTemplate("pk", template)):
            name: str
            number: int
            blob: bytes


def test_entities_are_declared_consistently(table_name: str) -> None:
    Customer, Order, _ = shop(table_name)
    with pytest.raises(ModelDefinitionError, match="filled by a key template"):

        class Clash(DynamoModel, table=table_name, partition_key=KeyTemplate("name", "N#{id}")):
            id: str
            name: str

    class Elsewhere(
        DynamoModel, table="elsewhere", partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}")
    ):
        customer_id: str

    class Plain(
        DynamoModel,
        table=table_name,
        partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
        entity=False,
    ):
        customer_id: str

    class Other(
        DynamoModel,
        table=table_name,
        partition_key=KeyTemplate("id", "C#{customer_id}"),
        entity="other",
    ):
        customer_id: str

    class Twin(
        DynamoModel,
        table=table_name,
        partition_key=KeyTemplate("pk", "CUSTOMER#{customer_id}"),
        entity="Order",
    ):
        customer_id: str

    for models, message in [
        ((Customer, Elsewhere), "is stored in 'elsewhere'"),
        ((Customer, Plain), "must be an entity"),
        ((Customer, Other), "partition key is not Customer's"),
        ((Order, Twin), "two entities are named 'Order'"),
    ]:
        with pytest.raises(ModelDefinitionError, match=message):
            Collection("bad", *models)
    assert "_type" not in Plain(customer_id="x").to_item()


async def test_a_collection_runs_each_entitys_after_load(
    client: DynamoClient, table_name: str
) -> None:
    loaded: list[str] = []
    partition = KeyTemplate("pk", "T#{tenant}")

    class Note(
        DynamoModel,
        table=table_name,
        partition_key=partition,
        sort_key=KeyTemplate("sk", "NOTE#{n}"),
    ):
        tenant: str
        n: int

        def after_load(self) -> None:
            loaded.append(f"note {self.n}")

    class Tag(
        DynamoModel,
        table=table_name,
        partition_key=partition,
        sort_key=KeyTemplate("sk", "TAG#{name}"),
    ):
        tenant: str
        name: str

    await Note.create_table()
    await Note(tenant="t", n=1).save()
    await Tag(tenant="t", name="x").save()
    items = [i async for i in Collection("tenant", Note, Tag).query(tenant="t")]
    assert [type(i).__name__ for i in items] == ["Note", "Tag"] and loaded == ["note 1"]
    loaded.clear()
    [i async for i in Collection("tenant", Note, Tag).query(tenant="t", skip_hooks=True)]
    assert loaded == []
