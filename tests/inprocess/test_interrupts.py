"""Unit tests: what each recorded interrupt asks for, and the resume values built for it.

The interrupts come from streams and thread states recorded from the real server
(tests/recorded/shape_*.sse and shape_*.state.json), one per shape of protocol.md section 3.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from hilcli.errors import UsageError
from hilcli.events import (
    InterruptCollector,
    PendingInterrupt,
    StreamEvent,
    interrupts_from_state,
    parse_event,
)
from hilcli.interrupts import (
    Breakpoint,
    Decision,
    FormQuestion,
    JsonQuestion,
    ReviewRequest,
    TextQuestion,
    answer_flags,
    answer_from_text,
    answer_problem,
    classify,
    edited_args_problem,
    interrupt_summary,
    one_shot_answer,
    review_answer,
    tool_args_schema,
)
from tests.support import RECORDED_DIR


def recorded_state(name: str) -> dict[str, Any]:
    """A thread state recorded from the server (`NAME.state.json`)."""
    state: dict[str, Any] = json.loads((RECORDED_DIR / f"{name}.state.json").read_text())
    return state


def recorded_events(name: str) -> list[StreamEvent]:
    """The events of a recorded stream (`NAME.sse`; CRLF-framed, one data line each)."""
    events = []
    text = (RECORDED_DIR / f"{name}.sse").read_bytes().decode()
    for block in text.split("\r\n\r\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\r\n") if ": " in line)
        if "event" in fields:
            events.append(parse_event(fields["event"], fields.get("data", "")))
    return events


def pending(name: str) -> list[PendingInterrupt]:
    """The interrupts of the recorded thread state `shape_NAME`."""
    return interrupts_from_state(recorded_state(f"shape_{name}"))


def streamed(name: str) -> list[PendingInterrupt]:
    """The interrupts announced on the recorded stream `shape_NAME`."""
    collector = InterruptCollector()
    for event in recorded_events(f"shape_{name}"):
        collector.add(event)
    return collector.pending


def request(name: str, index: int = 0) -> ReviewRequest:
    question = classify(pending(name)[index])
    assert isinstance(question, ReviewRequest)
    return question


# -- classification --------------------------------------------------------------------------


def test_plain_string_is_a_text_question() -> None:
    (interrupt,) = pending("ask")
    question = classify(interrupt)
    assert isinstance(question, TextQuestion)
    assert question.text == "What is your name?"


def test_json_value_is_a_json_question() -> None:
    (interrupt,) = pending("json_question")
    question = classify(interrupt)
    assert isinstance(question, JsonQuestion)
    assert question.value["options"] == ["yes", "no", "maybe"]


@pytest.mark.parametrize("name", ["form", "form_validated"])
def test_object_response_schema_is_a_form(name: str) -> None:
    (interrupt,) = pending(name)
    question = classify(interrupt)
    assert isinstance(question, FormQuestion)
    assert question.text == "Please fill in your booking details."
    assert list(question.schema["properties"]) == ["name", "nights", "breakfast", "room"]


def test_stream_interrupts_carry_no_schema_but_still_classify() -> None:
    # The stream's interrupt objects carry the response_schema as well as the state does.
    (interrupt,) = streamed("form")
    assert isinstance(classify(interrupt), FormQuestion)
    (text,) = streamed("ask")
    assert isinstance(classify(text), TextQuestion)


SHAPES = [
    "ask",
    "json_question",
    "form",
    "form_validated",
    "batched",
    "per_call",
    "inbox_list",
    "inbox_single",
    "parallel",
]


@pytest.mark.parametrize("name", SHAPES)
def test_stream_and_state_agree(name: str) -> None:
    """The stream announces the state's interrupts (once each), and they read the same."""
    on_stream, in_state = streamed(name), pending(name)
    assert [i.id for i in on_stream] == [i.id for i in in_state]
    for seen, saved in zip(on_stream, in_state, strict=True):
        # Only the label differs: the state knows the node, the root stream does not.
        assert classify(seen) == classify(dataclasses.replace(saved, node=None))


def test_batched_middleware_request() -> None:
    question = request("batched")
    assert question.style == "batched"
    send, delete = question.reviews
    assert (send.name, delete.name) == ("send_email", "delete_file")
    assert send.decisions == ("approve", "edit", "reject", "respond")
    assert delete.decisions == ("approve", "reject")
    assert send.args["to"] == "bob@example.com"
    assert send.description is not None and send.description.startswith("Tool execution")
    assert send.args_schema is None


