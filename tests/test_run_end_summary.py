"""A run that ends without a message says so, and what it changed (issue 12, point 5).

Graph `no_messages` asks `{"question": "Approve topic cats?"}` and appends the answer to
`answers`: after the answer no node writes a message. Chat used to go back to `you>`
without a word; now it says that the run ended and which state keys changed.
"""

from __future__ import annotations

import re

from tests.hilterm import pty_session, quit_chat
from tests.support import run_hil

ENDED = "✓ The run ended without a message; it changed answers."


def test_chat_says_the_run_ended_and_what_it_changed_before_the_next_prompt(
    server_url: str, hil_env: dict[str, str]
) -> None:
    args = ["chat", "--url", server_url, "-a", "no_messages"]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("you>")
        child.sendline('/input {"topic": "cats"}')
        child.expect("Approve topic cats")
        child.expect("answer>")
        child.sendline("/json true")
        child.expect_exact(ENDED)
        quit_chat(child)
    assert child.exitstatus == 0


def test_resume_says_it_too_and_a_run_with_a_message_does_not(
    server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(
        hil_env, "run", "--url", server_url, "-a", "no_messages", "--input-json", '{"topic": "x"}'
    )
    assert first.returncode == 3, first.stderr
    assert "The run ended" not in first.stdout  # it waits: it did not end
    found = re.search(r"waiting for input on thread (\S+)", first.stdout)
    assert found, first.stdout
    thread_id = found.group(1)
    done = run_hil(hil_env, "resume", thread_id, "--url", server_url, "--value-json", "true")
    assert done.returncode == 0, done.stderr
    assert ENDED in done.stdout
    # A run that wrote a message needs no such line.
    chatty = run_hil(hil_env, "run", "--url", server_url, "-a", "tokens", "hello")
    assert chatty.returncode == 0, chatty.stderr
    assert "You said: hello" in chatty.stdout
    assert "The run ended" not in chatty.stdout
    # --json says how the run ended in its result line only.
    quiet = run_hil(hil_env, "run", "--url", server_url, "-a", "tokens", "hello", "--json")
    assert quiet.returncode == 0 and "The run ended" not in quiet.stdout + quiet.stderr
