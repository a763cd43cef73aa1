"""`Session` end to end, in process: recorded server exchanges (tests/recorded/exchanges,
from tests/record_exchanges.py) replayed through the client, a scripted `Terminal` at the
other end. What the session shows, sends, and how each run ends."""

from __future__ import annotations

import time
from typing import Any

import pytest

from hilcli.client import BASE_STREAM_MODES
from hilcli.errors import (
    AuthError,
    ExitStatus,
    InvalidRequest,
    NotFound,
    NothingToResume,
    ThreadBusy,
)
from hilcli.session import ANSWER_RETRY_DELAYS, Session
from tests.inprocess.kit import Raise, Replay, ScriptedTerminal, Typed, play, replayed_client
from tests.support import WEATHER_PROMPT


def session_on(replay: Replay, assistant: str, terminal: ScriptedTerminal, **kw: Any) -> Session:
    return Session(
        replayed_client(replay),
        assistant,
        terminal,
        stream_modes=list(BASE_STREAM_MODES),
        **kw,
    )


def test_a_conversation_streams_each_run_then_asks_then_resumes() -> None:
    played = play("agent_text", "agent", WEATHER_PROMPT, Typed("san francisco"))
    kinds = [kind for kind, _ in played.terminal.shown]
    # Two runs, each shown from its start to its end; the question comes between them.
    assert kinds.count("run_started") == 2
    first_end = kinds.index("run_finished")
    assert kinds[0] == "run_started" and "event" in kinds[1:first_end]
    assert kinds[first_end + 1] == "question"
    assert kinds[-1] == "run_finished"
    assert [o.status for o in played.terminal.outcomes] == ["interrupted", "done"]
    # The first run's input is the message; the thread hil created is the one it runs on.
    first = played.replay.run_bodies[0]
    assert first["input"] == {"messages": [{"role": "user", "content": WEATHER_PROMPT}]}
    assert first["assistant_id"] == "agent"
    assert first["stream_mode"] == list(BASE_STREAM_MODES)
    assert played.replay.bodies("POST", "/threads") == [{"metadata": {"created_by": "hil"}}]
    assert played.outcome.thread_id == played.session.thread_id
    # The outcome names the run it watched, as the stream's metadata said it.
    metadata = [e for e in played.terminal.events if e.mode == "metadata"]
    assert played.outcome.run_id == metadata[-1].data["run_id"]
    assert played.outcome.interrupts == [] and played.outcome.next_nodes == []


def test_the_stream_events_reach_the_terminal_in_order() -> None:
    played = play("agent_text", "agent", WEATHER_PROMPT, Typed("san francisco"))
    modes = [event.mode for event in played.terminal.events]
    assert modes[0] == "metadata"
    assert {"values", "updates", "messages"} <= set(modes)
    # The question arrived in the stream too: an `updates` event carrying `__interrupt__`.
    assert any(
        e.mode == "updates" and isinstance(e.data, dict) and "__interrupt__" in e.data
        for e in played.terminal.events
    )


def test_a_failing_run_ends_in_error_with_the_servers_error() -> None:
    played = play("fails", "fails", "hi")
    assert played.outcome.status == "error"
    assert played.outcome.error == {"error": "ValueError", "message": "boom"}
    assert [e.mode for e in played.terminal.events][-1] == "error"
    assert played.terminal.asked == []


def test_a_run_left_at_a_question_says_what_waits() -> None:
    replay = Replay("agent_text")
    terminal = ScriptedTerminal()
    session = session_on(replay, "agent", terminal)
    outcome = session.run(input={"messages": [{"role": "user", "content": WEATHER_PROMPT}]})
    assert outcome.status == "interrupted"
    [waiting] = outcome.interrupts
    assert waiting.value == "Where are you located?"
    assert outcome.to_json()["interrupts"][0]["id"] == waiting.id
    assert outcome.next_nodes == ["ask_human"]
    assert len(replay.run_bodies) == 1


