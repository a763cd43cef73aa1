"""`hil run` and `hil resume` against the real server: JSON Lines, exit codes, refusals."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support import WEATHER_PROMPT
from tests.support import run_hil as hil


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as JSON (the contract: JSON Lines only)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_run_json_then_resume_value(server_url: str, hil_env: dict[str, str]) -> None:
    """run stops at the question (exit 3); resume answers it and the run finishes (exit 0)."""
    first = hil(hil_env, "run", WEATHER_PROMPT, "--url", server_url, "--json")
    assert first.returncode == 3, first.stderr
    lines = json_lines(first.stdout)
    result = lines[-1]
    assert result["type"] == "result"
    assert result["status"] == "interrupted"
    assert [item["value"] for item in result["interrupts"]] == ["Where are you located?"]
    assert {line["type"] for line in lines[:-1]} >= {"metadata", "updates", "values"}
    assert all(isinstance(line["ns"], list) for line in lines[:-1])
    thread_id = result["thread_id"]

    second = hil(
        hil_env, "resume", thread_id, "--value", "san francisco", "--url", server_url, "--json"
    )
    assert second.returncode == 0, second.stderr
    final = json_lines(second.stdout)[-1]
    assert final["status"] == "done"
    assert final["thread_id"] == thread_id
    assert final["interrupts"] == []
    last_message = final["values"]["messages"][-1]
    assert "sunny in San Francisco" in last_message["content"]


def test_run_prints_the_resume_line(server_url: str, hil_env: dict[str, str]) -> None:
    """Human-readable run: the question, the thread id and the line to answer it."""
    result = hil(hil_env, "run", "hi", "-a", "ask", "--url", server_url)
    assert result.returncode == 3, result.stderr
    assert "What is your name?" in result.stdout
    assert "hil resume " in result.stdout
    assert "--value" in result.stdout


def test_resume_on_an_idle_thread_exits_4_and_sends_nothing(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """A finished thread has nothing to resume: exit 4, and no run is started on it."""
    first = hil(hil_env, "run", "hi", "-a", "ask", "--url", server_url, "--json")
    thread_id = json_lines(first.stdout)[-1]["thread_id"]
    done = hil(hil_env, "resume", thread_id, "--value", "Ada", "--url", server_url)
    assert done.returncode == 0, done.stderr
    runs_before = http.get(f"/threads/{thread_id}/runs").json()

    again = hil(hil_env, "resume", thread_id, "--value", "Bob", "--url", server_url)
    assert again.returncode == 4
    assert "not waiting for input" in again.stderr
    assert "Traceback" not in again.stderr
    assert http.get(f"/threads/{thread_id}/runs").json() == runs_before
    values = http.get(f"/threads/{thread_id}/state").json()["values"]
    assert values["name"] == "Ada"


def test_unknown_thread_exits_4(server_url: str, hil_env: dict[str, str]) -> None:
    """A thread that does not exist: exit 4 with a one-line message."""
    missing = "00000000-0000-4000-8000-000000000000"
    result = hil(hil_env, "resume", missing, "--value", "x", "--url", server_url)
    assert result.returncode == 4
    assert "not found" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_unreachable_server_exits_5_with_one_line(hil_env: dict[str, str]) -> None:
    """Nothing listens on the port: exit 5, a short message, no traceback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = hil(hil_env, "run", "hello", "--url", f"http://127.0.0.1:{port}")
    assert result.returncode == 5
    assert "Cannot reach the server" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_failed_run_exits_1_with_the_error(server_url: str, hil_env: dict[str, str]) -> None:
    """The graph raises: the error event is shown and the exit status is 1."""
    result = hil(hil_env, "run", "go", "-a", "fails", "--url", server_url, "--json")
    assert result.returncode == 1, result.stderr
    final = json_lines(result.stdout)[-1]
    assert final["status"] == "error"
    assert final["error"]["error"] == "ValueError"
