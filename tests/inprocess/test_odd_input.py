"""Odd input from the server is tolerated by the form and interrupt rules, in process (odd
input end to end, through `hil`: tests/test_odd_input.py)."""

from __future__ import annotations

from hilcli.events import PendingInterrupt
from hilcli.forms import form_fields, value_problem
from hilcli.interrupts import classify, interrupt_summary


def test_unusable_schema_keywords_do_not_block_an_answer() -> None:
    """A bad regex or a wrongly typed keyword in a response_schema is not the user's fault."""
    assert value_problem({"type": "string", "pattern": "["}, "x") is None
    assert value_problem({"type": "integer", "minimum": "a"}, 3) is None
    assert value_problem({"type": 5}, 3) is None
    assert value_problem({"type": "integer", "minimum": 1}, 0) is not None


def test_required_list_with_odd_items_is_tolerated() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": [{}, "a"]}
    (field,) = form_fields(schema)
    assert field.name == "a"
    assert field.required


def test_review_request_with_odd_lists_still_classifies() -> None:
    value = {"action_requests": [{"name": "send", "args": {}}], "review_configs": 5}
    interrupt = PendingInterrupt(id="i1", value=value)
    classify(interrupt)
    assert interrupt_summary(interrupt)
