"""Every interrupt shape's answer path, in process: the recorded run asks, the scripted
person types at hil's own answer prompts, and the resume hil sends is checked as the
transport received it (recordings: tests/recorded/exchanges, made by
tests/record_exchanges.py). The same paths against live servers: tests/test_answering.py,
tests/test_shapes_cli.py, tests/test_matrix.py."""

from __future__ import annotations

from typing import Any

import pytest

from hilcli.interrupts import FormQuestion, ReviewRequest, TextQuestion, classify
from tests.inprocess.kit import Continue, NotScripted, Played, ReplayMismatch, Typed, play
from tests.support import WEATHER_PROMPT


def resume_sent(played: Played) -> Any:
    """The `command` of the one resume the conversation sent (its second run)."""
    bodies = played.replay.run_bodies
    assert len(bodies) == 2, bodies
    assert "input" not in bodies[1]
    return bodies[1]["command"]


def last_message(played: Played) -> str:
    content = played.outcome.values["messages"][-1]["content"]
    assert isinstance(content, str)
    return content


def test_text_question_typed_answer_is_sent_as_text() -> None:
    played = play("agent_text", "agent", WEATHER_PROMPT, Typed("san francisco"))
    [question] = played.terminal.questions
    assert question.value == "Where are you located?"
    assert isinstance(classify(question), TextQuestion)
    assert resume_sent(played) == {"resume": {question.id: "san francisco"}}
    assert played.outcome.status == "done"
    assert "San Francisco" in last_message(played)


def test_json_question_typed_json_is_sent_as_json() -> None:
    played = play("json_question", "json_question", "hi", Typed('{"choice": "maybe"}'))
    [question] = played.terminal.questions
    assert question.value == {
        "question": "Approve topic cats?",
        "options": ["yes", "no", "maybe"],
    }
    assert resume_sent(played) == {"resume": {question.id: {"choice": "maybe"}}}
    assert last_message(played) == 'You answered: {"choice": "maybe"}'


def test_form_fields_are_asked_one_by_one_and_coerced() -> None:
    played = play("form", "form", "book", Typed("Ada", "2", "true", "suite"))
    [asked] = played.terminal.asked
    assert isinstance(classify(asked.interrupt), FormQuestion)
    fields = [prompt.splitlines()[-1].split(" ", 1)[0] for prompt in asked.prompts]
    assert fields == ["name", "nights", "breakfast", "room"]
    # "2" became an integer and "true" a boolean, as the schema says.
    value = {"name": "Ada", "nights": 2, "breakfast": True, "room": "suite"}
    assert resume_sent(played) == {"resume": {asked.interrupt.id: value}}
    assert played.outcome.status == "done"


def test_form_refused_by_the_server_is_asked_again_with_the_draft() -> None:
    from tests.inprocess.kit import Value

    first = {"name": "Ada", "nights": 0}
    played = play("form_refused", "form_validated", "book", Value(first), Typed("", "3", "", ""))
    first_ask, second_ask = played.terminal.asked
    assert first_ask.interrupt.id == second_ask.interrupt.id
    assert second_ask.draft == first  # the refused answer is offered for editing
    assert any(
        "The server refused the answer (ValidationError" in n for n in played.terminal.notices
    )
    iid = first_ask.interrupt.id
    assert [b["command"] for b in played.replay.run_bodies[1:]] == [
        {"resume": {iid: first}},
        {"resume": {iid: {"name": "Ada", "nights": 3, "breakfast": False, "room": "double"}}},
    ]
    assert played.outcome.status == "done"


def test_review_approve() -> None:
    played = play("approval_approve", "approval", "Mail bob@example.com", Typed("approve"))
    [asked] = played.terminal.asked
    request = classify(asked.interrupt)
    assert isinstance(request, ReviewRequest)
    assert [review.name for review in request.reviews] == ["send_email"]
    assert asked.prompts == ["send_email: approve / edit / reject / respond? "]
    assert resume_sent(played) == {
        "resume": {asked.interrupt.id: {"decisions": [{"type": "approve"}]}}
    }
    assert "send_email: done" in last_message(played)


def test_review_edit_sends_the_edited_arguments() -> None:
    args = {"to": "carol@example.com", "subject": "Hi", "body": "hello"}
    typed = Typed("edit", '{"to": "carol@example.com", "subject": "Hi", "body": "hello"}')
    played = play("approval_edit", "approval", "Mail bob@example.com", typed)
    [question] = played.terminal.questions
    decision = {"type": "edit", "edited_action": {"name": "send_email", "args": args}}
    assert resume_sent(played) == {"resume": {question.id: {"decisions": [decision]}}}
    assert played.outcome.status == "done"


def test_review_of_two_calls_approve_one_reject_the_other_with_a_reason() -> None:
    message = "Mail bob@example.com, then delete the report"
    played = play(
        "approval_reject", "approval", message, Typed("approve", "reject", "keep that file")
    )
    [asked] = played.terminal.asked
    assert asked.prompts[:2] == [
        "[1/2] send_email: approve / edit / reject / respond? ",
        "[2/2] delete_file: approve / reject? ",
    ]
    decisions = [{"type": "approve"}, {"type": "reject", "message": "keep that file"}]
    assert resume_sent(played) == {"resume": {asked.interrupt.id: {"decisions": decisions}}}
    text = last_message(played)
    assert "send_email: done" in text and "delete_file: not run" in text


def test_inbox_request_respond_sends_a_response() -> None:
    played = play("inbox_respond", "inbox_single", "hi", Typed("respond", "use ls -a instead"))
    [question] = played.terminal.questions
    assert isinstance(classify(question), ReviewRequest)
    expected = {"resume": {question.id: {"type": "response", "args": "use ls -a instead"}}}
    assert resume_sent(played) == expected
    assert last_message(played) == "Not run; you said: use ls -a instead."


