"""Parallel writers read well (issue 12, points 4 and 5), on the real server.

Graph `fanout` asks to approve a plan (it takes only the boolean `true`), then three
`write_section` tasks (`Send`) stream their Markdown at once, their tokens interleaved on the
stream; their chunks carry their own message id, and each message is closed by a chunk under
another id. Node `report` then writes "Report: 3 sections written.".

Whatever the output, each section is shown as one block, labelled with its node, and ends
before the report is written (the closing chunk ends it, under whichever id it comes).
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter

import pyte
import pytest
from rich.console import Console

from hilcli.events import parse_event
from hilcli.render import streaming
from hilcli.render.display import RichDisplay
from tests.graphs.fanout import TITLES, section_text
from tests.hilterm import pty_session, quit_chat
from tests.support import run_hil
from tests.test_review_everywhere import coloured, screen, words

REPORT = "Report: 3 sections written."


def planned_thread(server_url: str, env: dict[str, str]) -> str:
    """A `fanout` thread waiting for its plan to be approved."""
    first = run_hil(env, "run", "--url", server_url, "-a", "fanout", "go", "--json")
    assert first.returncode == 3, first.stderr
    result = json.loads(first.stdout.splitlines()[-1])
    assert result["interrupts"][0]["value"] == "Approve the plan? Answer true or false."
    thread_id: str = result["thread_id"]
    return thread_id


def test_the_writers_tokens_interleave_on_the_stream(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """The premise: three messages' tokens alternate on the stream, each closed by a chunk
    under another id."""
    thread_id = planned_thread(server_url, hil_env)
    done = run_hil(
        hil_env, "resume", thread_id, "--url", server_url, "--value-json", "true", "--json"
    )
    assert done.returncode == 0, done.stderr
    chunks = [
        line["data"][0]
        for line in map(json.loads, done.stdout.splitlines())
        if line["type"] == "messages" and line["data"][0]["type"] == "AIMessageChunk"
    ]
    ids = [chunk["id"] for chunk in chunks if chunk["content"]]
    assert len(set(ids)) == 3
    switches = sum(1 for a, b in zip(ids, ids[1:], strict=False) if a != b)
    assert switches > 30  # not one message after the other
    closing = [chunk["id"] for chunk in chunks if chunk.get("chunk_position") == "last"]
    assert len(closing) == 3 and not set(closing) & set(ids)


def test_a_pipe_shows_each_section_whole_labelled_before_the_report(
    server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = planned_thread(server_url, hil_env)
    done = run_hil(hil_env, "resume", thread_id, "--url", server_url, "--value-json", "true")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for title in TITLES:
        assert out.count(section_text(title)) == 1, out  # the Markdown source, in one piece
        assert out.index(f"End of {title}.") < out.index(REPORT)
    lines = out.splitlines()
    assert "##" not in lines  # never one token per line
    text_lines = Counter(line for line in lines if line.strip() and not line.startswith("──"))
    assert max(text_lines.values()) == 1  # no line of text printed twice
    # Each section starts right under a label naming its node.
    for title in TITLES:
        assert lines[lines.index(f"## {title}") - 1] == "── write_section"


def test_chat_on_a_terminal_shows_each_section_whole_labelled(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Live regions on a terminal: what stays on the screen is each section once, whole,
    under its label, rendered as Markdown, before the report."""
    args = ["chat", "--url", server_url, "-a", "fanout"]
    with coloured(args, hil_env) as (child, log):
        child.expect("you>")
        child.sendline("go")
        child.expect("answer>")
        child.sendline("/json true")
        child.expect(REPORT)
        quit_chat(child)
    assert child.exitstatus == 0
    lines = screen(log.text)
    shown = "\n".join(lines)
    after = shown[shown.index("/json true") :]
    for title in TITLES:
        body = section_text(title).split("\n\n", 1)[1]
        assert words(after).count(words(body)) == 1, after
        assert after.index(f"End of {title}.") < after.index(REPORT)
        heading = lines.index(title)  # the `## TITLE` heading, rendered
        assert lines[heading - 1] == "── write_section"
    assert "##" not in after


def test_chat_in_plain_text_on_a_terminal(server_url: str, hil_env: dict[str, str]) -> None:
    """NO_COLOR on a terminal: plain text, still each section whole under its label."""
    args = ["chat", "--url", server_url, "-a", "fanout"]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("you>")
        child.sendline("go")
        child.expect("answer>")
        child.sendline("/json true")
        child.expect(r"── plan\s+\{\"approved\": true\}")
        for _ in TITLES:
            child.expect(r"── write_section\s+## (\w+)\s+(\w+) paragraph one: ")
            title = child.match.group(1)
            assert child.match.group(2) == title
            child.expect(re.escape(f"{title} sentence 4 of paragraph one."))
            child.expect(re.escape(f"{title} paragraph two: {title} sentence 1"))
            child.expect(re.escape(f"End of {title}."))
        child.expect(REPORT)
        quit_chat(child)
    assert child.exitstatus == 0


def test_rendering_real_interleaved_events_prints_each_block_once(
    server_url: str, hil_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real stream fed to the terminal renderer: the printed output holds each section
    once, and its size stays proportional to the text (no re-render per token). The live
    region's timed redraws are switched off, so the size does not depend on the clock."""
    monkeypatch.setattr(streaming, "REFRESH_PER_SECOND", 1e-9)
    thread_id = planned_thread(server_url, hil_env)
    done = run_hil(
        hil_env, "resume", thread_id, "--url", server_url, "--value-json", "true", "--json"
    )
    events = [
        parse_event(line["type"], json.dumps(line["data"]))
        for line in map(json.loads, done.stdout.splitlines())
        if line["type"] != "result"
    ]
    out = io.StringIO()
    console = Console(file=out, width=100, height=40, force_terminal=True, color_system=None)
    display = RichDisplay(console)
    display.run_started()
    for event in events:
        display.event(event)
    display.run_finished()
    terminal = pyte.Screen(100, 200)
    pyte.Stream(terminal).feed(out.getvalue().replace("\n", "\r\n"))
    shown = words("\n".join(terminal.display))
    written = sum(len(section_text(title)) for title in TITLES)
    for title in TITLES:
        assert shown.count(words(section_text(title).split("\n\n", 1)[1])) == 1
    # Lines are padded to the width and the live region is drawn around each printed block:
    # about 10x the text here, where one redraw per token (330 of them) would be hundreds.
    assert len(out.getvalue()) < 20 * written, len(out.getvalue())
