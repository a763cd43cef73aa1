"""Live counterparts of in-process rules that had no server-tier proof (issue #14's review:
every behaviour the in-process tier asserts from recordings is also proven against a real
server). Each test runs `hil` as a subprocess against the suite's `langgraph dev`.

- tests/inprocess/test_one_rule.py: a subgraph's interrupt is labelled by the subgraph's
  name (`where`), a form waiting in a listing shows its question text (not its value as
  JSON), and an unknown stream mode in the config file is refused before anything is sent.
- tests/inprocess/test_one_rule.py: an error in the chat is shown with its hint on one line.
- the `cmd_run_ctrl_c_detach` scenario (tests/recorded/exchanges): `hil run --on-ctrl-c
  detach` stops watching at Ctrl-C, exits 130, leaves the run going on and names
  `hil attach THREAD`.
- tests/inprocess/test_thread_listing.py: a thread paused at a breakpoint (`interrupted`,
  `interrupts: {}`) is listed with nothing to ask.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pexpect

from tests.hilterm import pty_session
from tests.support import create_thread, get_thread, run_hil, stream_run, user_input
from tests.test_ctrl_c import LONG_RUN, active_runs


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_a_subgraph_interrupt_is_labelled_by_the_subgraphs_name(
    server_url: str, hil_env: dict[str, str]
) -> None:
    done = run_hil(hil_env, "run", "--url", server_url, "-a", "subgraph", "--json", "hi")
    assert done.returncode == 3, done.stderr
    result = json_lines(done.stdout)[-1]
    (interrupt,) = result["interrupts"]
    (segment,) = interrupt["ns"]  # the server's own namespace, kept as sent in --json
    assert segment.startswith("child:") and interrupt["node"] == "quest"
    plain = run_hil(hil_env, "run", "--url", server_url, "-a", "subgraph", "hi")
    assert plain.returncode == 3, plain.stderr
    # the question is placed by the subgraph's name and its node, never by a task id
    assert "? child › quest: What is your quest?" in plain.stdout + plain.stderr


def test_a_waiting_form_is_listed_with_its_question_text(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    stream_run(http, thread_id, "form", input=user_input("book a room"))
    assert get_thread(http, thread_id)["status"] == "interrupted"
    table = run_hil(hil_env, "threads", "--url", server_url, "-a", "form", "--limit", "50")
    assert table.returncode == 0, table.stderr
    line = next(line for line in table.stdout.splitlines() if thread_id in line)
    assert "Please fill in your booking details." in line


def test_an_unknown_stream_mode_in_the_config_is_refused_before_anything_is_sent(
    http: httpx.Client, server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.default]\nstream_mode = ["custom", "nope"]\n', encoding="utf-8")
    env = {**hil_env, "HIL_CONFIG": str(config)}
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hello"))
    runs_before = http.get(f"/threads/{thread_id}/runs").json()
    done = run_hil(env, "run", "--url", server_url, "--thread", thread_id, "-a", "ask", "hi")
    assert done.returncode == 2, done.stderr
    assert "'nope'" in done.stderr and "messages-tuple" in done.stderr  # the known modes
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) <= 2
    # nothing was sent: the thread has no new run and still waits for its question
    assert http.get(f"/threads/{thread_id}/runs").json() == runs_before
    assert get_thread(http, thread_id)["status"] == "interrupted"


def test_a_thread_paused_at_a_breakpoint_is_listed_without_a_question(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    stream_run(http, thread_id, "breakpoint", input=user_input("hi"))
    thread = get_thread(http, thread_id)
    assert thread["status"] == "interrupted" and thread["interrupts"] == {}  # the server's side
    listed = run_hil(
        hil_env, "threads", "--url", server_url, "-a", "breakpoint", "--json", "--limit", "50"
    )
    assert listed.returncode == 0, listed.stderr
    rows = {row["thread_id"]: row for row in json.loads(listed.stdout)}
    assert rows[thread_id]["status"] == "interrupted"
    assert rows[thread_id]["interrupts"] == []


def test_run_detached_by_ctrl_c_leaves_the_run_going_on(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    args = ["run", "--thread", thread_id, "--url", server_url, "-a", "many_events"]
    args += ["--input-json", LONG_RUN, "--stream-mode", "custom", "--on-ctrl-c", "detach"]
    try:
        with pty_session(args, hil_env) as child:
            child.expect(r'"i": 3\b')
            child.sendintr()
            child.expect(f"hil attach {thread_id}")
            child.expect(pexpect.EOF)
        assert child.exitstatus == 130
        assert active_runs(http, thread_id), "the run should still be going on"
    finally:
        for run in active_runs(http, thread_id):
            http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel")


def test_the_chat_shows_an_errors_hint_on_the_same_line(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """An error inside the chat (here `/thread` naming a thread the server does not know)
    is one notice: the message, then its hint, in one paragraph (folded only at the
    terminal's width: a piped chat's lines are 80 cells wide)."""
    missing = str(uuid.uuid4())
    done = run_hil(hil_env, "chat", "--url", server_url, "-a", "ask", input=f"/thread {missing}\n")
    assert done.returncode == 0, done.stderr  # the chat goes on, then the input ends
    notice = (
        f"Thread with ID {missing} not found (404). "
        f"`hil threads --url {server_url}` lists the threads."
    )
    banner, *rest = done.stderr.splitlines()
    assert "".join(rest) == notice, done.stderr  # the folds keep the spaces they break at
    assert "Traceback" not in done.stderr
