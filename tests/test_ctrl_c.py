"""Ctrl-C during a run, through a real pseudo-terminal, checked on the real server.

In `hil chat` it cancels the run on the server (the thread ends up not busy, with no run
pending or running) and returns to the prompt, where the thread is usable;
`--on-ctrl-c detach` leaves the run running. In `hil run` it cancels and exits 130.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pexpect

from tests.hilterm import pty_session, quit_chat, spawn_hil
from tests.support import create_thread, get_thread

LONG_RUN = json.dumps({"count": 4000, "delay": 0.05})


def active_runs(http: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    """The thread's runs that are pending or running, as the server sees them."""
    response = http.get(f"/threads/{thread_id}/runs", params={"limit": 20})
    response.raise_for_status()
    runs: list[dict[str, Any]] = response.json()
    return [run for run in runs if run["status"] in ("pending", "running")]


def wait_for_active_run(http: httpx.Client, thread_id: str, deadline: float = 30) -> str:
    """The id of the thread's running run, once there is one."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        runs = active_runs(http, thread_id)
        if runs:
            return str(runs[0]["run_id"])
        time.sleep(0.1)  # poll
    raise AssertionError("no run started on the thread")


def test_ctrl_c_in_chat_cancels_the_run_and_returns_to_the_prompt(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    args = ["chat", "--thread", thread_id, "--url", server_url, "-a", "many_events"]
    with pty_session([*args, "--stream-mode", "custom"], hil_env) as chat:
        chat.expect("you>")
        chat.sendline(f"/input {LONG_RUN}")
        chat.expect(r'"i": 3\b')
        assert active_runs(http, thread_id), "the run should be running"
        chat.sendintr()
        chat.expect("Cancelled the run")
        chat.expect("you>")
        assert active_runs(http, thread_id) == []
        assert get_thread(http, thread_id)["status"] != "busy"
        # The thread is usable: a new run goes through.
        chat.sendline('/input {"count": 2}')
        chat.expect("Emitted 2 events.")
        quit_chat(chat)


def test_detach_leaves_the_run_running(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    args = ["chat", "--thread", thread_id, "--url", server_url, "-a", "many_events"]
    chat = spawn_hil([*args, "--stream-mode", "custom", "--on-ctrl-c", "detach"], hil_env)
    try:
        chat.expect("you>")
        chat.sendline(f"/input {LONG_RUN}")
        chat.expect(r'"i": 3\b')
        chat.sendintr()
        chat.expect("Stopped watching")
        chat.expect("you>")
        runs = active_runs(http, thread_id)
        assert len(runs) == 1
        assert get_thread(http, thread_id)["status"] == "busy"
        chat.sendline("/quit")
        chat.expect(pexpect.EOF)
    finally:
        chat.close(force=True)
        for run in active_runs(http, thread_id):
            http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel", params={"wait": "1"})


def test_ctrl_c_in_run_cancels_and_exits_130(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    args = ["run", "--thread", thread_id, "--url", server_url, "-a", "many_events"]
    args += ["--input-json", LONG_RUN, "--stream-mode", "custom"]
    with pty_session(args, hil_env) as child:
        child.expect(r'"i": 3\b')
        child.sendintr()
        child.expect("Cancelled the run")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 130
    assert active_runs(http, thread_id) == []
    assert get_thread(http, thread_id)["status"] != "busy"


def test_attach_joins_the_running_run_and_ctrl_c_cancels_it(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    response = http.post(
        f"/threads/{thread_id}/runs",
        json={
            "assistant_id": "many_events",
            "input": json.loads(LONG_RUN),
            "stream_mode": ["values", "updates", "messages-tuple", "custom"],
            "stream_resumable": True,
        },
    )
    response.raise_for_status()
    wait_for_active_run(http, thread_id)
    args = ["attach", thread_id, "--url", server_url, "-a", "many_events"]
    with pty_session([*args, "--stream-mode", "custom"], hil_env) as child:
        child.expect("Joined run")
        child.expect(r'"i": 0\b')  # replayed from the start
        child.expect(r'"i": 5\b')
        child.sendintr()
        child.expect("Cancelled the run")
        child.expect("you>")
        assert active_runs(http, thread_id) == []
        child.sendline("/quit")
        child.expect(pexpect.EOF)


def test_attach_says_when_nothing_runs(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    with pty_session(["attach", thread_id, "--url", server_url, "-a", "ask"], hil_env) as child:
        child.expect("No run is running on this thread")
        quit_chat(child)
