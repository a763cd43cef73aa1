"""The session's answer rules seen from the command line, against the real server: where
the contract says how a case ends and the in-process tests (tests/inprocess/
test_session_rules.py) cannot reach it with a recording.

- An assistant the server does not have is a usage error (exit 2) however it is found out:
  from the server's listing, or from its 404 to a run on an existing thread (langgraph-api
  answers "Thread or assistant not found." there; the thread is read to tell which).
- `hil resume --continue` on a thread a run goes on on: not waiting for input, exit 4 and
  nothing sent, as `hil resume` with an answer (cli.md: "A thread that is not waiting for
  input exits 4").
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support import create_thread
from tests.support import run_hil as hil


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def runs_of(http: httpx.Client, thread_id: str) -> list[object]:
    response = http.get(f"/threads/{thread_id}/runs")
    response.raise_for_status()
    runs: list[object] = response.json()
    return runs


def test_an_unknown_assistant_on_an_existing_thread_is_a_usage_error(
    hil_env: dict[str, str], server_url: str, http: httpx.Client
) -> None:
    thread_id = create_thread(http)
    result = hil(hil_env, "run", "hi", "--thread", thread_id, "-a", "nosuch", "--url", server_url)
    # The server's listing names the assistants there are: the same words, and the same
    # exit status, as `hil run -a nosuch` on a new thread (test_exit_codes.py).
    assert_clean_error(result, 2, "'nosuch'", "-a", "ask")
    assert runs_of(http, thread_id) == []
    fresh = hil(hil_env, "run", "hi", "-a", "nosuch", "--url", server_url)
    assert fresh.returncode == result.returncode
    # A thread that does not exist is still "nothing to resume" (exit 4), not a usage error.
    gone = hil(hil_env, "run", "hi", "--thread", str(uuid.uuid4()), "--url", server_url)
    assert_clean_error(gone, 4, "not found")


@pytest.fixture
def busy_thread(http: httpx.Client) -> Iterator[str]:
    """A thread with a long background run on it, cancelled at the end."""
    thread_id = create_thread(http)
    response = http.post(
        f"/threads/{thread_id}/runs",
        json={"assistant_id": "many_events", "input": {"count": 2000, "delay": 0.05}},
    )
    response.raise_for_status()
    run_id = response.json()["run_id"]
    yield thread_id
    http.post(f"/threads/{thread_id}/runs/{run_id}/cancel", params={"wait": "1"})


def test_continue_on_a_busy_thread_is_nothing_to_resume(
    hil_env: dict[str, str], server_url: str, http: httpx.Client, busy_thread: str
) -> None:
    before = runs_of(http, busy_thread)
    result = hil(hil_env, "resume", busy_thread, "--continue", "--url", server_url)
    assert_clean_error(result, 4, "busy running", "Nothing was sent", f"hil attach {busy_thread}")
    assert len(runs_of(http, busy_thread)) == len(before)
