"""Typed paths, conditions and update actions, and their exact compiled form (no network)."""

from __future__ import annotations

import copy
import pickle
import re
import warnings
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dynomodel import DynamoModel, PartitionKey, SortKey, dynamo_table
from dynomodel._expr.builder import ExpressionBuilder
from dynomodel._expr.nodes import (
    And,
    BeginsWith,
    Between,
    Comparison,
    Condition,
    Not,
    Or,
    RawCondition,
    UpdateAction,
)
from dynomodel._expr.paths import Attr, Path, Size, attr, install_paths, size, stored
from dynomodel._schema.codec import ModelCodec
from dynomodel._schema.wire import AttributeValue
from dynomodel.exceptions import (
    InvalidExpressionError,
    InvalidNumberError,
    NaiveDatetimeError,
    UnexpectedTypeError,
)


class Line(BaseModel):
    sku: str
    qty: int


class Address(BaseModel):
    city: str
    zip_code: str = Field(alias="zip")


class Order(BaseModel):
    pk: str
    sk: str
    total: Decimal = Field(alias="Total")
    status: str
    quantity: int
    weight: float
    tags: set[str] = set()
    lines: list[Line] = []
    address: Address | None = None
    meta: dict[str, int] = {}
    note: str | None = None
    created_at: datetime
    data: bytes = b""


def with_paths(model: type[BaseModel]) -> None:
    install_paths(model, ModelCodec(model))


with_paths(Order)

WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def make_order(**changes: Any) -> Order:
    values: dict[str, Any] = {
        "pk": "CUSTOMER#1",
        "sk": "ORDER#1",
        "Total": Decimal("19.90"),
        "status": "open",
        "quantity": 2,
        "weight": 1.5,
        "created_at": WHEN,
    }
    return Order(**{**values, **changes})


def compiled(condition: Condition) -> tuple[str, dict[str, str], dict[str, AttributeValue]]:
    builder = ExpressionBuilder()
    text = builder.condition(condition)
    return text, builder.names, builder.values


def compiled_update(
    *actions: UpdateAction,
) -> tuple[str, dict[str, str], dict[str, AttributeValue]]:
    builder = ExpressionBuilder()
    text = builder.update(actions)
    return text, builder.names, builder.values


# -- the descriptors on the class


def test_class_access_is_a_path_and_instances_are_untouched() -> None:
    assert isinstance(Order.total, Path)
    order = make_order()
    assert order.total == Decimal("19.90")
    assert order.status == "open"
    assert order.tags == set()
    assert order.model_dump(by_alias=True)["Total"] == Decimal("19.90")
    assert order == make_order()
    assert order != make_order(status="void")
    assert Order.model_validate(order.model_dump(by_alias=True)) == order
    assert "total" in Order.model_fields
    assert pickle.loads(pickle.dumps(order)) == order
    assert copy.deepcopy(order) == order


def test_instance_without_a_value_has_no_attribute() -> None:
    order = Order.model_construct(pk="p")
    assert order.pk == "p"
    with pytest.raises(AttributeError):
        _ = order.status


def test_validate_assignment_still_validates() -> None:
    class Strict(BaseModel):
        model_config = ConfigDict(validate_assignment=True)
        count: int
        name: str = "x"

    with_paths(Strict)
    item = Strict(count=1)
    item.count = "2"
    assert item.count == 2
    with pytest.raises(ValidationError):
        item.count = "many"
    assert isinstance(Strict.count, Path)


def test_subclass_redeclaring_a_field_keeps_defaults_and_warns_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class Special(Order):
            status: str = "special"
            quantity: int
            extra: int = 5

    with_paths(Special)
    assert Special.model_fields["status"].default == "special"
    assert Special.model_fields["quantity"].is_required()
    assert Special.model_fields["tags"].default == set()
    assert Special.model_fields["note"].default is None
    special = Special(pk="p", sk="s", Total=Decimal(1), quantity=1, weight=1.0, created_at=WHEN)
    assert (special.status, special.extra, special.tags) == ("special", 5, set())
    assert repr(Special.extra) == "Path(Special.extra)"
    assert compiled(attr(Special.total) > 1)[1] == {"#n0": "Total"}
    # The parent's paths stay the parent's.
    assert repr(Order.status) == "Path(Order.status)"


