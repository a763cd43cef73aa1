"""Unit tests: forms from `response_schema` (fields, typed-text coercion, validation).

The two booking schemas are the ones the real server published for the `form` (a dict
schema) and `form_validated` (a Pydantic model) graphs; the others follow what Pydantic
generates for optional, nested and bounded fields.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from hilcli.forms import (
    MISSING,
    FieldProblem,
    FormField,
    form_fields,
    form_value,
    is_form_schema,
    pick_choice,
    value_problem,
)
from tests.support import RECORDED_DIR


def recorded_schema(name: str) -> dict[str, Any]:
    state = json.loads((RECORDED_DIR / f"shape_{name}.state.json").read_text())
    schema: dict[str, Any] = state["interrupts"][0]["response_schema"]
    return schema


def field_named(schema: dict[str, Any], name: str) -> FormField:
    return next(f for f in form_fields(schema) if f.name == name)


class Address(BaseModel):
    street: str
    zip: str = Field(pattern=r"^\d{5}$")


class Profile(BaseModel):
    """A profile with every kind of field."""

    age: int | None = Field(default=None, ge=0, le=150, description="Age in years")
    height: float = Field(gt=0, lt=3, description="Height in metres")
    tags: list[str] = Field(default_factory=list)
    address: Address
    nickname: str | None = None


PROFILE = Profile.model_json_schema()


@pytest.mark.parametrize("name", ["form", "form_validated"])
def test_booking_fields_in_schema_order(name: str) -> None:
    fields = form_fields(recorded_schema(name))
    assert [f.name for f in fields] == ["name", "nights", "breakfast", "room"]
    assert [f.kind for f in fields] == ["string", "integer", "boolean", "enum"]
    assert [f.required for f in fields] == [True, True, False, False]
    name_field, nights, breakfast, room = fields
    assert name_field.description == "Name of the guest"
    assert nights.type_label == "integer ≥ 1"
    assert breakfast.has_default and breakfast.default is False
    assert room.choices == ("single", "double", "suite") and room.default == "double"


def test_typed_text_becomes_the_property_type() -> None:
    schema = recorded_schema("form")
    assert field_named(schema, "name").parse("Ada Lovelace") == "Ada Lovelace"
    assert field_named(schema, "nights").parse(" 3 ") == 3
    breakfast = field_named(schema, "breakfast")
    assert [breakfast.parse(t) for t in ("y", "Yes", "n", "false")] == [True, True, False, False]
    room = field_named(schema, "room")
    assert [room.parse(t) for t in ("suite", "Si", "d", "DOUBLE")] == [
        "suite",
        "single",
        "double",
        "double",
    ]
    with pytest.raises(FieldProblem, match="'s' could be single or suite; type more letters"):
        room.parse("s")


def test_empty_answers_take_defaults_or_are_refused() -> None:
    schema = recorded_schema("form_validated")
    assert field_named(schema, "breakfast").parse("") is False
    assert field_named(schema, "room").parse("") == "double"
    with pytest.raises(FieldProblem, match="name is required"):
        field_named(schema, "name").parse("")
    assert field_named(PROFILE, "nickname").parse("") is None  # has default None


def test_bad_values_say_why() -> None:
    schema = recorded_schema("form")
    nights = field_named(schema, "nights")
    with pytest.raises(FieldProblem, match="nights: 0 is less than the minimum of 1"):
        nights.parse("0")
    with pytest.raises(FieldProblem, match="'two' is not a whole number"):
        nights.parse("two")
    with pytest.raises(FieldProblem, match="answer y or n"):
        field_named(schema, "breakfast").parse("maybe")
    with pytest.raises(FieldProblem, match="choose one of single, double, suite"):
        field_named(schema, "room").parse("penthouse")


def test_optional_nested_and_bounded_fields() -> None:
    age = field_named(PROFILE, "age")
    assert age.kind == "integer" and age.nullable and not age.required
    assert age.type_label == "integer ≥ 0 ≤ 150"
    assert age.parse("42") == 42
    with pytest.raises(FieldProblem, match="151 is greater than the maximum of 150"):
        age.parse("151")
    height = field_named(PROFILE, "height")
    assert height.type_label == "number > 0 < 3"
    assert height.parse("1.8") == 1.8
    with pytest.raises(FieldProblem, match="is greater than or equal to the maximum of 3"):
        height.parse("3")
    tags = field_named(PROFILE, "tags")
    assert tags.kind == "array"
    assert tags.parse('["a", "b"]') == ["a", "b"]
    with pytest.raises(FieldProblem, match="not valid JSON"):
        tags.parse("[a, b]")
    with pytest.raises(FieldProblem, match="is not of type 'string'"):
        tags.parse("[1]")
    address = field_named(PROFILE, "address")  # a $ref into $defs, resolved
    assert address.kind == "object" and address.required
    assert address.parse('{"street": "Main St", "zip": "12345"}') == {
        "street": "Main St",
        "zip": "12345",
    }
    with pytest.raises(FieldProblem, match="does not match"):
        address.parse('{"street": "Main St", "zip": "12"}')
    with pytest.raises(FieldProblem, match="'street' is a required property"):
        address.parse('{"zip": "12345"}')


def test_form_value_leaves_out_missing_fields_and_validates_whole() -> None:
    schema = recorded_schema("form")
    answer = form_value({"name": "Ada", "nights": 2, "breakfast": MISSING, "room": "suite"})
    assert answer == {"name": "Ada", "nights": 2, "room": "suite"}
    assert value_problem(schema, answer) is None
    assert value_problem(schema, {"name": "Ada"}) == "'nights' is a required property"
    assert value_problem(schema, "Ada") == "'Ada' is not of type 'object'"


def test_text_of_offers_a_previous_value_for_editing() -> None:
    schema = recorded_schema("form")
    assert field_named(schema, "breakfast").text_of(True) == "y"
    assert field_named(schema, "nights").text_of(2) == "2"
    assert field_named(schema, "name").text_of("Ada") == "Ada"
    assert field_named(PROFILE, "tags").text_of(["a"]) == '["a"]'
    assert field_named(schema, "room").text_of(MISSING) == ""


def test_pick_choice_by_name_or_unique_prefix() -> None:
    decisions = ["approve", "edit", "reject", "respond"]
    assert pick_choice(decisions, "a") == "approve"
    assert pick_choice(decisions, "EDIT") == "edit"
    assert pick_choice(decisions, "r") is None  # reject or respond
    assert pick_choice(decisions, "res") == "respond"
    assert pick_choice(decisions, "") is None
    assert pick_choice(decisions, "x") is None


def test_which_schemas_are_forms() -> None:
    assert is_form_schema(recorded_schema("form"))
    assert is_form_schema(PROFILE)
    assert not is_form_schema({"type": "string"})
    assert not is_form_schema({"type": "object"})
    assert not is_form_schema(None)
    per_call = json.loads((RECORDED_DIR / "shape_per_call.state.json").read_text())
    assert not is_form_schema(per_call["interrupts"][0]["response_schema"])  # a oneOf
