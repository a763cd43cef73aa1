"""Narrow terminals (40 and 52 columns): every prompt is drawn whole, wrapped between words,
and answering it still works; thread listings keep whole ids and statuses.

Each test drives `hil` in a real pseudo-terminal of that width against the real server and
reads what a person would see through pyte (a terminal emulator).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pexpect
import pyte
import pytest

from tests.hilterm import pty_env
from tests.support import create_thread, stream_run, user_input

ROWS = 24


class NarrowTerminal:
    """`hil` in a pty `columns` wide; `screen()` is what the terminal shows now."""

    def __init__(self, child: pexpect.spawn, columns: int) -> None:
        self.child = child
        self.columns = columns
        self.output = io.StringIO()
        child.logfile_read = self.output

    def screen(self, rows: int = ROWS) -> list[str]:
        """The terminal's rows, right-trimmed, after everything read so far (a screen of
        `rows` rows keeps a long listing whole)."""
        screen = pyte.Screen(self.columns, rows)
        pyte.Stream(screen).feed(self.output.getvalue())
        return [row.rstrip() for row in screen.display]

    def shown(self, rows: int = ROWS) -> str:
        """The screen as text, for assertion messages."""
        return "\n".join(f"|{row}" for row in self.screen(rows))


@contextmanager
def narrow_hil(
    args: list[str], env: dict[str, str], columns: int, *, cpr: bool = False
) -> Iterator[NarrowTerminal]:
    """`python -m hilcli ARGS` in a pty `columns` wide and 24 rows high, closed on leaving.

    With `cpr`, prompt-toolkit asks for the cursor position as on a real terminal (the
    reader must answer, see `AnsweringScreen`)."""
    env = pty_env(env)
    env.update({"COLUMNS": str(columns), "LINES": str(ROWS)})
    if cpr:
        del env["PROMPT_TOOLKIT_NO_CPR"]
    child = pexpect.spawn(
        sys.executable,
        ["-m", "hilcli", *args],
        env=env,
        encoding="utf-8",
        codec_errors="replace",
        timeout=60,
        dimensions=(ROWS, columns),
    )
    child.delaybeforesend = None
    try:
        yield NarrowTerminal(child, columns)
    finally:
        child.close()


def rows_with(rows: list[str], *texts: str) -> bool:
    """True when `texts` are on consecutive rows of `rows` (each row starting with its text)."""
    return any(
        all(rows[start + k].startswith(text) for k, text in enumerate(texts))
        for start in range(len(rows) - len(texts) + 1)
    )


@pytest.mark.parametrize("columns", [40, 52])
def test_review_prompt_wraps_and_the_decisions_go_through(
    server_url: str, hil_env: dict[str, str], columns: int
) -> None:
    """The review prompt, wider than the terminal, is drawn whole between words; answering
    approve then reject runs one tool and not the other."""
    args = ["chat", "-a", "approval", "--url", server_url]
    with narrow_hil(args, hil_env, columns) as term:
        term.child.expect("you>")
        term.child.sendline("mail bob@example.com then delete the report")
        term.child.expect(r"respond\?")
        rows = term.screen()
        if columns == 40:
            expected = ("[1/2] send_email: approve / edit /", "reject / respond?")
        else:
            expected = ("[1/2] send_email: approve / edit / reject /", "respond?")
        assert rows_with(rows, *expected), term.shown()
        term.child.send("approve\r")
        term.child.expect(r"approve / reject\?")
        assert "[2/2] delete_file: approve / reject?" in term.screen(), term.shown()
        term.child.send("reject\r")
        term.child.expect(r"reason \(optional\)>")
        term.child.send("not now\r")
        term.child.expect("send_email: done")
        term.child.expect("delete_file: not run")
        term.child.expect("you>")
        term.child.sendline("/quit")
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0


def test_refused_choice_and_its_reason_wrap_above_the_prompt(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """An ambiguous choice: the reason line and the prompt under it both wrap, nothing cut,
    and the next answer goes through."""
    args = ["chat", "-a", "approval", "--url", server_url]
    with narrow_hil(args, hil_env, 40) as term:
        term.child.expect("you>")
        term.child.sendline("mail bob@example.com")
        term.child.expect(r"respond\?")
        term.child.send("re\r")  # reject or respond: the reason is wider than the screen
        term.child.expect(r"more letters\.")
        term.child.expect(r"respond\?")
        rows = term.screen()
        assert rows_with(
            rows,
            "! 're' could be reject or respond; type",
            "more letters.",
            "send_email: approve / edit / reject /",
            "respond?",
        ), term.shown()
        term.child.send("a\r")
        term.child.expect("send_email: done")
        term.child.expect("you>")
        term.child.sendline("/quit")
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0


def test_form_prompts_wrap_and_the_booking_is_made(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Each field's prompt is on the screen at 40 columns (the long `room` one wrapped) and
    the answers reach the graph."""
    args = ["chat", "-a", "form", "--url", server_url]
    with narrow_hil(args, hil_env, 40) as term:
        term.child.expect("you>")
        term.child.sendline("book a room")
        for field, typed in (("name", "Ada"), ("nights", "2"), ("breakfast", "")):
            term.child.expect(rf"{field} \(")
            term.child.expect(r"\)>")
            assert any(row.startswith(f"{field} (") for row in term.screen()), term.shown()
            term.child.send(f"{typed}\r")
        term.child.expect(r"room \(")
        term.child.expect(r"double\)>")
        rows = term.screen()
        room = [index for index, row in enumerate(rows) if row.startswith("room (")]
        assert room, term.shown()
        wrapped = " ".join(rows[room[-1] :])
        assert "single / double / suite" in " ".join(wrapped.split()), term.shown()
        term.child.send("suite\r")
        term.child.expect("Booked a suite room for Ada, 2 nights, without breakfast.")
        term.child.expect("you>")
        term.child.sendline("/quit")
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0


