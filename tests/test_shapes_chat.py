"""Answering every interrupt shape in `hil chat`, typed through a real pseudo-terminal."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect

from tests.hilterm import pty_session, quit_chat

MAIL_AND_DELETE = "Mail bob@example.com and delete the report"
ESC_ENTER = "\x1b\r"  # ends a multi-line prompt_toolkit input
BACKSPACE = "\x7f"


def styled(*words: str) -> str:
    """A pattern for `words` in order, separated by spaces, `·` or colour codes."""
    return r"(?:\x1b\[[0-9;]*m|\s|·)*".join(re.escape(word) for word in words)


@contextmanager
def chat(
    server_url: str, env: dict[str, str], graph: str, editor: str | None = None
) -> Iterator[pexpect.spawn]:
    """`hil chat -a GRAPH` in a pty; on leaving, `/quit` must end it with status 0.

    `$EDITOR` is `editor` (unset by default, so arguments are edited inline).
    """
    env = {k: v for k, v in env.items() if k not in ("VISUAL", "EDITOR")}
    if editor is not None:
        env["EDITOR"] = editor
    args = ["chat", "--url", server_url, "-a", graph]
    with pty_session(args, env, timeout=60) as child:
        child.expect("you>")
        yield child
        quit_chat(child)
    assert child.exitstatus == 0


def test_batched_review_edit_inline_then_reject(server_url: str, hil_env: dict[str, str]) -> None:
    """Cards for both calls; edit re-asks until the JSON parses; reject asks for a reason."""
    env = {k: v for k, v in hil_env.items() if k != "NO_COLOR"}  # the coloured cards
    with chat(server_url, env, "approval") as child:
        child.sendline(MAIL_AND_DELETE)
        child.expect("review these 2 tool calls")
        child.expect("send_email")
        child.expect("bob@example.com")
        child.expect(styled("approve", "edit", "reject", "respond"))
        child.expect("delete_file")
        child.expect("/tmp/report.txt")
        child.expect(styled("allowed:", "approve", "reject"))
        child.expect(r"\[1/2\] send_email: approve / edit / reject / respond\?")
        child.sendline("r")
        child.expect("'r' could be reject or respond; type more letters.")
        child.sendline("e")
        child.expect("arguments \\(JSON; Esc then Enter to send\\)>")
        proposed = {"to": "bob@example.com", "subject": "Hello from hil", "body": MAIL_AND_DELETE}
        child.send(BACKSPACE * len(json.dumps(proposed, indent=2)))
        child.send('{"to": "carol@example.com", "subject": "Hi", "body": "edited"' + ESC_ENTER)
        child.expect("! Not valid JSON")
        child.send("}" + ESC_ENTER)
        child.expect(r"\[2/2\] delete_file: approve / reject\?")
        child.sendline("e")
        child.expect("choose one of approve, reject.")
        child.sendline("reject")
        child.expect("reason \\(optional\\)>")
        child.sendline("keep the report")
        child.expect("Email sent to carol@example.com with subject 'Hi'")
        child.expect("Here is what happened")
        child.expect("with reason: keep the report")


def test_per_call_reviews_asked_one_after_the_other(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    """Two tool_approval interrupts: edit in $EDITOR for the first, approve the second."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "path.write_text(path.read_text().replace('bob@', 'dave@'))\n"
    )
    editor = f"{sys.executable} {script}"
    with chat(server_url, hil_env, "approval_per_call", editor) as child:
        child.sendline(MAIL_AND_DELETE)
        child.expect(r"\? \[1/2\] tools: review this tool call")
        child.expect("send_email")
        child.expect(r"send_email: approve / edit / reject / respond\?")
        child.sendline("edit")
        child.expect(r"\? \[2/2\] tools: review this tool call")
        child.expect(r"delete_file: approve / reject\?")
        child.sendline("a")
        child.expect("Email sent to dave@example.com")
        child.expect("delete_file: done: Deleted /tmp/report.txt.")


