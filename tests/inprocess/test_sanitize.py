"""Pure helpers of the renderer: safe_text, json_safe, bounded_json and the block splitter."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from hilcli.render.blocks import MarkdownBlocks
from hilcli.text import bounded_json, json_line, json_safe, safe_text

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(st.text())
def test_safe_text_leaves_no_control_character(text: str) -> None:
    """Whatever comes in, no control character (but newline and tab) goes out."""
    assert not UNSAFE.search(safe_text(text))


def test_safe_text_shows_escape_sequences_visibly() -> None:
    """ESC, BEL, DEL, C1 CSI and a bidi override become readable marks; text is kept."""
    text = "a\x1b[31mb\x07c\x7fd\x9b2Je\u202ef\r\ng\th"
    assert safe_text(text) == "a␛[31mb␇c␡d\\x9b2Je\\u202ef\ng\th"
    assert safe_text("plain [bold]text[/bold] ✓") == "plain [bold]text[/bold] ✓"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_json_line_round_trips_without_raw_controls(value: object) -> None:
    """JSON Lines output decodes to the same value and carries no raw control character."""
    line = json_line(value)
    assert json.loads(line) == value
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", line)


def test_json_safe_escapes_c1_in_server_json() -> None:
    """The server's JSON may hold C1 controls raw inside strings; they are escaped."""
    raw = '{"content":"x\x9b2J\x7f\u2028y"}'
    safe = json_safe(raw)
    assert safe == '{"content":"x\\u009b2J\\u007f\\u2028y"}'
    assert json.loads(safe) == json.loads(raw)


def test_bounded_json_cuts_a_megabyte_quickly() -> None:
    """A 1 MB string and a 100,000-item list become about `limit` characters."""
    for value in ("x" * 1_000_000, list(range(100_000)), {"k": "v" * 1_000_000}):
        shown = bounded_json(value, 300)
        assert len(shown) <= 300
        assert shown.endswith("…")


def test_bounded_json_survives_deep_nesting() -> None:
    """200 and 100,000 levels deep: no RecursionError, deep parts shown as `{…}`."""
    for depth in (200, 100_000):
        value: object = "bottom"
        for _ in range(depth):
            value = {"k": [value]}
        shown = bounded_json(value, 10_000)
        assert "…" in shown
        assert "bottom" not in shown


def test_bounded_json_is_plain_json_when_it_fits() -> None:
    """Small values are ordinary JSON (compact, or indented on request)."""
    value = {"a": [1, 2.5, None, True], "b": {"c": "d"}}
    assert json.loads(bounded_json(value, 1_000)) == value
    assert json.loads(bounded_json(value, 1_000, indent=2)) == value
    assert bounded_json(value, 1_000, indent=2).count("\n") > 3


MARKDOWN = "Para one\nstill one.\n\n# Head\n\n```py\nx = 1\n\n\ny = 2\n```\n\n- a\n- b\n\nlast"


def _blocks(pieces: list[str]) -> list[str]:
    splitter = MarkdownBlocks()
    found = [block for piece in pieces for block in splitter.feed(piece)]
    last = splitter.finish()
    return [*found, last] if last else found


def test_blocks_split_at_blank_lines_outside_code_fences() -> None:
    """Blank lines end a block, except inside a fenced code block."""
    assert _blocks([MARKDOWN]) == [
        "Para one\nstill one.",
        "# Head",
        "```py\nx = 1\n\n\ny = 2\n```",
        "- a\n- b",
        "last",
    ]


@given(st.lists(st.integers(min_value=1, max_value=len(MARKDOWN)), max_size=20))
def test_blocks_do_not_depend_on_how_the_text_was_cut(cuts: list[int]) -> None:
    """Token boundaries fall anywhere; the blocks are the same."""
    points = [0, *sorted(set(cuts)), len(MARKDOWN)]
    pieces = [MARKDOWN[a:b] for a, b in zip(points, points[1:], strict=False)]
    assert _blocks(pieces) == _blocks([MARKDOWN])


def test_active_block_is_only_the_unfinished_part() -> None:
    """After a blank line, the finished block leaves the active text."""
    splitter = MarkdownBlocks()
    assert splitter.feed("first para") == []
    assert splitter.active == "first para"
    assert splitter.feed("\n\nsecond") == ["first para"]
    assert splitter.active == "second"
