"""The chat's time travel through a real pseudo-terminal: `/history` lists the checkpoints,
`/rewind` to a question asks it again (a new branch), `/rewind` to a checkpoint without one
makes the next message go on from there, and `/edit` writes values from $VISUAL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx

from tests.hilterm import pty_session, quit_chat
from tests.support import create_thread, get_state, stream_run, user_input


def history(http: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    response = http.post(f"/threads/{thread_id}/history", json={"limit": 100})
    response.raise_for_status()
    states: list[dict[str, Any]] = response.json()
    return states


def answered(http: httpx.Client, name: str) -> str:
    """A thread of graph `ask` whose question was answered with `name`."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    pending = get_state(http, thread_id)["interrupts"]
    stream_run(http, thread_id, "ask", resume={pending[0]["id"]: name})
    return thread_id


def test_history_and_rewind_to_a_question_and_to_a_message(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    thread_id = answered(http, "Bob")
    states = history(http, thread_id)
    bob_done = states[0]["checkpoint"]["checkpoint_id"]
    asked = next(s for s in states if s["interrupts"])["checkpoint"]["checkpoint_id"]

    args = ["chat", "--thread", thread_id, "--url", server_url]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("you>")
        child.sendline("/history")
        child.expect("writes of greet")
        child.expect("What is your name")
        child.expect("/rewind CHECKPOINT")
        child.expect("you>")
        child.sendline(f"/rewind {asked[-8:]}")
        child.expect("asked again")
        child.expect("What is your name")
        child.sendline("Alice")
        child.expect("Hello, Alice! Nice to meet you.")
        child.expect("you>")
        child.sendline(f"/rewind {bob_done}")
        child.expect("the next message goes on from there")
        child.expect("you>")
        child.sendline("again")
        child.expect("What is your name")
        child.sendline("Carol")
        child.expect("Hello, Carol! Nice to meet you.")
        quit_chat(child)
    assert child.exitstatus == 0

    final = get_state(http, thread_id)["values"]
    assert [m["content"] for m in final["messages"]] == [
        "hi",
        "Hello, Bob! Nice to meet you.",
        "again",
        "Hello, Carol! Nice to meet you.",
    ]
    names = {s["values"].get("name") for s in history(http, thread_id)}
    assert {"Bob", "Alice", "Carol"} <= names  # every branch is kept


def test_edit_in_chat_writes_what_the_next_step_uses(
    server_url: str, hil_env: dict[str, str], http: httpx.Client, tmp_path: Path
) -> None:
    """`/edit ask_name` on a thread waiting for the name: the editor's value is shown as a
    diff, written on "y", and `greet` (run with /answer's continue) uses it."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import json, sys\n"
        "values = json.load(open(sys.argv[1]))\n"
        "values['name'] = 'Zed'\n"
        "json.dump(values, open(sys.argv[1], 'w'), indent=2)\n",
        encoding="utf-8",
    )
    env = {**hil_env, "VISUAL": f"{sys.executable} {editor}"}
    args = ["chat", "--thread", thread_id, "--url", server_url]
    with pty_session(args, env, timeout=60) as child:
        child.expect("What is your name")
        child.sendcontrol("c")  # leave the question waiting
        child.expect("you>")
        child.sendline("/edit ask_name")
        child.expect(r'\+  "name": "Zed"')
        child.expect(r"\[y/N\]")
        child.sendline("y")
        child.expect("new checkpoint")
        child.expect("you>")
        child.sendline("/answer")
        child.expect("paused at a breakpoint, before: greet")
        child.expect(r"continue / stop\?")
        child.sendline("continue")
        child.expect("Hello, Zed! Nice to meet you.")
        quit_chat(child)
    assert child.exitstatus == 0
    assert get_state(http, thread_id)["values"]["name"] == "Zed"
