"""The rules a person's answer follows, in the session layer (`Session.waiting`,
`resume_one`, `converse_prepared`, `resume_line`, `time_travel.continue_past`), and the
error tree's exit statuses: in process, a `Session` on exchanges recorded from the real
server (tests/recorded/exchanges, by tests/record_exchanges.py) and a scripted `Terminal`.

`hil resume`, chat's `/answer` and the inbox share these rules; the command-line tests
(test_oneshot_cli.py, test_errors_cli.py, test_exit_codes.py, test_chat_pending.py) prove
the same behaviours through the real server.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hilcli.client import BASE_STREAM_MODES, AgentClient
from hilcli.environment import Clock
from hilcli.errors import (
    AnswerNotSent,
    AuthError,
    Cancelled,
    ConfigError,
    ExitStatus,
    HilError,
    HttpStatusError,
    InvalidRequest,
    NoPreparedAnswer,
    NotFound,
    NothingToResume,
    RunLost,
    ServerError,
    ServerUnreachable,
    ThreadBusy,
    UnknownAssistant,
    UsageError,
    exit_status_of,
)
from hilcli.events import PendingInterrupt
from hilcli.session import NotWaiting, RunOutcome, Session
from hilcli.threads import assistant_of, assistant_to_run, owners
from tests.inprocess.kit import REPLAY_URL, Raise, Replay, ScriptedTerminal


def session_on(
    replay: Replay,
    terminal: ScriptedTerminal | None = None,
    *,
    assistant: str = "agent",
    transport: httpx.BaseTransport | None = None,
    clock: Clock | None = None,
) -> Session:
    client = AgentClient(REPLAY_URL, transport=transport or replay.transport)
    extra: dict[str, Any] = {} if clock is None else {"clock": clock}
    return Session(
        client,
        assistant,
        terminal or ScriptedTerminal(),
        stream_modes=list(BASE_STREAM_MODES),
        **extra,
    )


def given(replay: Replay, key: str) -> Any:
    return replay.given[key]


class answer_with:  # noqa: N801 (used as a function: `resume_one`'s `answer`)
    """A one-shot answer (`resume_one`'s `answer`) that records which interrupts it answered."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.asked: list[str] = []

    def __call__(self, target: PendingInterrupt) -> Any:
        self.asked.append(target.id)
        return self.value


# -- hil resume: which interrupt, what is sent ---------------------------------------------------


def test_resume_one_answers_the_only_pending_question_and_streams_the_run() -> None:
    replay = Replay("cmd_resume_text")
    thread_id = given(replay, "thread_id")
    session = session_on(replay)
    answer = answer_with("san francisco")
    outcome = session.resume_one(thread_id, answer)
    replay.finish()
    assert outcome.status == "done" and outcome.thread_id == thread_id
    [body] = replay.run_bodies
    [asked] = answer.asked
    assert body["command"] == {"resume": {asked: "san francisco"}}
    # The thread's own assistant runs it (its `assistant_id`), shown by its graph's name.
    assert body["assistant_id"] == session.assistant != "agent"
    assert session.assistant_name == "agent"


def test_resume_one_with_several_pending_needs_an_interrupt_id() -> None:
    replay = Replay("cmd_resume_several")
    thread_id, colour = given(replay, "thread_id"), given(replay, "colour_id")
    ambiguous = session_on(replay)
    with pytest.raises(UsageError) as caught:
        ambiguous.resume_one(thread_id, answer_with("blue"))
    assert caught.value.exit_status == ExitStatus.USAGE
    assert colour in caught.value.message and "--interrupt-id" in caught.value.message
    assert replay.writes() == []  # nothing was sent
    picked = session_on(replay)
    answer = answer_with("blue")
    outcome = picked.resume_one(thread_id, answer, interrupt_id=colour)
    replay.finish()
    assert answer.asked == [colour]
    assert [body["command"] for body in replay.run_bodies] == [{"resume": {colour: "blue"}}]
    # The other question still waits: exit 3, and the line that answers it names it.
    assert outcome.status == "interrupted" and len(outcome.interrupts) == 1
    line = picked.resume_line(outcome)
    assert line is not None and line.startswith(f"hil resume {thread_id} ")
    assert outcome.interrupts[0].id != colour


def test_a_json_null_at_a_breakpoint_pause_goes_on() -> None:
    replay = Replay("cmd_resume_breakpoint")
    thread_id = given(replay, "thread_id")
    session = session_on(replay)
    answer = answer_with(None)
    outcome = session.resume_one(thread_id, answer, go_on=True)
    replay.finish()
    assert answer.asked == []  # no interrupt was answered
    [body] = replay.run_bodies
    assert body["input"] is None and "command" not in body
    assert outcome.status == "done"


def test_any_other_answer_at_a_breakpoint_pause_is_refused_with_the_way_on() -> None:
    replay = Replay("cmd_resume_not_waiting")
    thread_id = given(replay, "thread_id")
    session = session_on(replay)
    with pytest.raises(NotWaiting) as caught:
        session.resume_one(thread_id, answer_with("x"))
    assert replay.writes() == []
    refused = caught.value
    assert isinstance(refused, NothingToResume)
    assert refused.exit_status == ExitStatus.NOTHING_TO_RESUME
    assert "not waiting for input" in refused.message and "nothing was sent" in refused.message
    assert refused.hint is not None and f"hil resume {thread_id} --continue" in refused.hint
    assert refused.outcome.at_breakpoint


def test_chat_and_the_inbox_see_a_breakpoint_pause_as_waiting() -> None:
    """`waiting` (chat's /answer, the inbox) returns the pause: the terminal asks to go on."""
    replay = Replay("cmd_resume_not_waiting")
    session = session_on(replay)
    session.open_thread(given(replay, "thread_id"))
    outcome = session.waiting()
    assert outcome.at_breakpoint and outcome.next_nodes
    assert replay.writes() == []


def test_a_thread_that_does_not_exist_is_nothing_to_resume_and_not_a_usage_error() -> None:
    replay = Replay("cmd_resume_unknown")
    session = session_on(replay)
    with pytest.raises(NotFound) as caught:
        session.resume_one(given(replay, "thread_id"), answer_with("x"))
    assert caught.value.exit_status == ExitStatus.NOTHING_TO_RESUME
    assert not isinstance(caught.value, NothingToResume)  # a 404 is not "not waiting"
    with pytest.raises(InvalidRequest) as bad:
        session.resume_one("not-a-uuid", answer_with("x"))
    assert bad.value.exit_status == ExitStatus.USAGE


# -- busy threads ----------------------------------------------------------------------------


def test_a_busy_thread_is_refused_without_a_made_up_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replay = Replay("thread_busy")
    thread_id = given(replay, "thread_id")
    session = session_on(replay, assistant="ask")
    session.thread_id = thread_id
    # A run on it: the server refuses (409); the error carries its words, not a status.
    with pytest.raises(ThreadBusy) as refused:
        session.run(input={"messages": [{"role": "user", "content": "hi"}]})
    assert not isinstance(refused.value, HttpStatusError)
    assert not hasattr(refused.value, "status")
    assert refused.value.detail is not None and "already running" in refused.value.detail
    assert refused.value.thread_id == thread_id
    assert refused.value.exit_status == ExitStatus.ERROR
    # Chat's /answer and the inbox: hil sees the run going on (it offers to attach or wait).
    with pytest.raises(ThreadBusy) as seen:
        session.waiting()
    assert not hasattr(seen.value, "status") and seen.value.detail is None
    assert seen.value.thread_id == thread_id

    # `hil resume`: not waiting for input, so nothing to resume (exit 4). The recording has
    # no `GET /threads/{id}`: the thread is made current as `open_thread` would make it.
    def open_thread(tid: str, *, adopt_assistant: bool = True) -> dict[str, Any]:
        session.thread_id = tid
        return {}

    monkeypatch.setattr(session, "open_thread", open_thread)
    with pytest.raises(NothingToResume) as caught:
        session.resume_one(thread_id, answer_with("x"))
    assert caught.value.exit_status == ExitStatus.NOTHING_TO_RESUME
    assert "busy running" in caught.value.message and "Nothing was sent" in caught.value.message
    assert caught.value.hint is not None and f"hil attach {thread_id}" in caught.value.hint
    assert len(replay.run_bodies) == 1  # the refused run only: resume sent nothing
    replay.finish()


# -- reads never write -------------------------------------------------------------------------


@pytest.mark.parametrize("read", ["outcome_now", "waiting", "attach", "wait_until_idle"])
def test_reading_where_no_thread_stands_creates_none(read: str) -> None:
    replay = Replay("agent_text")
    session = session_on(replay)
    with pytest.raises(NothingToResume) as caught:
        getattr(session, read)()
    assert caught.value.exit_status == ExitStatus.NOTHING_TO_RESUME
    assert session.thread_id is None
    assert replay.received == []  # not even a read: no thread was created


# -- prepared answers ----------------------------------------------------------------------------


def test_when_no_rule_fits_the_run_waits_and_says_why_without_reading_again() -> None:
    replay = Replay("agent_text")
    why = "No answer rule fits question 1 (agent: Where are you located?)."
    terminal = ScriptedTerminal(Raise(NoPreparedAnswer(why)))
    session = session_on(replay, terminal)
    first = session.run(input={"messages": [{"role": "user", "content": given(replay, "message")}]})
    assert first.status == "interrupted" and first.interrupts
    requests = len(replay.received)
    outcome = session.converse_prepared(first)
    assert outcome is session.last_outcome and outcome.status == "interrupted"
    assert outcome.interrupts == first.interrupts
    assert terminal.notices[-1] == why
    assert len(replay.received) == requests  # the pause was the last state read
    terminal.finish()


# -- an answer that could not be sent ------------------------------------------------------------


def test_an_answer_not_sent_carries_the_command_that_sends_it_again() -> None:
    replay = Replay("cmd_resume_text")
    thread_id = given(replay, "thread_id")

    def cut_runs(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/runs/stream"):
            raise httpx.ConnectError("Connection refused", request=request)
        return replay.transport.handle_request(request)

    waits: list[float] = []
    terminal = ScriptedTerminal()
    session = session_on(
        replay,
        terminal,
        transport=httpx.MockTransport(cut_runs),
        clock=Clock(lambda: 0.0, waits.append),
    )
    with pytest.raises(AnswerNotSent) as caught:
        session.resume_one(thread_id, answer_with("san francisco"))
    assert caught.value.exit_status == ExitStatus.UNREACHABLE  # as its cause
    hint = caught.value.hint or ""
    assert hint.startswith(f"Re-send it with: hil resume {thread_id} --interrupt-id ")
    assert hint.endswith("--value-json '\"san francisco\"'")
    assert waits  # it was retried before giving up
    assert any("kept" in notice for notice in terminal.notices)


# -- the line that goes on from an outcome ------------------------------------------------------


def _question(key: str, value: Any = "Where are you located?") -> PendingInterrupt:
    return PendingInterrupt(id=key, value=value)


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (RunOutcome("done", "T"), None),
        (RunOutcome("error", "T"), None),
        (RunOutcome("interrupted", "T", next_nodes=["n"]), "hil resume T --continue"),
        (RunOutcome("interrupted", "T", unread=True), "hil show T"),
        (RunOutcome("interrupted", "T", interrupts=[_question("a")]), "hil resume T --value"),
        (
            RunOutcome("interrupted", "T", interrupts=[_question("a"), _question("b")]),
            "hil resume T --interrupt-id a --value",
        ),
    ],
)
def test_resume_line_names_what_goes_on(outcome: RunOutcome, expected: str | None) -> None:
    session = session_on(Replay("agent_text"))
    line = session.resume_line(outcome)
    if expected is None:
        assert line is None
    else:
        assert line is not None and line.startswith(expected), line


