"""This session's protocol-facing changes, proved on every server of the matrix.

- A joined run that ends cancelled is not taken for a breakpoint pause (`hil attach` returns to
  `you>` without asking "continue / stop?"): hil reads the run's status after the join, and
  every server gives a cancelled run the status `interrupted`.
  Run statuses seen on all five kinds (dev, legacy-0.2, legacy-0.4, langhost, aegra): a
  cancelled run `interrupted`, a run stopped at a breakpoint (`interrupt_before`) `success`, so
  hil's rule "interrupted = cancelled, success = breakpoint" holds everywhere. (Aegra alone
  also marks a run that stopped at an `interrupt()` `interrupted`; hil reads the status only
  when the state has nothing to answer, so that does not matter.)
- An assistant given with `-a` on an existing thread is checked before anything is sent.
- Ctrl-C while `hil run --json` streams cancels the run, exits 130 and says nothing of a pause.
"""

from __future__ import annotations

from typing import Any

import httpx
import pexpect

from tests.matrix.drive import active_runs, explain, hil, poll, terminal
from tests.matrix.servers import MatrixServer

LONG = {"seconds": 30}
"""A `slow` run of 120 ticks: still running while a test joins and cancels it."""


def new_thread(http: httpx.Client) -> str:
    response = http.post("/threads", json={})
    response.raise_for_status()
    return str(response.json()["thread_id"])


def start_long_run(http: httpx.Client, thread_id: str) -> str:
    """A long background `slow` run on the thread; its run id."""
    response = http.post(f"/threads/{thread_id}/runs", json={"assistant_id": "slow", "input": LONG})
    response.raise_for_status()
    return str(response.json()["run_id"])


def cancel_runs(http: httpx.Client, thread_id: str) -> None:
    """Clean-up: cancel whatever still runs on the thread (answers are not checked)."""
    for run in active_runs(http, thread_id):
        http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel")


def run_status(http: httpx.Client, thread_id: str, run_id: str) -> str:
    response = http.get(f"/threads/{thread_id}/runs/{run_id}")
    response.raise_for_status()
    run: dict[str, Any] = response.json()
    return str(run["status"])


def ended_status(http: httpx.Client, thread_id: str, run_id: str) -> str:
    """The run's status once it is neither pending nor running."""
    return poll(
        "the run to end",
        lambda: (
            s if (s := run_status(http, thread_id, run_id)) not in ("pending", "running") else None
        ),
    )


def test_joined_run_that_ends_cancelled_is_no_pause(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """`hil attach THREAD` joins a long run; the run is cancelled over HTTP; hil returns to
    `you>` without asking "continue / stop?" (a cancelled run is not a breakpoint pause), and
    the server's status for the cancelled run is `interrupted` (what hil reads)."""
    thread_id = new_thread(matrix_http)
    # First a breakpoint pause, so the state a cancelled run leaves looks like one (interrupted,
    # next node `work`, nothing to answer): only the run's status tells them apart.
    paused = matrix_http.post(
        f"/threads/{thread_id}/runs",
        json={"assistant_id": "slow", "input": {"seconds": 0.25}, "interrupt_before": ["work"]},
    )
    paused.raise_for_status()
    assert ended_status(matrix_http, thread_id, str(paused.json()["run_id"])) == "success"
    run_id = start_long_run(matrix_http, thread_id)
    try:
        poll("the run to start", lambda: active_runs(matrix_http, thread_id))
        attach = ["attach", thread_id, "-a", "slow", "--stream-mode", "custom"]
        with terminal(matrix_server, attach, hil_env) as joined:
            joined.expect("Joined run")
            cancelled = matrix_http.post(f"/threads/{thread_id}/runs/{run_id}/cancel")
            assert cancelled.status_code < 300, cancelled.text
            seen = joined.expect([r"continue / stop\?", "you>"])
            assert seen == 1, "a cancelled run was taken for a breakpoint pause" + explain(
                matrix_server
            )
            joined.sendline("/quit")
            joined.expect(pexpect.EOF)
        assert joined.exitstatus == 0
        assert ended_status(matrix_http, thread_id, run_id) == "interrupted"
    finally:
        cancel_runs(matrix_http, thread_id)


def test_unknown_assistant_on_an_existing_thread_sends_nothing(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """`hil run hi --thread T -a nosuch` exits 2 naming the assistant, one or two lines, and
    no run was created on T."""
    thread_id = new_thread(matrix_http)
    done = hil(matrix_server, hil_env, "run", "hi", "--thread", thread_id, "-a", "nosuch")
    assert done.returncode == 2, explain(matrix_server, done)
    assert "nosuch" in done.stderr, explain(matrix_server, done)
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2, explain(
        matrix_server, done
    )
    runs = matrix_http.get(f"/threads/{thread_id}/runs")
    runs.raise_for_status()
    assert runs.json() == [], runs.json()


def test_ctrl_c_in_run_json_cancels_without_a_pause(
    matrix_server: MatrixServer, matrix_http: httpx.Client, hil_env: dict[str, str]
) -> None:
    """Ctrl-C after a few events of `hil run --json` on a long run: exit 130, nothing said of a
    pause, and the run is cancelled on the server (status `interrupted`, nothing active)."""
    thread_id = new_thread(matrix_http)
    args = ["run", "--thread", thread_id, "-a", "slow", "--stream-mode", "custom", "--json"]
    args += ["--input-json", '{"seconds": 30}']
    try:
        with terminal(matrix_server, args, hil_env) as child:
            child.expect(r'"tick":\s*2\b')
            child.sendintr()
            child.expect(pexpect.EOF)
            output = str(child.before or "")
        assert child.exitstatus == 130, output + explain(matrix_server)
        assert "pause" not in output.lower(), output
        poll("no active run", lambda: not active_runs(matrix_http, thread_id), timeout=15)
        runs = matrix_http.get(f"/threads/{thread_id}/runs").json()
        assert [run["status"] for run in runs] == ["interrupted"], runs
    finally:
        cancel_runs(matrix_http, thread_id)