def test_per_call_inline_edit_checked_against_the_tool_schema(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Edited arguments that do not fit the tool's schema are re-asked with the reason."""
    with chat(server_url, hil_env, "approval_per_call") as child:
        child.sendline("Mail bob@example.com please")
        child.expect(r"send_email: approve / edit / reject / respond\?")
        child.sendline("e")
        child.expect("arguments \\(JSON; Esc then Enter to send\\)>")
        proposed = {
            "to": "bob@example.com",
            "subject": "Hello from hil",
            "body": "Mail bob@example.com please",
        }
        child.send(BACKSPACE * len(json.dumps(proposed, indent=2)))
        child.send('{"to": "carol@example.com"}' + ESC_ENTER)
        child.expect("! The arguments do not fit send_email: 'subject' is a required property")
        child.send(BACKSPACE + ', "subject": "Hi", "body": "edited"}' + ESC_ENTER)
        child.expect("Email sent to carol@example.com with subject 'Hi'")


def test_per_call_respond(server_url: str, hil_env: dict[str, str]) -> None:
    """`respond` asks for a message (required) that becomes the tool's result."""
    with chat(server_url, hil_env, "approval_per_call") as child:
        child.sendline("Mail bob@example.com please")
        child.expect(r"send_email: approve / edit / reject / respond\?")
        child.sendline("res")
        child.expect("message>")
        child.sendline("")
        child.expect("! A message is required.")
        child.sendline("I phoned Bob instead")
        child.expect("send_email: done: I phoned Bob instead")


def test_inbox_list_ignore(server_url: str, hil_env: dict[str, str]) -> None:
    """An Agent Inbox request in a list: accept / edit / respond / ignore, by first letter."""
    with chat(server_url, hil_env, "inbox") as child:
        child.sendline("go")
        child.expect("run_command")
        child.expect("The agent wants to run a shell command")
        child.expect("ls -l")
        child.expect(r"run_command: accept / edit / respond / ignore\?")
        child.sendline("i")
        child.expect("Ignored.")


def test_inbox_single_edit_not_offered_and_respond(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """A bare HumanInterrupt allowing only accept / respond: `r` is respond."""
    with chat(server_url, hil_env, "inbox_single") as child:
        child.sendline("go")
        child.expect(r"run_command: accept / respond\?")
        child.sendline("e")
        child.expect("choose one of accept, respond.")
        child.sendline("r")
        child.expect("message>")
        child.sendline("use ls -a")
        child.expect("Not run; you said: use ls -a.")


def test_form_one_prompt_per_field(server_url: str, hil_env: dict[str, str]) -> None:
    """Typed fields re-asked with the reason; Enter takes the default; y/n; enum prefix."""
    with chat(server_url, hil_env, "form") as child:
        child.sendline("book")
        child.expect("Please fill in your booking details.")
        child.expect("Booking — 4 fields: name, nights, breakfast, room")
        child.expect("Name of the guest")
        child.expect(r"name \(string, required\)>")
        child.sendline("")
        child.expect("! name is required.")
        child.sendline("Ada")
        child.expect(r"nights \(integer ≥ 1, required\)>")
        child.sendline("0")
        child.expect("! nights: 0 is less than the minimum of 1")
        child.sendline("3")
        child.expect(r"breakfast \(y/n, default n\)>")
        child.sendline("maybe")
        child.expect("! breakfast: answer y or n.")
        child.sendline("y")
        child.expect(r"room \(single / double / suite, default double\)>")
        child.sendline("s")
        child.expect("'s' could be single or suite; type more letters.")
        child.sendline("")  # Enter on the empty field takes the default
        child.expect("Booked a double room for Ada, 3 nights, with breakfast.")


def test_server_refusal_reasks_with_the_answer_kept(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """A ValidationError on resume: the reason, then the same form with the typed values."""
    with chat(server_url, hil_env, "form_checked") as child:
        child.sendline("sign me up")
        child.expect(r"email \(string, required\)>")
        child.sendline("bob")
        child.expect(r"plan \(free / pro, default free\)>")
        child.sendline("p")
        child.expect("an e-mail address needs an @")
        child.expect("The server refused the answer")
        child.expect(r"email \(string, required\)> bob")
        child.sendline("@example.com")
        child.expect(r"plan \(free / pro, default free\)> pro")
        child.sendline("")
        child.expect(r"Signed up bob@example.com \(pro\).")


def test_parallel_questions_labelled_and_resumed_together(
    server_url: str, hil_env: dict[str, str]
) -> None:
    with chat(server_url, hil_env, "parallel") as child:
        child.sendline("go")
        child.expect(r"\? \[1/2\] ask_colour: What is your favourite colour\?")
        child.expect("answer>")
        child.sendline("blue")
        child.expect(r"\? \[2/2\] ask_food: What is your favourite food\?")
        child.expect("answer>")
        child.sendline("soup")
        child.expect("Favourite colour: blue; favourite food: soup.")


def test_json_question_answered_with_json(server_url: str, hil_env: dict[str, str]) -> None:
    with chat(server_url, hil_env, "json_question") as child:
        child.sendline("go")
        child.expect('"question": "Approve topic cats\\?"')
        child.expect("answer>")
        child.sendline('{"pick": "yes"}')
        child.expect('You answered: {"pick": "yes"}')


def test_subgraph_interrupt_asked_once(server_url: str, hil_env: dict[str, str]) -> None:
    with chat(server_url, hil_env, "subgraph") as child:
        child.sendline("go")
        child.expect(r"What is your quest\?")
        child.expect("answer>")
        before = child.before
        assert "[1/2]" not in before
        child.sendline("the grail")
        child.expect("Your quest: the grail")


def test_breakpoint_continue_or_stop(server_url: str, hil_env: dict[str, str]) -> None:
    with chat(server_url, hil_env, "breakpoint") as child:
        child.sendline("go")
        child.expect("paused at a breakpoint, before: finish")
        child.expect(r"continue / stop\?")
        child.sendline("s")
        child.expect("you>")
        child.sendline("again")
        child.expect(r"continue / stop\?")
        child.sendline("c")
        child.expect("Finished after the breakpoint.")
