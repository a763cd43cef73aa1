"""`hil run` against the real server: streamed tokens, --raw, --json, plain output, safety.

The `tokens` test graph streams a scripted answer word by word; `tool N` calls a tool that
returns N lines; any other message is echoed back ("You said: ...") by the model.
"""

from __future__ import annotations

import io
import json
import re
import subprocess

import pexpect
import pyte

from tests.hilterm import spawn_hil
from tests.support import clean_env, run_hil

ANSI = re.compile(r"\x1b[\[\]]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "[bold]not bold[/bold] \x1b[31mred\x1b[0m \x1b]52;c;aGVsbG8=\x07 \x1b]0;title\x07 \x9b2J"


def hil(
    server_url: str, env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m hilcli ARGS --url URL`, output captured (not a terminal)."""
    return run_hil(env, *args, "--url", server_url, timeout=timeout)


def test_plain_run_streams_the_answer_once_without_escape_codes(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """NO_COLOR / a pipe: the Markdown answer appears once, no ANSI codes, no padding."""
    result = hil(server_url, hil_env, "run", "tokens 300", "-a", "tokens")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert not ANSI.search(out)
    assert all(line == line.rstrip() for line in out.splitlines())
    for k in (0, 2, 5):
        assert out.count(f"Paragraph {k}: ") == 1
    assert "## Section 1" in out  # the source, as it streamed
    assert "✓ done" in out


def test_plain_output_on_a_terminal_with_no_color_has_no_ansi(
    server_url: str, hil_env: dict[str, str], tmp_path: object
) -> None:
    """NO_COLOR on a real terminal: plain text, no colour, no cursor movement."""
    child = spawn_hil(["run", "tokens 80", "-a", "tokens", "--url", server_url], hil_env)
    try:
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close()
    assert child.exitstatus == 0, output
    assert not ANSI.search(output)
    assert output.count("Paragraph 0: ") == 1


def test_tool_result_is_a_compact_panel(server_url: str, hil_env: dict[str, str]) -> None:
    """A 40-line tool result shows 8 lines and says how many more there are."""
    result = hil(server_url, hil_env, "run", "tool 40", "-a", "tokens")
    assert result.returncode == 0, result.stderr
    assert '→ lines {"n": 40}' in result.stdout
    assert "line 8" in result.stdout and "line 9\n" not in result.stdout
    assert "32 more lines" in result.stdout
    assert result.stdout.count("The tool returned 40 lines.") == 1


def test_escape_sequences_and_markup_in_model_output_are_neutralised(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Model output with CSI, OSC 52, OSC 0, BEL, C1 and Rich markup is shown literally."""
    for args in ([], ["--raw"]):
        result = hil(server_url, hil_env, "run", HOSTILE, "-a", "tokens", *args)
        assert result.returncode == 0, result.stderr
        assert not CONTROL.search(result.stdout.replace("\n", "")), args
        assert "\\x9b2J" in result.stdout
        if args:  # the server's JSON text: C0 controls are JSON escapes there
            assert "\\u001b[31mred\\u001b[0m" in result.stdout
            continue
        assert "␛[31mred␛[0m" in result.stdout
        assert "␛]52;c;aGVsbG8=␇" in result.stdout
        assert "You said: [bold]not bold[/bold]" in result.stdout


def test_raw_prints_events_as_the_server_sent_them(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """--raw: one line per event, `mode[|ns] JSON`."""
    result = hil(server_url, hil_env, "run", "tokens 20", "-a", "tokens", "--raw")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = [line.split(" ", 1)[0] for line in lines if line[:1].isalpha()]
    assert names[0] == "metadata"
    assert names.count("messages") >= 20
    assert "updates" in names and "values" in names
    chunk = next(line for line in lines if line.startswith("messages "))
    data = json.loads(chunk.split(" ", 1)[1])
    assert data[0]["type"] == "AIMessageChunk"
    assert data[1]["langgraph_node"] == "agent"


def test_json_lines_events_then_the_result(server_url: str, hil_env: dict[str, str]) -> None:
    """--json: every line a JSON object; the events, then the result object last."""
    result = hil(server_url, hil_env, "run", HOSTILE, "-a", "tokens", "--json")
    assert result.returncode == 0, result.stderr
    assert not CONTROL.search(result.stdout.replace("\n", ""))
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects[-1]["type"] == "result" and objects[-1]["status"] == "done"
    events = objects[:-1]
    assert {"metadata", "messages", "updates", "values"} <= {o["type"] for o in events}
    assert all(set(o) == {"type", "ns", "data"} for o in events)
    final = objects[-1]["values"]["messages"][-1]["content"]
    assert final == f"You said: {HOSTILE}"  # the JSON escapes decode to the exact text
    streamed = "".join(o["data"][0]["content"] for o in events if o["type"] == "messages")
    assert streamed == final


def test_stream_mode_adds_custom_events(server_url: str, hil_env: dict[str, str]) -> None:
    """--stream-mode custom: the graph's custom events are shown."""
    result = hil(
        server_url,
        hil_env,
        "run",
        "--input-json",
        '{"count": 3}',
        "-a",
        "many_events",
        "--stream-mode",
        "custom",
    )
    assert result.returncode == 0, result.stderr
    assert "── custom" in result.stdout
    assert '{"i": 2}' in result.stdout
    assert result.stdout.count("Emitted 3 events.") == 1


def test_error_event_is_shown_with_type_and_message(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """A failing node: the error event's type and message, exit status 1."""
    result = hil(server_url, hil_env, "run", "hi", "-a", "fails")
    assert result.returncode == 1
    assert "✗ ValueError: boom" in result.stdout


def test_huge_and_deeply_nested_values_do_not_break_the_renderer(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """A 1 MB value and a 200-level nested value in a state update are cut for display."""
    for built in ({"big": 1_000_000}, {"deep": 200}):
        run_input = {"messages": [{"role": "user", "content": "hello"}], **built}
        result = hil(
            server_url, hil_env, "run", "--input-json", json.dumps(run_input), "-a", "tokens"
        )
        assert result.returncode == 0, result.stderr
        assert "── payload" in result.stdout
        assert "…" in result.stdout
        assert len(result.stdout) < 5_000
        assert "You said: hello" in result.stdout


def test_chat_in_a_terminal_shows_the_streamed_answer_exactly_once(
    server_url: str, tmp_path: object
) -> None:
    """Through a real pty with colours: after the live region, each paragraph is on screen once."""
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    env = clean_env(tmp_path)
    env.pop("NO_COLOR")
    child = spawn_hil(["chat", "--url", server_url, "-a", "tokens"], env)
    child.delaybeforesend = None
    log = io.StringIO()
    child.logfile_read = log
    screen = pyte.Screen(100, 40)
    stream = pyte.Stream(screen)
    try:
        child.expect("you>")
        child.sendline("tokens 100")
        child.expect("Paragraph 0:")
        child.expect("you>")
        shown = log.getvalue()
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    stream.feed(shown)
    lines = [line.rstrip() for line in screen.display]
    text = " ".join(" ".join(lines).split())
    assert text.count("Paragraph 0:") == 1, "\n".join(lines)
    assert text.count("Paragraph 2:") == 1, "\n".join(lines)
    screen_text = "\n".join(lines)  # shown whole when an assertion fails
    assert "## Section" not in text, screen_text
    assert "• second item" in text, screen_text
    fifth = [index for index, line in enumerate(lines) if "Paragraph 5:" in line]
    assert fifth, screen_text
    answer = "\n".join(lines[: fifth[0]])
    assert "\n\n\n" not in answer.strip("\n"), screen_text  # the live region leaves no gaps
