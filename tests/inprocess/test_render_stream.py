"""The transcript renderer fed with streams recorded from the real server (tests/recorded).

Recordings are made by `bench/record.py --fixtures` with the `tokens` test graph: a scripted
model that streams its answer word by word (`messages` events), then the `updates` event that
repeats the whole message.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import httpx
import pyte
import pytest
from rich.console import Console

from hilcli.client import sse_events
from hilcli.events import StreamEvent, parse_event
from hilcli.render.display import JsonDisplay, RawDisplay, RichDisplay
from hilcli.render.streaming import LiveMessages
from tests.support import RECORDED_DIR

WIDTH = 80
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def recorded_events(name: str) -> Iterator[StreamEvent]:
    """The events of `tests/recorded/NAME.sse`, read as the client reads them (httpx-sse)
    and decoded with hilcli.events.parse_event."""
    data = (RECORDED_DIR / f"{name}.sse").read_bytes()
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=data)
    for sse in sse_events(response):
        yield parse_event(sse.event, sse.data, sse.id or None)


def streamed_answer(name: str) -> str:
    """The full text of the last AI message of a recording (from its `updates` events)."""
    answer = ""
    for event in recorded_events(name):
        if event.mode == "updates" and not event.ns:
            for update in event.data.values():
                for message in (update or {}).get("messages", []):
                    if message.get("type") == "ai" and message.get("content"):
                        answer = message["content"]
    assert answer
    return answer


def render(name: str, *, terminal: bool, color: bool = False) -> str:
    """What RichDisplay writes for a recording, on a terminal or in a pipe."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=WIDTH,
        height=200,
        force_terminal=terminal,
        color_system="truecolor" if color else None,
    )
    display = RichDisplay(console)
    display.run_started()
    for event in recorded_events(name):
        display.event(event)
    display.run_finished()
    return out.getvalue()


def screen_of(output: str, lines: int = 200) -> list[str]:
    """The lines a terminal shows after receiving `output` (cursor movement applied)."""
    screen = pyte.Screen(WIDTH, lines)
    stream = pyte.Stream(screen)
    stream.feed(output.replace("\n", "\r\n"))
    return [line.rstrip() for line in screen.display]


def paragraphs(answer: str) -> list[str]:
    """The prose paragraphs of a Markdown answer (not headings, lists or code)."""
    return [p for p in answer.split("\n\n") if p[:1].isalpha()]


# -- token streaming ---------------------------------------------------------------------------


def test_recording_streams_tokens_then_repeats_the_message_in_updates() -> None:
    """The premise: many `messages` chunks, and an `updates` event with the same message id."""
    events = list(recorded_events("stream_tokens"))
    chunks = [e for e in events if e.mode == "messages" and e.data[0]["content"]]
    assert len(chunks) == 120
    ids = {e.data[0]["id"] for e in chunks}
    updates = [e for e in events if e.mode == "updates" and "agent" in e.data]
    assert {m["id"] for m in updates[0].data["agent"]["messages"]} == ids


def test_plain_output_streams_the_answer_once_as_written() -> None:
    """In a pipe the Markdown source is written as it streams, once, without padding."""
    answer = streamed_answer("stream_tokens")
    output = render("stream_tokens", terminal=False)
    assert output.count(answer) == 1
    for paragraph in paragraphs(answer):
        assert output.count(paragraph) == 1
    assert "\x1b" not in output
    assert all(line == line.rstrip() for line in output.splitlines())


def test_terminal_shows_each_paragraph_once_rendered_as_markdown() -> None:
    """On a terminal the live region is transient: the screen shows every paragraph once."""
    answer = streamed_answer("stream_tokens")
    lines = screen_of(render("stream_tokens", terminal=True))
    shown = " ".join(" ".join(lines).split())
    for paragraph in paragraphs(answer):
        assert shown.count(" ".join(paragraph.split())) == 1, paragraph[:40]
    assert "## Section" not in shown  # headings are rendered, not shown as source
    body = "\n".join(lines).strip("\n")
    assert "\n\n\n" not in body  # one blank line between blocks: the live region left none
    assert "Section 1" in shown
    assert "• first item" in shown


def test_live_region_holds_only_the_active_block() -> None:
    """Finished blocks are frozen; the live text never grows beyond the block being written."""
    console = Console(file=io.StringIO(), width=WIDTH, force_terminal=True, color_system=None)
    live = LiveMessages(console)
    longest_block = 0
    fed = 0
    try:
        for event in recorded_events("stream_tokens"):
            if event.mode == "messages" and event.data[0]["content"]:
                live.feed("m", event.data[0]["content"])
                fed += len(event.data[0]["content"])
                longest_block = max(longest_block, len(live.streams["m"].blocks.active))
    finally:
        live.finish_all()
    assert fed > 3 * longest_block > 0


