"""Property-based tests: no bytes or JSON the server could send make the parsing raise
anything but our own errors (`hilcli.errors.HilError`).

The stream reader (httpx-sse under `hilcli.client.sse_events`) is also checked against the
recorded streams of the real server: however the bytes are cut into chunks, the same events
come out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from hilcli.client import sse_events
from hilcli.errors import HilError
from hilcli.events import (
    InterruptCollector,
    PendingInterrupt,
    StreamEvent,
    interrupts_from_state,
    interrupts_in_event,
    parse_event,
)
from hilcli.interrupts import classify, interrupt_summary
from tests.support import RECORDED_DIR

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)

#: Keys the parsers look for, so generated objects hit the interesting branches.
protocol_keys = st.sampled_from(
    [
        "__interrupt__",
        "id",
        "value",
        "response_schema",
        "ns",
        "interrupt_id",
        "tasks",
        "interrupts",
        "name",
        "state",
        "action_requests",
        "review_configs",
        "action_request",
        "config",
        "type",
        "properties",
        "oneOf",
        "args",
        "description",
        "allowed_decisions",
    ]
)
#: Integers the server can write: it serialises with `orjson.dumps`, which refuses wider ones.
server_integers = st.integers(min_value=-(2**63), max_value=2**64 - 1)
protocol_json = st.recursive(
    st.none() | st.booleans() | server_integers | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(protocol_keys | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


class Record(NamedTuple):
    """One event as the stream reader hands it on."""

    event: str
    data: str
    id: str | None


def decode(chunks: list[bytes]) -> list[Record]:
    """All events the client's stream reader takes from a body delivered in `chunks`."""
    import httpx

    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=iter(chunks)
    )
    return [Record(sse.event, sse.data, sse.id or None) for sse in sse_events(response)]


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` cut at the given offsets."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return pieces


def consume(event: StreamEvent) -> None:
    """Everything the session does with an event that could trip on odd data."""
    found = interrupts_in_event(event)
    InterruptCollector().add(event)
    for interrupt in found or ():
        classify(interrupt)
        interrupt_summary(interrupt)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(min_value=0, max_value=600), max_size=8))
def test_arbitrary_bytes_never_raise_but_our_errors(data: bytes, cuts: list[int]) -> None:
    records = decode(split(data, cuts))
    assert records == decode([data])  # chunking does not change what is decoded
    for record in records:
        try:
            event = parse_event(record.event, record.data, record.id)
        except HilError:
            continue
        consume(event)


sse_lines = st.lists(
    st.one_of(
        st.sampled_from(
            ["", ": heartbeat", "event: values", "event: updates", "id: 1-0", "data", "data:x"]
        ),
        st.sampled_from(["event:custom", "id", "id: 2-0", "retry: 10", "id: a\x00b", "event"]),
        st.builds(lambda v: "data: " + json.dumps(v), protocol_json),
        st.text(max_size=30),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(sse_lines, st.sampled_from(["\r\n", "\n", "\r"]), st.lists(st.integers(0, 2000)))
def test_sse_shaped_text_never_raises_but_our_errors(
    lines: list[str], newline: str, cuts: list[int]
) -> None:
    data = (newline.join(lines) + newline * 2).encode("utf-8", errors="surrogatepass")
    for record in decode(split(data, cuts)):
        try:
            event = parse_event(record.event, record.data, record.id)
        except HilError:
            continue
        consume(event)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["updates", "values", "custom", "updates|child:1"]), protocol_json)
def test_arbitrary_json_in_events_never_raises(name: str, data: Any) -> None:
    event = parse_event(name, json.dumps(data), None)
    assert event.data == data
    consume(event)
    consume(StreamEvent(event.mode, event.ns, {"__interrupt__": data}))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(protocol_keys, protocol_json, max_size=6))
def test_arbitrary_state_never_raises(state: dict[str, Any]) -> None:
    for interrupt in interrupts_from_state(state):
        assert isinstance(interrupt, PendingInterrupt)
        classify(interrupt)
        interrupt_summary(interrupt)


@settings(max_examples=300, deadline=None)
@given(json_values, protocol_json)
def test_arbitrary_interrupt_values_classify(value: Any, schema: Any) -> None:
    interrupt = PendingInterrupt(
        "i1", value, response_schema=schema if isinstance(schema, dict) else None
    )
    classify(interrupt)
    interrupt_summary(interrupt)


def recorded_streams() -> list[Path]:
    return sorted(RECORDED_DIR.glob("*.sse"))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(recorded_streams()), st.lists(st.integers(0, 100_000), max_size=30))
def test_recorded_streams_decode_the_same_in_any_chunking(path: Path, cuts: list[int]) -> None:
    data = path.read_bytes()
    whole = decode([data])
    assert whole, f"{path.name} has no events"
    assert decode(split(data, cuts)) == whole
    for record in whole:
        consume(parse_event(record.event, record.data, record.id))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(recorded_streams()), st.integers(1, 700))
def test_recorded_streams_read_the_same_however_they_are_cut(path: Path, chunk: int) -> None:
    """The real server's bytes give the same events whatever the chunk size."""
    data = path.read_bytes()
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    whole = decode([data])
    assert whole
    assert decode(pieces) == whole


def test_an_event_of_megabytes_in_small_pieces_reads_whole() -> None:
    """A 4 MB data line arriving in 4 KB pieces is one event with all its bytes."""
    value = "x" * (4 << 20)
    data = b"event: values\r\ndata: " + json.dumps(value).encode() + b"\r\nid: 1-0\r\n\r\n"
    pieces = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    (record,) = decode(pieces)
    assert record.event == "values" and record.id == "1-0"
    assert parse_event(record.event, record.data, record.id).data == value
