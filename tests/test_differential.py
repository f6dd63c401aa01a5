"""The two engines against each other: hypothesis writes sequences of operations through
dynomodel's public API, each runs on the embedded engine and on DynamoDB Local, and every step
must give the same result (or the same exception type) on both.

`make test` runs DYNOMODEL_FUZZ_EXAMPLES (200) sequences; `make fuzz` many more. A sequence
that made them disagree once stays below as an `@example`, fixed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import dynomodel
from dynomodel import (
    DynamoClient,
    DynamoModel,
    GlobalIndex,
    PartitionKey,
    RawCondition,
    SortKey,
    Table,
    attr,
)
from dynomodel.exceptions import DynamoError, TransactionCanceledError

EXAMPLES = int(os.environ.get("DYNOMODEL_FUZZ_EXAMPLES", "200"))


class Thing(DynamoModel):
    pk: Annotated[str, PartitionKey]
    sk: Annotated[int, SortKey]
    n: int = 0
    tags: set[str] = set()
    s: str | None = None
    g: str | None = None
    d: Decimal | None = None


INDEXES = [GlobalIndex("g-index", partition_key="g", sort_key="sk")]


@dataclass
class Engines:
    memory: Table[Thing]
    local: Table[Thing]


@pytest.fixture(scope="module")
def engines(request: pytest.FixtureRequest) -> Iterator[Engines]:
    if "local" not in os.environ.get("DYNOMODEL_TEST_BACKENDS", "local"):
        pytest.skip("the differential test needs DynamoDB Local (DYNOMODEL_TEST_BACKENDS)")
    local = DynamoClient(
        endpoint_url=request.getfixturevalue("local_endpoint"),
        region="us-east-1",
        access_key_id="differential",
        secret_access_key="x",
    )
    name = f"diff-{uuid.uuid4().hex[:8]}"
    tables = Engines(
        memory=Table(
            Thing,
            name,
            partition_key="pk",
            sort_key="sk",
            indexes=INDEXES,
            client=DynamoClient(endpoint_url="memory://"),
        ),
        local=Table(Thing, name, partition_key="pk", sort_key="sk", indexes=INDEXES, client=local),
    )
    tables.memory.sync_create_table()
    tables.local.sync_create_table()
    yield tables
    tables.local.sync_delete_table()


# -- what one step does, given a table; both engines get the same step.

Step = Callable[[Table[Thing], str], Any]
"""A step: run against a table, with the example's own partition key prefix."""

PKS = st.sampled_from(["a", "b"])
SKS = st.integers(0, 5)
TAGS = st.frozensets(st.sampled_from(["x", "y", "z"]), max_size=2)
TEXT = st.none() | st.sampled_from(["p", "q"])
INDEX_KEYS = TEXT | st.just("w" * 2040)  # over 2048 bytes with the example's prefix
NUMBERS = st.none() | st.sampled_from(
    [Decimal("0"), Decimal("-1.5"), Decimal("1E+30"), Decimal("0.000001"), Decimal("123.456")]
)


def conditions() -> st.SearchStrategy[Any]:
    return st.sampled_from(
        [
            None,
            attr(Thing.pk).exists(),
            attr(Thing.pk).not_exists(),
            attr(Thing.n) > 1,
            attr(Thing.tags).contains("x"),
            attr(Thing.s).attribute_type("S"),
            attr(Thing.d) < Decimal("1.5"),
            attr(Thing.d).between(Decimal("-2"), Decimal("200")),
            RawCondition("#n = :v", names={"#n": "n"}),  # a placeholder with no value
            RawCondition("#n >", names={"#n": "n"}),  # not an expression
        ]
    )


def put_step(
    pk: str,
    sk: int,
    n: int = 0,
    tags: frozenset[str] = frozenset(),
    s: str | None = None,
    g: str | None = None,
    d: Decimal | None = None,
    condition: Any = None,
) -> tuple[str, Step]:
    def step(table: Table[Thing], run: str) -> Any:
        thing = Thing(pk=run + pk, sk=sk, n=n, tags=set(tags), s=s, g=g and run + g, d=d)
        table.sync_save(thing, condition=condition)

    return f"put {pk}/{sk} n={n} tags={set(tags)} s={s} g={g} d={d} if {condition!r}", step