def test_subclass_without_its_own_install_uses_the_inherited_codec() -> None:
    class Child(Order):
        pass

    assert repr(Child.total) == "Path(Child.total)"
    assert compiled(attr(Child.total) == 1) == ("#n0 = :v0", {"#n0": "Total"}, {":v0": {"N": "1"}})


def test_dynamo_model_paths() -> None:
    class Keyed(DynamoModel, table="keyed"):
        pk: Annotated[str, PartitionKey]
        sk: Annotated[str, SortKey]
        units: int = 0

    condition = attr(Keyed.sk).begins_with("A#") & (attr(Keyed.units) > 0)
    assert compiled(condition)[0] == "begins_with(#n0, :v0) AND #n1 > :v1"
    assert Keyed(pk="a", sk="b").units == 0


def test_dynamo_table_paths() -> None:
    @dynamo_table("users", partition_key="email")
    class User(BaseModel):
        email: str
        full_name: str = Field(alias="fullName")

    assert compiled(attr(User.full_name) == "Ada") == (
        "#n0 = :v0",
        {"#n0": "fullName"},
        {":v0": {"S": "Ada"}},
    )
    assert User(email="a", fullName="b").full_name == "b"


# -- paths


def test_nested_paths_use_stored_names() -> None:
    builder = ExpressionBuilder()
    assert builder.path(Order.address.zip_code) == "#n0.#n1"
    assert builder.path(Order.lines[2].sku) == "#n2[2].#n3"
    assert builder.path(Order.meta["a key"]) == "#n4.#n5"
    assert builder.path(Order.total) == "#n6"
    assert builder.path(Order.address.city) == "#n0.#n7"
    assert builder.names == {
        "#n0": "address",
        "#n1": "zip",
        "#n2": "lines",
        "#n3": "sku",
        "#n4": "meta",
        "#n5": "a key",
        "#n6": "Total",
        "#n7": "city",
    }
    assert builder.values == {}


def test_unknown_fields_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match=r"Order\.address has no field 'zip'"):
        _ = Order.address.zip
    with pytest.raises(AttributeError, match=r"Order\.lines\[0\] has no field 'price'"):
        _ = Order.lines[0].price
    with pytest.raises(AttributeError):
        _ = Order.total._private
    with pytest.raises(LookupError, match="no position 0"):
        _ = Order.total[0]
    with pytest.raises(LookupError):
        _ = Order.address["nope"]
    with pytest.raises(IndexError):
        _ = Order.lines[-1]
    with pytest.raises(TypeError):
        _ = Order.lines[True]
    with pytest.raises(TypeError):
        _ = Order.lines[1.5]


def test_a_path_is_not_a_container() -> None:
    with pytest.raises(TypeError, match="not iterable"):
        list(Attr("x"))
    with pytest.raises(TypeError, match="contains"):
        _ = "a" in Order.tags


def test_repr_copy_pickle_and_hash() -> None:
    path = Order.lines[0].sku
    assert repr(path) == "Path(Order.lines[0].sku)"
    assert repr(Order.meta["a key"]) == "Path(Order.meta['a key'])"
    assert repr(Attr("a.b")["c d"][0].e) == "Attr('a.b')['c d'][0].e"
    assert copy.copy(path) is path
    assert copy.deepcopy(path) is path
    for original in (path, Attr("a.b")[1]["k"]):
        restored = pickle.loads(pickle.dumps(original))
        assert repr(restored) == repr(original)
        assert ExpressionBuilder().path(restored) == ExpressionBuilder().path(original)
    assert hash(path) == hash(path)
    assert len({path, path, Order.total}) == 2


def test_attr_wants_a_class_field() -> None:
    path = Order.total
    assert attr(path) is path
    with pytest.raises(TypeError, match=r"use attr\(Order.total\)"):
        attr(make_order().total)


def test_attr_paths_take_names_whole() -> None:
    text, names, values = compiled(Attr("a.b")["k"][0] == 3)
    assert (text, names, values) == (
        "#n0.#n1[0] = :v0",
        {"#n0": "a.b", "#n1": "k"},
        {":v0": {"N": "3"}},
    )
    with pytest.raises(TypeError):
        Attr("")
    assert compiled(Attr("tags").contains("x"))[2] == {":v0": {"S": "x"}}
    assert compiled(Attr("n") == 1.5)[2] == {":v0": {"N": "1.5"}}


# -- conditions