# -- whose thread, and which assistant runs it ---------------------------------------------------


def test_whose_thread_and_which_assistant_runs_it_are_two_answers() -> None:
    both = {"metadata": {"graph_id": "agent", "assistant_id": "fe09-uuid"}}
    assert owners(both) == ["agent", "fe09-uuid"]  # shown and filtered by its graph first
    assert assistant_of(both) == "agent"
    assert assistant_to_run(both) == ("fe09-uuid", "agent")  # run by its own assistant
    graph_only = {"metadata": {"graph_id": "agent"}}
    assert owners(graph_only) == ["agent"] and assistant_to_run(graph_only) == ("agent", "agent")
    assistant_only = {"metadata": {"assistant_id": "fe09-uuid"}}
    assert assistant_to_run(assistant_only) == ("fe09-uuid", "fe09-uuid")
    for nobody in ({}, {"metadata": None}, {"metadata": {"graph_id": "", "other": 1}}):
        assert owners(nobody) == [] and assistant_to_run(nobody) is None


# -- the exit status of every error, in one table ------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (HilError("x"), ExitStatus.ERROR),
        (UsageError("x"), ExitStatus.USAGE),
        (ConfigError("x"), ExitStatus.USAGE),
        (UnknownAssistant("x"), ExitStatus.USAGE),
        (InvalidRequest("x", 422), ExitStatus.USAGE),
        (ServerUnreachable("x"), ExitStatus.UNREACHABLE),
        (RunLost("x", "run"), ExitStatus.UNREACHABLE),
        (AuthError("x", 401), ExitStatus.UNREACHABLE),
        (NotFound("x", 404), ExitStatus.NOTHING_TO_RESUME),
        (NothingToResume("x"), ExitStatus.NOTHING_TO_RESUME),
        (ThreadBusy("x", "T"), ExitStatus.ERROR),
        (ServerError("x", 500), ExitStatus.ERROR),
        (NoPreparedAnswer("x"), ExitStatus.INTERRUPTED),
        (Cancelled("x"), ExitStatus.CTRL_C),
        (AnswerNotSent(ServerUnreachable("x"), {}), ExitStatus.UNREACHABLE),
        (AnswerNotSent(ServerError("x", 500), {}), ExitStatus.ERROR),
    ],
    ids=lambda item: type(item).__name__ if isinstance(item, HilError) else str(int(item)),
)
def test_each_error_ends_with_the_contracts_status(error: HilError, status: ExitStatus) -> None:
    assert exit_status_of(error) == status == error.exit_status


def test_an_unknown_assistant_is_not_nothing_to_resume() -> None:
    assert not issubclass(NotFound, NothingToResume)
    assert issubclass(UnknownAssistant, UsageError)
