"""Interrupts without ids (servers on langgraph < 0.6), from bytes and states RECORDED on
langgraph 0.2.76 + langgraph-api 0.0.48 (`legacy02`) and langgraph 0.4.10 + langgraph-api
0.2.60 (`legacy04`) by tests/record_legacy.py.

What those servers accept was found out by hand on both (protocol.md section 9): a single
question is resumed with the plain value; one of several with a map keyed by the task id
before langgraph 0.4 and by `xxh3_128("|".join(ns))` from 0.4 (a map of the other kind is
ignored by 0.2 and taken as one plain answer by 0.4). The recordings of a partial resume
were made with exactly the value `resume_value` builds, and show the server took it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from httpx_sse import EventSource

from hilcli.errors import UsageError
from hilcli.events import (
    InterruptCollector,
    PendingInterrupt,
    StreamEvent,
    interrupts_from_state,
    parse_event,
    state_lists_interrupts,
    with_stream_schemas,
)
from hilcli.interrupts import TextQuestion, classify, one_shot_answer, resume_value
from tests.support import RECORDED_DIR

LEGACY = RECORDED_DIR / "legacy"
SERVERS = ("legacy02", "legacy04")


def state(server: str, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((LEGACY / f"{server}_{name}.state.json").read_text())
    return loaded


def request(server: str, name: str) -> dict[str, Any]:
    index = json.loads((LEGACY / f"{server}_index.json").read_text())
    body: dict[str, Any] = index[name]["request"]
    return body


def events(server: str, name: str) -> list[StreamEvent]:
    """The recorded stream, read with httpx-sse and parsed by hilcli.events."""
    path = LEGACY / f"{server}_{name}.sse" if server else RECORDED_DIR / f"{name}.sse"
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=path.read_bytes()
    )
    return [parse_event(sse.event, sse.data, sse.id) for sse in EventSource(response).iter_sse()]


def collected(server: str, name: str) -> InterruptCollector:
    collector = InterruptCollector()
    for event in events(server, name):
        collector.add(event)
    return collector


@pytest.mark.parametrize("server", SERVERS)
def test_the_how_to_question_is_read_from_the_state_with_what_the_server_sent(
    server: str,
) -> None:
    recorded = state(server, "ask_first")
    assert "interrupts" not in recorded  # only under tasks[].interrupts on these servers
    (only,) = interrupts_from_state(recorded)
    raw = recorded["tasks"][0]["interrupts"][0]
    assert "id" not in raw
    assert only.value == "Where are you located?"
    assert only.local_key and only.id == "ns:" + "|".join(raw["ns"])
    assert only.server_ns == tuple(raw["ns"])
    assert (only.when, only.resumable) == ("during", True)
    assert (only.ns, only.node, only.where) == ((), "ask_human", "ask_human")
    assert isinstance(classify(only), TextQuestion)
    shown = only.to_json()
    assert shown["id"] is None and shown["key"] == only.id
    assert (shown["server_ns"], shown["when"], shown["resumable"]) == (raw["ns"], "during", True)


@pytest.mark.parametrize("server", SERVERS)
def test_the_stream_and_the_state_name_an_id_less_question_alike(server: str) -> None:
    collector = collected(server, "ask_first")
    from_state = interrupts_from_state(state(server, "ask_first"))
    assert not collector.breakpoint
    assert [(i.id, i.ns, i.node) for i in collector.pending] == [
        (i.id, i.ns, i.node) for i in from_state
    ]


@pytest.mark.parametrize("server", SERVERS)
def test_a_single_id_less_question_is_resumed_with_the_plain_value(server: str) -> None:
    pending = interrupts_from_state(state(server, "ask_first"))
    answer = one_shot_answer(pending[0], text="san francisco")
    assert resume_value({pending[0].id: answer}, pending) == "san francisco"
    assert request(server, "ask_resumed")["command"] == {"resume": "san francisco"}
    after = state(server, "ask_resumed")
    assert interrupts_from_state(after) == [] and after["next"] == []
    assert after["values"]["location"] == "san francisco"


@pytest.mark.parametrize(("server", "resume_by"), [("legacy02", "task"), ("legacy04", "ns_hash")])
def test_one_of_two_id_less_questions_is_resumed_the_way_its_server_takes(
    server: str, resume_by: str
) -> None:
    pending = interrupts_from_state(state(server, "parallel_first"))
    assert [item.value for item in pending] == [
        "What is your favourite colour?",
        "What is your favourite food?",
    ]
    assert {item.resume_by for item in pending} == {resume_by}
    colour, food = pending
    sent = resume_value({colour.id: "blue"}, pending)
    assert sent == request(server, "parallel_resumed_one")["command"]["resume"]
    assert colour.id not in sent  # hil's own key is never sent
    if server == "legacy02":
        assert sent == {state(server, "parallel_first")["tasks"][0]["id"]: "blue"}
    # The server took it: the colour is answered, the food still waits, and the answered
    # task's interrupt (still listed, with a result) is not asked again.
    after = state(server, "parallel_resumed_one")
    assert after["values"]["answers"] == ["blue"]
    assert [item.id for item in interrupts_from_state(after)] == [food.id]
    assert len(resume_value({colour.id: "red", food.id: "pizza"}, pending)) == 2


@pytest.mark.parametrize("server", SERVERS)
def test_the_stream_may_miss_a_parallel_question_the_state_has(server: str) -> None:
    seen = {item.id for item in collected(server, "parallel_first").pending}
    pending = {item.id for item in interrupts_from_state(state(server, "parallel_first"))}
    assert seen and seen <= pending and len(pending) == 2


@pytest.mark.parametrize("server", SERVERS)
def test_a_subgraph_question_is_one_question_seen_twice(server: str) -> None:
    (only,) = interrupts_from_state(state(server, "subgraph_first"))
    assert only.value == "What is your quest?"
    assert only.where == "child › quest"
    assert [item.id for item in collected(server, "subgraph_first").pending] == [only.id]
    assert resume_value({only.id: "the grail"}, [only]) == "the grail"


def test_langgraph_02_cannot_pick_one_of_several_subgraph_questions() -> None:
    pending = interrupts_from_state(state("legacy02", "parallel_sub_first"))
    assert len(pending) == 2
    with pytest.raises(UsageError, match="Nothing was sent"):
        resume_value({pending[0].id: "blue"}, pending)


def test_langgraph_04_names_subgraph_questions_by_their_ns_hash() -> None:
    pending = interrupts_from_state(state("legacy04", "parallel_sub_first"))
    assert len(pending) == 2
    sent = resume_value({item.id: "x" for item in pending}, pending)
    assert len(sent) == 2 and all(len(key) == 32 for key in sent)


@pytest.mark.parametrize("server", SERVERS)
def test_a_breakpoint_is_still_a_breakpoint(server: str) -> None:
    recorded = state(server, "breakpoint_first")
    assert interrupts_from_state(recorded) == []
    assert not state_lists_interrupts(recorded) and recorded["next"] == ["finish"]


@pytest.mark.parametrize("server", SERVERS)
def test_a_question_listed_in_the_state_is_never_a_breakpoint(server: str) -> None:
    assert state_lists_interrupts(state(server, "ask_first"))
    assert state_lists_interrupts(state(server, "parallel_sub_first"))
    assert not state_lists_interrupts(state(server, "ask_resumed"))


def test_a_schema_seen_on_the_stream_fills_a_state_that_dropped_it() -> None:
    """langhost's and Aegra's `/state` drop `response_schema` (protocol.md section 9)."""
    form = json.loads((RECORDED_DIR / "shape_form.state.json").read_text())
    (with_schema,) = interrupts_from_state(form)
    assert with_schema.response_schema is not None
    for task in form["tasks"]:
        for item in task["interrupts"]:
            item.pop("response_schema", None)
    form.pop("interrupts", None)
    (without,) = interrupts_from_state(form)
    assert without.response_schema is None
    stream = collected("", "shape_form").schemas
    assert stream == {with_schema.id: with_schema.response_schema}
    assert with_stream_schemas([without], stream) == [with_schema]
    other = PendingInterrupt("other", "Name?")
    assert with_stream_schemas([other], {with_schema.id: {"type": "integer"}}) == [other]


def test_an_interrupt_list_hil_cannot_read_is_not_a_breakpoint() -> None:
    """Items that are not interrupt objects (no value, no id) still say a question waits."""
    (event,) = [e for e in events("legacy02", "ask_first") if "__interrupt__" in e.data]
    unreadable = StreamEvent(event.mode, event.ns, {"__interrupt__": ["?"]})
    collector = InterruptCollector()
    collector.add(unreadable)
    assert collector.pending == [] and not collector.breakpoint
    collector.add(StreamEvent(event.mode, event.ns, {"__interrupt__": []}))
    assert collector.breakpoint  # a static breakpoint's empty list still is one


def test_an_interrupt_id_field_is_read_as_the_id() -> None:
    """Some releases name the id `interrupt_id`: it is the server's id, sent as such."""
    recorded = json.loads((RECORDED_DIR / "shape_ask.state.json").read_text())
    (with_id,) = interrupts_from_state(recorded)
    for task in recorded["tasks"]:
        for item in task["interrupts"]:
            item["interrupt_id"] = item.pop("id")
    recorded.pop("interrupts", None)
    (renamed,) = interrupts_from_state(recorded)
    assert renamed.id == with_id.id and not renamed.local_key
    assert renamed.to_json()["id"] == with_id.id
    assert resume_value({renamed.id: "Bob"}, [renamed]) == {with_id.id: "Bob"}