@pytest.mark.parametrize(
    ("condition", "text"),
    [
        (attr(Order.status) == "open", "#n0 = :v0"),
        (attr(Order.status) != "open", "#n0 <> :v0"),
        (attr(Order.status) < "open", "#n0 < :v0"),
        (attr(Order.status) <= "open", "#n0 <= :v0"),
        (attr(Order.status) > "open", "#n0 > :v0"),
        (attr(Order.status) >= "open", "#n0 >= :v0"),
        ("open" < attr(Order.status), "#n0 > :v0"),  # noqa: SIM300
        (attr(Order.status).begins_with("open"), "begins_with(#n0, :v0)"),
        (attr(Order.status).contains("open"), "contains(#n0, :v0)"),
    ],
)
def test_string_conditions(condition: Condition, text: str) -> None:
    assert compiled(condition) == (text, {"#n0": "status"}, {":v0": {"S": "open"}})


def test_comparison_between_two_paths() -> None:
    assert compiled(attr(Order.weight) > attr(Order.meta["w"])) == (
        "#n0 > #n1.#n2",
        {"#n0": "weight", "#n1": "meta", "#n2": "w"},
        {},
    )


def test_numbers_are_encoded_exactly_as_stored() -> None:
    assert compiled(attr(Order.total) >= 100)[2] == {":v0": {"N": "100"}}
    digits = Decimal("12345678901234567890.123456789012345678")
    assert compiled(attr(Order.total) == digits)[2] == {":v0": {"N": str(digits)}}
    assert compiled(attr(Order.weight) < 2.5)[2] == {":v0": {"N": "2.5"}}


def test_values_take_the_stored_form() -> None:
    assert compiled(attr(Order.created_at) < WHEN)[2] == {
        ":v0": {"S": "2024-05-01T09:30:00.000000Z"}
    }
    assert compiled(attr(Order.note) == None)[2] == {":v0": {"NULL": True}}  # noqa: E711
    assert compiled(attr(Order.data).begins_with(b"\x00"))[2] == {":v0": {"B": b"\x00"}}
    assert compiled(attr(Order.tags).contains("gift"))[2] == {":v0": {"S": "gift"}}


def test_bad_values_raise_the_codec_errors_at_once() -> None:
    with pytest.raises(InvalidNumberError):
        attr(Order.total) > Decimal("NaN")  # noqa: B015
    with pytest.raises(InvalidNumberError):
        attr(Order.weight).between(0.0, float("inf"))
    with pytest.raises(UnexpectedTypeError):
        attr(Order.quantity) == "3"  # noqa: B015
    with pytest.raises(NaiveDatetimeError):
        attr(Order.created_at) < datetime(2024, 1, 1)  # noqa: B015
    with pytest.raises(InvalidNumberError):
        attr(Order.total).set(Decimal("Infinity"))
    with pytest.raises(InvalidNumberError, match=r"^Attr\('x'\)\[0\]: NaN") as raised:
        Attr("x")[0] == float("nan")  # noqa: B015
    assert raised.value.field == "Attr('x')[0]"
    with pytest.raises(InvalidNumberError):
        attr(Order.total).increment(Decimal("NaN"))


def test_between_in_and_functions() -> None:
    assert compiled(attr(Order.quantity).between(1, 9)) == (
        "#n0 BETWEEN :v0 AND :v1",
        {"#n0": "quantity"},
        {":v0": {"N": "1"}, ":v1": {"N": "9"}},
    )
    assert compiled(attr(Order.status).is_in("a", "b")) == (
        "#n0 IN (:v0, :v1)",
        {"#n0": "status"},
        {":v0": {"S": "a"}, ":v1": {"S": "b"}},
    )
    assert compiled(attr(Order.note).exists())[0] == "attribute_exists(#n0)"
    assert compiled(attr(Order.note).not_exists())[0] == "attribute_not_exists(#n0)"
    assert compiled(attr(Order.note).attribute_type("NULL")) == (
        "attribute_type(#n0, :v0)",
        {"#n0": "note"},
        {":v0": {"S": "NULL"}},
    )
    assert compiled(size(attr(Order.tags)) > 2) == (
        "size(#n0) > :v0",
        {"#n0": "tags"},
        {":v0": {"N": "2"}},
    )
    assert compiled(size(attr(Order.tags)) == size(Attr("x")))[0] == "size(#n0) = size(#n1)"


