"""The REPL's comforts, in a real pseudo-terminal against the real server.

History persisted in $XDG_STATE_HOME/hil/history, Ctrl-R, Tab completion of slash commands,
multi-line input and pasted text, /help, continuing a thread with a pending question.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pexpect

from hilcli.errors import ExitStatus
from tests.hilterm import spawn_hil
from tests.support import create_thread, get_state, get_thread, stream_run, user_input

THREAD_ID = re.compile(r"thread ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


@contextmanager
def chat(env: dict[str, str], *args: str) -> Iterator[pexpect.spawn]:
    """`hil chat ARGS` in a pty; leaves with Ctrl-D and checks it exited 0."""
    child = spawn_hil(["chat", *args], env)
    try:
        yield child
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def history_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_STATE_HOME"]) / "hil" / "history"


def answer_name(child: pexpect.spawn, name: str) -> None:
    child.expect("What is your name\\?")
    child.expect("answer>")
    child.sendline(name)
    child.expect(f"Hello, {name}! Nice to meet you.")
    child.expect("you>")


def test_history_is_written_and_recalled(server_url: str, hil_env: dict[str, str]) -> None:
    hil_env["HIL_URL"] = server_url
    with chat(hil_env, "-a", "ask") as child:
        child.expect("you>")
        child.sendline("remember this line")
        answer_name(child, "Ada")
    saved = history_file(hil_env).read_text(encoding="utf-8")
    assert history_file(hil_env).stat().st_mode & 0o077 == 0  # private to its owner
    assert "+remember this line" in saved
    assert "+Ada" in saved

    with chat(hil_env, "-a", "ask") as child:
        child.expect("you>")
        child.send("\x1b[A")  # Up: the latest entry first
        child.expect("Ada")
        child.sendcontrol("u")  # clear the line
        child.sendcontrol("r")  # reverse search
        child.send("remember")
        child.expect(r"remember(\x1b\[[0-9;]*m)* this line")  # the match is highlighted
        child.send("\r")  # take the found line and send it
        child.expect("What is your name\\?")
        child.expect("answer>")
        child.sendline("Bob")
        child.expect("Hello, Bob!")
        child.expect("you>")
    assert history_file(hil_env).read_text(encoding="utf-8").count("+remember this line") == 2


def test_tab_completes_slash_commands_and_help_lists_them(
    server_url: str, hil_env: dict[str, str]
) -> None:
    hil_env["HIL_URL"] = server_url
    with chat(hil_env) as child:
        child.expect("you>")
        # Tab completes `/he` to `/help`; only then does Enter list the commands. (The screen
        # may draw the completed word in pieces, `/he` then `lp`, so it is not matched whole.)
        child.send("/he\t")
        child.expect("lp")
        child.send("\r")
        for name, about in [
            ("/help", "list the commands"),
            ("/new", "start a new thread"),
            ("/thread", "show the current thread, or switch to one: /thread ID"),
            ("/threads", "list recent threads"),
            ("/state", "show the thread's state"),
            ("/input", "send a raw JSON input"),
            ("/answer", "answer the pending questions"),
            ("/quit", "leave (also /exit, Ctrl-D)"),
        ]:
            child.expect(re.escape(name) + r" +" + re.escape(about))
        child.expect("Alt-Enter or Esc-Enter adds a line")
        child.expect("you>")
        child.send("/thr\t")  # two commands start so: a menu with what each does
        child.expect("list recent threads")
        child.send("s\r")
        child.expect("status")  # the /threads table header
        child.expect("you>")


def test_multi_line_input_and_pasted_text_are_sent_whole(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    hil_env["HIL_URL"] = server_url
    with chat(hil_env, "-a", "ask") as child:
        child.expect("you>")
        child.send("first line\x1b\rsecond line\r")  # Esc-Enter adds a line, Enter sends
        child.expect(THREAD_ID)  # the first message creates the thread
        thread_id = child.match.group(1)
        answer_name(child, "Ada")
        child.send("/new\r")
        child.expect("you>")
        child.send(f"{PASTE_START}pasted one\npasted two{PASTE_END}")
        child.send("\r")
        child.expect(THREAD_ID)
        pasted_thread = child.match.group(1)
        answer_name(child, "Bob")
    assert get_state(http, thread_id)["values"]["messages"][0]["content"] == (
        "first line\nsecond line"
    )
    assert get_state(http, pasted_thread)["values"]["messages"][0]["content"] == (
        "pasted one\npasted two"
    )


def test_chat_thread_shows_the_conversation_then_asks_the_pending_question(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("an earlier message"))
    hil_env["HIL_URL"] = server_url
    with chat(hil_env, "--thread", thread_id) as child:
        # The thread's own assistant is adopted, and named by its graph, not its UUID.
        child.expect_exact(f"assistant ask · thread {thread_id}")
        child.expect("you: an earlier message")
        answer_name(child, "Grace")
    assert get_thread(http, thread_id)["status"] == "idle"
    assert get_state(http, thread_id)["values"]["name"] == "Grace"


def test_thread_switch_state_and_new_inside_the_repl(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    waiting = create_thread(http)
    stream_run(http, waiting, "no_messages", input={"topic": "llamas"})
    hil_env["HIL_URL"] = server_url
    with chat(hil_env) as child:
        child.expect("you>")
        child.send(f"/thread {waiting}\r")
        child.expect(f"Switched to thread {waiting}")
        child.expect("Approve topic llamas\\?")
        child.expect("answer>")
        child.send('"fine"\r')
        child.expect("you>")
        child.send("/state\r")
        child.expect('"answers": \\[')
        child.expect('"fine"')
        child.expect("you>")
        child.send("/thread\r")
        child.expect(f"thread {waiting}")
        child.expect("you>")
        child.send("/new\r")
        child.expect("New thread: it starts with your next message")
        child.expect(waiting)  # the previous one stays reachable with /thread ID
        child.expect("you>")
        child.send("/thread\r")
        child.expect("No thread yet")
        child.expect("you>")
    assert get_state(http, waiting)["values"]["answers"] == ["fine"]


def test_missing_thread_exits_4_at_start_up(server_url: str, hil_env: dict[str, str]) -> None:
    missing = str(uuid.uuid4())
    result = subprocess.run(
        [sys.executable, "-m", "hilcli", "chat", "--url", server_url, "--thread", missing],
        env=hil_env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == ExitStatus.NOTHING_TO_RESUME
    assert missing in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_bell_rings_when_a_question_follows_a_long_run(
    server_url: str, hil_env: dict[str, str]
) -> None:
    hil_env["HIL_URL"] = server_url
    with chat(hil_env, "-a", "slow_ask", "--stream-mode", "custom") as child:
        child.expect("you>")
        child.send('/input {"seconds": 4}\r')
        child.expect("progress")  # the run streams for a while
        child.expect("\x07")
        child.expect("Still there\\?")
        child.expect("answer>")
        child.sendline("yes")
        child.expect("you>")


def test_bell_can_be_turned_off_in_the_config(
    tmp_path: Path, server_url: str, hil_env: dict[str, str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.default]\nurl = "{server_url}"\nbell = false\n')
    hil_env["HIL_CONFIG"] = str(config)
    with chat(hil_env, "-a", "slow_ask") as child:
        child.expect("you>")
        child.send('/input {"seconds": 4}\r')
        child.expect("Still there\\?")
        assert "\x07" not in child.before
        child.expect("answer>")
        child.sendline("yes")
        child.expect("you>")


def test_end_of_piped_input_during_a_question_leaves_with_0(
    server_url: str, hil_env: dict[str, str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hilcli", "chat", "--url", server_url, "-a", "ask"],
        env=hil_env,
        input="hello\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "What is your name?" in result.stdout
    assert "the question stays pending" in result.stderr


def test_toolbar_shows_server_assistant_thread_and_status(server_url: str, tmp_path: Path) -> None:
    import io

    from hilcli.client import AgentClient
    from hilcli.config import resolve
    from hilcli.frontend import Frontend
    from hilcli.prompts.reader import StdinReader
    from hilcli.render.display import RichDisplay, make_console
    from hilcli.repl import Repl
    from hilcli.session import Session

    out = io.StringIO()
    display = RichDisplay(make_console(out, plain=True))
    reader = StdinReader(io.StringIO(""), echo=out)
    settings = resolve(url=server_url, env={"HIL_CONFIG": str(tmp_path / "none.toml")})
    with AgentClient(server_url) as client:
        frontend = Frontend(display, reader)
        session = Session(client, "ask", frontend, stream_modes=["values"])
        thread_id = session.new_thread()
        repl = Repl(session, settings, frontend)
        assert repl.toolbar().split(" · ") == [
            f" {server_url}",
            "assistant ask",
            f"thread {thread_id}",
            "idle ",
        ]
        repl._act(lambda: session.run(input=user_input("hi")))
        assert repl.toolbar().endswith("· waiting for input ")


def test_bottom_toolbar_is_drawn_by_a_terminal_that_answers_cursor_queries(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """prompt-toolkit draws the toolbar once it knows the rows below the cursor, so this one
    test plays a real terminal: it answers the cursor-position request (CPR)."""
    from tests.hilterm import pty_env

    env = pty_env(hil_env)
    env.pop("PROMPT_TOOLKIT_NO_CPR")
    env["HIL_URL"] = server_url
    child = pexpect.spawn(
        sys.executable,
        ["-m", "hilcli", "chat", "-a", "ask"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )
    try:
        child.expect("\x1b\\[6n")  # where is the cursor?
        child.send("\x1b[10;1R")  # row 10: 30 rows below, room for the toolbar
        # no thread yet: the first message creates it
        child.expect(f"{re.escape(server_url)} · assistant ask · new thread · idle")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
