"""Stale answers and answers that could not be sent, against the real server.

Two people answering the same interrupt: exactly one resume reaches the server, and the late
one is told so (exit 4 for `hil resume`). An answer whose sending fails is kept: `hil
resume` prints the line that re-sends it, `hil chat` offers it again pre-filled.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pexpect

from tests.hilterm import pty_session, quit_chat, strip_ansi
from tests.proxy import FaultProxy
from tests.support import create_thread, get_state, stream_run, user_input
from tests.support import run_hil as hil


def waiting_thread(http: httpx.Client) -> tuple[str, str]:
    """A thread of graph `ask` waiting for a name; (thread id, interrupt id)."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    interrupts = get_state(http, thread_id)["interrupts"]
    assert len(interrupts) == 1
    return thread_id, interrupts[0]["id"]


def resume_runs(http: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    """The runs of the thread that carried a `command.resume`, as the server recorded them."""
    response = http.get(f"/threads/{thread_id}/runs", params={"limit": 50})
    response.raise_for_status()
    runs: list[dict[str, Any]] = response.json()
    return [run for run in runs if (run.get("kwargs") or {}).get("command")]


def test_second_resume_is_refused_with_exit_4_and_sends_nothing(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id, interrupt_id = waiting_thread(http)
    first = hil(hil_env, "resume", thread_id, "--value", "Bob", "--url", server_url, "-a", "ask")
    assert first.returncode == 0, first.stderr
    late = hil(
        hil_env,
        *("resume", thread_id, "--value", "Eve", "--interrupt-id", interrupt_id),
        *("--url", server_url, "-a", "ask"),
    )
    assert late.returncode == 4, late.stderr
    assert "Traceback" not in late.stderr
    assert len(resume_runs(http, thread_id)) == 1
    assert get_state(http, thread_id)["values"]["name"] == "Bob"


def test_chat_answer_to_an_already_answered_question_is_not_sent(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id, _ = waiting_thread(http)
    args = ["chat", "--thread", thread_id, "--url", server_url, "-a", "ask"]
    with pty_session(args, hil_env) as chat:
        chat.expect("What is your name")
        chat.expect("answer>")
        other = hil(hil_env, "resume", thread_id, "--value", "Bob", "--url", server_url)
        assert other.returncode == 0, other.stderr
        chat.sendline("Alice")
        chat.expect("no longer pending")
        chat.expect("you>")
        assert "was not sent" in strip_ansi(chat.before or "")
        chat.sendline("/quit")
        chat.expect(pexpect.EOF)
    runs = resume_runs(http, thread_id)
    assert len(runs) == 1
    assert runs[0]["kwargs"]["command"]["resume"] == {get_interrupt_key(runs[0]): "Bob"}
    assert get_state(http, thread_id)["values"]["name"] == "Bob"


def get_interrupt_key(run: dict[str, Any]) -> str:
    """The interrupt id a resume run answered (hil always resumes by id)."""
    resume = run["kwargs"]["command"]["resume"]
    assert isinstance(resume, dict) and len(resume) == 1
    return str(next(iter(resume)))


def test_resume_that_cannot_be_sent_prints_the_answer_to_resend(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id, interrupt_id = waiting_thread(http)
    with FaultProxy(server_url, refuse_streams=True) as proxy:
        failed = hil(hil_env, "resume", thread_id, "--value", "Carol", "--url", proxy.url)
    assert failed.returncode == 5, failed.stderr
    assert "Traceback" not in failed.stderr
    assert proxy.refused == 4  # the first attempt and three retries
    assert "not sent" in failed.stderr
    assert resume_runs(http, thread_id) == []
    resend = next(line for line in failed.stderr.splitlines() if "hil resume" in line)
    command = shlex.split(resend[resend.index("hil resume") :])
    assert command[:2] == ["hil", "resume"]
    assert interrupt_id in command
    again = hil(hil_env, *command[1:], "--url", server_url, "-a", "ask")
    assert again.returncode == 0, again.stderr
    assert get_state(http, thread_id)["values"]["name"] == "Carol"
    assert json.dumps("Carol") in resend


@contextmanager
def answer_that_cannot_be_sent(
    proxy: FaultProxy, env: dict[str, str], name: str
) -> Iterator[pexpect.spawn]:
    """`hil chat` through `proxy`, with an answer typed while the proxy refuses runs."""
    with pty_session(["chat", "--url", proxy.url, "-a", "ask"], env) as chat:
        chat.expect("you>")
        chat.sendline("hi")
        chat.expect("What is your name")
        chat.expect("answer>")
        proxy.refuse_streams = True
        chat.sendline(name)
        chat.expect("Your answer is kept")
        chat.expect("not sent")
        chat.expect("Enter sends it again")
        chat.expect("answer>")
        yield chat


def test_chat_keeps_an_unsent_answer_and_offers_it_again(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    with (
        FaultProxy(server_url) as proxy,
        answer_that_cannot_be_sent(proxy, hil_env, "Dave") as chat,
    ):
        chat.expect("Dave")  # offered again at once, pre-filled
        chat.sendintr()  # keep it for later
        chat.expect("stays pending")
        chat.expect("you>")
        proxy.refuse_streams = False
        chat.sendline("/answer")
        chat.expect("answer>")
        chat.expect("Dave")  # still kept, offered for editing
        chat.sendline("")
        chat.expect("Hello, Dave!")
        quit_chat(chat)
    assert proxy.refused == 4


def test_chat_resends_a_kept_answer_with_enter(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """After a failed send the answer comes back pre-filled: Enter sends it once it can go."""
    with (
        FaultProxy(server_url) as proxy,
        answer_that_cannot_be_sent(proxy, hil_env, "Erin") as chat,
    ):
        chat.expect("Erin")
        proxy.refuse_streams = False
        chat.sendline("")
        chat.expect("Hello, Erin!")
        quit_chat(chat)
    assert chat.exitstatus == 0
