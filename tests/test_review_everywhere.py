"""A pending question looks the same everywhere (issue 12, point 3), on the real server.

`hil run`, `hil resume`, `hil show` and `hil inbox` print the cards `chat` asks with: every
tool call of a review, its description (Markdown, rendered on a terminal, made safe), its
allowed decisions, in full (nothing cut at 200 characters); `--json` keeps the raw value.
The "answer with" hint lists only the flags the request allows.

Graphs: `inbox_email` (an Agent Inbox request allowing only respond / ignore, with a long
Markdown email as its description) and `gated_batch` (three gated tool calls in one batch,
the first with a long `content`).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager

import pexpect
import pyte

from tests.graphs.gated_batch import REPORT
from tests.graphs.inbox_email import DESCRIPTION
from tests.hilterm import pty_session, quit_chat
from tests.support import run_hil

FIRST_MESSAGE = "I will write the report, mail it, then tidy up."


def thread_of(stdout: str) -> str:
    found = re.search(r"waiting for input on thread (\S+)", stdout)
    assert found, stdout
    return found.group(1)


def answer_hint(stdout: str) -> str:
    found = re.search(r"^answer with: (.+)$", stdout, re.M)
    assert found, stdout
    return found.group(1)


def words(text: str) -> str:
    """`text` with all runs of white space made one space (wrapping undone)."""
    return " ".join(text.split())


def assert_whole_email(stdout: str) -> None:
    """The description is there in full, as Markdown source (plain output), and safe."""
    shown = words(stdout)
    safe = DESCRIPTION.replace("\x1b", "␛")
    for paragraph in safe.split("\n\n"):
        assert words(paragraph) in shown, paragraph[:60]
    assert "\x1b" not in stdout
    assert "[bold red]not markup[/bold red]" in stdout  # data, not Rich markup
    assert stdout.count("END OF EMAIL") == 1


def test_run_prints_a_respond_ignore_inbox_request_in_full_and_hints_its_flags(
    server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "inbox_email", "hi")
    assert first.returncode == 3, first.stderr
    out = first.stdout
    assert_whole_email(out)
    assert "reply_email" in out and '"subject": "Re: Quarterly numbers"' in out
    assert "allowed: respond · ignore" in out
    hint = answer_hint(out)
    assert hint.endswith("--reject --message M | --value-json JSON"), hint
    assert "--approve" not in hint
    thread_id = thread_of(out)

    # `hil show` prints the same card; `--json` keeps the raw value.
    shown = run_hil(hil_env, "show", thread_id, "--url", server_url)
    assert shown.returncode == 0, shown.stderr
    assert_whole_email(shown.stdout)
    assert "allowed: respond · ignore" in shown.stdout
    raw = json.loads(run_hil(hil_env, "show", thread_id, "--url", server_url, "--json").stdout)
    assert raw["interrupts"][0]["value"][0]["description"] == DESCRIPTION

    # --approve is refused in the flags' words (it names no decision nobody typed).
    refused = run_hil(hil_env, "resume", thread_id, "--url", server_url, "--approve")
    assert refused.returncode == 2
    assert "--approve cannot answer this request" in refused.stderr
    assert "accept" not in refused.stderr

    # The hinted flags answer it, pasted as printed.
    typed = hint.split(" | ")[0]
    assert typed.endswith(" --reject --message M"), typed
    pasted = shlex.split(typed[: -len("M")] + "'Numbers confirmed'")
    assert pasted[:3] == ["hil", "resume", thread_id]
    done = run_hil(hil_env, *pasted[1:])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Replied to Ada: Numbers confirmed" in done.stdout
    assert "An email from Ada needs your reply." not in done.stdout  # shown by the run before


def test_run_json_keeps_the_raw_value(server_url: str, hil_env: dict[str, str]) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "inbox_email", "hi", "--json")
    assert first.returncode == 3, first.stderr
    result = json.loads(first.stdout.splitlines()[-1])
    assert result["interrupts"][0]["value"][0]["description"] == DESCRIPTION
    assert "allowed:" not in first.stdout


def test_run_and_show_print_every_call_of_a_batch_in_full(
    server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "gated_batch", "go")
    assert first.returncode == 3, first.stderr
    thread_id = thread_of(first.stdout)
    shown = run_hil(hil_env, "show", thread_id, "--url", server_url)
    assert shown.returncode == 0, shown.stderr
    for out in (first.stdout, shown.stdout):
        cards = out[out.index("review these 3 tool calls") :]
        assert "── tool call [1/3] write_file ──" in cards
        assert "── tool call [2/3] send_email ──" in cards
        assert "── tool call [3/3] delete_file ──" in cards
        # The long content is there whole (folded, not cut): the JSON string of the report.
        assert words(json.dumps(REPORT)[1:-1]) in words(cards)
        assert "allowed: approve · edit · reject · respond" in cards
        assert "allowed: approve · edit · reject\n" in cards
        assert "allowed: approve · reject" in cards
        assert '"to": "bob@example.com"' in cards and '"path": "draft.md"' in cards
    hint = answer_hint(first.stdout)
    assert hint.endswith("--approve | --reject [--message M] | --value-json JSON"), hint


def test_resume_after_a_rejection_does_not_reprint_the_models_message(
    server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "gated_batch", "go")
    assert first.returncode == 3, first.stderr
    assert first.stdout.count(FIRST_MESSAGE) == 1
    thread_id = thread_of(first.stdout)
    done = run_hil(
        hil_env, "resume", thread_id, "--url", server_url, "--reject", "--message", "not today"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "write_file: not run: User rejected the tool call" in done.stdout
    assert FIRST_MESSAGE not in done.stdout


# -- on a terminal -----------------------------------------------------------------------------


def screen(output: str, lines: int = 300) -> list[str]:
    """The lines a 100-column terminal shows after `output` (cursor movement applied)."""
    terminal = pyte.Screen(100, lines)
    pyte.Stream(terminal).feed(output)
    return [line.rstrip() for line in terminal.display]


class _Log:
    """Keeps everything hil wrote to the pty."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.parts)


