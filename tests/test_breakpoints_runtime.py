"""Breakpoints at run time on the real server: `--interrupt-before/--interrupt-after` (a node
or `*`) on `run`, `resume` and `chat` pause the run (exit 3, `"interrupts": []`, `"next"`),
say what changed in the state since the previous pause, and `hil resume --continue` goes on
(with the same breakpoints, so each pause exits 3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.hilterm import pty_session, quit_chat
from tests.support import create_thread, get_state, stream_run, user_input
from tests.support import run_hil as hil


def result_of(stdout: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(stdout.splitlines()[-1])
    assert result["type"] == "result"
    return result


def test_interrupt_before_stops_at_the_node_and_continue_goes_on(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    paused = hil(
        hil_env,
        "run",
        "go",
        "-a",
        "ask_count",
        "--answer",
        "4",
        "--interrupt-before",
        "confirm",
        "--url",
        server_url,
        "--json",
    )
    assert paused.returncode == 3, paused.stderr
    result = result_of(paused.stdout)
    assert result["status"] == "interrupted"
    assert result["interrupts"] == []
    assert result["next"] == ["confirm"]
    assert "copies: 4 (new)" in paused.stderr  # what changed since the question
    thread_id = result["thread_id"]
    assert get_state(http, thread_id)["next"] == ["confirm"]
    runs = http.get(f"/threads/{thread_id}/runs").json()
    assert all(run["kwargs"]["interrupt_before"] == ["confirm"] for run in runs)

    went_on = hil(hil_env, "resume", thread_id, "--continue", "--url", server_url, "--json")
    assert went_on.returncode == 0, went_on.stderr
    final = result_of(went_on.stdout)
    assert final["status"] == "done" and final["next"] == []
    assert [m["content"] for m in final["values"]["messages"][-2:]] == [
        "Printing 4 copies.",
        "Shelved 4.",
    ]


def test_interrupt_after_every_node_pauses_at_each_one(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """`*` pauses after every node: each `--continue` exits 3 at the next pause, shows the
    next nodes and what the node wrote, until the run is done (exit 0)."""
    first = hil(
        hil_env,
        "run",
        "go",
        "-a",
        "ask_count",
        "--answer",
        "2",
        "--interrupt-after",
        "*",
        "--url",
        server_url,
        "--json",
    )
    assert first.returncode == 3, first.stderr
    thread_id = result_of(first.stdout)["thread_id"]
    pauses = [result_of(first.stdout)["next"]]
    said = [first.stderr]
    for _ in range(5):
        step = hil(hil_env, "resume", thread_id, "--continue", "--url", server_url, "--json")
        if step.returncode == 0:
            break
        assert step.returncode == 3, step.stderr
        pauses.append(result_of(step.stdout)["next"])
        said.append(step.stderr)
    else:
        raise AssertionError(f"still paused after 5 continues: {pauses}")
    assert pauses == [["confirm"], ["shelve"]]
    assert "messages: +1 (ai: Printing 2 copies.)" in said[1]
    human = hil(hil_env, "resume", thread_id, "--continue", "--url", server_url)
    assert human.returncode == 4  # done: not paused any more, nothing sent
    assert "not paused at a breakpoint" in human.stderr


def test_a_breakpoint_on_resume_and_the_continue_hint(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """`resume --interrupt-before` pauses the resumed run; the human output names the next
    node and the command that continues."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask_count", input=user_input("go"))
    paused = hil(
        hil_env,
        "resume",
        thread_id,
        "--value",
        "3",
        "--interrupt-before",
        "shelve",
        "--url",
        server_url,
    )
    assert paused.returncode == 3, paused.stderr
    assert "paused before shelve" in paused.stdout
    assert f"hil resume {thread_id} --continue" in paused.stdout
    assert "messages: +1 (ai: Printing 3 copies.)" in paused.stderr
    assert get_state(http, thread_id)["next"] == ["shelve"]


def test_chat_offers_continue_edit_stop_at_a_pause(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    """In chat a pause shows the next node and the changes, and offers to edit the state
    before going on: the edited value is what the next node uses."""
    args = ["chat", "-a", "ask_count", "--interrupt-before", "confirm", "--url", server_url]
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import json, sys\n"
        "values = json.load(open(sys.argv[1]))\n"
        "values['copies'] = 9\n"
        "json.dump(values, open(sys.argv[1], 'w'), indent=2)\n",
        encoding="utf-8",
    )
    env = {**hil_env, "VISUAL": f"{sys.executable} {editor}"}
    with pty_session(args, env, timeout=60) as child:
        child.expect("you>")
        child.sendline("print please")
        child.expect("How many copies")
        child.sendline("7")
        child.expect("copies: 7")
        child.expect("paused at a breakpoint, before: confirm")
        child.expect(r"continue / stop\? \(or edit the state first\)")
        child.sendline("edit")
        child.expect(r'\+  "copies": 9')
        child.expect(r"\[y/N\]")
        child.sendline("y")
        child.expect("new checkpoint")
        child.expect(r"continue / stop\?")
        child.sendline("")
        child.expect("Printing 9 copies.")
        child.expect("Shelved 9.")
        quit_chat(child)
    assert child.exitstatus == 0


def test_a_breakpoint_on_a_node_the_graph_lacks_is_refused(
    quiet_server_url: str, hil_env: dict[str, str], quiet_http: httpx.Client
) -> None:
    """The server takes any name and would never pause: hil refuses it first (exit 2),
    naming the graph's nodes, and starts nothing."""
    threads_before = len(quiet_http.post("/threads/search", json={"limit": 1000}).json())
    refused = hil(
        hil_env,
        "run",
        "go",
        "-a",
        "ask_count",
        "--interrupt-before",
        "confrim",
        "--url",
        quiet_server_url,
    )
    assert refused.returncode == 2
    assert "no node confrim" in refused.stderr
    assert "ask_copies, confirm, shelve" in refused.stderr
    assert len(quiet_http.post("/threads/search", json={"limit": 1000}).json()) == threads_before


def test_breakpoints_with_an_answer_given_again_pause_after_it(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """`resume --checkpoint C --interrupt-before '*'`: the question is answered again (the
    replay that asks it again is not stopped short), then the run pauses before the next
    node."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask_count", input=user_input("go"))
    pending = get_state(http, thread_id)["interrupts"]
    stream_run(http, thread_id, "ask_count", resume={pending[0]["id"]: 1})
    states = http.post(f"/threads/{thread_id}/history", json={"limit": 50}).json()
    asked = next(s for s in states if s["interrupts"])["checkpoint"]["checkpoint_id"]
    paused = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        asked,
        "--value",
        "6",
        "--interrupt-before",
        "*",
        "--url",
        server_url,
        "--json",
    )
    assert paused.returncode == 3, paused.stderr
    result = result_of(paused.stdout)
    assert result["next"] == ["confirm"] and result["interrupts"] == []
    assert result["values"]["copies"] == 6