def test_per_call_tool_approvals_read_decisions_from_the_schema() -> None:
    send_interrupt, delete_interrupt = pending("per_call")
    send, delete = classify(send_interrupt), classify(delete_interrupt)
    assert isinstance(send, ReviewRequest) and isinstance(delete, ReviewRequest)
    assert send.style == delete.style == "tool_approval"
    assert send.reviews[0].decisions == ("approve", "edit", "reject", "respond")
    assert delete.reviews[0].decisions == ("approve", "reject")
    assert send_interrupt.where == "tools"


def test_per_call_args_schema_is_the_tools_own() -> None:
    (send,) = request("per_call", 0).reviews
    assert send.args_schema is not None
    assert edited_args_problem(send, {"to": "a@b.c", "subject": "s", "body": "b"}) is None
    assert "'subject' is a required property" in (edited_args_problem(send, {"to": "x"}) or "")
    assert "is not of type 'string'" in (
        edited_args_problem(send, {"to": 3, "subject": "s", "body": "b"}) or ""
    )
    assert edited_args_problem(send, ["not", "an", "object"]) == (
        "the arguments must be a JSON object."
    )
    (delete,) = request("per_call", 1).reviews
    assert delete.args_schema is None
    assert tool_args_schema(None) is None


def test_agent_inbox_list_and_single() -> None:
    listed = request("inbox_list")
    assert listed.style == "inbox_list"
    (review,) = listed.reviews
    assert review.name == "run_command"
    assert review.args == {"command": "ls -l"}
    assert review.decisions == ("accept", "edit", "respond", "ignore")
    single = request("inbox_single")
    assert single.style == "inbox"
    assert single.reviews[0].decisions == ("accept", "respond")


def test_parallel_interrupts_are_separate_text_questions() -> None:
    colour, food = pending("parallel")
    assert [classify(i).__class__ for i in (colour, food)] == [TextQuestion, TextQuestion]
    assert (colour.where, food.where) == ("ask_colour", "ask_food")


def test_breakpoint_has_no_interrupt_and_continues_with_null() -> None:
    state = recorded_state("shape_breakpoint")
    assert interrupts_from_state(state) == []
    collector = InterruptCollector()
    for event in recorded_events("shape_breakpoint"):
        collector.add(event)
    assert collector.breakpoint and not collector.pending
    paused = Breakpoint(tuple(state["next"]))
    assert paused.next_nodes == ("finish",)
    assert paused.run_input is None


# -- resume values ---------------------------------------------------------------------------


def test_batched_decisions_in_order() -> None:
    question = request("batched")
    value = review_answer(
        question,
        [
            Decision("edit", args={"to": "carol@example.com", "subject": "s", "body": "b"}),
            Decision("reject", message="keep it"),
        ],
    )
    assert value == {
        "decisions": [
            {
                "type": "edit",
                "edited_action": {
                    "name": "send_email",
                    "args": {"to": "carol@example.com", "subject": "s", "body": "b"},
                },
            },
            {"type": "reject", "message": "keep it"},
        ]
    }
    value = review_answer(
        question, [Decision("respond", message="done by hand"), Decision("approve")]
    )
    assert value == {
        "decisions": [{"type": "respond", "message": "done by hand"}, {"type": "approve"}]
    }


def test_decision_not_allowed_is_refused() -> None:
    with pytest.raises(UsageError, match="'edit' is not allowed for delete_file"):
        review_answer(request("batched"), [Decision("approve"), Decision("edit", args={})])
    with pytest.raises(ValueError, match="2 decisions needed"):
        review_answer(request("batched"), [Decision("approve")])


def test_per_call_answer_is_one_decision_that_fits_the_schema() -> None:
    interrupt = pending("per_call")[0]
    question = classify(interrupt)
    assert isinstance(question, ReviewRequest)
    args = {"to": "carol@example.com", "subject": "s", "body": "b"}
    value = review_answer(question, [Decision("edit", args=args)])
    assert value == {"type": "edit", "edited_action": {"name": "send_email", "args": args}}
    assert answer_problem(interrupt, value) is None
    assert review_answer(question, [Decision("reject")]) == {"type": "reject"}
    bad = {"type": "edit", "edited_action": {"name": "delete_file", "args": args}}
    assert answer_problem(interrupt, bad) is not None


def test_inbox_responses() -> None:
    listed = request("inbox_list")
    assert review_answer(listed, [Decision("accept")]) == [{"type": "accept", "args": None}]
    assert review_answer(listed, [Decision("ignore")]) == [{"type": "ignore", "args": None}]
    assert review_answer(listed, [Decision("respond", message="no")]) == [
        {"type": "response", "args": "no"}
    ]
    assert review_answer(listed, [Decision("edit", args={"command": "ls"})]) == [
        {"type": "edit", "args": {"action": "run_command", "args": {"command": "ls"}}}
    ]
    single = request("inbox_single")
    assert review_answer(single, [Decision("accept")]) == {"type": "accept", "args": None}