@contextmanager
def coloured(args: list[str], env: dict[str, str]) -> Iterator[tuple[pexpect.spawn, _Log]]:
    """`hil ARGS` in a pty with colours (no NO_COLOR): Markdown rendered, live regions drawn."""
    env = {key: value for key, value in env.items() if key != "NO_COLOR"}
    log = _Log()
    with pty_session(args, env, timeout=60) as child:
        child.logfile_read = log
        yield child, log


def test_chat_renders_the_inbox_description_as_markdown_safely(
    server_url: str, hil_env: dict[str, str]
) -> None:
    args = ["chat", "--url", server_url, "-a", "inbox_email"]
    with coloured(args, hil_env) as (child, log):
        child.expect("you>")
        child.sendline("hi")
        child.expect(r"reply_email: respond / ignore\?")
        shown = "\n".join(screen(log.text))
        child.sendline("respond")
        child.expect("message>")
        child.sendline("On it")
        child.expect("Replied to Ada: On it")
        quit_chat(child)
    assert child.exitstatus == 0
    card = shown[shown.index("review this tool call") :]
    assert "Email from Ada Lovelace" in card and "# Email from Ada" not in card
    assert "Subject: Quarterly numbers, please confirm" in card  # bold and italics rendered
    assert "**" not in card
    assert " 1 The revenue figure of 1.2M is final." in card  # a rendered numbered list
    assert "[bold red]not markup[/bold red]" in card  # server text is data, not markup
    assert "␛[31mno colour␛[0m" in card  # the escape sequence made visible and inert
    assert "Thanks, Ada. END OF EMAIL" in card
    assert "allowed: respond · ignore" in card


def test_inbox_shows_the_same_card_and_answers_it(server_url: str, hil_env: dict[str, str]) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "inbox_email", "hi")
    assert first.returncode == 3, first.stderr
    thread_id = thread_of(first.stdout)
    args = ["inbox", "--url", server_url, "-a", "inbox_email"]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("inbox>")
        child.sendline(thread_id)
        child.expect("review this tool call")
        child.expect("Paragraph 5:")
        child.expect("END OF EMAIL")
        child.expect("allowed: respond · ignore")
        child.expect(r"reply_email: respond / ignore\?")
        child.sendline("ignore")
        child.expect("Ignored the email.")
        # Back to the list, or out when nothing else waits (other tests' threads may).
        if child.expect(["inbox>", "Nothing waits for input."]) == 0:
            child.sendline("q")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0


def test_chat_reviews_a_batch_of_three_gated_calls(
    server_url: str, hil_env: dict[str, str]
) -> None:
    args = ["chat", "--url", server_url, "-a", "gated_batch"]
    with pty_session(args, hil_env, timeout=60) as child:
        child.expect("you>")
        child.sendline("go")
        child.expect("review these 3 tool calls")
        child.expect("END OF REPORT")
        child.expect(r"\[1/3\] write_file: approve / edit / reject / respond\?")
        child.sendline("approve")
        child.expect(r"\[2/3\] send_email: approve / edit / reject\?")
        child.sendline("reject")
        child.expect("reason")
        child.sendline("not to Bob")
        child.expect(r"\[3/3\] delete_file: approve / reject\?")
        child.sendline("a")
        child.expect("write_file: done: Wrote")
        child.expect("send_email: not run: User rejected the tool call for `send_email`")
        child.expect("delete_file: done: Deleted draft.md.")
        quit_chat(child)
    assert child.exitstatus == 0


def test_the_readme_review_transcript_is_what_run_and_resume_print(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """README "A review, from a script": replayed against the server, line by line."""
    from tests.test_readme import block, hil_output, normalized

    env = {**hil_env, "HIL_URL": server_url}
    message = "Mail bob@example.com the report, then delete the draft"
    run = hil_output(env, "run", "-a", "approval", message)
    thread = re.search(r"waiting for input on thread (\S+)", "\n".join(run))
    assert thread, run
    decisions = (
        '{"decisions": [{"type": "approve"}, {"type": "reject", "message": "keep the draft"}]}'
    )
    resume = hil_output(env, "resume", thread.group(1), "-a", "approval", "--value-json", decisions)
    expected = [
        f'$ hil run -a approval "{message}"',
        *run,
        f"$ hil resume {thread.group(1)} -a approval --value-json '{decisions}'",
        *resume,
    ]
    assert normalized(expected) == normalized(block('$ hil run -a approval "Mail bob'))


def test_run_prints_a_form_with_what_each_field_takes(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """The demo's `form`: answered from a script with --value-json, so its fields are listed
    with their types, defaults and descriptions."""
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "form", "Book a room")
    assert first.returncode == 3, first.stderr
    out = first.stdout
    assert "? book: Please fill in your booking details." in out
    assert "    name: string, required — Name of the guest" in out
    assert "    nights: integer ≥ 1, required — Number of nights" in out
    assert "    breakfast: true / false, optional, default false" in out
    assert '    room: single / double / suite, optional, default "double"' in out
    assert answer_hint(out).endswith("--value-json JSON")
