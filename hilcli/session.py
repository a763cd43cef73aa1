"""The chat/run loop: stream a run, collect its interrupts, ask them, resume.

The session knows nothing of the terminal. It talks to the person through a `Terminal`
(render an event, say something, ask an interrupt), so the same loop serves the REPL, the
one-shot commands, scripted answers and tests.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from hilcli.client import AgentClient
from hilcli.errors import (
    AnswerNotSent,
    Cancelled,
    HilError,
    NothingToResume,
    ServerError,
    ServerUnreachable,
)
from hilcli.events import InterruptCollector, PendingInterrupt, StreamEvent, interrupts_from_state

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

    @property
    def at_breakpoint(self) -> bool:
        """Paused by `interrupt_before/after`: interrupted, but nothing to answer."""
        return self.status == "interrupted" and not self.interrupts

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


def message_input(text: str) -> dict[str, Any]:
    """The run input for a chat message."""
    return {"messages": [{"role": "user", "content": text}]}


#: Delays before re-sending an answer whose first sending failed.
ANSWER_RETRY_DELAYS = (0.5, 1.0, 2.0)


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
    ) -> None:
        self.client = client
        self.assistant = assistant
        self.terminal = terminal
        self.stream_modes = list(stream_modes)
        self.thread_id = thread_id
        self.on_ctrl_c = on_ctrl_c
        #: Answers typed but not sent (the server was unreachable), by interrupt id.
        self.drafts: dict[str, Any] = {}

    # -- threads --------------------------------------------------------------------------

    def new_thread(self) -> str:
        """Start a new thread and make it current."""
        thread = self.client.create_thread(metadata={"created_by": "hil"})
        self.thread_id = str(thread["thread_id"])
        return self.thread_id

    def ensure_thread(self) -> str:
        """The current thread, created on first use."""
        return self.thread_id or self.new_thread()

    def open_thread(self, thread_id: str, *, adopt_assistant: bool = True) -> dict[str, Any]:
        """Make an existing thread current (raises `NotFound` when it does not exist).

        A thread belongs to the assistant that ran on it; unless told otherwise (`-a` given),
        the session continues it with that assistant.
        """
        thread = self.client.get_thread(thread_id)
        self.thread_id = thread_id
        metadata = thread.get("metadata")
        if adopt_assistant and isinstance(metadata, Mapping):
            owner = metadata.get("assistant_id") or metadata.get("graph_id")
            if isinstance(owner, str) and owner:
                self.assistant = owner
        return thread

    def pending(self) -> list[PendingInterrupt]:
        """The interrupts the current thread waits on, read from its state."""
        if self.thread_id is None:
            return []
        return interrupts_from_state(self.client.get_state(self.thread_id))

    def outcome_now(self) -> RunOutcome:
        """The thread's situation as if a run had just ended on it."""
        return self._outcome(self.ensure_thread(), None, None)

    # -- runs -----------------------------------------------------------------------------

    def send_message(self, text: str) -> RunOutcome:
        """Send a chat message, then ask and resume until the run no longer waits."""
        return self.converse(self.run(input=message_input(text)))

    def converse(self, outcome: RunOutcome) -> RunOutcome:
        """Answer whatever `outcome` waits for, again and again, until the run ends."""
        while outcome.status == "interrupted":
            if outcome.at_breakpoint:
                if not outcome.next_nodes or not self.terminal.ask_continue(outcome):
                    return outcome
                outcome = self.run(input=None)
                continue
            answers = self.ask_all(outcome.interrupts)
            outcome = self.resume(answers)
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

    def resume(self, answers: Mapping[str, Any], *, check_pending: bool = True) -> RunOutcome:
        """Resume the run with `{interrupt_id: answer}`, never losing the answers.

        Stale answers (someone else already answered) are refused before anything is sent.
        A failure to send is retried with backoff; if it still fails the answers stay in
        `drafts` and `AnswerNotSent` carries them.
        """
        thread_id = self.ensure_thread()
        if check_pending:
            pending = {item.id for item in self.pending()}
            stale = [key for key in answers if key not in pending]
            if stale:
                for key in answers:
                    self.drafts.pop(key, None)
                raise NothingToResume(
                    "The question was already answered (or is no longer pending); "
                    "nothing was sent.",
                    hint=f"`hil show {thread_id}` shows what is pending now.",
                )
        last_error: HilError | None = None
        for delay in (0.0, *ANSWER_RETRY_DELAYS):
            if delay:
                self.terminal.notice(f"Could not send the answer; retrying in {delay:g}s…")
                time.sleep(delay)
            try:
                outcome = self.run(command={"resume": dict(answers)})
            except (ServerUnreachable, ServerError) as exc:
                if isinstance(exc, ServerError) and exc.status < 500:
                    raise
                last_error = exc
                continue
            for key in answers:
                self.drafts.pop(key, None)
            return outcome
        assert last_error is not None
        raise AnswerNotSent(last_error, dict(answers))

    def run(self, *, input: Any = None, command: Mapping[str, Any] | None = None) -> RunOutcome:
        """Stream one run to its end and say how it ended."""
        thread_id = self.ensure_thread()
        stream = self.client.stream_run(
            thread_id,
            self.assistant,
            input=input,
            command=command,
            stream_mode=self.stream_modes,
            on_reconnect=lambda attempt, delay: self.terminal.notice(
                f"Connection lost; reconnecting (attempt {attempt}) in {delay:.1f}s…"
            ),
        )
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
            self._stop_run(thread_id, stream.run_id)
        outcome = self._outcome(thread_id, stream.run_id, error)
        if not outcome.interrupts and collector.pending and outcome.status != "done":
            outcome.interrupts = collector.pending
        self.terminal.run_finished(outcome)
        return outcome

    def _stop_run(self, thread_id: str, run_id: str | None) -> None:
        if self.on_ctrl_c == "detach" or run_id is None:
            raise Cancelled(
                "Stopped watching; the run goes on on the server.",
                hint=f"`hil attach {thread_id}` joins it again.",
            )
        try:
            self.client.cancel_run(thread_id, run_id, wait=True)
        except HilError as exc:
            raise Cancelled(f"Stopped watching, but could not cancel the run: {exc}") from exc
        raise Cancelled("Cancelled the run.")

    def _outcome(
        self, thread_id: str, run_id: str | None, error: dict[str, Any] | None
    ) -> RunOutcome:
        state = self.client.get_state(thread_id)
        interrupts = interrupts_from_state(state)
        next_nodes = [n for n in state.get("next") or () if isinstance(n, str)]
        status: RunStatus
        if error is not None:
            status = "error"
        elif interrupts or next_nodes:
            status = "interrupted"
        else:
            status = "done"
        return RunOutcome(
            status=status,
            thread_id=thread_id,
            run_id=run_id,
            interrupts=interrupts,
            error=error,
            values=state.get("values"),
            next_nodes=next_nodes,
        )


def _error_of(data: Any) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return {
            "error": str(data.get("error") or "Error"),
            "message": str(data.get("message") or ""),
        }
    return {"error": "Error", "message": str(data)}