# -- one-shot answers (hil resume) -----------------------------------------------------------


def test_one_shot_approve_and_reject_every_shape() -> None:
    batched, send, delete = pending("batched")[0], *pending("per_call")
    inbox_list, inbox = pending("inbox_list")[0], pending("inbox_single")[0]
    assert one_shot_answer(batched, approve=True) == {
        "decisions": [{"type": "approve"}, {"type": "approve"}]
    }
    assert one_shot_answer(batched, reject=True, message="no") == {
        "decisions": [{"type": "reject", "message": "no"}, {"type": "reject", "message": "no"}]
    }
    assert one_shot_answer(send, approve=True) == {"type": "approve"}
    assert one_shot_answer(delete, reject=True) == {"type": "reject"}
    assert one_shot_answer(inbox_list, approve=True) == [{"type": "accept", "args": None}]
    assert one_shot_answer(inbox_list, reject=True) == [{"type": "ignore", "args": None}]
    assert one_shot_answer(inbox, reject=True, message="not now") == {
        "type": "response",
        "args": "not now",
    }


def test_one_shot_refusals_send_nothing() -> None:
    with pytest.raises(UsageError, match="need a review request"):
        one_shot_answer(pending("ask")[0], approve=True)
    # The single Agent Inbox request allows no `ignore`: a bare --reject cannot be sent, and
    # the refusal speaks of the flags typed, not of a decision the person never typed.
    with pytest.raises(UsageError, match="--reject needs --message M here") as refused:
        one_shot_answer(pending("inbox_single")[0], reject=True)
    assert "ignore" not in refused.value.message
    form = pending("form")[0]
    with pytest.raises(UsageError, match="nights: 0 is less than the minimum of 1"):
        one_shot_answer(form, json_value={"name": "Ada", "nights": 0})
    with pytest.raises(UsageError, match="'nights' is a required property"):
        one_shot_answer(form, json_value={"name": "Ada"})
    with pytest.raises(UsageError, match="is not of type 'object'"):
        one_shot_answer(form, text="Ada")
    edit = {"type": "edit", "edited_action": {"name": "send_email", "args": {"to": 1}}}
    with pytest.raises(UsageError, match="does not fit the interrupt's schema"):
        one_shot_answer(pending("per_call")[0], json_value=edit)


def test_one_shot_values() -> None:
    assert one_shot_answer(pending("ask")[0], text="Ada") == "Ada"
    assert one_shot_answer(pending("json_question")[0], json_value={"a": 1}) == {"a": 1}
    form = pending("form")[0]
    assert one_shot_answer(form, json_value={"name": "Ada", "nights": 2}) == {
        "name": "Ada",
        "nights": 2,
        "breakfast": False,
        "room": "double",
    }


def test_answer_from_text() -> None:
    assert answer_from_text(pending("ask")[0], '{"a": 1}') == '{"a": 1}'
    assert answer_from_text(pending("json_question")[0], '"yes"') == "yes"
    assert answer_from_text(pending("json_question")[0], "yes") == "yes"
    assert answer_from_text(pending("json_question")[0], "[1, 2]") == [1, 2]
    assert answer_from_text(pending("form")[0], '{"name": "A", "nights": 1}') == {
        "name": "A",
        "nights": 1,
    }


def test_summaries_for_listings() -> None:
    assert interrupt_summary(pending("ask")[0]) == "What is your name?"
    assert interrupt_summary(pending("batched")[0]) == "review send_email, delete_file"
    assert interrupt_summary(pending("per_call")[1]) == "review delete_file"
    assert interrupt_summary(pending("json_question")[0]).startswith('{"question"')


def test_answer_from_text_follows_a_scalar_response_schema() -> None:
    number = PendingInterrupt(id="n", value="How many?", response_schema={"type": "integer"})
    assert answer_from_text(number, "3") == 3
    word = PendingInterrupt(id="w", value={"q": "Code?"}, response_schema={"type": "string"})
    assert answer_from_text(word, "3") == "3"
    assert answer_from_text(word, '"x"') == "x"
    assert answer_problem(number, answer_from_text(number, "three")) is not None


def test_answer_flags_for_the_resume_hint() -> None:
    assert answer_flags(pending("ask")[0]) == "--value TEXT | --value-json JSON"
    # Only the flags the request allows; edits and mixed decisions go as --value-json.
    batched = "--approve | --reject [--message M] | --value-json JSON"
    assert answer_flags(pending("batched")[0]) == batched
    inbox_single = "--approve | --reject --message M | --value-json JSON"  # accept / respond
    assert answer_flags(pending("inbox_single")[0]) == inbox_single
    assert answer_flags(pending("form")[0]) == "--value-json JSON"
    assert answer_flags(pending("json_question")[0]) == "--value-json JSON"
