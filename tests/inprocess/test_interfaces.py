"""The interfaces the chat, the inbox and the commands go through instead of reaching past
them: `Display`'s listings (threads, a thread, a state, a history) drawn on a console over
`io.StringIO`, `Session`'s reads against recorded server exchanges
(tests/recorded/exchanges, replayed by tests/inprocess/kit.py), and the `LineReader`'s
`configure_repl`, which every reader has."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from hilcli.client import BASE_STREAM_MODES
from hilcli.errors import UsageError
from hilcli.frontend import Frontend
from hilcli.hints import PLAIN
from hilcli.history import checkpoints
from hilcli.prompts.reader import StdinReader
from hilcli.render.display import JsonDisplay, RichDisplay, make_console
from hilcli.render.history_view import print_history
from hilcli.render.tables import print_threads
from hilcli.session import Session
from hilcli.threads import ThreadQuery, assistant_of, summarize
from hilcli.time_travel import HistoryPage
from tests.inprocess.kit import EXCHANGES_DIR, Replay, ScriptedTerminal, replayed_client


def recorded(scenario: str, method: str, path_end: str, index: int = 0) -> Any:
    """The JSON body of the server's answer to the `index`th `method` request whose path
    ends with `path_end` in the recorded `scenario`."""
    document = json.loads((EXCHANGES_DIR / f"{scenario}.json").read_text(encoding="utf-8"))
    answers = [
        exchange["response"]["body"]
        for exchange in document["exchanges"]
        if exchange["request"]["method"] == method
        and exchange["request"]["path"].endswith(path_end)
    ]
    return json.loads(answers[index])


def thread_and_state(scenario: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first thread read (`GET /threads/{id}`) of `scenario` and its first state."""
    thread_id = Replay(scenario).given["thread_id"]
    return recorded(scenario, "GET", f"/threads/{thread_id}"), recorded(scenario, "GET", "/state")


def rich_display() -> tuple[RichDisplay, io.StringIO, io.StringIO]:
    """A display drawing as in a pipe: its stdout and its stderr."""
    out, err = io.StringIO(), io.StringIO()
    return RichDisplay(make_console(out), make_console(err)), out, err


def json_display() -> tuple[JsonDisplay, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return JsonDisplay(out, make_console(err)), out, err


def listed_threads() -> list[Any]:
    """The rows `hil threads -a agent --limit 3` listed when recorded."""
    return [summarize(thread) for thread in recorded("cmd_threads", "POST", "/threads/search")]


# -- the display shows threads ---------------------------------------------------------------


def test_the_display_lists_threads_as_the_threads_table_does() -> None:
    rows = listed_threads()
    assert len(rows) == 3
    display, out, err = rich_display()
    display.threads(rows)
    shown = out.getvalue()
    assert shown.splitlines()[0].split() == ["thread", "status", "updated", "assistant", "question"]
    # Newest first as listed, each id whole (it is copied from here).
    places = [shown.index(row.thread_id) for row in rows]
    assert places == sorted(places)
    assert all(row.status in shown for row in rows)
    assert err.getvalue() == ""
    table = io.StringIO()
    print_threads(make_console(table), rows)
    assert shown == table.getvalue()


def test_the_display_numbers_the_threads_for_picking() -> None:
    rows = listed_threads()
    display, out, _ = rich_display()
    display.threads(rows, numbered=True)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[0] == "#"
    numbered = [line for line in lines if any(row.thread_id in line for row in rows)]
    assert [line.split()[0] for line in numbered] == ["1", "2", "3"]


def test_the_display_says_when_there_are_no_threads_only_when_told_what() -> None:
    display, out, err = rich_display()
    display.threads([])
    assert out.getvalue() == ""
    display.threads([], empty="No threads with status busy.")
    assert out.getvalue() == "No threads with status busy.\n"
    assert err.getvalue() == ""


# -- the display shows a thread ----------------------------------------------------------------


def test_the_display_shows_a_thread_in_detail() -> None:
    thread, state = thread_and_state("cmd_show")
    display, out, err = rich_display()
    display.thread(thread, assistant_of(thread), state)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"thread {thread['thread_id']}  interrupted"
    assert lines[1].startswith("assistant agent · created ")
    shown = out.getvalue()
    assert "Ask the user where they are, then look up the weather there" in shown
    assert "waiting for input (1 pending)" in shown
    assert "Where are you located?" in shown
    assert "paused before" not in shown  # it waits for an answer, not at a breakpoint
    assert err.getvalue() == ""


def test_a_thread_without_its_state_is_its_heading_alone() -> None:
    thread, _ = thread_and_state("cmd_show")
    display, out, _ = rich_display()
    display.thread(thread, "agent")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0] == f"thread {thread['thread_id']}  interrupted"


@pytest.mark.parametrize(
    ("scenario", "where"),
    [("cmd_resume_breakpoint", "paused before: finish"), ("cmd_resume_not_waiting", "stopped at")],
)
def test_a_thread_that_waits_for_no_answer_says_where_it_stands(scenario: str, where: str) -> None:
    thread, state = thread_and_state(scenario)
    display, out, _ = rich_display()
    display.thread(thread, assistant_of(thread), state)
    shown = out.getvalue()
    assert where in shown
    assert "waiting for input" not in shown


def test_the_display_shows_the_latest_messages_of_a_conversation() -> None:
    _, state = thread_and_state("cmd_show")
    messages = state["values"]["messages"]
    assert len(messages) > 1
    first = messages[0]["content"]
    display, out, _ = rich_display()
    display.conversation(state["values"])
    assert first in out.getvalue()
    display, out, _ = rich_display()
    display.conversation(state["values"], count=1)
    assert first not in out.getvalue()


# -- the display shows a state ------------------------------------------------------------------