def test_in_takes_1_to_100_values() -> None:
    with pytest.raises(InvalidExpressionError, match="1 to 100"):
        attr(Order.status).is_in()
    with pytest.raises(InvalidExpressionError, match="1 to 100"):
        attr(Order.quantity).is_in(*range(101))
    assert len(compiled(attr(Order.quantity).is_in(*range(100)))[2]) == 100


def test_argument_checks() -> None:
    with pytest.raises(InvalidExpressionError, match="attribute_type"):
        attr(Order.note).attribute_type("STRING")
    with pytest.raises(TypeError):
        size("tags")
    with pytest.raises(TypeError):
        size(attr(Order.tags)) > "2"  # noqa: B015
    with pytest.raises(TypeError):
        size(attr(Order.tags)) == True  # noqa: B015, E712
    assert isinstance(size(attr(Order.tags)), Size)


def test_contains_on_sets_and_lists_encodes_an_element() -> None:
    line = Line(sku="a", qty=1)
    assert compiled(attr(Order.lines).contains(line))[2] == {
        ":v0": {"M": {"sku": {"S": "a"}, "qty": {"N": "1"}}}
    }
    with pytest.raises(UnexpectedTypeError):
        attr(Order.tags).contains(1)


def test_and_or_not_nest_with_exact_parentheses() -> None:
    a = attr(Order.status) == "a"
    b = attr(Order.quantity) > 1
    c = attr(Order.note).exists()
    assert compiled(a & b & c)[0] == "#n0 = :v0 AND #n1 > :v1 AND attribute_exists(#n2)"
    assert compiled(a | b | c)[0] == "#n0 = :v0 OR #n1 > :v1 OR attribute_exists(#n2)"
    assert compiled((a & b) | c)[0] == "(#n0 = :v0 AND #n1 > :v1) OR attribute_exists(#n2)"
    assert compiled(a & (b | c))[0] == "#n0 = :v0 AND (#n1 > :v1 OR attribute_exists(#n2))"
    assert compiled(~(a & b))[0] == "NOT (#n0 = :v0 AND #n1 > :v1)"
    assert compiled(~a & b)[0] == "NOT (#n0 = :v0) AND #n1 > :v1"
    assert compiled(~~a)[0] == "NOT (NOT (#n0 = :v0))"
    nested = And((a, And((b, c))))
    assert compiled(nested)[0] == "#n0 = :v0 AND (#n1 > :v1 AND attribute_exists(#n2))"
    assert isinstance(a & b, And)
    assert isinstance(a | b, Or)
    assert isinstance(~a, Not)
    assert len((a & b & c).conditions) == 3


def test_a_condition_is_not_a_bool() -> None:
    a = attr(Order.status) == "a"
    with pytest.raises(TypeError, match=re.escape("& | ~")):
        bool(a)
    with pytest.raises(TypeError):
        _ = a and a
    with pytest.raises(TypeError):
        _ = not a


def test_conditions_expose_their_parts() -> None:
    sk = attr(Order.sk)
    for condition, op in [
        (sk == "x", "="),
        (sk < "x", "<"),
        (sk >= "x", ">="),
        (sk.between("a", "b"), "BETWEEN"),
        (sk.begins_with("x"), "begins_with"),
    ]:
        assert isinstance(condition, Comparison | Between | BeginsWith)
        assert condition.op == op
        assert stored(condition.path) == ("sk",)
    comparison = sk == "x"
    assert isinstance(comparison, Comparison)
    assert comparison.path is sk
    assert list(comparison.value.__dynamo_paths__()) == []
    paths = list(
        ((sk == "x") & ~attr(Order.lines[0].sku).exists() | (size(Order.tags) > 1)).paths()
    )
    assert [stored(p) for p in paths] == [("sk",), ("lines", 0, "sku"), ("tags",)]
    assert list(RawCondition("x = y").paths()) == []


# -- raw conditions


def test_raw_conditions_combine_and_merge_their_placeholders() -> None:
    raw = RawCondition("attribute_not_exists(#pk)", {"#pk": "pk"})
    assert compiled(raw) == ("attribute_not_exists(#pk)", {"#pk": "pk"}, {})
    text, names, values = compiled(raw & (attr(Order.status) == "a") | ~raw)
    assert text == "((attribute_not_exists(#pk)) AND #n0 = :v0) OR NOT (attribute_not_exists(#pk))"
    assert names == {"#pk": "pk", "#n0": "status"}
    assert values == {":v0": {"S": "a"}}
    with_value = RawCondition("#s = :s", {"#s": "status"}, {":s": {"S": "open"}})
    assert compiled(with_value & with_value)[2] == {":s": {"S": "open"}}