@pytest.mark.parametrize("columns", [40, 52])
def test_threads_on_a_narrow_terminal_are_listed_as_lines_with_whole_ids(
    http: httpx.Client, server_url: str, hil_env: dict[str, str], columns: int
) -> None:
    """Too narrow for the table: each thread's id alone on a row, whole, then its status,
    assistant and question as `key: value` lines, the question wrapped rather than cut."""
    waiting = create_thread(http)
    stream_run(http, waiting, "ask", input=user_input("hi there"))
    done = create_thread(http)
    stream_run(http, done, "no_messages", input={"topic": "dogs"})
    stream_run(http, done, "no_messages", resume="yes")
    args = ["threads", "--url", server_url, "--limit", "50"]
    with narrow_hil(args, hil_env, columns) as term:
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0, term.output.getvalue()
    rows = term.screen(rows=600)
    assert rows_with(
        rows, waiting, "  status:    interrupted", "  updated:", "  assistant: ask", "  question:"
    ), term.shown(rows=600)
    question = rows[rows.index(waiting) + 4 :][:2]
    assert "What is your name?" in " ".join(" ".join(question).split()), term.shown(rows=600)
    assert rows_with(rows, done, "  status:    idle", "  updated:", "  assistant: no_messages")


@pytest.mark.parametrize(
    ("columns", "headers"),
    [(90, ["thread", "status", "updated", "question"]), (80, ["thread", "status", "question"])],
)
def test_threads_table_gives_way_column_by_column(
    http: httpx.Client, server_url: str, hil_env: dict[str, str], columns: int, headers: list[str]
) -> None:
    """Narrower than 100 columns the table stays a table while the id, the status and 20
    columns of question fit: the assistant is dropped first, then the time."""
    waiting = create_thread(http)
    stream_run(http, waiting, "ask", input=user_input("hi there"))
    args = ["threads", "--url", server_url, "--limit", "50"]
    with narrow_hil(args, hil_env, columns) as term:
        term.child.expect(pexpect.EOF)
    rows = term.screen(rows=600)
    assert rows[0].split() == headers, term.shown(rows=600)
    line = next(row for row in rows if row.startswith(waiting))
    assert line.split()[1] == "interrupted"
    assert "What is your name?" in line


