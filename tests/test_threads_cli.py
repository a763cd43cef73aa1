"""`hil threads` and `hil show` against the real server."""

from __future__ import annotations

import json
import subprocess
import uuid

import httpx

from hilcli.errors import ExitStatus
from tests.support import create_thread, get_thread, run_hil, stream_run, user_input


def hil(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_hil(env, *args)


def waiting_ask_thread(http: httpx.Client, message: str = "hi there") -> str:
    """A thread of graph `ask` that waits for "What is your name?"."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input(message))
    assert get_thread(http, thread_id)["status"] == "interrupted"
    return thread_id


def test_threads_lists_the_waiting_question(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = waiting_ask_thread(http)
    done = create_thread(http)
    stream_run(http, done, "no_messages", input={"topic": "dogs"})
    stream_run(http, done, "no_messages", resume="yes")
    result = hil(["threads", "--url", server_url, "--json", "--limit", "50"], hil_env)
    assert result.returncode == 0, result.stderr
    rows = {row["thread_id"]: row for row in json.loads(result.stdout)}
    row = rows[thread_id]
    assert row["status"] == "interrupted"
    assert row["assistant"] == "ask"
    assert row["interrupts"][0]["value"] == "What is your name?"
    assert rows[done]["status"] == "idle"
    assert rows[done]["interrupts"] == []
    ordered = [row["thread_id"] for row in json.loads(result.stdout)]
    assert ordered.index(done) < ordered.index(thread_id)  # newest first

    table = hil(["threads", "--url", server_url, "--limit", "50"], hil_env)
    assert table.returncode == 0, table.stderr
    line = next(line for line in table.stdout.splitlines() if thread_id in line)
    assert "interrupted" in line and "ask" in line and "What is your name?" in line
    assert "\x1b[" not in table.stdout


def test_threads_status_and_limit_filter(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = waiting_ask_thread(http)
    idle = hil(["threads", "--url", server_url, "--status", "idle", "--json"], hil_env)
    assert idle.returncode == 0, idle.stderr
    statuses = {row["status"] for row in json.loads(idle.stdout)}
    assert statuses <= {"idle"}
    assert thread_id not in idle.stdout
    waiting = hil(["threads", "--url", server_url, "--status", "interrupted", "--json"], hil_env)
    assert thread_id in waiting.stdout
    one = hil(["threads", "--url", server_url, "--limit", "1", "--json"], hil_env)
    assert len(json.loads(one.stdout)) == 1
    bad = hil(["threads", "--url", server_url, "--status", "sleeping"], hil_env)
    assert bad.returncode == ExitStatus.USAGE


def test_show_prints_messages_and_pending_interrupts(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = waiting_ask_thread(http, "please greet me")
    result = hil(["show", thread_id, "--url", server_url], hil_env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert thread_id in out and "interrupted" in out
    assert "you: please greet me" in out
    state = http.get(f"/threads/{thread_id}/state").json()
    interrupt_id = state["interrupts"][0]["id"]
    assert interrupt_id in out
    assert "? ask_name: What is your name?" in out  # as chat asks it, with its node

    shown = json.loads(hil(["show", thread_id, "--url", server_url, "--json"], hil_env).stdout)
    assert shown["status"] == "interrupted"
    assert shown["assistant"] == "ask"
    assert shown["values"]["messages"][0]["content"] == "please greet me"
    contract = ("id", "value", "response_schema", "ns", "node")
    assert [{key: item[key] for key in contract} for item in shown["interrupts"]] == [
        {
            "id": interrupt_id,
            "value": "What is your name?",
            "response_schema": None,
            "ns": [],
            "node": "ask_name",
        }
    ]


def test_show_prints_values_of_a_graph_without_messages(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    stream_run(http, thread_id, "no_messages", input={"topic": "owls"})
    result = hil(["show", thread_id, "--url", server_url], hil_env)
    assert result.returncode == 0, result.stderr
    assert '"topic": "owls"' in result.stdout
    assert "Approve topic owls?" in result.stdout
    assert "? review:" in result.stdout  # the question's node, as chat labels it


def test_show_a_missing_thread_exits_4(server_url: str, hil_env: dict[str, str]) -> None:
    missing = str(uuid.uuid4())
    result = hil(["show", missing, "--url", server_url], hil_env)
    assert result.returncode == ExitStatus.NOTHING_TO_RESUME
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_threads_unreachable_server_exits_5(hil_env: dict[str, str]) -> None:
    result = hil(["threads", "--url", "http://127.0.0.1:9"], hil_env)
    assert result.returncode == ExitStatus.UNREACHABLE
    assert "Cannot reach the server" in result.stderr


def test_show_a_failed_thread_says_why_and_where(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    stream_run(http, thread_id, "fails", input=user_input("go"))
    result = hil(["show", thread_id, "--url", server_url], hil_env)
    assert result.returncode == 0, result.stderr
    assert f"thread {thread_id}  error" in result.stdout
    assert "error: " in result.stdout and "ValueError" in result.stdout
    assert "stopped at: explode" in result.stdout


def test_client_reads_health_and_many_states_on_the_real_server(
    http: httpx.Client, server_url: str
) -> None:
    from hilcli.client import STATE_READS, AgentClient

    waiting = [waiting_ask_thread(http, f"hello {n}") for n in range(STATE_READS + 2)]
    missing = str(uuid.uuid4())
    with AgentClient(server_url) as client:
        assert client.health() == "/ok"
        states = client.get_states([*waiting, missing])
        assert set(states) == set(waiting)  # the missing thread is left out, not an error
        for thread_id in waiting[:2]:
            assert states[thread_id] == client.get_state(thread_id)
    for thread_id in waiting:
        assert states[thread_id]["interrupts"][0]["value"] == "What is your name?"
