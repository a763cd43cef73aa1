"""`hil` against every server of the matrix (tests/matrix): the same flows on each.

Each test runs once per server kind (`dev`, `legacy-0.2`, `legacy-0.4`, `langhost`, `aegra`),
drives the real `hil` (subprocesses, or a pseudo-terminal for `chat`) against the graphs of
tests/graphs_matrix, and checks what a person would see. Where a server cannot do something,
the test asserts what `hil` says about it. A failure message ends with the server's log tail.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.hilterm import pty_session, quit_chat
from tests.matrix.servers import MatrixServer
from tests.support import run_hil

WEATHER = "what is the weather?"


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as JSON (the contract: JSON Lines only)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


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


def result_of(server: MatrixServer, done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The final `result` line of `run/resume --json`."""
    lines = json_lines(done.stdout)
    assert lines and lines[-1].get("type") == "result", explain(server, done)
    return lines[-1]


def last_message(result: dict[str, Any]) -> str:
    content = result["values"]["messages"][-1]["content"]
    return content if isinstance(content, str) else json.dumps(content)


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
    args = ["chat", "--url", matrix_server.url, "-a", "ask"]
    with pty_session(args, hil_env, timeout=60) as chat:
        chat.expect("you>")
        chat.sendline(WEATHER)
        chat.expect(r"Where are you located\?")
        chat.expect("answer>")
        chat.sendline("san francisco")
        chat.expect("sunny in san francisco!")
        quit_chat(chat)
    assert chat.exitstatus == 0