def test_inbox_on_a_narrow_terminal_numbers_whole_ids_and_answers(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    """At 40 columns the inbox lists `N. ID` lines with the question under them; the id as
    shown picks the thread, and the answer reaches it."""
    waiting = create_thread(http)
    stream_run(http, waiting, "ask", input=user_input("greet me, please"))
    with narrow_hil(["inbox", "-a", "ask", "--url", server_url], hil_env, 40) as term:
        term.child.expect(waiting)
        term.child.expect("inbox>")
        rows = term.screen(rows=600)
        numbered = [row for row in rows if row.endswith(f". {waiting}")]
        assert numbered and numbered[0].split(". ")[0].isdigit(), term.shown(rows=600)
        at = rows.index(numbered[0])
        assert rows[at + 2].startswith("  updated:"), term.shown(rows=600)
        assert rows[at + 1 : at + 4] == [
            "  status:    interrupted",
            rows[at + 2],
            "  assistant: ask",
        ], term.shown(rows=600)
        assert rows[at + 4].startswith("  question:  What is your name?"), term.shown(rows=600)
        term.child.sendline(numbered[0].split(". ")[1])  # the id, copied from the screen
        term.child.expect("What is your name\\?")
        term.child.expect("answer>")
        term.child.sendline("Ada")
        term.child.expect("Hello, Ada! Nice to meet you.")
        term.child.expect("inbox>|Nothing waits for input")
        term.child.sendline("q")
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0


def test_config_show_at_40_columns_wraps_values_instead_of_cutting_them(
    hil_env: dict[str, str],
) -> None:
    """`hil config show`: a URL wider than its column is folded onto the next rows, whole."""
    url = "http://127.0.0.1:8123/a/long/path/to/the/server"
    with narrow_hil(["config", "show", "--url", url], hil_env, 40) as term:
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0, term.output.getvalue()
    rows = term.screen(rows=100)
    assert not any("…" in row for row in rows), term.shown(rows=100)
    at = next(index for index, row in enumerate(rows) if row.startswith("url "))
    pieces = [rows[at].split()[1]]
    for row in rows[at + 1 :]:
        if not row.startswith(" "):
            break
        pieces.append(row.split()[0])
    assert "".join(pieces) == url, term.shown(rows=100)


def test_doctor_at_40_columns_keeps_the_assistant_id_whole(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    """`hil doctor`: the assistant's id, wider than the detail column, is folded, not cut."""
    found = http.post("/assistants/search", json={"graph_id": "agent", "limit": 100}).json()
    ids = {str(item["assistant_id"]) for item in found}
    with narrow_hil(["doctor", "--url", server_url, "-a", "agent"], hil_env, 40) as term:
        term.child.expect(pexpect.EOF)
    rows = term.screen(rows=100)
    assert not any("…" in row for row in rows), term.shown(rows=100)
    at = next(index for index, row in enumerate(rows) if row.startswith("✓ assistant"))
    block = [rows[at]] + [row for row in rows[at + 1 :][:4] if row.startswith(" ")]
    joined = "".join(row[len("✓ assistant ") :].strip() for row in block)
    assert any(assistant_id in joined for assistant_id in ids), term.shown(rows=100)


class AnsweringScreen:
    """A pty's output fed to a pyte screen as it is read; the screen answers cursor-position
    requests through the pty, so prompt-toolkit knows its height and draws its toolbar."""

    def __init__(self, child: pexpect.spawn, columns: int) -> None:
        self.screen = pyte.Screen(columns, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.screen.write_process_input = child.send  # type: ignore[method-assign]

    def write(self, data: str) -> None:
        self.stream.feed(data)

    def flush(self) -> None:
        """Nothing is buffered."""


def test_toolbar_wraps_between_its_parts_and_keeps_the_thread_id_whole(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """With cursor-position reports answered (a real terminal), the chat's toolbar at 40
    columns is drawn on several rows, the thread id whole on one of them."""
    thread_id = create_thread(http)  # a chat creates its own only with its first message
    args = ["chat", "-a", "approval", "--url", server_url, "--thread", thread_id]
    with narrow_hil(args, hil_env, 40, cpr=True) as term:
        screen = AnsweringScreen(term.child, 40)
        term.child.logfile_read = screen
        term.child.expect("you>")
        term.child.expect("idle")
        rows = [row.rstrip() for row in screen.screen.display]
        shown = "\n".join(rows)
        banner = re.search(r"thread\s+(\S+) ·", " ".join(rows))
        assert banner, shown
        assert rows_with(rows, " http://127.0.0.1:", " assistant approval", " thread"), shown
        assert f" {banner.group(1)}" in rows, shown  # the toolbar's row: the id alone, whole
        term.child.sendline("/quit")
        term.child.expect(pexpect.EOF)
    assert term.child.exitstatus == 0