def test_ctrl_c_at_the_question_sends_nothing_and_keeps_no_draft() -> None:
    replay = Replay("agent_text")
    terminal = ScriptedTerminal(Raise(KeyboardInterrupt()))
    session = session_on(replay, "agent", terminal)
    with pytest.raises(KeyboardInterrupt):
        session.send_message(WEATHER_PROMPT)
    assert len(replay.run_bodies) == 1  # the resume was never sent
    assert session.drafts == {}


def test_unknown_thread_is_not_found() -> None:
    replay = Replay("thread_404")
    session = session_on(replay, "agent", ScriptedTerminal())
    missing = replay.given["thread_id"]
    with pytest.raises(NotFound) as caught:
        session.open_thread(missing)
    assert missing in caught.value.message
    assert caught.value.exit_status == ExitStatus.NOTHING_TO_RESUME
    assert session.thread_id is None
    assert replay.writes() == []


def test_a_thread_id_the_server_refuses_is_a_usage_error_with_its_detail() -> None:
    replay = Replay("thread_422")
    session = session_on(replay, "agent", ScriptedTerminal())
    with pytest.raises(InvalidRequest) as caught:
        session.open_thread("not-a-uuid")
    assert "422" in caught.value.message and "must be a UUID" in caught.value.message
    assert caught.value.exit_status == ExitStatus.USAGE


def test_a_busy_thread_refuses_the_run_and_says_how_to_watch_it() -> None:
    replay = Replay("thread_busy")
    thread_id = replay.given["thread_id"]
    terminal = ScriptedTerminal()
    session = session_on(replay, "ask", terminal, thread_id=thread_id)
    with pytest.raises(ThreadBusy) as caught:
        session.send_message("hi")
    assert "busy" in caught.value.message and thread_id in caught.value.message
    assert f"hil attach {thread_id}" in (caught.value.hint or "")
    assert caught.value.exit_status == ExitStatus.ERROR
    assert terminal.asked == []
    # Reading where the thread stands finds the run going on: busy again, nothing sent.
    with pytest.raises(ThreadBusy):
        session.outcome_now()
    assert len(replay.run_bodies) == 1
    replay.finish()


def test_a_missing_api_key_is_refused_before_anything_is_created() -> None:
    replay = Replay("unauthorized")
    session = session_on(replay, "ask", ScriptedTerminal())
    with pytest.raises(AuthError) as caught:
        session.send_message("hi")
    assert "401" in caught.value.message and "Invalid API key" in caught.value.message
    assert caught.value.exit_status == ExitStatus.UNREACHABLE
    assert replay.writes() == [] and session.thread_id is None


def test_an_answer_someone_else_already_gave_is_refused_before_sending() -> None:
    replay = Replay("stale_answer")
    session = session_on(replay, "ask", ScriptedTerminal(), thread_id=replay.given["thread_id"])
    [pending] = session.pending()
    assert pending.value == "What is your name?"
    # Meanwhile (in the recording) someone else answered it; the state says so now.
    with pytest.raises(NothingToResume) as caught:
        session.resume({pending.id: "Ada"})
    assert "no longer pending" in caught.value.message
    assert caught.value.exit_status == ExitStatus.NOTHING_TO_RESUME
    assert replay.writes() == []  # nothing was sent
    assert session.drafts == {}


def test_an_answer_that_could_not_be_sent_is_kept_and_sent_again() -> None:
    from hilcli.environment import Clock

    # The resume (hil's third write: thread, run, resume) finds the server unreachable, once.
    replay = Replay("agent_text", unreachable_writes=[3])
    waited: list[float] = []
    terminal = ScriptedTerminal(Typed("san francisco"))
    session = Session(
        replayed_client(replay),
        "agent",
        terminal,
        stream_modes=list(BASE_STREAM_MODES),
        clock=Clock(time.monotonic, waited.append),
    )
    outcome = session.send_message(WEATHER_PROMPT)
    assert outcome.status == "done"
    assert waited == [ANSWER_RETRY_DELAYS[0]]  # one pause before the second try
    assert any(n.startswith("Could not send your answer") for n in terminal.notices)
    assert any("Your answer is kept" in n for n in terminal.notices)
    [question] = terminal.questions
    assert replay.run_bodies[-1]["command"] == {"resume": {question.id: "san francisco"}}
    assert replay.write_attempts == 4 and session.drafts == {}
    replay.finish()
