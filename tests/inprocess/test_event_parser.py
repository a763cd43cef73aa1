"""`EventParser` reuses the decoded metadata of a message's tokens; it must read exactly what
decoding each event whole reads, whatever the bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilcli.client import sse_events
from hilcli.errors import ProtocolError
from hilcli.events import EventParser, StreamEvent, parse_event
from tests.support import RECORDED_DIR


def recorded(path: Path) -> list[tuple[str, bytes, str | None]]:
    """(name, data, id) of a recorded stream's events, read as the client reads them: with
    httpx-sse, data handed to the parser as UTF-8 bytes."""
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=path.read_bytes()
    )
    return [(sse.event, sse.data.encode(), sse.id or None) for sse in sse_events(response)]


def both(parser: EventParser, name: str, data: bytes) -> StreamEvent | type[ProtocolError]:
    """The parser's reading of one event, checked against a whole decode of it."""
    try:
        expected: StreamEvent | type[ProtocolError] = parse_event(name, data, "1-0")
    except ProtocolError:
        expected = ProtocolError
    try:
        got: StreamEvent | type[ProtocolError] = parser.parse(name, data, "1-0")
    except ProtocolError:
        got = ProtocolError
    assert got == expected, data
    return got


@pytest.mark.parametrize("path", sorted(RECORDED_DIR.glob("*.sse")), ids=lambda p: p.stem)
def test_recorded_streams_read_the_same_as_whole_decoding(path: Any) -> None:
    parser = EventParser()
    for name, data, _ in recorded(path):
        both(parser, name, data)


def test_the_tokens_of_a_message_share_their_decoded_metadata() -> None:
    """The recorded token stream takes the fast path: one metadata object per message."""
    parser = EventParser()
    tokens = [
        parser.parse(name, data, event_id)
        for name, data, event_id in recorded(RECORDED_DIR / "stream_tokens.sse")
        if name.startswith("messages")
    ]
    assert len(tokens) > 10
    shared = sum(1 for a, b in zip(tokens, tokens[1:], strict=False) if a.data[1] is b.data[1])
    assert shared >= len(tokens) - 3


CRAFTED = [
    b'[1,2,{"a":1}]',  # three values ending with the same bytes
    b'["x"  ,{"a":1}]',  # spaces before the comma
    b'{"k":[1,{"a":1}]',  # not JSON, though it ends the same
    b'[[1],{"a":1}]',
    b'[{"a":1}]',
    b',{"a":1}]',
    b'["\\",{\\"a\\":1}]",{"a":1}]',  # a string holding the tail's bytes, escaped
    b'[1 ,{"a":1}]  ',
]


@pytest.mark.parametrize("data", CRAFTED)
def test_crafted_tails_read_the_same_as_whole_decoding(data: bytes) -> None:
    parser = EventParser()
    both(parser, "messages", b'[0,{"a":1}]')  # learn the tail `,{"a":1}]`
    both(parser, "messages", data)
    both(parser, "messages", b'[5,{"a":1}]')


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
metadata = st.sampled_from(
    [{"langgraph_node": "agent"}, {"langgraph_node": "tools", "step": 2}, {}, {"a": [1, "]"]}]
)


def token_event(chunk: Any, meta: Any, form: int) -> bytes:
    """The bytes of a token event: as the server writes it, or bent into odd shapes."""
    good = orjson.dumps([chunk, meta])
    return [
        good,
        good[:-1] + b"  ]",
        orjson.dumps([chunk, chunk, meta]),
        orjson.dumps(chunk),
        good[1:],
        good.replace(b"[", b"[ ", 1),
    ][form]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(json_values, metadata, st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5]))))
def test_any_token_events_read_the_same_as_whole_decoding(
    events: list[tuple[Any, Any, int]],
) -> None:
    parser = EventParser()
    for chunk, meta, form in events:
        both(parser, "messages", token_event(chunk, meta, form))