def test_the_display_shows_a_state_its_next_nodes_and_what_waits() -> None:
    _, state = thread_and_state("cmd_show")
    display, out, err = rich_display()
    display.state(state)
    shown = out.getvalue()
    assert shown.startswith("{\n")  # the values, as indented JSON
    assert '"messages": [' in shown
    assert "waiting for input (1 pending)" in shown
    assert err.getvalue() == "next: ask_human\n"  # a notice, as the chat's others


# -- the display shows a history -----------------------------------------------------------------


def test_the_display_shows_a_history_as_hil_history_does() -> None:
    thread_id = Replay("cmd_history").given["thread_id"]
    rows = checkpoints(recorded("cmd_history", "POST", "/history"))
    assert len(rows) > 2
    display, out, _ = rich_display()
    display.history(HistoryPage(rows[:2], rows[2]), thread_id, PLAIN)
    shown = out.getvalue()
    assert f"older: hil history {thread_id} --before {rows[1].id}" in shown
    table = io.StringIO()
    print_history(make_console(table), rows[:2], rows[2], thread_id, PLAIN)
    assert shown == table.getvalue()


# -- the JSON display keeps its stdout for JSON Lines ---------------------------------------------


def test_the_json_display_shows_listings_as_notices_on_stderr() -> None:
    display, out, err = json_display()
    rows = listed_threads()
    thread, state = thread_and_state("cmd_show")
    history = checkpoints(recorded("cmd_history", "POST", "/history"))
    display.threads(rows)
    display.thread(thread, "agent", state)
    display.conversation(state["values"])
    display.state(state)
    display.history(HistoryPage(history[:1], None), "T", PLAIN)
    display.threads([], empty="No threads.")
    assert out.getvalue() == ""
    said = err.getvalue()
    for row in rows:
        assert f"{row.thread_id}  {row.status}  {row.question}\n" in said
    assert '"messages": [' in said
    first = history[0]
    assert f"{first.id}  step {first.step}  next {', '.join(first.next)}\n" in said
    assert said.endswith("No threads.\n")
    # Nothing of `thread` or `conversation` between the listing and the state's values.
    listing = "".join(f"{row.thread_id}  {row.status}  {row.question}\n" for row in rows)
    assert said.startswith(listing + "{\n")


# -- the session reads for those above it ---------------------------------------------------------


def reads_session() -> tuple[Session, Replay]:
    replay = Replay("session_reads")
    session = Session(
        replayed_client(replay), "ask", ScriptedTerminal(), stream_modes=list(BASE_STREAM_MODES)
    )
    return session, replay


def test_the_session_reads_a_thread_and_its_state_without_making_it_current() -> None:
    session, replay = reads_session()
    thread_id = replay.given["thread_id"]
    with session:
        thread = session.require_thread(thread_id)
        state = session.state_of(thread_id)
    assert thread["thread_id"] == thread_id and thread["status"] == "interrupted"
    assert state["values"]["messages"][0]["content"] == "hi"
    assert session.thread_id is None
    assert replay.writes() == []


def test_the_session_lists_recent_threads_assistants_and_a_page_of_waiting_ones() -> None:
    session, replay = reads_session()
    thread_id = replay.given["thread_id"]
    with session:
        recent = session.recent_threads(10)
        assistants = session.assistants()
        owner = session.owner_filter("ask")
        page = session.thread_page(ThreadQuery(status="interrupted", owner=owner), 0, 20)
    assert [thread["thread_id"] for thread in recent] == [thread_id]
    assert replay.bodies("POST", "/threads/search")[0]["limit"] == 10
    assert "ask" in {assistant.graph_id for assistant in assistants}
    assert owner == replay.given["owner"] == {"graph_id": "ask"}
    assert [row.thread_id for row in page.rows] == [thread_id]
    assert page.last


def test_the_owner_filter_of_no_name_asks_nothing_and_of_an_unknown_one_is_refused() -> None:
    session, replay = reads_session()
    with session:
        assert session.owner_filter(None) is None
        assert replay.received == []
        session.assistants()  # the recording's listing, read as `-a` does
        with pytest.raises(UsageError, match="The server has"):
            session.owner_filter("no-such-graph")


def test_the_session_spells_hints_as_its_client_and_closes_it_when_left() -> None:
    session, replay = reads_session()
    with session as entered:
        assert entered is session
        assert session.hints is session.client.hints
        assert session.hints.line("show", "T") == "hil show T"
    with pytest.raises(RuntimeError, match="closed"):
        session.client.get_thread(replay.given["thread_id"])


# -- the chat through them: a reader's configure_repl, /state and /threads -------------------------


def test_the_chat_shows_state_and_threads_through_its_display() -> None:
    from hilcli.config import resolve
    from hilcli.repl import Repl

    replay = Replay("session_reads")
    thread_id = replay.given["thread_id"]
    display, out, err = rich_display()
    echo = io.StringIO()
    frontend = Frontend(display, StdinReader(io.StringIO("/state\n/threads\n"), echo))
    session = Session(
        replayed_client(replay),
        "ask",
        frontend,
        stream_modes=list(BASE_STREAM_MODES),
        thread_id=thread_id,
    )
    settings = resolve(url="http://recorded.invalid", env={"HIL_CONFIG": "/nonexistent.toml"})
    with session:
        Repl(session, settings, frontend).loop()  # StdinReader.configure_repl: nothing
    shown = out.getvalue()
    state_part, _, threads_part = shown.partition("\nthread ")
    assert '"content": "hi"' in state_part
    assert threads_part.split()[:4] == ["status", "updated", "assistant", "question"]
    assert thread_id in threads_part
    assert "next: ask_name" in err.getvalue()
    assert echo.getvalue() == "you> /state\nyou> /threads\nyou> \n"
    assert replay.writes() == []