def test_several_pending_are_asked_in_turn_and_resumed_at_once() -> None:
    played = play("parallel", "parallel", "hi", Typed("blue"), Typed("pizza"))
    first, second = played.terminal.asked
    assert (first.index, first.total, second.index, second.total) == (1, 2, 2, 2)
    answers = {first.interrupt.value: "blue", second.interrupt.value: "pizza"}
    assert answers == {
        "What is your favourite colour?": "blue",
        "What is your favourite food?": "pizza",
    }
    sent = {first.interrupt.id: "blue", second.interrupt.id: "pizza"}
    assert resume_sent(played) == {"resume": sent}
    assert last_message(played) == "Favourite colour: blue; favourite food: pizza."


def test_legacy_question_without_id_resumes_with_the_bare_value() -> None:
    played = play("legacy_ask", "ask", "Where is it sunny?", Typed("san francisco"))
    [question] = played.terminal.questions
    assert question.local_key  # the server sent no id: hil's own key, never sent
    assert question.to_json()["id"] is None
    assert resume_sent(played) == {"resume": "san francisco"}
    assert played.outcome.status == "done"


def test_legacy_several_pending_without_ids_are_resumed_by_the_servers_keys() -> None:
    played = play("legacy_parallel", "parallel", "go", Typed("blue"), Typed("pizza"))
    first, second = played.terminal.questions
    assert first.local_key and second.local_key
    resume = resume_sent(played)["resume"]
    # Keyed as langgraph 0.4 takes it (not by hil's local keys), one answer each.
    assert sorted(resume.values()) == ["blue", "pizza"]
    assert first.id not in resume and second.id not in resume
    assert played.outcome.status == "done"


def test_breakpoint_continue_sends_a_run_without_input() -> None:
    played = play("breakpoint_continue", "breakpoint", "hi", Continue(True))
    [pause] = [item for kind, item in played.terminal.shown if kind == "pause"]
    assert pause.at_breakpoint and pause.next_nodes == ["finish"]
    assert played.replay.run_bodies[1]["input"] is None
    assert "command" not in played.replay.run_bodies[1]
    assert played.outcome.status == "done"
    assert last_message(played) == "Finished after the breakpoint."


def test_breakpoint_stop_leaves_the_run_paused() -> None:
    played = play("breakpoint_stop", "breakpoint", "hi", Continue(False))
    assert len(played.replay.run_bodies) == 1
    assert played.outcome.status == "interrupted"
    assert played.outcome.at_breakpoint
    assert played.outcome.next_nodes == ["finish"]


# -- the kit keeps the tests honest ----------------------------------------------------------


def test_a_question_the_script_does_not_foresee_fails_clearly() -> None:
    with pytest.raises(NotScripted, match="not scripted: the session asked question 1/1"):
        play("agent_text", "agent", WEATHER_PROMPT)


def test_an_answer_other_than_the_recorded_one_is_not_replayed() -> None:
    with pytest.raises(ReplayMismatch, match="the body differs from the recorded one"):
        play("agent_text", "agent", WEATHER_PROMPT, Typed("new york"))


def test_an_unused_scripted_answer_fails() -> None:
    with pytest.raises(NotScripted, match="lines left untyped"):
        play("agent_text", "agent", WEATHER_PROMPT, Typed("san francisco", "extra"))


def test_per_call_reviews_pending_at_once_are_answered_each_by_its_id() -> None:
    message = "Mail bob@example.com, then delete the report"
    script = (Typed("approve"), Typed("reject", "keep that file"))
    played = play("approval_per_call", "approval_per_call", message, *script)
    first, second = played.terminal.asked
    assert (first.total, second.total) == (2, 2)
    assert first.interrupt.response_schema is not None  # each call's own schema
    assert first.prompts == ["send_email: approve / edit / reject / respond? "]
    assert second.prompts[0] == "delete_file: approve / reject? "
    assert resume_sent(played) == {
        "resume": {
            first.interrupt.id: {"type": "approve"},
            second.interrupt.id: {"type": "reject", "message": "keep that file"},
        }
    }
    assert "delete_file: not run" in last_message(played)


def test_inbox_list_request_edit_sends_the_edited_args_in_a_list() -> None:
    played = play("inbox_edit", "inbox", "hi", Typed("edit", '{"command": "ls -a"}'))
    [question] = played.terminal.questions
    edited = {"type": "edit", "args": {"action": "run_command", "args": {"command": "ls -a"}}}
    assert resume_sent(played) == {"resume": {question.id: [edited]}}
    assert last_message(played) == "Ran ls -a."


def test_question_from_a_subgraph_is_labelled_by_its_path_and_answered_by_id() -> None:
    played = play("subgraph", "subgraph", "hi", Typed("the grail"))
    [question] = played.terminal.questions
    assert question.value == "What is your quest?"
    assert question.where.split(" › ")[0] == "child"
    assert resume_sent(played) == {"resume": {question.id: "the grail"}}
    assert played.outcome.status == "done"


def test_breakpoint_set_by_the_session_pauses_every_run_before_the_node() -> None:
    played = play(
        "breakpoint_runtime", "ask", "hi", Typed("Ada"), Continue(True), interrupt_before=["greet"]
    )
    bodies = played.replay.run_bodies
    assert [body.get("interrupt_before") for body in bodies] == [["greet"]] * 3
    assert bodies[1]["command"] == {"resume": {played.terminal.questions[0].id: "Ada"}}
    assert bodies[2]["input"] is None  # going on past the pause
    [pause] = [item for kind, item in played.terminal.shown if kind == "pause"]
    assert pause.next_nodes == ["greet"]
    assert last_message(played) == "Hello, Ada! Nice to meet you."
