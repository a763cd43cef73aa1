"""A question left waiting in `hil chat` is never dropped silently (issue 16, point 5).

After Ctrl-C at `answer>` the question stays pending on the server; the toolbar says so (not
`idle`); a new message would start a run that supersedes it, so hil asks first, and `/answer`
brings the question back. `/answer` with nothing pending says so. Against the suite's real
server, graph `ask` ("What is your name?").
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.hilterm import pty_session, quit_chat
from tests.support import get_state, run_hil

THREAD_ID = re.compile(r"New thread ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
DROP_PROMPT = r"A question is waiting: What is your name\? Drop it and send this message\? \[y/N\]"


def human_messages(http: httpx.Client, thread_id: str) -> list[str]:
    """What the person said on the thread, as the server keeps it."""
    messages = get_state(http, thread_id)["values"].get("messages", [])
    return [item["content"] for item in messages if item.get("type") == "human"]


def left_at_the_question(child: Any) -> str:
    """Send `hi`, Ctrl-C at the question; back at `you>`. The thread's id."""
    child.expect("you>")
    child.sendline("hi")
    child.expect(THREAD_ID)
    thread_id: str = child.match.group(1)
    child.expect(r"What is your name\?")
    child.expect("answer>")
    child.sendintr()
    child.expect(r"Not answered: the question stays pending \(/answer to answer it\)")
    child.expect("you>")
    return thread_id


def test_a_message_typed_while_a_question_waits_asks_first_and_no_keeps_it(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    with pty_session(["chat", "--url", server_url, "-a", "ask"], hil_env) as child:
        child.expect("you>")
        child.sendline("/answer")  # nothing sent yet: nothing to answer, and it says so
        child.expect("Nothing is waiting for an answer: no message was sent yet")
        thread_id = left_at_the_question(child)
        child.sendline("something else")
        child.expect(DROP_PROMPT)
        child.sendline("n")  # the default: keep the question, send nothing
        child.expect(r"Not sent \(Up brings it back\); the question still waits")
        child.expect("you>")
        child.sendline("/answer")
        child.expect(r"What is your name\?")
        child.expect("answer>")
        child.sendline("Ada")
        child.expect("Hello, Ada! Nice to meet you.")
        child.expect("you>")
        child.sendline("/answer")
        child.expect(f"Nothing is waiting for an answer on thread {thread_id}")
        child.expect("you>")
        child.sendline("and now this")  # nothing waits: sent without asking
        child.expect(r"What is your name\?")
        assert "A question is waiting" not in child.before
        child.expect("answer>")
        child.sendline("Bob")
        child.expect("Hello, Bob!")
        quit_chat(child)
    assert child.exitstatus == 0
    assert get_state(http, thread_id)["values"]["name"] == "Bob"
    assert human_messages(http, thread_id) == ["hi", "and now this"]  # never "something else"


def test_yes_drops_the_question_and_sends_the_message(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    with pty_session(["chat", "--url", server_url, "-a", "ask"], hil_env) as child:
        thread_id = left_at_the_question(child)
        child.sendline("/input {}")  # a raw input is a new run too
        child.expect(r"Drop it and send this input\? \[y/N\]")
        child.sendintr()  # Ctrl-C at the confirmation: as No
        child.expect("Not sent")
        child.expect("you>")
        child.sendline("something else")
        child.expect(DROP_PROMPT)
        child.sendline("y")
        child.expect(r"What is your name\?")  # the new run asks again
        child.expect("answer>")
        child.sendline("Cy")
        child.expect("Hello, Cy!")
        quit_chat(child)
    assert child.exitstatus == 0
    assert human_messages(http, thread_id) == ["hi", "something else"]


def test_a_question_answered_elsewhere_meanwhile_is_not_asked_about(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    with pty_session(["chat", "--url", server_url, "-a", "ask"], hil_env) as child:
        thread_id = left_at_the_question(child)
        elsewhere = run_hil(hil_env, "resume", thread_id, "--value", "Eve", "--url", server_url)
        assert elsewhere.returncode == 0, elsewhere.stderr
        child.sendline("next")  # nothing waits any more: sent without asking
        child.expect(r"What is your name\?")
        assert "A question is waiting" not in child.before
        child.expect("answer>")
        child.sendline("Fay")
        child.expect("Hello, Fay!")
        quit_chat(child)
    assert child.exitstatus == 0
    assert human_messages(http, thread_id) == ["hi", "next"]


class ScriptedReader:
    """A `LineReader` that plays `steps`: a line to return, an exception to raise, or a
    function of the prompt (to look at the REPL at that moment)."""

    interactive = False

    def __init__(self, steps: list[str | BaseException | Callable[[str], str]]) -> None:
        self.steps = steps
        self.prompts: list[str] = []

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        self.prompts.append(prompt)
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step(prompt) if callable(step) else step

    def configure_repl(self, *args: object, **kwargs: object) -> None:
        """Nothing: no Tab, no toolbar (every `LineReader` is told the chat's commands)."""


def test_the_toolbar_says_a_question_waits_after_ctrl_c(server_url: str, tmp_path: Path) -> None:
    from hilcli.client import AgentClient
    from hilcli.config import resolve
    from hilcli.frontend import Frontend
    from hilcli.render.display import RichDisplay, make_console
    from hilcli.repl import Repl
    from hilcli.session import Session

    toolbars: list[str] = []

    def look(line: str) -> Callable[[str], str]:
        def step(prompt: str) -> str:
            toolbars.append(repl.toolbar())
            return line

        return step

    def leave(prompt: str) -> str:
        toolbars.append(repl.toolbar())
        raise EOFError

    out = io.StringIO()
    reader = ScriptedReader([look("hi"), KeyboardInterrupt(), leave])
    display = RichDisplay(make_console(out, plain=True))
    settings = resolve(url=server_url, env={"HIL_CONFIG": str(tmp_path / "none.toml")})
    with AgentClient(server_url) as client:
        frontend = Frontend(display, reader)
        session = Session(client, "ask", frontend, stream_modes=["values"])
        repl = Repl(session, settings, frontend)
        repl.loop()
    assert reader.prompts[1].endswith("answer> "), reader.prompts
    before, after = toolbars
    assert before.endswith("· new thread · idle "), before
    assert after.endswith(f"· thread {session.thread_id} · waiting for input "), after
