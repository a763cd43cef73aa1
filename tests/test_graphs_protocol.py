"""The test graphs, driven with plain httpx + httpx_sse against the real server.

These pin down the interrupt shapes and flows that docs/protocol.md describes (and that
hilcli relies on), independently of hilcli's own client.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from httpx_sse import connect_sse

from hilcli.server.demo.form import BOOKING_SCHEMA
from tests.support import (
    WEATHER_PROMPT,
    Event,
    create_thread,
    errors,
    final_values,
    get_state,
    get_thread,
    last_message_text,
    stream_interrupts,
    stream_run,
    user_input,
)


def _only_interrupt(client: httpx.Client, thread_id: str) -> dict[str, Any]:
    """The single pending interrupt of a thread, checked in /state and /threads/{id}."""
    state = get_state(client, thread_id)
    assert len(state["interrupts"]) == 1, state["interrupts"]
    interrupt: dict[str, Any] = state["interrupts"][0]
    thread = get_thread(client, thread_id)
    assert thread["status"] == "interrupted"
    assert [i["id"] for items in thread["interrupts"].values() for i in items] == [interrupt["id"]]
    return interrupt


def _assert_done(client: httpx.Client, thread_id: str) -> None:
    thread = get_thread(client, thread_id)
    assert thread["status"] == "idle"
    assert thread["interrupts"] == {}
    assert get_state(client, thread_id)["interrupts"] == []


def _messages_of_type(values: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [m for m in values["messages"] if m["type"] == kind]


# -- agent: the "wait for user input" how-to -------------------------------------------------


def test_agent_asks_where_you_are_then_reports_the_weather(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "agent", input=user_input(WEATHER_PROMPT))

    assert events[0].event == "metadata" and set(events[0].data) == {"run_id", "attempt"}
    assert all(e.id is None for e in events)  # not resumable: no ids
    [announced] = stream_interrupts(events)
    assert announced["value"] == "Where are you located?"
    assert announced["response_schema"] is None
    # The interrupt is also appended to the last values event (langgraph >= 1.0.4).
    assert final_values(events)["__interrupt__"] == [announced]
    # The model's AskHuman tool call was streamed as a message chunk.
    chunks = [e.data for e in events if e.event == "messages"]
    assert any(
        call["name"] == "AskHuman" for message, _ in chunks for call in message["tool_calls"]
    )

    pending = _only_interrupt(http, thread)
    assert pending == {"id": announced["id"], "value": "Where are you located?"}
    assert get_state(http, thread)["next"] == ["ask_human"]

    events = stream_run(http, thread, "agent", resume={pending["id"]: "san francisco"})
    assert errors(events) == []
    assert stream_interrupts(events) == []
    values = final_values(events)
    answer = last_message_text(values)
    assert answer.startswith("Based on the search results, it's currently sunny in San Francisco")
    [search_result] = [m for m in _messages_of_type(values, "tool") if m["name"] == "search"]
    assert "It's sunny in San Francisco" in search_result["content"]
    assert "Gemini" in search_result["content"]
    _assert_done(http, thread)

    # The final answer was streamed word by word, and the chunks add up to it.
    final_id = values["messages"][-1]["id"]
    tokens = [
        message["content"]
        for message, metadata in (e.data for e in events if e.event == "messages")
        if message["id"] == final_id and message["type"] == "AIMessageChunk"
    ]
    assert len(tokens) > 10
    assert "".join(tokens) == answer
    metadata = next(e.data[1] for e in events if e.event == "messages")
    assert metadata["langgraph_node"] == "agent"


def test_agent_uses_the_location_as_typed(http: httpx.Client) -> None:
    thread = create_thread(http)
    stream_run(http, thread, "agent", input=user_input("What's the weather like?"))
    pending = _only_interrupt(http, thread)
    assert pending["value"] == "Where are you located?"
    # A plain resume value works when a single interrupt is pending.
    events = stream_run(http, thread, "agent", resume="Paris, France")
    assert "it's currently sunny in Paris, France" in last_message_text(final_values(events))
    _assert_done(http, thread)


def test_agent_answers_other_messages_without_interrupting(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "agent", input=user_input("hello there"))
    assert stream_interrupts(events) == []
    text = last_message_text(final_values(events))
    assert '"hello there"' in text and WEATHER_PROMPT in text
    _assert_done(http, thread)


# -- approval: HumanInTheLoopMiddleware ------------------------------------------------------


def test_approval_batched_request_and_approve(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "approval", input=user_input("Say hi to bob@example.com"))
    [announced] = stream_interrupts(events)
    value = announced["value"]
    assert set(value) == {"action_requests", "review_configs"}
    [action] = value["action_requests"]
    assert action["name"] == "send_email"
    assert action["args"] == {
        "to": "bob@example.com",
        "subject": "Hello from hil",
        "body": "Say hi to bob@example.com",
    }
    assert action["description"].startswith("Tool execution requires approval")
    assert value["review_configs"] == [
        {"action_name": "send_email", "allowed_decisions": ["approve", "edit", "reject", "respond"]}
    ]
    pending = _only_interrupt(http, thread)
    assert pending["value"] == value

    events = stream_run(
        http, thread, "approval", resume={pending["id"]: {"decisions": [{"type": "approve"}]}}
    )
    assert errors(events) == []
    values = final_values(events)
    [tool_message] = _messages_of_type(values, "tool")
    assert tool_message["status"] == "success"
    assert tool_message["content"] == "Email sent to bob@example.com with subject 'Hello from hil'."
    assert "send_email: done" in last_message_text(values)
    _assert_done(http, thread)


def test_approval_batched_two_actions_edit_and_reject(http: httpx.Client) -> None:
    thread = create_thread(http)
    stream_run(http, thread, "approval", input=user_input("Mail carol@example.org, delete it"))
    pending = _only_interrupt(http, thread)
    names = [a["name"] for a in pending["value"]["action_requests"]]
    assert names == ["send_email", "delete_file"]
    assert pending["value"]["review_configs"][1] == {
        "action_name": "delete_file",
        "allowed_decisions": ["approve", "reject"],
    }

    edited = {"name": "send_email", "args": {"to": "dave@example.org", "subject": "S", "body": "B"}}
    decisions = [
        {"type": "edit", "edited_action": edited},
        {"type": "reject", "message": "keep the file"},
    ]
    events = stream_run(http, thread, "approval", resume={pending["id"]: {"decisions": decisions}})
    assert errors(events) == []
    values = final_values(events)
    tools = {m["name"]: m for m in _messages_of_type(values, "tool")}
    assert tools["send_email"]["status"] == "success"
    assert "dave@example.org" in tools["send_email"]["content"]
    assert tools["delete_file"]["status"] == "error"
    assert "keep the file" in tools["delete_file"]["content"]
    assert "delete_file: not run" in last_message_text(values)
    _assert_done(http, thread)


def test_approval_bad_decisions_poison_the_interrupt(http: httpx.Client) -> None:
    """An answer the graph rejects *after* interrupt() returned it is kept by langgraph.

    The node raises ValueError in-stream; /state still lists the interrupt as pending, but
    answering it again replays the first (bad) answer, so it fails again. Unlike
    response_schema validation (see form_validated), the answer cannot be corrected.
    """
    thread = create_thread(http)
    stream_run(http, thread, "approval", input=user_input("Mail carol@example.org, delete it"))
    pending = _only_interrupt(http, thread)
    assert len(pending["value"]["action_requests"]) == 2

    events = stream_run(
        http, thread, "approval", resume={pending["id"]: {"decisions": [{"type": "approve"}]}}
    )
    [error] = errors(events)
    assert error == {
        "error": "ValueError",
        "message": "Number of human decisions (1) does not match number of hanging tool calls (2).",
    }
    assert get_thread(http, thread)["status"] == "error"
    state = get_state(http, thread)
    assert [i["id"] for i in state["interrupts"]] == [pending["id"]]
    assert state["tasks"][0]["error"].startswith("ValueError(")

    good = {"decisions": [{"type": "approve"}, {"type": "approve"}]}
    events = stream_run(http, thread, "approval", resume={pending["id"]: good})
    assert errors(events) == [error]  # the first answer was replayed


def test_approval_per_call_raises_one_interrupt_per_tool_call(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(
        http, thread, "approval_per_call", input=user_input("Mail bob@example.com, delete it")
    )
    assert len(stream_interrupts(events)) == 2
    state = get_state(http, thread)
    by_name = {i["value"]["name"]: i for i in state["interrupts"]}
    assert set(by_name) == {"send_email", "delete_file"}
    for interrupt in state["interrupts"]:
        assert interrupt["value"]["type"] == "tool_approval"
        assert set(interrupt["value"]) == {"type", "tool_call_id", "name", "args", "description"}
        assert interrupt["response_schema"]  # a typed schema of the allowed decisions
    assert "edit" in json.dumps(by_name["send_email"]["response_schema"])
    assert '"edit"' not in json.dumps(by_name["delete_file"]["response_schema"])

    resume = {
        by_name["send_email"]["id"]: {"type": "approve"},
        by_name["delete_file"]["id"]: {"type": "reject", "message": "no"},
    }
    events = stream_run(http, thread, "approval_per_call", resume=resume)
    assert errors(events) == []
    tools = {m["name"]: m["status"] for m in _messages_of_type(final_values(events), "tool")}
    assert tools == {"send_email": "success", "delete_file": "error"}
    _assert_done(http, thread)


# -- forms: interrupts with a response_schema ------------------------------------------------


def test_form_carries_its_json_schema(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "form", input=user_input("book a room"))
    [announced] = stream_interrupts(events)
    assert announced["value"] == "Please fill in your booking details."
    assert announced["response_schema"] == BOOKING_SCHEMA
    pending = _only_interrupt(http, thread)
    assert pending["response_schema"] == BOOKING_SCHEMA
    assert list(pending["response_schema"]["properties"]) == ["name", "nights", "breakfast", "room"]

    # A dict schema is not validated by langgraph: the graph itself asks again.
    events = stream_run(http, thread, "form", resume={pending["id"]: {"name": "Ada", "nights": 0}})
    assert errors(events) == []
    again = _only_interrupt(http, thread)
    assert again["id"] != pending["id"]
    assert again["value"].startswith("That did not work (nights must be")

    answer = {"name": "Ada", "nights": 2, "breakfast": True, "room": "suite"}
    events = stream_run(http, thread, "form", resume={again["id"]: answer})
    values = final_values(events)
    assert values["booking"] == answer
    assert last_message_text(values) == "Booked a suite room for Ada, 2 nights, with breakfast."
    _assert_done(http, thread)


def test_form_validated_rejects_a_bad_answer_in_stream(http: httpx.Client) -> None:
    thread = create_thread(http)
    stream_run(http, thread, "form_validated", input=user_input("book"))
    pending = _only_interrupt(http, thread)
    schema = pending["response_schema"]
    assert schema["type"] == "object"
    assert schema["properties"]["nights"]["minimum"] == 1
    assert schema["properties"]["room"]["enum"] == ["single", "double", "suite"]
    assert schema["required"] == ["name", "nights"]

    events = stream_run(
        http, thread, "form_validated", resume={pending["id"]: {"name": "Ada", "nights": 0}}
    )
    [error] = errors(events)
    assert error["error"] == "ValidationError"
    assert get_thread(http, thread)["status"] == "error"
    assert [i["id"] for i in get_state(http, thread)["interrupts"]] == [pending["id"]]

    events = stream_run(
        http, thread, "form_validated", resume={pending["id"]: {"name": "Ada", "nights": 3}}
    )
    assert errors(events) == []
    assert last_message_text(final_values(events)) == "Booked a double room for Ada, 3 night(s)."
    _assert_done(http, thread)


# -- small non-LLM graphs --------------------------------------------------------------------


def test_ask_greets_by_name(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "ask", input=user_input("hi"))
    [announced] = stream_interrupts(events)
    assert announced["value"] == "What is your name?"
    events = stream_run(http, thread, "ask", resume={announced["id"]: "Ada"})
    values = final_values(events)
    assert values["name"] == "Ada"
    assert last_message_text(values) == "Hello, Ada! Nice to meet you."
    _assert_done(http, thread)


def test_json_question_takes_any_json_answer(http: httpx.Client) -> None:
    thread = create_thread(http)
    stream_run(http, thread, "json_question", input=user_input("hi"))
    pending = _only_interrupt(http, thread)
    assert pending["value"] == {
        "question": "Approve topic cats?",
        "options": ["yes", "no", "maybe"],
    }
    answer = {"choice": "yes", "why": ["fluffy", 3]}
    events = stream_run(http, thread, "json_question", resume={pending["id"]: answer})
    values = final_values(events)
    assert values["answer"] == answer
    assert last_message_text(values) == f"You answered: {json.dumps(answer)}"
    _assert_done(http, thread)


def test_no_messages_state(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(
        http, thread, "no_messages", input={"topic": "cats"}, stream_mode=["values", "updates"]
    )
    assert [e.event for e in events] == ["metadata", "values", "updates", "values"]
    [announced] = stream_interrupts(events)
    assert announced["value"] == {"question": "Approve topic cats?"}
    assert final_values(events) == {"topic": "cats", "answers": [], "__interrupt__": [announced]}
    events = stream_run(http, thread, "no_messages", resume={announced["id"]: "yes"})
    assert final_values(events) == {"topic": "cats", "answers": ["yes"]}
    _assert_done(http, thread)


def test_parallel_interrupts(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "parallel", input=user_input("hi"))
    # Two separate updates events, one interrupt each (the lists are not cumulative).
    interrupt_updates = [
        e.data["__interrupt__"]
        for e in events
        if e.event == "updates" and "__interrupt__" in e.data
    ]
    assert [len(items) for items in interrupt_updates] == [1, 1]
    state = get_state(http, thread)
    questions = {i["value"]: i["id"] for i in state["interrupts"]}
    assert set(questions) == {"What is your favourite colour?", "What is your favourite food?"}
    assert len(set(questions.values())) == 2
    assert sorted(state["next"]) == ["ask_colour", "ask_food"]
    assert get_thread(http, thread)["status"] == "interrupted"

    # A plain value is ambiguous with two pending: in-stream RuntimeError, nothing lost.
    events = stream_run(http, thread, "parallel", resume="blue")
    [error] = errors(events)
    assert error["error"] == "RuntimeError"
    assert "multiple pending interrupts" in error["message"]
    thread_info = get_thread(http, thread)
    assert thread_info["status"] == "error"
    # Both endpoints still list the two interrupts (protocol.md says /threads/{id} would
    # show `{}` in error status; not so with langgraph-api 0.16.7).
    state_ids = sorted(i["id"] for i in get_state(http, thread)["interrupts"])
    assert state_ids == sorted(questions.values())
    thread_ids = sorted(i["id"] for items in thread_info["interrupts"].values() for i in items)
    assert thread_ids == state_ids

    # Answering a subset leaves the rest pending.
    colour_id = questions["What is your favourite colour?"]
    events = stream_run(http, thread, "parallel", resume={colour_id: "blue"})
    assert errors(events) == []
    assert "__interrupt__" not in final_values(events)  # the last values event has none...
    pending = _only_interrupt(http, thread)  # ...but the thread still waits
    assert pending["value"] == "What is your favourite food?"

    events = stream_run(http, thread, "parallel", resume={pending["id"]: "pizza"})
    assert (
        last_message_text(final_values(events)) == "Favourite colour: blue; favourite food: pizza."
    )
    _assert_done(http, thread)


def test_subgraph_interrupt_is_namespaced_and_repeated_at_the_root(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "subgraph", input=user_input("hi"), stream_subgraphs=True)
    namespaced = [
        e for e in events if e.mode == "updates" and e.namespace and "__interrupt__" in e.data
    ]
    [child_event] = namespaced
    [segment] = child_event.namespace
    assert segment.startswith("child:")
    [root] = stream_interrupts(events)
    assert child_event.data["__interrupt__"] == [root]
    assert root["value"] == "What is your quest?"

    pending = _only_interrupt(http, thread)
    assert pending["id"] == root["id"]
    state = get_state(http, thread, subgraphs=True)
    [task] = state["tasks"]
    assert task["name"] == "child"
    assert task["state"]["next"] == ["quest"]

    events = stream_run(
        http, thread, "subgraph", resume={root["id"]: "the grail"}, stream_subgraphs=True
    )
    texts = [m["content"] for m in final_values(events)["messages"]]
    assert texts[-2:] == ["Your quest: the grail", "Back in the parent graph."]
    _assert_done(http, thread)


def test_breakpoint_stops_without_interrupts_and_continues_with_null_input(
    http: httpx.Client,
) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "breakpoint", input=user_input("hi"))
    assert events[-1] == Event("updates", {"__interrupt__": []})
    thread_info = get_thread(http, thread)
    assert thread_info["status"] == "interrupted"
    assert thread_info["interrupts"] == {}
    state = get_state(http, thread)
    assert state["interrupts"] == [] and state["next"] == ["finish"]

    events = stream_run(http, thread, "breakpoint", input=None)
    assert last_message_text(final_values(events)) == "Finished after the breakpoint."
    _assert_done(http, thread)


def test_failing_graph_sends_an_error_event(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "fails", input=user_input("hi"))
    assert events[-1] == Event("error", {"error": "ValueError", "message": "boom"})
    assert get_thread(http, thread)["status"] == "error"


def test_many_events_arrive_in_order(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "many_events", input={}, stream_mode=["custom", "values"])
    custom = [e.data for e in events if e.event == "custom"]
    assert custom == [{"i": i} for i in range(200)]
    assert final_values(events)["emitted"] == 200


# -- stream options --------------------------------------------------------------------------


def test_resumable_runs_have_event_ids_and_can_be_replayed(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "ask", input=user_input("hi"), stream_resumable=True)
    ids = [e.id or "" for e in events]
    assert all(re.fullmatch(r"\d{13}-0", i) for i in ids), ids
    assert ids == sorted(ids)  # non-decreasing; see the test below about duplicates
    run_id = events[0].data["run_id"]

    # Joining the finished run with Last-Event-ID -1 replays it from the start, except the
    # `metadata` event, which is not stored in the run's stream.
    with connect_sse(
        http,
        "GET",
        f"/threads/{thread}/runs/{run_id}/stream",
        params={"stream_mode": json.dumps(["values", "updates", "messages-tuple"])},
        headers={"Last-Event-ID": "-1"},
    ) as source:
        replay = [(sse.event, sse.id) for sse in source.iter_sse()]
    assert replay == [(e.event, e.id) for e in events[1:]]
    assert events[0].event == "metadata"


def test_messages_only_stream_does_not_show_the_interrupt(http: httpx.Client) -> None:
    thread = create_thread(http)
    events = stream_run(http, thread, "ask", input=user_input("hi"), stream_mode=["messages-tuple"])
    assert all("__interrupt__" not in json.dumps(e.data) for e in events)
    assert _only_interrupt(http, thread)["value"] == "What is your name?"


def test_event_ids_repeat_within_a_millisecond_and_replay_skips_them(http: httpx.Client) -> None:
    """The in-memory server's ids are `<ms>-0`: events of the same millisecond share one.

    Replay sends events whose id is *greater* than Last-Event-ID, so reconnecting with an id
    that several events share loses the later ones of that millisecond.
    """
    thread = create_thread(http)
    events = stream_run(
        http, thread, "many_events", input={}, stream_mode=["custom"], stream_resumable=True
    )
    custom = [e for e in events if e.event == "custom"]
    assert [e.data for e in custom] == [{"i": i} for i in range(200)]
    ids = [e.id or "" for e in custom]
    assert len(set(ids)) < len(ids)  # 200 events in far fewer milliseconds
    k = next(i for i in range(len(ids) - 1) if ids[i] == ids[i + 1])

    run_id = events[0].data["run_id"]
    with connect_sse(
        http,
        "GET",
        f"/threads/{thread}/runs/{run_id}/stream",
        params={"stream_mode": "custom"},
        headers={"Last-Event-ID": ids[k]},
    ) as source:
        replay = [json.loads(sse.data)["i"] for sse in source.iter_sse() if sse.event == "custom"]
    assert k + 1 not in replay
    assert replay == [i for i in range(200) if ids[i] > ids[k]]