@st.composite
def puts(draw: st.DrawFn) -> tuple[str, Step]:
    return put_step(
        draw(PKS),
        draw(SKS),
        draw(st.integers(-3, 3)),
        draw(TAGS),
        draw(TEXT),
        draw(INDEX_KEYS),
        draw(NUMBERS),
        draw(conditions()),
    )


@st.composite
def updates(draw: st.DrawFn) -> tuple[str, Step]:
    pk, sk, condition = draw(PKS), draw(SKS), draw(conditions())
    chosen = draw(
        st.lists(st.sampled_from(["inc", "add", "del", "set", "remove"]), min_size=1, max_size=3)
    )
    actions = {
        "inc": attr(Thing.n).increment(2),
        "add": attr(Thing.tags).add({"y"}),
        "del": attr(Thing.tags).delete({"x"}),
        "set": attr(Thing.s).set("q"),
        "remove": attr(Thing.s).remove(),
    }

    def step(table: Table[Thing], run: str) -> Any:
        picked = [actions[a] for a in dict.fromkeys(chosen)]
        updated = table.sync_update_by_key(pk=run + pk, sk=sk, actions=picked, condition=condition)
        return shown(updated, run)

    return f"update {pk}/{sk} {chosen} if {condition!r}", step


@st.composite
def deletes(draw: st.DrawFn) -> tuple[str, Step]:
    pk, sk, condition = draw(PKS), draw(SKS), draw(conditions())

    def step(table: Table[Thing], run: str) -> Any:
        table.sync_delete_by_key(pk=run + pk, sk=sk, condition=condition)

    return f"delete {pk}/{sk} if {condition!r}", step


def gets_step(pk: str, sk: int) -> Step:
    def step(table: Table[Thing], run: str) -> Any:
        return shown(table.sync_get(pk=run + pk, sk=sk, consistent_read=True), run)

    return step


@st.composite
def gets(draw: st.DrawFn) -> tuple[str, Step]:
    pk, sk = draw(PKS), draw(SKS)
    return f"get {pk}/{sk}", gets_step(pk, sk)


@st.composite
def queries(draw: st.DrawFn) -> tuple[str, Step]:
    pk = draw(PKS)
    low, high = sorted((draw(SKS), draw(SKS)))
    key = draw(
        st.sampled_from(
            [None, attr(Thing.sk).between(low, high), attr(Thing.sk) >= low, attr(Thing.sk) < high]
        )
    )
    where = draw(
        st.sampled_from(
            [None, attr(Thing.n) >= 0, attr(Thing.s).exists(), attr(Thing.d) > Decimal("0.5")]
        )
    )
    limit = draw(st.none() | st.integers(1, 4))
    forward = draw(st.booleans())

    def step(table: Table[Thing], run: str) -> Any:
        read = {
            "partition_key": run + pk,
            "sort_key_condition": key,
            "filter_condition": where,
            "scan_index_forward": forward,
            "consistent_read": True,
        }
        results = table.sync_query(**read, limit=limit)
        page = [shown(t, run) for t in results]
        resumed = results.last_evaluated_key
        rest = table.sync_query(**read, last_evaluated_key=resumed)
        counted = table.sync_count(filter_condition=attr(Thing.pk) == run + pk)
        # The resume key itself is the engine's to choose (when a filter drops items, or when
        # the limit is reached on the last item, where DynamoDB may or may not say there could
        # be more): what follows it must be the same, and nothing follows no key.
        return page, [shown(t, run) for t in rest] if resumed else [], counted

    return f"query {pk} {key!r} filter {where!r} limit={limit} forward={forward}", step


@st.composite
def index_queries(draw: st.DrawFn) -> tuple[str, Step]:
    g = draw(st.sampled_from(["p", "q"]))

    def step(table: Table[Thing], run: str) -> Any:
        return sorted(
            (shown(t, run) for t in table.index("g-index").sync_query(partition_key=run + g)),
            key=repr,
        )

    return f"query g-index {g}", step


@st.composite
def scans(draw: st.DrawFn) -> tuple[str, Step]:
    where = draw(st.sampled_from([None, attr(Thing.n) < 0, attr(Thing.tags).contains("y")]))

    def step(table: Table[Thing], run: str) -> Any:
        # Only this example's items; scan order is the engine's (by hash), so sorted.
        mine = attr(Thing.pk).begins_with(run)
        condition = mine if where is None else mine & where
        return sorted(
            (shown(t, run) for t in table.sync_scan(filter_condition=condition)), key=repr
        )

    return f"scan filter {where!r}", step


