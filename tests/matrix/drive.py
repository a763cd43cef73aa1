"""Helpers the matrix tests share: run `hil` against a matrix server, read its JSON output,
and say what went wrong (hil's output and the server's log tail) when an assertion fails."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
import pexpect

from tests.hilterm import pty_session, strip_ansi
from tests.matrix.servers import MatrixServer
from tests.support import run_hil

T = TypeVar("T")


def hil(
    server: MatrixServer, env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`hil ARGS --url SERVER` without a terminal."""
    return run_hil(env, *args, "--url", server.url, timeout=timeout)


def explain(server: MatrixServer, result: subprocess.CompletedProcess[str] | None = None) -> str:
    """What to show when an assertion fails: hil's output and the server's log tail."""
    text = ""
    if result is not None:
        text += f"\n--- hil exit {result.returncode}\n--- stdout:\n{result.stdout[-3000:]}"
        text += f"\n--- stderr:\n{result.stderr[-3000:]}"
    return text + f"\n--- {server.kind} server log (tail):\n{server.log_tail()}"


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as JSON (the contract: JSON Lines only)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def result_of(server: MatrixServer, done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The final `result` line of `run/resume --json`."""
    try:
        lines = json_lines(done.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"stdout is not JSON Lines: {exc}{explain(server, done)}") from None
    assert lines and lines[-1].get("type") == "result", explain(server, done)
    return lines[-1]


def last_message(result: dict[str, Any]) -> str:
    """The content of the last message in a `result` line's values."""
    content = result["values"]["messages"][-1]["content"]
    return content if isinstance(content, str) else json.dumps(content)


def waiting_thread(
    server: MatrixServer, env: dict[str, str], *args: str
) -> tuple[str, dict[str, Any]]:
    """`hil run ARGS --json` must stop at a question (exit 3): the thread id and result line."""
    done = hil(server, env, "run", *args, "--json")
    assert done.returncode == 3, explain(server, done)
    result = result_of(server, done)
    assert result["status"] == "interrupted", explain(server, done)
    return str(result["thread_id"]), result


def active_runs(http: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    """The thread's runs that are pending or running, as the server sees them."""
    response = http.get(f"/threads/{thread_id}/runs", params={"limit": 20})
    response.raise_for_status()
    runs: list[dict[str, Any]] = response.json()
    return [run for run in runs if run["status"] in ("pending", "running")]


def poll(what: str, check: Callable[[], T | None], timeout: float = 30) -> T:
    """`check()`'s first truthy value, polled for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)  # poll


@contextmanager
def terminal(
    server: MatrixServer, args: Sequence[str], env: dict[str, str], *, timeout: float = 30
) -> Iterator[pexpect.spawn]:
    """`hil ARGS --url SERVER` in a pseudo-terminal; a pexpect failure (timeout, early end)
    is reported with the screen text and the server's log tail."""
    with pty_session([*args, "--url", server.url], env, timeout=timeout) as child:
        try:
            yield child
        except pexpect.ExceptionPexpect as exc:
            seen = strip_ansi(str(child.before or ""))[-2000:]
            raise AssertionError(
                f"{type(exc).__name__} in hil {' '.join(args)}\n--- hil's terminal (tail):\n"
                f"{seen}{explain(server)}"
            ) from None
