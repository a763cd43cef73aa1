"""The chat/run loop: stream a run, collect its interrupts, ask them, resume.

The session knows nothing of the terminal. It talks to the person through a `Terminal`
(render an event, say something, ask an interrupt), so the same loop serves the REPL, the
one-shot commands, scripted answers and tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from hilcli.client import AgentClient, RunStream
from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.errors import (
    AnswerNotSent,
    Cancelled,
    HilError,
    NoPreparedAnswer,
    NothingToResume,
    ProtocolError,
    RunLost,
    ServerError,
    ServerUnreachable,
    ThreadBusy,
)
from hilcli.events import (
    InterruptCollector,
    PendingInterrupt,
    StreamEvent,
    interrupts_from_state,
    state_lists_interrupts,
    with_stream_schemas,
)
from hilcli.hints import busy_message
from hilcli.interrupts import interrupt_summary, resume_value
from hilcli.stream_modes import check_stream_modes

if TYPE_CHECKING:
    from hilcli.assistants import Assistant
    from hilcli.hints import HilCommand
    from hilcli.server_kind import ServerKind
    from hilcli.threads import Page, ThreadQuery

RunStatus = Literal["done", "interrupted", "error"]


@dataclass
class RunOutcome:
    """How a run ended, read from the stream and then from the thread's state."""

    status: RunStatus
    thread_id: str
    run_id: str | None = None
    interrupts: list[PendingInterrupt] = field(default_factory=list)
    error: dict[str, Any] | None = None
    values: Any = None
    next_nodes: list[str] = field(default_factory=list)
    read_at: float | None = field(default=None, compare=False, repr=False)
    """When (the session clock's `monotonic()`) the thread's state behind `interrupts` was
    read."""
    unread: bool = False
    """The state lists interrupts hil could not read: a question, never a breakpoint."""
    missed_events: bool = False
    """The stream could not replay what a rejoin missed: `values` (from `/state`) is what
    the terminal shows of the run's end."""
    checkpoint_id: str | None = None
    """The thread's checkpoint the state read stood at (where a question or a pause is held)."""
    changes: list[str] = field(default_factory=list, compare=False)
    """At a breakpoint pause: what changed in the state since the previous pause, a line a
    key (`hilcli.history.state_changes`)."""
    stopped: bool = False
    """The run was stopped, not paused: Ctrl-C stopped watching it, or it was cancelled
    (never a breakpoint pause, though a cancelled run's state looks like one)."""

    @property
    def at_breakpoint(self) -> bool:
        """Paused by `interrupt_before/after`: interrupted, nothing to answer, and no
        interrupt listed that hil could not read (a question is never a breakpoint)."""
        return (
            self.status == "interrupted"
            and not self.interrupts
            and not self.unread
            and not self.stopped
        )

    def to_json(self) -> dict[str, Any]:
        """The contract's final `result` object for `--json` output."""
        return {
            "type": "result",
            "status": self.status,
            "thread_id": self.thread_id,
            "run_id": self.run_id,
            "interrupts": [item.to_json() for item in self.interrupts],
            "error": self.error,
            "values": self.values,
            "next": self.next_nodes,
        }


class Terminal(Protocol):
    """What the session needs from whoever is at the other end."""

    def run_started(self) -> None:
        """A run was sent; nothing has arrived yet."""

    def show_event(self, event: StreamEvent) -> None:
        """Render one stream event."""

    def run_finished(self, outcome: RunOutcome) -> None:
        """The stream closed; `outcome` says how the run ended."""

    def notice(self, message: str) -> None:
        """Tell the person something about the session itself (one quiet line)."""

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        """Ask one interrupt; return the resume value. `draft` is an unsent earlier answer."""

    def ask_continue(self, outcome: RunOutcome) -> bool:
        """The run paused at a static breakpoint: continue it?"""