@st.composite
def batches(draw: st.DrawFn) -> tuple[str, Step]:
    writes = draw(st.lists(st.tuples(st.booleans(), PKS, SKS, st.integers(0, 3)), max_size=6))
    keys = draw(st.lists(st.tuples(PKS, SKS), max_size=6))

    def step(table: Table[Thing], run: str) -> Any:
        with table.batch_write() as batch:
            for put, pk, sk, n in writes:
                if put:
                    batch.put(Thing(pk=run + pk, sk=sk, n=n))
                else:
                    batch.delete_by_key(table, (run + pk, sk))
        found = table.sync_batch_get([(run + pk, sk) for pk, sk in keys], consistent_read=True)
        return [shown(t, run) for t in found]

    return f"batch writes {writes} then get {keys}", step


@st.composite
def transactions(draw: st.DrawFn) -> tuple[str, Step]:
    chosen = draw(
        st.lists(
            st.tuples(st.sampled_from(["put", "update", "delete", "check"]), PKS, SKS),
            min_size=1,
            max_size=3,
            unique_by=lambda a: (a[1], a[2]),
        )
    )
    condition = draw(conditions())

    def step(table: Table[Thing], run: str) -> Any:
        with dynomodel.transaction(table.client) as tx:
            for kind, pk, sk in chosen:
                key = (run + pk, sk)
                if kind == "put":
                    tx.put(Thing(pk=run + pk, sk=sk, n=9), condition=condition, table=table)
                elif kind == "update":
                    tx.update(table, key, actions=[attr(Thing.n).increment(1)], condition=condition)
                elif kind == "delete":
                    tx.delete(table, key, condition=condition)
                else:
                    tx.condition_check(table, key, condition=condition or attr(Thing.pk).exists())
        found = dynomodel.sync_transact_get([(table, (run + pk, sk)) for _, pk, sk in chosen])
        return [shown(t, run) for t in found]

    return f"transaction {chosen} if {condition!r}", step


STEPS = st.one_of(
    puts(),
    updates(),
    deletes(),
    gets(),
    queries(),
    index_queries(),
    scans(),
    batches(),
    transactions(),
)


def shown(thing: Thing | None, run: str) -> Any:
    """A result without the example's prefix, comparable across engines."""
    if thing is None:
        return None
    data = thing.model_dump()
    data["pk"] = data["pk"].removeprefix(run)
    if data["g"] is not None:
        data["g"] = data["g"].removeprefix(run)
    data["tags"] = sorted(data["tags"])
    return data


def outcome(step: Step, table: Table[Thing], run: str) -> Any:
    """What a step gave: its value, or the type of error it raised (with each canceled
    transaction action's reason code)."""
    try:
        return ("ok", step(table, run))
    except TransactionCanceledError as error:
        return ("canceled", [reason.code for reason in error.reasons])
    except (DynamoError, ValueError, TypeError) as error:
        return ("error", type(error).__name__)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=8))
# Found here: the embedded engine stored an index key over 2048 bytes, which DynamoDB Local
# (and DynamoDB) refuse. Fixed on our side: the codec refuses it before sending, everywhere.
@example(steps=[put_step("a", 0, g="w" * 2040), ("get a/0", gets_step("a", 0))])
def test_both_engines_answer_every_sequence_alike(
    engines: Engines, steps: list[tuple[str, Step]]
) -> None:
    run = f"{uuid.uuid4().hex[:8]}#"
    for number, (described, step) in enumerate(steps):
        on_memory = outcome(step, engines.memory, run)
        on_local = outcome(step, engines.local, run)
        # `--hypothesis-show-statistics` shows what the sequences exercised.
        event(f"{described.split()[0]}: {on_memory[0]}")
        history = "\n".join(f"  {i}: {d}" for i, (d, _) in enumerate(steps[: number + 1]))
        assert on_memory == on_local, (
            f"the engines disagree at step {number}:\n{history}\n"
            f"memory://: {on_memory}\nDynamoDB Local: {on_local}"
        )