def test_a_message_that_arrives_whole_is_shown_once() -> None:
    """Non-streamed messages come on `messages` and `updates`: shown once, by id."""
    output = render("stream_custom", terminal=False)
    assert output.count("Emitted 3 events.") == 1


# -- readable runs ----------------------------------------------------------------------------


def test_tool_call_and_result_panel_with_more_lines_note() -> None:
    """The call is one line; the result a panel cut after 8 lines with the count of the rest."""
    output = render("stream_tool", terminal=False)
    assert '→ lines {"n": 30}' in output
    assert output.count("lines result") == 1
    assert "line 8" in output and "line 9" not in output
    assert "22 more lines" in output
    assert output.count("The tool returned 30 lines.") == 1
    assert all(line == line.rstrip() for line in output.splitlines())


def test_node_headers_and_subgraph_namespace_labels() -> None:
    """Nodes are quiet headers; a subgraph's output is labelled with its namespace."""
    output = render("stream_subgraph", terminal=False)
    assert "── child › quest" in output
    assert output.index("── child › quest") < output.index("Your quest: the grail")
    assert "── outro" in output
    assert output.count("Your quest: the grail") == 1


def test_custom_events_are_shown() -> None:
    """`custom` stream events appear under a `custom` header."""
    output = render("stream_custom", terminal=False)
    assert "── custom" in output
    for i in range(3):
        assert f'{{"i": {i}}}' in output


def test_error_event_shows_its_type_and_message() -> None:
    """An `error` event becomes one error line with the exception type and message."""
    assert "✗ ValueError: boom" in render("stream_error", terminal=False)


# -- safety -----------------------------------------------------------------------------------


HOSTILE_RAW = ("\x1b[31m", "\x1b]52;", "\x1b]8;;", "\x07", "\x9b")


@pytest.mark.parametrize("terminal", [False, True])
def test_escape_sequences_from_the_model_are_neutralised_visibly(terminal: bool) -> None:
    """CSI, OSC 52, OSC 8, BEL and C1 from model output are shown, never sent raw."""
    output = render("stream_hostile", terminal=terminal, color=terminal)
    for raw in HOSTILE_RAW:
        assert raw not in output
    shown = " ".join(screen_of(output)) if terminal else output
    assert "␛[31mred␛[0m" in shown
    assert "␛]52;c;aGVsbG8=␇clip" in shown
    assert "\\x9b2J" in shown
    assert "[bold red]not markup[/]" in shown  # Rich markup is text, not style


def test_raw_mode_prints_event_names_and_neutralised_json() -> None:
    """--raw: `mode[|ns] JSON` per event, with control characters made visible."""
    out = io.StringIO()
    display = RawDisplay(Console(file=out, width=WIDTH, color_system=None))
    for event in recorded_events("stream_hostile"):
        display.event(event)
    display.run_finished()
    output = out.getvalue()
    lines = output.splitlines()
    assert lines[0].startswith("metadata {")
    assert any(line.startswith("messages [") for line in lines)
    assert any(line.startswith("updates {") for line in lines)
    assert not CONTROL.search(output.replace("\n", ""))
    assert "\\x9b2J" in output


def test_json_mode_escapes_controls_and_round_trips() -> None:
    """--json: one JSON object per event, decoding to the server's data, no raw controls."""
    out = io.StringIO()
    display = JsonDisplay(out, Console(file=io.StringIO()))
    events = list(recorded_events("stream_hostile"))
    for event in events:
        display.event(event)
    display.result({"type": "result", "status": "done"}, None)
    output = out.getvalue()
    assert not CONTROL.search(output.replace("\n", ""))
    objects = [json.loads(line) for line in output.splitlines()]
    assert objects[-1]["type"] == "result"
    for event, obj in zip(events, objects, strict=False):
        assert obj == {"type": event.mode, "ns": list(event.ns), "data": event.data}
    assert any("\x9b2J" in json.dumps(o["data"], ensure_ascii=False) for o in objects[:-1])


def _updates_event(value: object) -> StreamEvent:
    """A recorded `updates` event of the `payload` node, with `value` as the node's update."""
    for event in recorded_events("stream_tokens"):
        if event.mode == "updates":
            return StreamEvent(event.mode, event.ns, {"payload": {"payload": value}}, event.id)
    raise AssertionError("no updates event")


def test_huge_and_deeply_nested_values_are_truncated() -> None:
    """A 1 MB string and a 200- or 5,000-level nested value render as short lines."""
    deep: object = "bottom"
    for _ in range(5_000):
        deep = {"k": [deep]}
    for value in ("x" * 1_000_000, deep, [list(range(100_000))]):
        out = io.StringIO()
        display = RichDisplay(Console(file=out, width=WIDTH, color_system=None))
        display.event(_updates_event(value))
        display.run_finished()
        output = out.getvalue()
        assert "── payload" in output
        assert len(output) < 1_000
        assert "…" in output
