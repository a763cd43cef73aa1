"""`/assistant [NAME]` (alias `/graph`) in `hil chat` (issue 16, point 11).

Without NAME it lists the server's assistants, the current one marked; with NAME it switches,
the next message starting a new thread, and says how to get back to the old one (`/thread
ID`, which continues it with its own assistant). Tab completes the names. Against the suite's
real server in a pty.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pexpect

from tests.hilterm import pty_session, quit_chat, strip_ansi
from tests.support import get_state, get_thread

THREAD_ID = re.compile(r"New thread ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def answer_name(child: pexpect.spawn, name: str) -> None:
    child.expect(r"What is your name\?")
    child.expect("answer>")
    child.sendline(name)
    child.expect(f"Hello, {name}! Nice to meet you.")
    child.expect("you>")


def test_assistant_lists_switches_with_tab_and_the_old_thread_stays_reachable(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    # An assistant of its own (not a graph's default one), to switch to by its name.
    name = f"greeter-{uuid.uuid4().hex[:8]}"
    created = http.post("/assistants", json={"graph_id": "ask", "name": name})
    created.raise_for_status()
    greeter = created.json()["assistant_id"]

    with pty_session(["chat", "--url", server_url, "-a", "ask"], hil_env) as child:
        child.expect("you>")
        child.sendline("hi")
        child.expect(THREAD_ID)
        first = child.match.group(1)
        answer_name(child, "Ada")

        child.sendline("/assistant")
        child.expect("/assistant NAME switches")
        listed = strip_ansi(child.before)
        child.expect("you>")
        assert re.search(r"^\* ask +graph ask\r?$", listed, re.M), listed  # the current one
        assert re.search(r"^  no_messages +graph no_messages\r?$", listed, re.M), listed
        assert re.search(rf"^  {name} +graph ask · {greeter}\r?$", listed, re.M), listed

        child.send("/assistant no_m\t")  # Tab completes the name
        child.expect("essages")
        child.send("\r")
        child.expect("Assistant no_messages: a new thread starts with your next message")
        child.expect(f"/thread {first}")  # the old one stays reachable
        child.expect("you>")
        child.sendline('/input {"topic": "llamas"}')
        child.expect(THREAD_ID)
        second = child.match.group(1)
        child.expect(r"Approve topic llamas\?")
        child.expect("answer>")
        child.sendline('"fine"')
        child.expect("you>")

        child.sendline("/graph")  # the alias; the mark moved
        child.expect(r"\* no_messages +graph no_messages")
        child.expect("you>")
        child.sendline(f"/assistant {name}")  # by an assistant's name
        child.expect(f"Assistant {name}: a new thread starts")
        child.expect("you>")
        child.sendline("hello")
        child.expect(THREAD_ID)
        third = child.match.group(1)
        answer_name(child, "Cy")

        child.sendline(f"/thread {first}")  # back, with the thread's own assistant
        child.expect(f"Switched to thread {first} \\(assistant ask\\)")
        child.expect("Hello, Ada!")
        child.expect("you>")
        child.sendline("/assistant nosuch")
        child.expect("No assistant or graph named 'nosuch'; the server has: ")
        child.expect("you>")
        child.sendline("/assistant")
        child.expect(r"\* ask +graph ask")
        quit_chat(child)
    assert child.exitstatus == 0
    assert len({first, second, third}) == 3
    assert get_state(http, first)["values"]["name"] == "Ada"
    assert get_state(http, second)["values"]["answers"] == ["fine"]
    assert get_thread(http, second)["metadata"]["graph_id"] == "no_messages"
    assert get_thread(http, third)["metadata"]["assistant_id"] == greeter
    assert get_state(http, third)["values"]["name"] == "Cy"