@pytest.mark.parametrize(
    "raw",
    [
        RawCondition("attribute_exists(#n0)", {"#n0": "x"}),
        RawCondition("#x = :v1", {"#x": "x"}, {":v1": {"S": "a"}}),
        RawCondition("attribute_exists(#n12)"),
        RawCondition("#x = :v0", {"#x": "x"}),
        RawCondition("#x = :y", {"#x": "x", "#n3": "y"}, {":y": {"S": "a"}}),
    ],
)
def test_raw_conditions_cannot_take_generated_placeholders(raw: RawCondition) -> None:
    with pytest.raises(InvalidExpressionError, match="reserved"):
        compiled(raw & (attr(Order.status) == "a"))


def test_raw_placeholders_must_be_well_formed_and_consistent() -> None:
    with pytest.raises(InvalidExpressionError, match="must start with"):
        compiled(RawCondition("x", {"pk": "pk"}))
    first = RawCondition("#a = :a", {"#a": "x"}, {":a": {"S": "1"}})
    second = RawCondition("#a = :a", {"#a": "y"}, {":a": {"S": "1"}})
    with pytest.raises(InvalidExpressionError, match="different meanings"):
        compiled(first & second)
    # Names like #n0x are the user's own, not generated ones.
    assert compiled(RawCondition("attribute_exists(#n0x)", {"#n0x": "x"}))[1] == {"#n0x": "x"}


def test_raw_condition_is_still_a_frozen_dataclass() -> None:
    raw = RawCondition("a", {"#a": "b"})
    assert raw == RawCondition("a", {"#a": "b"})
    with pytest.raises(AttributeError):
        raw.expression = "b"


# -- update actions


def test_update_actions_compile_grouped_by_clause() -> None:
    text, names, values = compiled_update(
        attr(Order.status).set("shipped"),
        attr(Order.note).remove(),
        attr(Order.quantity).add(2),
        attr(Order.tags).delete({"old"}),
        attr(Order.meta["n"]).increment(),
        attr(Order.address).remove(),
    )
    assert text == (
        "SET #n0 = :v0, #n1.#n2 = #n1.#n2 + :v1 REMOVE #n3, #n4 ADD #n5 :v2 DELETE #n6 :v3"
    )
    assert names == {
        "#n0": "status",
        "#n1": "meta",
        "#n2": "n",
        "#n3": "note",
        "#n4": "address",
        "#n5": "quantity",
        "#n6": "tags",
    }
    assert values == {
        ":v0": {"S": "shipped"},
        ":v1": {"N": "1"},
        ":v2": {"N": "2"},
        ":v3": {"SS": ["old"]},
    }


@pytest.mark.parametrize(
    ("action", "text", "value"),
    [
        (attr(Order.total).set(5), "SET #n0 = :v0", {"N": "5"}),
        (attr(Order.total).add(Decimal("0.10")), "ADD #n0 :v0", {"N": "0.10"}),
        (attr(Order.total).increment(), "SET #n0 = #n0 + :v0", {"N": "1"}),
        (attr(Order.total).decrement(Decimal("2.5")), "SET #n0 = #n0 - :v0", {"N": "2.5"}),
        (
            attr(Order.total).if_not_exists(0),
            "SET #n0 = if_not_exists(#n0, :v0)",
            {"N": "0"},
        ),
    ],
)
def test_number_updates(action: UpdateAction, text: str, value: AttributeValue) -> None:
    assert compiled_update(action) == (text, {"#n0": "Total"}, {":v0": value})


