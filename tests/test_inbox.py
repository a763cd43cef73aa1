"""`hil inbox`: find the threads that wait, answer one, watch the run finish (real server)."""

from __future__ import annotations

import json
import subprocess
import time

import httpx
import pexpect

from tests.hilterm import spawn_hil, strip_ansi
from tests.support import create_thread, get_state, get_thread, run_hil, stream_run, user_input


def hil(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_hil(env, *args, input=stdin)


def waiting_thread(http: httpx.Client, graph: str, run_input: object) -> str:
    thread_id = create_thread(http)
    stream_run(http, thread_id, graph, input=run_input)
    assert get_thread(http, thread_id)["status"] == "interrupted"
    return thread_id


def cancelled_thread(http: httpx.Client) -> str:
    """Interrupted by a cancelled run: status `interrupted`, but nothing to answer."""
    thread_id = create_thread(http)
    run = http.post(
        f"/threads/{thread_id}/runs",
        json={"assistant_id": "many_events", "input": {"count": 100000, "delay": 0.01}},
    ).json()
    deadline = time.monotonic() + 30
    while http.get(f"/threads/{thread_id}/runs/{run['run_id']}").json()["status"] != "running":
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)  # poll
    http.post(
        f"/threads/{thread_id}/runs/{run['run_id']}/cancel",
        params={"wait": "1", "action": "interrupt"},
    )
    return thread_id


def test_inbox_json_lists_only_threads_that_wait(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    asking = waiting_thread(http, "ask", user_input("hello"))
    topic = waiting_thread(http, "no_messages", {"topic": "bees"})
    idle = create_thread(http)
    cancelled = cancelled_thread(http)
    assert get_thread(http, cancelled)["status"] == "interrupted"
    result = hil(["inbox", "--url", server_url, "--json"], hil_env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    ids = [row["thread_id"] for row in rows]
    assert asking in ids and topic in ids
    assert idle not in ids and cancelled not in ids
    assert ids.index(topic) < ids.index(asking)  # newest first
    by_id = {row["thread_id"]: row for row in rows}
    assert by_id[topic]["interrupts"][0]["value"] == {"question": "Approve topic bees?"}
    # the question as the listing gives it, under the key `hil resume --interrupt-id` takes
    assert by_id[topic]["interrupts"][0]["key"] == get_state(http, topic)["interrupts"][0]["id"]

    only_ask = hil(["inbox", "--url", server_url, "--json", "-a", "ask"], hil_env)
    ask_ids = [row["thread_id"] for row in json.loads(only_ask.stdout)]
    assert asking in ask_ids and topic not in ask_ids
    assert {row["assistant"] for row in json.loads(only_ask.stdout)} == {"ask"}


def test_inbox_answer_in_a_terminal(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = waiting_thread(http, "ask", user_input("greet me, please"))
    hil_env["HIL_URL"] = server_url
    child = spawn_hil(["inbox"], hil_env)
    try:
        child.expect("question")  # the table header
        child.expect(thread_id)
        child.expect("What is")  # the question, as wide as the terminal allows
        child.expect("inbox>")
        child.sendline(thread_id)
        child.expect("greet me, please")  # the thread's context
        child.expect("What is your name\\?")
        child.expect("answer>")
        child.sendline("Ada")
        child.expect("Hello, Ada! Nice to meet you.")
        child.expect(f"thread {thread_id} finished")
        index = child.expect(["inbox>", "Nothing waits for input"])
        if index == 0:
            assert thread_id not in strip_ansi(child.before)
            child.sendline("q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert get_thread(http, thread_id)["status"] == "idle"
    values = get_state(http, thread_id)["values"]
    assert values["name"] == "Ada"


def test_inbox_from_a_pipe_answers_by_number(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    # An assistant of this test's own, so that no other worker's thread (the server is shared)
    # comes into its inbox between the listing and the answer and shifts the numbers.
    mine = http.post("/assistants", json={"graph_id": "no_messages"}).json()["assistant_id"]
    thread_id = waiting_thread(http, mine, {"topic": "piped"})
    listing = json.loads(hil(["inbox", "--url", server_url, "--json", "-a", mine], hil_env).stdout)
    number = [row["thread_id"] for row in listing].index(thread_id) + 1
    answered = f'{number}\n"yes"\nq\n'
    result = hil(["inbox", "--url", server_url, "-a", mine], hil_env, stdin=answered)
    assert result.returncode == 0, result.stderr
    assert "Approve topic piped?" in result.stdout
    assert "\x1b[" not in result.stdout
    assert get_state(http, thread_id)["values"]["answers"] == ["yes"]
    assert get_thread(http, thread_id)["status"] == "idle"


def test_inbox_with_nothing_waiting_says_so(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    paused = waiting_thread(http, "breakpoint", user_input("go"))  # interrupted, no question
    listing = hil(["inbox", "--url", server_url, "--json"], hil_env).stdout
    assert paused not in listing
    result = hil(["inbox", "--url", server_url, "-a", "breakpoint"], hil_env, stdin="")
    assert result.returncode == 0, result.stderr
    assert "Nothing waits for input." in result.stdout + result.stderr


def test_inbox_ignores_an_unknown_choice(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = waiting_thread(http, "ask", user_input("hi"))
    result = hil(["inbox", "--url", server_url, "-a", "ask"], hil_env, stdin="9999\nzzzz\nq\n")
    assert result.returncode == 0, result.stderr
    assert "No thread '9999' in the list." in result.stdout + result.stderr
    assert get_thread(http, thread_id)["status"] == "interrupted"
