"""The answer prompt is a prompt: `/json`, `/help`, `/quit` and `//` typed in a real pty.

Against the suite's server, graph `ask_age` asks "What is your age?" in a string and accepts
only an int, as LangChain's "validate human input" example does.
"""

from __future__ import annotations

import json

import pexpect

from tests.hilterm import pty_session, quit_chat
from tests.support import run_hil

BACKSPACE = "\x7f"


def test_json_answers_a_string_question_that_wants_an_int(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Typed `42` stays the string "42" (re-asked, with the /json hint); `/json` sends 42."""
    args = ["chat", "--url", server_url, "-a", "ask_age"]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("you>")
        child.sendline("hi")
        child.expect(r"What is your age\?")
        child.expect("answer>")
        child.sendline("42")
        child.expect(r"'42' is not a valid age\. What is your age\?")
        child.expect(r'The question came back after your answer "42" \(sent as text\)')
        child.expect("To send it as JSON, type: /json 42")
        child.expect("answer>")
        child.sendline("/json 4 2")
        child.expect("! Not valid JSON")
        child.expect("answer>")  # the typed line is kept for editing: fix it in place
        child.send(BACKSPACE * 3 + "42\r")
        child.expect("You are 42 years old.")
        quit_chat(child)
    assert child.exitstatus == 0


def test_help_quit_and_slash_escape_at_the_answer_prompt(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """/help lists what can be typed; //TEXT sends /TEXT; /quit leaves, the question pending."""
    args = ["chat", "--url", server_url, "-a", "ask_age"]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("you>")
        child.sendline("hi")
        child.expect("answer>")
        child.sendline("/help")
        child.expect(r"sent as text \(42 sends the string \"42\"\)")
        child.expect("/json VALUE")
        child.expect("//TEXT")
        child.expect("/quit")
        child.expect("answer>")
        child.sendline("/nope")
        child.expect("/nope is not a command here")
        child.expect("answer>")
        child.send("\x15")  # Ctrl-U: the kept `/nope` is cleared
        child.sendline("//etc")
        child.expect(r"'/etc' is not a valid age\. What is your age\?")
        child.expect("answer>")
        child.sendline("/quit")
        child.expect("question stays pending on thread ([0-9a-f-]+)")
        thread_id = child.match.group(1)
        child.expect("hil chat --thread")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0
    shown = run_hil(hil_env, "show", thread_id, "--url", server_url, "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["status"] == "interrupted"
    assert "'/etc' is not a valid age" in json.dumps(document)
    # The question is still answerable: come back to it and finish the thread as expected.
    with pty_session(["chat", "--url", server_url, "--thread", thread_id], hil_env) as child:
        child.expect(r"'/etc' is not a valid age\. What is your age\?")
        child.expect("answer>")
        child.sendline("/json 7")
        child.expect("You are 7 years old.")
        quit_chat(child)
    assert child.exitstatus == 0


def test_piped_json_answer_and_the_run_hint(server_url: str, hil_env: dict[str, str]) -> None:
    """A script sends JSON the same way; `hil run` names --value and --value-json."""
    ran = run_hil(hil_env, "run", "hi", "--url", server_url, "-a", "ask_age")
    assert ran.returncode == 3, ran.stderr
    assert "--value TEXT | --value-json JSON" in ran.stdout + ran.stderr
    piped = run_hil(
        hil_env, "chat", "--url", server_url, "-a", "ask_age", input="hi\n/json true\n/json 30\n"
    )
    assert piped.returncode == 0, piped.stderr
    assert "'True' is not a valid age" in piped.stdout
    assert "You are 30 years old." in piped.stdout


def test_answer_json_on_the_command_line_in_order_with_answer(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """`--answer-json` sends JSON, interleaved with `--answer` texts in the order typed."""
    ran = run_hil(
        hil_env,
        "run",
        "hi",
        "--url",
        server_url,
        "-a",
        "ask_age",
        "--answer-json",
        "true",
        "--answer",
        "42",
        "--answer-json",
        "30",
    )
    assert ran.returncode == 0, ran.stderr
    out = ran.stdout
    assert "You are 30 years old." in out
    assert out.index("'True' is not a valid age") < out.index("'42' is not a valid age")


def test_answer_json_that_is_not_json_is_a_usage_error(
    server_url: str, hil_env: dict[str, str]
) -> None:
    ran = run_hil(
        hil_env, "run", "hi", "--url", server_url, "-a", "ask_age", "--answer-json", "{age"
    )
    assert ran.returncode == 2
    assert "--answer-json '{age' (answer #1) is not valid JSON" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_a_run_that_fails_after_a_json_looking_text_says_how_to_send_json(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Text that parses as an object goes as text; the graph fails, and hil names /json."""
    typed = '{"type": "accept"}'
    failed = run_hil(
        hil_env, "chat", "--url", server_url, "-a", "ask_object", input=f"hi\n{typed}\n"
    )
    assert failed.returncode == 0, failed.stderr
    said = " ".join((failed.stdout + failed.stderr).split())
    assert "TypeError" in said
    assert f'The run failed after your answer "{typed}" (sent as text)' in said
    assert f"To send it as JSON, type: /json {typed}" in said
    sent = run_hil(
        hil_env, "chat", "--url", server_url, "-a", "ask_object", input=f"hi\n/json {typed}\n"
    )
    assert sent.returncode == 0, sent.stderr
    assert "Sent." in sent.stdout
    assert "failed" not in sent.stdout + sent.stderr