def test_list_and_set_updates() -> None:
    line = Line(sku="a", qty=1)
    wire: AttributeValue = {"L": [{"M": {"sku": {"S": "a"}, "qty": {"N": "1"}}}]}
    assert compiled_update(attr(Order.lines).append([line])) == (
        "SET #n0 = list_append(#n0, :v0)",
        {"#n0": "lines"},
        {":v0": wire},
    )
    assert compiled_update(attr(Order.lines).prepend((line,)))[0] == (
        "SET #n0 = list_append(:v0, #n0)"
    )
    assert compiled_update(attr(Order.tags).add({"a"})) == (
        "ADD #n0 :v0",
        {"#n0": "tags"},
        {":v0": {"SS": ["a"]}},
    )
    assert compiled_update(attr(Order.tags).delete(frozenset({"a"})))[0] == "DELETE #n0 :v0"
    assert compiled_update(attr(Order.note).set(attr(Order.status))) == (
        "SET #n0 = #n1",
        {"#n0": "note", "#n1": "status"},
        {},
    )
    assert compiled_update(attr(Order.lines[1].qty).set(3)) == (
        "SET #n0[1].#n1 = :v0",
        {"#n0": "lines", "#n1": "qty"},
        {":v0": {"N": "3"}},
    )
    assert compiled_update(Attr("count").add(1))[2] == {":v0": {"N": "1"}}
    with pytest.raises(UnexpectedTypeError):
        attr(Order.lines).append(["not a line"])


@pytest.mark.parametrize(
    "actions",
    [
        (attr(Order.status).set("a"), attr(Order.status).remove()),
        (attr(Order.address).set(None), attr(Order.address.city).set("x")),
        (attr(Order.lines[0].sku).remove(), attr(Order.lines[0]).remove()),
        (Attr("x")["a"].remove(), Attr("x").remove()),
    ],
)
def test_overlapping_update_paths_are_refused(actions: tuple[UpdateAction, ...]) -> None:
    with pytest.raises(InvalidExpressionError, match="overlapping"):
        ExpressionBuilder().update(actions)


def test_sibling_paths_do_not_overlap() -> None:
    text = ExpressionBuilder().update(
        [
            attr(Order.lines[0].sku).set("a"),
            attr(Order.lines[1].sku).set("b"),
            attr(Order.address.city).set("c"),
            attr(Order.address.zip_code).set("d"),
        ]
    )
    assert text == "SET #n0[0].#n1 = :v0, #n0[1].#n1 = :v1, #n2.#n3 = :v2, #n2.#n4 = :v3"


def test_an_update_needs_an_action() -> None:
    with pytest.raises(InvalidExpressionError, match="at least one"):
        ExpressionBuilder().update([])


# -- one request, one namespace


def test_one_builder_shares_placeholders_across_expressions() -> None:
    builder = ExpressionBuilder()
    key = builder.condition((attr(Order.pk) == "p") & attr(Order.sk).begins_with("O#"))
    filter_ = builder.condition(attr(Order.status) != "void")
    projection = builder.projection([attr(Order.pk), attr(Order.status), Order.lines[0].sku])
    assert key == "#n0 = :v0 AND begins_with(#n1, :v1)"
    assert filter_ == "#n2 <> :v2"
    assert projection == "#n0, #n2, #n3[0].#n4"
    assert builder.names == {
        "#n0": "pk",
        "#n1": "sk",
        "#n2": "status",
        "#n3": "lines",
        "#n4": "sku",
    }
    assert list(builder.values) == [":v0", ":v1", ":v2"]
    assert builder.value({"S": "x"}) == ":v3"
    with pytest.raises(InvalidExpressionError):
        builder.projection([])
    with pytest.raises(TypeError):
        builder.condition(True)


@pytest.mark.parametrize(
    "name",
    ["status", "size", "name", "a.b", "with space", "#hash", ":colon", "ünï©ødé", "[0]", "a)b"],
)
def test_no_name_or_value_ever_appears_in_the_text(name: str) -> None:
    condition = (
        (Attr(name)[name][0] == name)
        & Attr(name).begins_with(name)
        & ~Attr(name).contains(name)
        & (size(Attr(name)) > 1)
        & Attr(name).is_in(name, name)
    )
    builder = ExpressionBuilder()
    texts = [
        builder.condition(condition),
        builder.update([Attr(name).set(name), Attr("other")[name].remove()]),
        builder.projection([Attr(name)]),
    ]
    for text in texts:
        assert re.fullmatch(r"[#:nv0-9\[\]., ()<>=+a-zA-Z_-]*", text), text
        for token in re.findall(r"[#:][A-Za-z0-9_]+", text):
            assert re.fullmatch(r"#n\d+|:v\d+", token), token
    assert set(builder.names.values()) == {name, "other"}
    assert texts[0] == (
        "#n0.#n0[0] = :v0 AND begins_with(#n0, :v1) AND NOT (contains(#n0, :v2))"
        " AND size(#n0) > :v3 AND #n0 IN (:v4, :v5)"
    )
