"""`hil` against every server of the matrix (tests/matrix): the same flows on each.

Each test runs once per server kind (`dev`, `legacy-0.2`, `legacy-0.4`, `langhost`, `aegra`),
drives the real `hil` (subprocesses, or a pseudo-terminal for `chat`) against the graphs of
tests/graphs_matrix, and checks what a person would see. Where a server cannot do something,
the test asserts what `hil` says about it. A failure message ends with the server's log tail.
"""

from __future__ import annotations

import json

import httpx
import pexpect
import pytest

from hilcli.client import REPLAY_GAP_NOTICE
from hilcli.server_kind import LACKS
from tests.hilterm import quit_chat
from tests.matrix.drive import (
    active_runs,
    explain,
    hil,
    json_lines,
    last_message,
    poll,
    result_of,
    terminal,
    waiting_thread,
)
from tests.matrix.servers import KINDS, MatrixServer
from tests.proxy import FaultProxy
from tests.support import run_hil

WEATHER = "what is the weather?"
NO_REPLAY = ("aegra", "legacy-0.2", "legacy-0.4")
"""Servers whose join cannot return the events a dropped connection missed."""


# -- the seed's flow -----------------------------------------------------------------------------


def test_seed_run_then_resume(matrix_server: MatrixServer, hil_env: dict[str, str]) -> None:
    """`hil run --json` stops at the how-to's question (exit 3, one interrupt); `hil resume
    THREAD --value "san francisco"` answers it and the run ends with the weather there."""
    first = hil(matrix_server, hil_env, "run", WEATHER, "-a", "ask", "--json")
    assert first.returncode == 3, explain(matrix_server, first)
    result = result_of(matrix_server, first)
    assert result["status"] == "interrupted", explain(matrix_server, first)
    assert [item["value"] for item in result["interrupts"]] == ["Where are you located?"], explain(
        matrix_server, first
    )
    thread_id = result["thread_id"]

    second = hil(matrix_server, hil_env, "resume", thread_id, "--value", "san francisco", "--json")
    assert second.returncode == 0, explain(matrix_server, second)
    final = result_of(matrix_server, second)
    assert final["status"] == "done", explain(matrix_server, second)
    assert final["interrupts"] == []
    assert last_message(final) == "It's sunny in san francisco!", explain(matrix_server, second)


def test_seed_chat_in_a_terminal(matrix_server: MatrixServer, hil_env: dict[str, str]) -> None:
    """`hil chat`: type the message, see the question, answer it, read the answer, leave."""
    with terminal(matrix_server, ["chat", "-a", "ask"], hil_env) as chat:
        chat.expect("you>")
        chat.sendline(WEATHER)
        chat.expect(r"Where are you located\?")
        chat.expect("answer>")
        chat.sendline("san francisco")
        chat.expect("sunny in san francisco!")
        quit_chat(chat)
    assert chat.exitstatus == 0


# -- several questions, a review, a form ----------------------------------------------------------