class NotWaiting(NothingToResume):
    """The thread waits for nothing a person can answer (`Session.waiting`); `outcome` says
    where it stands."""

    def __init__(self, message: str, outcome: RunOutcome, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.outcome = outcome


def nothing_while_busy(thread_id: str, busy: ThreadBusy) -> NothingToResume:
    """What a one-shot resume says of a thread a run goes on on: it is not waiting for input,
    so there is nothing to resume (cli.md: exit 4) and nothing was sent."""
    return NothingToResume(
        f"Thread {thread_id} is busy running; it is not waiting for input. Nothing was sent.",
        hint=busy.hint,
    )


#: The thread status the server shows for how a run left the thread (`RunOutcome.status`).
_THREAD_STATUS = {"done": "idle", "error": "error", "interrupted": "interrupted"}


def message_input(text: str) -> dict[str, Any]:
    """The run input for a chat message."""
    return {"messages": [{"role": "user", "content": text}]}


#: Delays before re-sending an answer whose first sending failed.
ANSWER_RETRY_DELAYS = (0.5, 1.0, 2.0)

#: How old (seconds) the state read that ended a run may be for its interrupts to serve the
#: stale-answer check of the answers to them (see `Session.converse`).
STATE_FRESH_FOR = 0.25


class Session:
    """One thread of one assistant, driven through a `Terminal`."""

    def __init__(
        self,
        client: AgentClient,
        assistant: str,
        terminal: Terminal,
        *,
        stream_modes: Sequence[str],
        thread_id: str | None = None,
        on_ctrl_c: Literal["cancel", "detach"] = "cancel",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        check_stream_modes(stream_modes)
        self.client = client
        #: What the session measures freshness and waits (retries, polls) by.
        self.clock = clock
        self.assistant = assistant
        #: What to call the assistant on screen: the graph's name rather than an assistant's
        #: UUID once a thread's own assistant is adopted.
        self.assistant_name = assistant
        self.terminal = terminal
        self.stream_modes = list(stream_modes)
        #: The assistant `check_assistant` found on the server (it is checked once).
        self._checked_assistant: str | None = None
        #: Told the id of each thread this session creates (the chat says it).
        self.on_new_thread: Callable[[str], None] | None = None
        self.thread_id = thread_id
        self.on_ctrl_c = on_ctrl_c
        #: Answers typed but not sent (the server was unreachable), by interrupt id.
        self.drafts: dict[str, Any] = {}
        #: `response_schema`s seen on this session's streams, by interrupt key: some servers'
        #: states drop them (langhost, Aegra), and a form must stay a form.
        self.schemas: dict[str, Mapping[str, Any]] = {}
        #: See `converse`; a test sets it to 0 (always re-read) or to hours (never).
        self.state_fresh_for = STATE_FRESH_FOR
        #: The outcome of the last run watched or state read: where the thread stands.
        self.last_outcome: RunOutcome | None = None
        #: What the server is known to lack, from `/info`, read once when first needed.
        self._server: ServerKind | None = None
        #: Breakpoints of every run this session starts (`--interrupt-before/-after`).
        self.interrupt_before: list[str] = []
        self.interrupt_after: list[str] = []
        #: The checkpoint the next run starts from (`/rewind`), then the latest again.
        self.start_from: str | None = None
        #: The state's values at the previous pause (or state read), for `RunOutcome.changes`.
        self.pause_values: Any = None
        #: The assistant whose graph the breakpoints were checked against (`check_breakpoints`).
        self.breakpoints_checked: str | None = None

    # -- threads --------------------------------------------------------------------------

    def new_thread(self) -> str:
        """Start a new thread and make it current, once the assistant is known to exist."""
        self.check_assistant()
        thread = self.client.create_thread(metadata={"created_by": "hil"})
        thread_id = thread.get("thread_id")
        if not isinstance(thread_id, str) or not thread_id:
            raise ProtocolError("The server created a thread but did not say its id.")
        self.thread_id = thread_id
        if self.on_new_thread is not None:
            self.on_new_thread(thread_id)
        return thread_id

    def check_assistant(self) -> None:
        """Raise `UsageError` when the server lists its assistants and none is the session's
        (see `hilcli.assistants.require_assistant`); once per assistant."""
        if self._checked_assistant == self.assistant:
            return
        from hilcli.assistants import require_assistant

        require_assistant(self.client, self.assistant)
        self._checked_assistant = self.assistant

    def use_assistant(self, assistant: str, name: str) -> None:
        """Talk to `assistant` (found on the server, so not checked again) on a new thread,
        created with the next message; the current thread is left as it is."""
        self.assistant = assistant
        self.assistant_name = name
        self._checked_assistant = assistant
        self.leave_thread()

    def leave_thread(self) -> None:
        """Have no current thread: the next message creates one (`ensure_thread`), so a
        thread nobody writes to is never created."""
        self.thread_id = None
        self.last_outcome = None

    def ensure_thread(self) -> str:
        """The current thread, created on first use."""
        return self.thread_id or self.new_thread()

    def open_thread(self, thread_id: str, *, adopt_assistant: bool = True) -> dict[str, Any]:
        """Make an existing thread current (raises `NotFound` when it does not exist).

        A thread belongs to the assistant that ran on it; unless told otherwise (`-a` given),
        the session continues it with that assistant. An assistant that was given is checked
        as on a new thread (`check_assistant`): a typo is refused before anything is sent.
        """
        from hilcli.threads import assistant_to_run

        thread = self.client.get_thread(thread_id)
        if not adopt_assistant:
            self.check_assistant()
        self.thread_id = thread_id
        chosen = assistant_to_run(thread) if adopt_assistant else None
        if chosen is not None:
            self.assistant, self.assistant_name = chosen
        return thread

    def pending(self) -> list[PendingInterrupt]:
        """The interrupts the current thread waits on, read from its state."""
        if self.thread_id is None:
            return []
        state = self.client.get_state(self.thread_id)
        return with_stream_schemas(interrupts_from_state(state), self.schemas)

    def current_thread(self) -> str:
        """The current thread's id; `NothingToResume` when there is none yet. What only reads
        a thread uses this: a read never creates one (`ensure_thread`, for what writes)."""
        if self.thread_id is None:
            raise NothingToResume("No thread yet: nothing is waiting for input.")
        return self.thread_id

    # -- what the chat, the inbox and the commands read (nothing above reaches the client) --

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the client's connections: `with session:` spans a command."""
        self.client.close()

    @property
    def hints(self) -> HilCommand:
        """How a hint spells a `hil` command that reaches this session's server."""
        return self.client.hints

    def require_thread(self, thread_id: str) -> dict[str, Any]:
        """The thread (`NotFound`, exit 4, when the server does not have it); it does not
        become current (`open_thread` does that)."""
        return self.client.get_thread(thread_id)

    def state_of(self, thread_id: str) -> dict[str, Any]:
        """The thread's state as the server reads it now (values, next nodes, tasks)."""
        return self.client.get_state(thread_id)

    def recent_threads(self, limit: int) -> list[Any]:
        """Up to `limit` threads of the server, most recently updated first."""
        return self.client.search_threads(limit=limit)

    def thread_page(self, query: ThreadQuery, offset: int, size: int) -> Page:
        """One page of the threads `query` asks for (`hilcli.threads.read_page`)."""
        from hilcli.threads import read_page

        return read_page(self.client, query, offset, size)

    def owner_filter(self, assistant: str | None) -> dict[str, str] | None:
        """The server-side filter for the threads of `assistant` (`hilcli.threads.owner_for`),
        or None; a name the server does not have is a usage error (exit 2)."""
        from hilcli.threads import owner_for

        return owner_for(self.client, assistant)

    def assistants(self) -> list[Assistant]:
        """The server's assistants (`hilcli.assistants.server_assistants`)."""
        from hilcli.assistants import server_assistants

        return server_assistants(self.client)

    def outcome_now(self) -> RunOutcome:
        """The current thread's situation as if a run had just ended on it (a read: it
        creates no thread, see `current_thread`).

        Raises `ThreadBusy` while a run is pending or running on it: its state is then
        in motion (`next` names the running node; it is not paused there).
        """
        return self.outcome_and_latest_run()[0]

    def outcome_and_latest_run(self) -> tuple[RunOutcome, Mapping[str, Any] | None]:
        """`outcome_now`, and the thread's latest run as the server lists it (None when none
        ran): what the same read of the runs says of how that run was started."""
        thread_id = self.current_thread()
        runs = self._runs(thread_id)
        if _active(runs):
            raise self._busy(thread_id)
        latest = runs[0] if runs else None
        # The latest run's id is known: a `result` line never says `"run_id": null` then.
        outcome = self._outcome(thread_id, latest["run_id"] if latest else None, None)
        if latest and any(item.response_schema is None for item in outcome.interrupts):
            self._recover_schemas(outcome, latest)
        return outcome, latest

    def _recover_schemas(self, outcome: RunOutcome, last_run: Mapping[str, Any]) -> None:
        """Fill in the `response_schema`s the thread state dropped from the stream of the run
        that asked the questions, on a server known to drop them (langgraph-api before
        0.16, e.g. langhost) and to replay a joined run; elsewhere a question without a
        schema has none. It costs one join of a finished run, only there: without it a form
        degrades to a line and `hil resume --value-json` would send an answer unchecked.
        """
        kind = self.server_kind()
        if kind.state_response_schema is not False or kind.response_schema is not True:
            return
        if not kind.replays_joins or not isinstance(last_run.get("run_id"), str):
            return
        collector = InterruptCollector()
        try:
            stream = self.client.join_run(
                outcome.thread_id, last_run["run_id"], stream_mode=self.stream_modes
            )
            try:
                for event in stream:
                    collector.add(event)
            finally:
                stream.close()
        except HilError:
            return  # nothing lost: the questions are asked as the state has them
        self.schemas.update(collector.schemas)
        outcome.interrupts = with_stream_schemas(outcome.interrupts, self.schemas)

    # -- what a person answers: the rules `hil resume`, chat's /answer and the inbox share ----

    def waiting(self) -> RunOutcome:
        """Where the current thread stands when a person comes to answer it: the questions
        it waits on, or the breakpoint pause it stands at. Sends nothing.

        Raises `ThreadBusy` while a run goes on (the state is in motion: nothing to answer
        yet), and `NotWaiting` (exit 4) when it waits for nothing a person can answer here:
        nothing at all, or only questions hil cannot read (`hil show --json` shows them).
        """
        outcome = self.outcome_now()
        if outcome.status == "interrupted" and (outcome.interrupts or outcome.at_breakpoint):
            return outcome
        thread_id = outcome.thread_id
        if outcome.unread:
            shown = self.client.hints.line("show", thread_id, "--json")
            raise NotWaiting(
                f"Thread {thread_id} waits on a question hil cannot read; nothing was sent.",
                outcome,
                hint=f"`{shown}` shows what the server sent.",
            )
        status = _THREAD_STATUS.get(outcome.status, outcome.status)
        raise NotWaiting(
            f"Thread {thread_id} is not waiting for input (status: {status}); nothing was sent.",
            outcome,
        )

    def resume_one(
        self,
        thread_id: str,
        answer: Callable[[PendingInterrupt], Any] | None,
        *,
        interrupt_id: str | None = None,
        go_on: bool = False,
        adopt_assistant: bool = True,
        rules_after: bool = False,
    ) -> RunOutcome:
        """`hil resume`: answer one pending interrupt of thread `thread_id` and stream the
        resumed run to its end.

        `answer(target)` is the value sent to the interrupt chosen (the one `interrupt_id`
        names; with none, the only one pending: `interrupts.choose_pending`); with no
        `answer`, the terminal (the prepared rules) answers what is pending and what comes
        after. At a breakpoint pause, `go_on` (a JSON null typed as the answer) continues
        the run; any other answer is refused there. `rules_after`: what the resumed run asks
        next is answered through the terminal too (`converse_prepared`).

        Nothing is sent, with `NothingToResume` (exit 4), when the thread does not wait: a
        run going on (busy), nothing pending, a question hil cannot read, a breakpoint
        pause without `go_on`. An answer that could not be sent (`AnswerNotSent`) carries
        the command that sends it again.
        """
        self.open_thread(thread_id, adopt_assistant=adopt_assistant)
        try:
            outcome = self.waiting()
        except ThreadBusy as exc:
            raise nothing_while_busy(thread_id, exc) from exc
        if outcome.at_breakpoint:
            if go_on:
                return self.run(input=None)  # a null answer at a pause: go on past it
            go_on_line = self.client.hints.line("resume", thread_id, "--continue")
            raise NotWaiting(
                f"Thread {thread_id} is not waiting for input (status: interrupted, paused "
                f"before {', '.join(outcome.next_nodes)}); nothing was sent.",
                outcome,
                hint=f"`{go_on_line}` goes on past the pause.",
            )
        if answer is None:  # the rules answer what is pending, and what comes after
            return self.converse_prepared(outcome)
        from hilcli.interrupts import choose_pending

        target = choose_pending(outcome.interrupts, interrupt_id, f"on thread {thread_id}")
        value = answer(target)
        try:
            result = self.resume({target.id: value}, pending=outcome.interrupts)
        except AnswerNotSent as exc:
            resend = self.client.hints.line(
                "resume", thread_id, "--interrupt-id", target.id, "--value-json", json.dumps(value)
            )
            exc.hint = f"Re-send it with: {resend}"
            raise
        return self.converse_prepared(result) if rules_after else result

    def resume_line(self, outcome: RunOutcome) -> str | None:
        """The `hil` command that goes on from where `outcome` stopped, with its real ids and
        this connection's flags (so that it works when pasted); None when it did not stop
        for a person. A question: `resume` with the flags its shape takes (`--interrupt-id`
        for the first of several); a breakpoint pause: `resume --continue`; a question hil
        cannot read: `show`."""
        if outcome.status != "interrupted":
            return None
        hints = self.client.hints
        thread_id = outcome.thread_id
        if outcome.unread:
            return hints.line("show", thread_id)
        if not outcome.interrupts:
            return hints.line("resume", thread_id, "--continue")
        from hilcli.interrupts import answer_flags

        first = outcome.interrupts[0]
        pick = ("--interrupt-id", first.id) if len(outcome.interrupts) > 1 else ()
        return hints.line("resume", thread_id, *pick, then=answer_flags(first))

    def converse_prepared(self, outcome: RunOutcome) -> RunOutcome:
        """`converse` through the prepared answers' terminal: answer until the run ends or
        no rule fits. Then the run waits: say why (a notice), and return the pause it
        stopped at (the last state read: it is not read again)."""
        try:
            return self.converse(outcome)
        except NoPreparedAnswer as exc:
            self.terminal.notice(exc.message)
            return self.last_outcome or self.outcome_now()

    # -- runs -----------------------------------------------------------------------------

    def send_message(self, text: str) -> RunOutcome:
        """Send a chat message, then ask and resume until the run no longer waits."""
        return self.converse(self.run(input=message_input(text)))

    def converse(self, outcome: RunOutcome) -> RunOutcome:
        """Answer whatever `outcome` waits for, again and again, until the run ends.

        One state read per pause: the read that ended the run (its `outcome`) also serves
        the stale-answer check of the answers, when they were ready within
        `state_fresh_for` (0.25 s) of it. The check guards against someone else (another
        hil, the inbox) answering the same question meanwhile; re-reading never closes that
        race, it only shortens the window to the time between the read and the resume
        reaching the server. Answers that come that fast were made by rules, `--answer` or
        a kept draft, and their window is already that short, so a second read buys
        nothing. A person cannot read a question and answer it in a quarter of a second:
        their answer, however long they took, is checked against a fresh read, as before.
        """
        while outcome.status == "interrupted":
            if outcome.at_breakpoint:
                if not outcome.next_nodes or not self.terminal.ask_continue(outcome):
                    return outcome
                outcome = self.run(input=None)
                continue
            if not outcome.interrupts:  # questions hil cannot read: leave them waiting
                return outcome
            answers = self.ask_all(outcome.interrupts)
            fresh = (
                outcome.read_at is not None
                and self.clock.monotonic() - outcome.read_at <= self.state_fresh_for
            )
            outcome = self.resume(answers, pending=outcome.interrupts if fresh else None)
            if _answer_refused(outcome, answers):
                # The graph's response_schema refused the answer; nothing was saved, so the
                # same interrupts are asked again with the typed answers offered for editing.
                assert outcome.error is not None
                self.terminal.notice(
                    f"The server refused the answer ({outcome.error['error']}, shown above); "
                    "asking again with what you typed filled in."
                )
                self.drafts.update(answers)
                outcome.status = "interrupted"
        return outcome

    def ask_all(self, interrupts: Sequence[PendingInterrupt]) -> dict[str, Any]:
        """Ask each pending interrupt in turn; the answers keyed by interrupt id."""
        answers: dict[str, Any] = {}
        total = len(interrupts)
        for index, interrupt in enumerate(interrupts, start=1):
            draft = self.drafts.get(interrupt.id)
            answers[interrupt.id] = self.terminal.ask(
                interrupt, index=index, total=total, draft=draft
            )
            self.drafts[interrupt.id] = answers[interrupt.id]
        return answers

    def resume(
        self, answers: Mapping[str, Any], *, pending: Sequence[PendingInterrupt] | None = None
    ) -> RunOutcome:
        """Resume the run with `{interrupt_id: answer}`, never losing the answers.

        Stale answers (someone else already answered) are refused before anything is sent.
        Until the server has them the answers stay in `drafts`; a failure to send is retried
        with backoff, and if it still fails `AnswerNotSent` carries them. `pending` is what
        the caller read from the thread an instant ago, with nobody asked since: the first
        staleness check uses it rather than reading the state again.
        """
        self.ensure_thread()
        self.drafts.update(answers)
        # A `pending` given was read an instant ago, when no run was on the thread (a run had
        # just ended, or `outcome_now` found none): the busy check has nothing to add.
        known_idle = pending is not None
        pending = self._refuse_stale(answers, pending)
        last_error: HilError | None = None
        for attempt, delay in enumerate((0.0, *ANSWER_RETRY_DELAYS)):
            if delay:
                self.terminal.notice(f"Your answer is kept; sending it again in {delay:g}s…")
                self.clock.sleep(delay)
            try:
                if attempt:
                    pending = self._refuse_stale(answers, retrying=True)
                    known_idle = False
                resume = {"resume": resume_value(answers, pending)}
                outcome = self.run(command=resume, known_idle=known_idle)
            except RunLost:
                self._forget(answers)  # the server has the answer; only the stream was lost
                raise
            except (ServerUnreachable, ServerError) as exc:
                if isinstance(exc, ServerError) and exc.status < 500:
                    raise
                self.terminal.notice(f"Could not send your answer: {exc.message}")
                last_error = exc
                continue
            self._forget(answers)
            if outcome.status == "error" and not _answer_refused(outcome, answers):
                from hilcli.time_travel import say_way_back  # the way back to the question

                say_way_back(self, answers, pending)
            return outcome
        assert last_error is not None
        raise AnswerNotSent(last_error, dict(answers))

    def _forget(self, answers: Mapping[str, Any]) -> None:
        for key in answers:
            self.drafts.pop(key, None)

    def _refuse_stale(
        self,
        answers: Mapping[str, Any],
        pending: Sequence[PendingInterrupt] | None = None,
        *,
        retrying: bool = False,
    ) -> Sequence[PendingInterrupt]:
        """Raise `NothingToResume` (sending nothing) when an answered id is no longer pending;
        else return what is pending (it says how the server names each interrupt)."""
        if pending is None:
            pending = self.pending()
        pending_ids = {item.id for item in pending}
        if all(key in pending_ids for key in answers):
            return pending
        self._forget(answers)
        why = (
            "it may have reached the server before the connection failed"
            if retrying
            else "someone else may have answered it"
        )
        now = "; ".join(f"{item.id}: {interrupt_summary(item)}" for item in pending)
        raise NothingToResume(
            f"The question is no longer pending ({why}); your answer was not sent.",
            hint=f"Pending now: {now}." if now else "Nothing is pending on the thread now.",
        )

    def run(
        self,
        *,
        input: Any = None,
        command: Mapping[str, Any] | None = None,
        known_idle: bool = False,
        checkpoint_id: str | None = None,
    ) -> RunOutcome:
        """Stream one run to its end and say how it ended. `known_idle`: the caller read the
        thread an instant ago and no run was on it (see `_refuse_if_busy`). The run starts
        from `checkpoint_id` (else `start_from`, once; else the latest) and pauses at the
        session's breakpoints."""
        if self.interrupt_before or self.interrupt_after:
            from hilcli.time_travel import check_breakpoints  # once per assistant

            check_breakpoints(self)
        thread_id = self.ensure_thread()
        if not known_idle:
            self._refuse_if_busy(thread_id)
        checkpoint_id, self.start_from = checkpoint_id or self.start_from, None
        if self.pause_values is None and (self.interrupt_before or self.interrupt_after):
            self.pause_values = self.client.get_state(thread_id).get("values")
        stream = self.client.stream_run(
            thread_id,
            self.assistant,
            input=input,
            command=command,
            stream_mode=self.stream_modes,
            on_reconnect=self._reconnecting,
            on_replay_gap=self.terminal.notice,
            replays=self.server_kind().replays_joins is not False,
            checkpoint_id=checkpoint_id,
            interrupt_before=self.interrupt_before,
            interrupt_after=self.interrupt_after,
        )
        return self._watch(stream)

    def server_kind(self) -> ServerKind:
        """The server as its `/info` describes it, read once per session (an unknown server,
        claiming nothing, when it has no `/info`)."""
        if self._server is None:
            from hilcli.server_kind import ServerKind, describe

            try:
                self._server = describe(self.client.info())
            except HilError:
                self._server = ServerKind()
        return self._server

    def _refuse_if_busy(self, thread_id: str) -> None:
        """Raise `ThreadBusy`, as a 409 would, where the server would start a second run on a
        busy thread instead of refusing it (Aegra accepts one despite `multitask_strategy:
        reject`).

        Cheap by design: the server is described once per session, lazily, from `/info` at
        its first run (`hilcli.server_kind`); only on a server known not to refuse does each
        run first read the thread's status (one `GET /threads/{id}`). Servers that refuse
        (langgraph-api, and any server hil does not recognise) cost nothing per run. A run
        started by someone else between that read and ours is not caught: the server's own
        check is the only exact one.
        """
        if self.server_kind().rejects_busy is not False:
            return
        if self.client.get_thread(thread_id).get("status") == "busy":
            raise self._busy(thread_id)

    def _busy(self, thread_id: str) -> ThreadBusy:
        """The error for a run going on on the thread, seen by hil before sending one."""
        return ThreadBusy(
            busy_message(thread_id), thread_id, hint=self.client.hints.busy_hint(thread_id)
        )

    def attach(self) -> RunOutcome | None:
        """Join the thread's running run, replayed from its start; None when there is none."""
        thread_id = self.current_thread()
        active = self._active_runs(thread_id)
        if not active:
            return None
        running = [run for run in active if run["status"] == "running"]
        run_id = (running or active)[-1]["run_id"]
        self.terminal.notice(f"Joined run {run_id}.")
        stream = self.client.join_run(
            thread_id,
            run_id,
            stream_mode=self.stream_modes,
            on_reconnect=self._reconnecting,
            on_replay_gap=self.terminal.notice,
            replays=self.server_kind().replays_joins is not False,
        )
        return self._watch(stream, joined=True)

    def wait_until_idle(self, poll: float = 0.5) -> None:
        """Return once no run is pending or running on the thread (Ctrl-C stops waiting)."""
        thread_id = self.current_thread()
        while self._active_runs(thread_id):
            self.clock.sleep(poll)  # poll

    def _reconnecting(self, attempt: int, delay: float) -> None:
        """One quiet line per outage; later attempts of the same outage stay silent."""
        if attempt == 1:
            self.terminal.notice("Connection lost; reconnecting…")

    def _watch(self, stream: RunStream, *, joined: bool = False) -> RunOutcome:
        """Show a run's events until its stream ends; Ctrl-C cancels or detaches.

        A `joined` run is someone else's: it may end cancelled, which leaves the thread
        `interrupted` with nothing to answer, like a breakpoint pause (protocol.md §2); the
        run's own status tells the two apart (`interrupted` when cancelled, `success` at a
        breakpoint), read only then.
        """
        thread_id = stream.thread_id
        self.terminal.run_started()
        collector = InterruptCollector()
        error: dict[str, Any] | None = None
        try:
            for event in stream:
                collector.add(event)
                if event.mode == "error":
                    error = _error_of(event.data)
                self.terminal.show_event(event)
        except KeyboardInterrupt:
            stream.close()
            stopped = RunOutcome("interrupted", thread_id, stream.run_id, stopped=True)
            self.terminal.run_finished(stopped)
            self._stop_run(thread_id, stream.run_id)
        except HilError:  # the stream broke: let the terminal close what it shows live
            self.terminal.run_finished(RunOutcome("error", thread_id, stream.run_id))
            raise
        self.schemas.update(collector.schemas)
        outcome = self._outcome(thread_id, stream.run_id, error)
        if not outcome.interrupts and collector.pending and outcome.status != "done":
            outcome.interrupts = collector.pending
        outcome.missed_events = stream.replay_gap is not None
        if joined and outcome.at_breakpoint and stream.run_id is not None:
            outcome.stopped = self._was_cancelled(thread_id, stream.run_id)
        self.terminal.run_finished(outcome)
        return outcome

    def _was_cancelled(self, thread_id: str, run_id: str) -> bool:
        """Whether the run ended cancelled (its status `interrupted`); a run that cannot be
        read is taken to have paused, as its state says."""
        try:
            run = self.client.get_run(thread_id, run_id)
        except HilError:
            return False
        return run.get("status") == "interrupted"

    def _stop_run(self, thread_id: str, run_id: str | None) -> None:
        """After Ctrl-C: cancel the run on the server (or leave it running), then say so."""
        if self.on_ctrl_c == "detach":
            raise Cancelled(
                "Stopped watching; the run goes on on the server.",
                hint=f"`{self.client.hints.line('attach', thread_id)}` joins it again.",
            )
        try:
            run_ids = (
                [run_id] if run_id else [run["run_id"] for run in self._active_runs(thread_id)]
            )
            for each in run_ids:
                self.client.cancel_run(thread_id, each, wait=True)
        except HilError as exc:
            raise Cancelled(
                f"Stopped watching, but could not cancel the run: {exc.message}",
                hint=f"`{self.client.hints.line('attach', thread_id)}` shows if it still runs.",
            ) from exc
        if not run_ids:
            raise Cancelled("Stopped before the run started; nothing runs on the thread.")
        raise Cancelled("Cancelled the run; the thread is ready for a new message.")

    def _runs(self, thread_id: str) -> list[Mapping[str, Any]]:
        """The thread's latest runs, newest first, each with a `run_id`."""
        runs = self.client.list_runs(thread_id, limit=20)
        return [
            run for run in runs if isinstance(run, Mapping) and isinstance(run.get("run_id"), str)
        ]

    def _active_runs(self, thread_id: str) -> list[Mapping[str, Any]]:
        """The thread's pending and running runs, newest first, each with a `run_id`."""
        return _active(self._runs(thread_id))

    def _outcome(
        self, thread_id: str, run_id: str | None, error: dict[str, Any] | None
    ) -> RunOutcome:
        state = self.client.get_state(thread_id)
        read_at = self.clock.monotonic()
        interrupts = with_stream_schemas(interrupts_from_state(state), self.schemas)
        next_nodes = [n for n in state.get("next") or () if isinstance(n, str)]
        unread = not interrupts and state_lists_interrupts(state)
        status: RunStatus
        if error is not None:
            status = "error"
        elif interrupts or next_nodes or unread:
            status = "interrupted"
        else:
            status = "done"
        self.last_outcome = RunOutcome(
            status=status,
            thread_id=thread_id,
            run_id=run_id,
            interrupts=interrupts,
            error=error,
            values=state.get("values"),
            next_nodes=next_nodes,
            read_at=read_at,
            unread=unread,
            checkpoint_id=_checkpoint_of(state),
        )
        if self.last_outcome.at_breakpoint:
            from hilcli.history import state_changes

            self.last_outcome.changes = state_changes(self.pause_values, state.get("values"))
        self.pause_values = state.get("values")
        return self.last_outcome


def _checkpoint_of(state: Mapping[str, Any]) -> str | None:
    """The id of the checkpoint a thread state stands at."""
    checkpoint = state.get("checkpoint")
    found = checkpoint.get("checkpoint_id") if isinstance(checkpoint, Mapping) else None
    return found if isinstance(found, str) and found else None


def _active(runs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The pending and running runs among `runs`."""
    return [run for run in runs if run.get("status") in ("pending", "running")]


def _error_of(data: Any) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return {
            "error": str(data.get("error") or "Error"),
            "message": str(data.get("message") or ""),
        }
    return {"error": "Error", "message": str(data)}


def _answer_refused(outcome: RunOutcome, answers: Mapping[str, Any]) -> bool:
    """The resume failed validation (`ValidationError`) and the answered ids still wait."""
    if outcome.status != "error" or outcome.error is None:
        return False
    if outcome.error.get("error") != "ValidationError":
        return False
    pending = {item.id for item in outcome.interrupts}
    return bool(pending) and any(key in pending for key in answers)
