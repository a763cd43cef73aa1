"""The events layer on streams recorded from the real server."""

from __future__ import annotations

import pytest

from hilcli.errors import ProtocolError
from hilcli.events import (
    InterruptCollector,
    interrupts_from_state,
    interrupts_in_event,
    parse_event,
)
from tests.recorded_streams import recorded_bytes, recorded_state, replay


def test_event_names_split_into_mode_and_namespace() -> None:
    """`updates|child:1234` is mode `updates` in namespace `child:1234`."""
    event = parse_event("updates|outer:1|child:2", '{"x": 1}', "7-0")
    assert event.mode == "updates"
    assert event.ns == ("outer:1", "child:2")
    assert event.data == {"x": 1}
    assert event.id == "7-0"
    assert event.name == "updates|outer:1|child:2"


def test_non_json_data_is_a_protocol_error() -> None:
    """Data that is not JSON is our ProtocolError, naming the event."""
    with pytest.raises(ProtocolError, match="values"):
        parse_event("values", "{not json")


@pytest.mark.parametrize("chunk", [0, 1, 7, 64])
def test_recorded_stream_reads_the_same_however_it_is_cut(chunk: int) -> None:
    """Cutting the bytes anywhere (mid-line, mid-CRLF) yields the same events."""
    data = recorded_bytes("shape_ask")
    whole = replay(data)
    assert [e.mode for e in whole][:2] == ["metadata", "values"]
    assert replay(data, chunk) == whole


def test_interrupt_is_collected_once_from_updates_and_values() -> None:
    """The interrupt arrives in `updates` and again in `values`: collected once."""
    collector = InterruptCollector()
    new = [item for event in replay(recorded_bytes("shape_ask")) for item in collector.add(event)]
    assert [item.value for item in new] == ["What is your name?"]
    assert collector.pending == new


def test_parallel_interrupts_accumulate_by_id() -> None:
    """Parallel nodes send one interrupt per event pair; all of them are pending."""
    collector = InterruptCollector()
    for event in replay(recorded_bytes("shape_parallel")):
        collector.add(event)
    state_ids = {item.id for item in interrupts_from_state(recorded_state("shape_parallel"))}
    assert len(state_ids) == 2
    assert {item.id for item in collector.pending} == state_ids


def test_breakpoint_is_an_empty_interrupt_list() -> None:
    """A static breakpoint shows as `{"__interrupt__": []}`: no question, but a pause."""
    collector = InterruptCollector()
    for event in replay(recorded_bytes("shape_breakpoint")):
        collector.add(event)
    assert collector.breakpoint
    assert collector.pending == []
    assert interrupts_from_state(recorded_state("shape_breakpoint")) == []


def test_state_gives_node_names_and_schema() -> None:
    """The state's tasks name the node; a form's response_schema is kept."""
    (item,) = interrupts_from_state(recorded_state("shape_form"))
    assert item.node
    assert item.response_schema is not None
    assert item.response_schema.get("type") == "object"


def test_events_without_interrupts_say_nothing() -> None:
    """Messages and metadata events carry no interrupt information."""
    for event in replay(recorded_bytes("shape_ask")):
        if event.mode not in ("updates", "values"):
            assert interrupts_in_event(event) is None