def test_several_interrupts_answered_in_one_go(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """Two nodes ask at once: `run` lists both questions; `resume --answer --answer` answers
    both in one request (one resumed run) and the graph gets both answers."""
    thread_id, result = waiting_thread(matrix_server, hil_env, "go", "-a", "parallel")
    assert sorted(item["value"] for item in result["interrupts"]) == [
        "What is your favourite colour?",
        "What is your favourite food?",
    ], result
    done = hil(
        matrix_server,
        hil_env,
        "resume",
        thread_id,
        "--answer",
        "red",
        "--answer",
        "pizza",
        "--json",
    )
    assert done.returncode == 0, explain(matrix_server, done)
    final = result_of(matrix_server, done)
    assert final["status"] == "done", explain(matrix_server, done)
    assert last_message(final) == "Answers: pizza, red.", explain(matrix_server, done)
    runs = matrix_http.get(f"/threads/{thread_id}/runs").json()
    assert len(runs) == 2, runs  # the first run and ONE resumed run


def test_tool_call_review_approved(matrix_server: MatrixServer, hil_env: dict[str, str]) -> None:
    """A HumanInTheLoopMiddleware-shaped request: `run` shows it, `resume --approve` sends the
    approve decision and the tool call goes through."""
    thread_id, result = waiting_thread(matrix_server, hil_env, "book it", "-a", "review")
    [request] = [item["value"] for item in result["interrupts"]]
    assert request["action_requests"][0]["name"] == "book_hotel", result
    done = hil(matrix_server, hil_env, "resume", thread_id, "--approve", "--json")
    assert done.returncode == 0, explain(matrix_server, done)
    final = result_of(matrix_server, done)
    assert last_message(final) == "Booked Hotel Sol for 2 nights.", explain(matrix_server, done)


def stream_schema(stdout: str) -> object:
    """The `response_schema` the server put on the stream's interrupt, if any."""
    for line in json_lines(stdout):
        if line.get("type") == "updates" and isinstance(line.get("data"), dict):
            for item in line["data"].get("__interrupt__", []):
                if isinstance(item, dict) and item.get("response_schema"):
                    return item["response_schema"]
    return None


def test_form_value_checked_against_the_schema(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """`--value-json` with a valid value goes through. An invalid one is refused with exit 2
    and nothing is sent where the server gives the question a schema; where it gives none,
    hil cannot know, sends it, and the graph gets it."""
    done = hil(matrix_server, hil_env, "run", "book", "-a", "form", "--json")
    assert done.returncode == 3, explain(matrix_server, done)
    thread_id = result_of(matrix_server, done)["thread_id"]
    schema = stream_schema(done.stdout)
    bad = hil(matrix_server, hil_env, "resume", thread_id, "--value-json", '{"nights": 0}')
    if schema is not None:
        assert bad.returncode == 2, explain(matrix_server, bad)
        assert "nights" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr
        assert len(matrix_http.get(f"/threads/{thread_id}/runs").json()) == 1  # nothing sent
    else:
        assert bad.returncode == 0, explain(matrix_server, bad)
        assert "Booked 0 nights." in bad.stdout, explain(matrix_server, bad)
        thread_id, _ = waiting_thread(matrix_server, hil_env, "book", "-a", "form")
    good = hil(matrix_server, hil_env, "resume", thread_id, "--value-json", '{"nights": 2}')
    assert good.returncode == 0, explain(matrix_server, good)
    assert "Booked 2 nights." in good.stdout, explain(matrix_server, good)


# -- streams: every event, detach and attach, Ctrl-C, a busy thread -------------------------------


def test_many_events_each_once_and_in_order(
    matrix_server: MatrixServer, hil_env: dict[str, str]
) -> None:
    """A run that writes 120 numbered custom events: `run --json` shows each exactly once, in
    order, whatever the server's event ids look like."""
    done = hil(
        matrix_server,
        hil_env,
        *("run", "--input-json", '{"count": 120}', "-a", "many_events"),
        *("--stream-mode", "custom", "--json"),
    )
    assert done.returncode == 0, explain(matrix_server, done)
    numbers = [
        line["data"]["i"]
        for line in json_lines(done.stdout)
        if line["type"] == "custom" and isinstance(line.get("data"), dict)
    ]
    assert numbers == list(range(120)), explain(matrix_server, done)
    assert last_message(result_of(matrix_server, done)) == "Emitted 120 events."


def new_thread(http: httpx.Client) -> str:
    response = http.post("/threads", json={})
    response.raise_for_status()
    return str(response.json()["thread_id"])


def cancel_runs(http: httpx.Client, thread_id: str) -> None:
    """Clean-up: cancel whatever still runs on the thread (answers are not checked)."""
    for run in active_runs(http, thread_id):
        http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel")


SLOW = '/input {"seconds": 12}'
"""A run of 48 ticks, 0.25 s apart: still running while a test detaches and attaches, even on
a loaded machine."""


def test_detach_then_attach_shows_the_final_message(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """Ctrl-C with `--on-ctrl-c detach` leaves the run running; `hil attach THREAD` joins it
    and the run's final message appears."""
    thread_id = new_thread(matrix_http)
    args = ["chat", "--thread", thread_id, "-a", "slow", "--stream-mode", "custom"]
    try:
        with terminal(matrix_server, [*args, "--on-ctrl-c", "detach"], hil_env) as chat:
            chat.expect("you>")
            chat.sendline(SLOW)
            chat.expect(r'"tick": 1\b')
            chat.sendintr()
            chat.expect("Stopped watching")
            chat.expect("you>")
            chat.sendline("/quit")
            chat.expect(pexpect.EOF)
        assert active_runs(matrix_http, thread_id), "the run should still be running"
        attach = ["attach", thread_id, "-a", "slow", "--stream-mode", "custom"]
        with terminal(matrix_server, attach, hil_env) as joined:
            joined.expect("Done after 48 ticks.")
            quit_chat(joined)
    finally:
        cancel_runs(matrix_http, thread_id)


def test_ctrl_c_in_chat_cancels_the_run(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """Ctrl-C while a run streams in `hil chat` cancels it: hil says so, the server ends with
    no active run on the thread, and the thread takes a new run."""
    thread_id = new_thread(matrix_http)
    args = ["chat", "--thread", thread_id, "-a", "slow", "--stream-mode", "custom"]
    try:
        with terminal(matrix_server, args, hil_env) as chat:
            chat.expect("you>")
            chat.sendline('/input {"seconds": 30}')
            chat.expect(r'"tick": 1\b')
            chat.sendintr()
            chat.expect("Cancelled the run")
            chat.expect("you>")
            poll("no active run", lambda: not active_runs(matrix_http, thread_id), timeout=15)
            chat.sendline('/input {"seconds": 0.25}')
            chat.expect("Done after 1 ticks.")
            quit_chat(chat)
    finally:
        cancel_runs(matrix_http, thread_id)


def test_busy_thread_refused(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """`hil run` on a thread whose run is still running is refused (exit 1, one or two lines)
    and no second run is started, whether or not the server would accept one."""
    thread_id = new_thread(matrix_http)
    started = matrix_http.post(
        f"/threads/{thread_id}/runs", json={"assistant_id": "slow", "input": {"seconds": 20}}
    )
    started.raise_for_status()
    try:
        poll("the run to start", lambda: active_runs(matrix_http, thread_id))
        done = hil(matrix_server, hil_env, "run", "hi", "--thread", thread_id, "-a", "slow")
        assert done.returncode == 1, explain(matrix_server, done)
        assert "running" in done.stderr.lower(), explain(matrix_server, done)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2
        runs = matrix_http.get(f"/threads/{thread_id}/runs").json()
        assert [run["run_id"] for run in runs] == [started.json()["run_id"]], runs
    finally:
        cancel_runs(matrix_http, thread_id)


# -- threads, show, inbox, doctor -----------------------------------------------------------------


def test_threads_show_inbox_json_show_the_pending_question(
    matrix_server: MatrixServer, hil_env: dict[str, str]
) -> None:
    """A thread waiting at the how-to's question: `threads --json`, `show THREAD --json` and
    `inbox --json` each list it as interrupted with the question."""
    thread_id, _ = waiting_thread(matrix_server, hil_env, WEATHER, "-a", "ask")
    question = "Where are you located?"

    listed = hil(matrix_server, hil_env, "threads", "--json", "--limit", "100")
    assert listed.returncode == 0, explain(matrix_server, listed)
    rows = {row["thread_id"]: row for row in json.loads(listed.stdout)}
    assert thread_id in rows, explain(matrix_server, listed)
    assert rows[thread_id]["status"] == "interrupted", rows[thread_id]
    assert [item["value"] for item in rows[thread_id]["interrupts"]] == [question], rows[thread_id]

    shown = hil(matrix_server, hil_env, "show", thread_id, "--json")
    assert shown.returncode == 0, explain(matrix_server, shown)
    document = json.loads(shown.stdout)
    assert document["status"] == "interrupted", document
    assert [item["value"] for item in document["interrupts"]] == [question], document

    inbox = hil(matrix_server, hil_env, "inbox", "--json")
    assert inbox.returncode == 0, explain(matrix_server, inbox)
    waiting = {row["thread_id"]: row for row in json.loads(inbox.stdout)}
    assert thread_id in waiting, explain(matrix_server, inbox)
    assert [item["value"] for item in waiting[thread_id]["interrupts"]] == [question]
    # one shape everywhere, under the key `hil resume --interrupt-id` takes
    listings = (rows[thread_id], document, waiting[thread_id])
    keys = {tuple(item["key"] for item in listing["interrupts"]) for listing in listings}
    assert len(keys) == 1, listings
    contract = {"id", "key", "value", "response_schema", "ns", "node"}
    assert all(contract <= set(item) for row in listings for item in row["interrupts"]), listings

    ((key,),) = keys  # the listed key answers the question
    answered = hil(
        matrix_server, hil_env, "resume", thread_id, "--interrupt-id", key, "--value", "paris"
    )
    assert answered.returncode == 0, explain(matrix_server, answered)
    assert "It's sunny in paris!" in answered.stdout, explain(matrix_server, answered)


def test_doctor_passes_and_names_the_server(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """`hil doctor` passes (exit 0) and names the server's implementation and, where `/info`
    gives one, its version."""
    info = matrix_http.get("/info").json()
    done = hil(matrix_server, hil_env, "doctor", "-a", "ask")
    assert done.returncode == 0, explain(matrix_server, done)
    name = "Aegra" if matrix_server.kind == "aegra" else "langgraph-api"
    assert info.get("name", name) == name, info  # the server is the one we think it is
    expected = f"{name} {info['version']}" if info.get("version") else name
    assert expected in done.stdout, explain(matrix_server, done)
    assert "Traceback" not in done.stderr
    # What it lacks, from the live server (tests/inprocess/test_server_kind.py reads recordings
    # of them).
    lacks = [line.split(None, 2)[2] for line in done.stdout.splitlines() if line.startswith("!")]
    assert lacks == [LACKS[key] for key in LACKING[matrix_server.kind]], explain(
        matrix_server, done
    )


LACKING = {
    "dev": [],
    "legacy-0.2": ["replays_joins"],
    "legacy-0.4": ["replays_joins"],
    "langhost": ["state_response_schema"],
    "aegra": ["replays_joins", "response_schema", "listed_interrupts", "rejects_busy"],
}
"""What `hil doctor` says each server of the matrix lacks (`hilcli.server_kind.LACKS` keys)."""


def test_a_stream_cut_mid_run_is_rejoined_with_nothing_lost_or_repeated(
    matrix_server: MatrixServer, hil_env: dict[str, str]
) -> None:
    """The connection of a 120-event run is cut mid-stream (a fault proxy in between): `hil`
    rejoins the run and shows every event once and in order. A server that cannot replay what
    was missed is said to be so, nothing is shown twice, and the final message still comes from
    the thread's state: Aegra, and the older generations, which number no events (they predate
    `stream_resumable`), so nothing can be asked for again."""
    with FaultProxy(matrix_server.url, cuts=[4000]) as proxy:
        done = run_hil(
            hil_env,
            *("run", "--input-json", '{"count": 120}', "-a", "many_events"),
            *("--stream-mode", "custom", "--json", "--url", proxy.url),
            timeout=120,
        )
    assert done.returncode == 0, explain(matrix_server, done)
    assert proxy.cuts_made == 1, explain(matrix_server, done)
    assert "reconnecting" in done.stderr, explain(matrix_server, done)
    numbers = [
        line["data"]["i"]
        for line in json_lines(done.stdout)
        if line["type"] == "custom" and isinstance(line.get("data"), dict)
    ]
    assert last_message(result_of(matrix_server, done)) == "Emitted 120 events."
    if matrix_server.kind in NO_REPLAY:
        assert REPLAY_GAP_NOTICE in done.stderr + done.stdout, explain(matrix_server, done)
        assert numbers == sorted(set(numbers)), explain(matrix_server, done)
    else:
        assert numbers == list(range(120)), explain(matrix_server, done)


REPLAYING = [k for k in KINDS if k not in NO_REPLAY]
"""Servers whose joins replay a run exactly (the end probe rejoins only those)."""


@pytest.mark.parametrize(
    "matrix_server",
    [pytest.param(kind, id=kind, marks=pytest.mark.xdist_group(kind)) for kind in REPLAYING],
    indirect=True,
)
def test_a_stream_left_open_after_the_run_ended_does_not_hang(
    matrix_server: MatrixServer, hil_env: dict[str, str]
) -> None:
    """The proxy forwards every event of the first stream but holds back its end, as
    langhost 0.11.1 does for half a second with one stream in five: `hil` reads the run,
    finds it over, rejoins it once from the last event id and goes on (exit 3, the question
    shown) without "reconnecting" and without a notice of missing events. (The servers that
    cannot replay are not probed: see `_EndProbe`.)"""
    with FaultProxy(matrix_server.url, held_ends=1, lifetime=60) as proxy:
        done = run_hil(
            hil_env,
            *("run", WEATHER, "-a", "ask", "--json", "--url", proxy.url),
            timeout=120,
        )
    if matrix_server.kind != "langhost":  # langhost may hold the end itself, before the proxy
        assert proxy.ends_held == 1, explain(matrix_server, done)
    assert done.returncode == 3, explain(matrix_server, done)
    assert "reconnecting" not in done.stderr, explain(matrix_server, done)
    assert REPLAY_GAP_NOTICE not in done.stderr + done.stdout, explain(matrix_server, done)
    result = result_of(matrix_server, done)
    assert [item["value"] for item in result["interrupts"]] == ["Where are you located?"], explain(
        matrix_server, done
    )
    joins = [line for line in proxy.requests if b"/stream" in line and line.startswith(b"GET")]
    assert len(joins) == 1, explain(matrix_server, done)
