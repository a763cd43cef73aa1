"""Displays: where the session's output goes, chosen once at start-up.

`RichDisplay` draws for a person (colours on a terminal, plain text otherwise); `JsonDisplay`
writes the contract's JSON Lines; `RawDisplay` prints events as the server sent them.
The session never asks which one it has, and neither do the chat, the inbox or the commands:
threads, a thread, a state and a history are shown through the display too, never by taking
a console out of it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from rich.console import Console
from rich.status import Status
from rich.text import Text

from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.events import PendingInterrupt, StreamEvent, interrupts_from_state
from hilcli.render.consoles import make_console, on_terminal
from hilcli.render.transcript import TranscriptView
from hilcli.text import json_line, json_safe, json_source, safe_text

if TYPE_CHECKING:
    from hilcli.hints import HilCommand
    from hilcli.threads import ThreadSummary
    from hilcli.time_travel import HistoryPage

__all__ = ["Display", "JsonDisplay", "RawDisplay", "RichDisplay", "make_console", "on_terminal"]

#: `--json` writes token events (`messages`) through at least this often (seconds); others at once.
_TOKEN_FLUSH_INTERVAL = 0.05


class Display(Protocol):
    """Everything the session and the commands show."""

    def run_started(self) -> None:
        """A run was sent; waiting for its first event."""

    def event(self, event: StreamEvent) -> None:
        """One stream event."""

    def run_finished(self) -> None:
        """The stream closed."""

    def run_ended(self, status: str) -> None:
        """How the run ended (`done`, `interrupted`, `error`), once its state was read."""

    def final_state(self, values: Any) -> None:
        """The run's end read from `/state`, when its stream missed events (a join the
        server could not replay)."""

    def notice(self, message: str) -> None:
        """A quiet line about the session itself (stderr for machine-readable modes)."""

    def question(self, interrupt: PendingInterrupt, index: int, total: int) -> None:
        """Show what an interrupt asks, before its answer is read."""

    def result(self, result: Mapping[str, Any], resume_hint: str | None) -> None:
        """The final summary of a one-shot command."""

    def bell(self) -> None:
        """Ring the terminal bell (a question arrived after a long run)."""

    def threads(
        self, rows: Sequence[ThreadSummary], *, numbered: bool = False, empty: str | None = None
    ) -> None:
        """A listing of threads as given (newest first), numbered for picking by number;
        `empty` is said when there are none."""

    def thread(
        self, thread: Mapping[str, Any], assistant: str, state: Mapping[str, Any] | None = None
    ) -> None:
        """One thread: its id, status, assistant and times; with its `state`, in detail
        (latest messages or values, where it paused, every pending interrupt)."""

    def conversation(self, values: Any, count: int = 10) -> None:
        """A thread's latest `count` messages, or the values of a graph without messages."""

    def state(self, state: Mapping[str, Any]) -> None:
        """A thread's state: its values, the nodes next, the pending interrupts."""

    def history(self, page: HistoryPage, thread_id: str, hints: HilCommand) -> None:
        """A page of a thread's checkpoints, newest first (how to list the older ones is
        spelled by `hints`)."""


class RichDisplay:
    """Human-readable output: a transcript, questions, notices and results."""

    def __init__(
        self, console: Console, err_console: Console | None = None, *, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self.console = console
        self.err = err_console or console
        self.transcript = TranscriptView(console, clock=clock)
        self._status: Status | None = None

    @property
    def plain(self) -> bool:
        """True when the output has no colours or cursor movement."""
        return not self.console.is_terminal

    def run_started(self) -> None:
        self.transcript.begin_run()
        if not self.plain and self._status is None:
            self._status = self.console.status("waiting for the agent…", spinner="dots")
            self._status.start()

    def _stop_spinner(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def event(self, event: StreamEvent) -> None:
        if event.mode == "metadata":
            return
        self._stop_spinner()
        self.transcript.show(event)

    def run_finished(self) -> None:
        self._stop_spinner()
        self.transcript.finish()

    def run_ended(self, status: str) -> None:
        """A run that ended without showing a message says so, and what it changed (chat
        would otherwise go back to `you>` without a word after the last answer)."""
        if status != "done" or self.transcript.showed_message:
            return
        keys = list(self.transcript.changed_keys)
        what = f"it changed {', '.join(keys)}" if keys else "the state did not change"
        self.console.print(
            Text(safe_text(f"✓ The run ended without a message; {what}."), style="green")
        )

    def final_state(self, values: Any) -> None:
        messages = values.get("messages") if isinstance(values, Mapping) else None
        if isinstance(messages, list) and messages and isinstance(messages[-1], Mapping):
            self.transcript.show_message(messages[-1], "final state")  # once per message id
            self.transcript.finish()

    def bell(self) -> None:
        self._stop_spinner()
        stream = self.console.file
        if on_terminal(self.console):  # even without colours: Rich drops control codes when plain
            stream.write("\a")
            stream.flush()

    def notice(self, message: str) -> None:
        self._stop_spinner()
        # While a message streams live, print above its live region rather than through it.
        console = self.console if self.transcript.live else self.err
        console.print(Text(safe_text(message), style="dim"))

    def question(self, interrupt: PendingInterrupt, index: int, total: int) -> None:
        from hilcli.render.questions import print_view, question_view

        self._stop_spinner()
        print_view(self.console, question_view(interrupt, index, total, plain=self.plain))

    def result(self, result: Mapping[str, Any], resume_hint: str | None) -> None:
        status = result.get("status")
        thread = safe_text(str(result.get("thread_id")))
        if status == "interrupted":
            interrupts = result.get("interrupts") or []
            if interrupts:
                from hilcli.render.questions import pending_view, print_view

                self.console.print(
                    Text(f"⏸ waiting for input on thread {thread}", style="bold yellow")
                )
                # The cards chat shows, in full: someone answering from a script must see
                # what they approve (`--json` keeps the raw value).
                pending = [PendingInterrupt.from_json(item) for item in interrupts]
                print_view(self.console, pending_view(pending, plain=self.plain))
            else:
                self.console.print(
                    Text(
                        safe_text(
                            f"⏸ paused before {', '.join(map(str, result.get('next') or []))}"
                            f" on thread {thread}"
                        ),
                        style="bold yellow",
                    )
                )
            if resume_hint:
                # never folded: a newline inside the command would break it when pasted
                line = Text(safe_text(f"answer with: {resume_hint}"), style="yellow")
                self.console.print(line, soft_wrap=True)
        elif status == "error":
            self.console.print(Text(f"✗ the run failed on thread {thread}", style="bold red"))
        else:
            self.console.print(Text(f"✓ done (thread {thread})", style="dim green"))

    # -- listings: threads, a thread, a state, a history ---------------------------------

    def threads(
        self, rows: Sequence[ThreadSummary], *, numbered: bool = False, empty: str | None = None
    ) -> None:
        from hilcli.render.tables import print_threads

        if rows:
            print_threads(self.console, rows, numbered=numbered)
        elif empty is not None:
            self.console.print(empty)

    def thread(
        self, thread: Mapping[str, Any], assistant: str, state: Mapping[str, Any] | None = None
    ) -> None:
        from hilcli.render.tables import ThreadView

        view = ThreadView(self.console)
        view.header(thread, assistant)
        if state is None:
            return
        pending = interrupts_from_state(state)
        view.conversation(state.get("values"))
        next_nodes = [str(node) for node in state.get("next") or ()]
        if next_nodes and not pending:
            where = "stopped at" if thread.get("status") == "error" else "paused before"
            view.note(f"{where}: {', '.join(next_nodes)}")
        view.interrupts(pending)

    def conversation(self, values: Any, count: int = 10) -> None:
        from hilcli.render.tables import ThreadView

        ThreadView(self.console).conversation(values, count)

    def state(self, state: Mapping[str, Any]) -> None:
        from hilcli.render.tables import ThreadView

        view = ThreadView(self.console)
        view.values(state.get("values"))
        next_nodes = [str(node) for node in state.get("next") or ()]
        if next_nodes:
            self.notice(f"next: {', '.join(next_nodes)}")
        view.interrupts(interrupts_from_state(state))

    def history(self, page: HistoryPage, thread_id: str, hints: HilCommand) -> None:
        from hilcli.render.history_view import print_history

        print_history(self.console, page.checkpoints, page.older, thread_id, hints)


class JsonDisplay:
    """The contract's JSON Lines: one object per stream event, then the `result` object."""

    def __init__(self, out: IO[str], err_console: Console, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.out = out
        self.err = err_console
        self._clock = clock
        self._prefixes: dict[tuple[str, tuple[str, ...]], str] = {}
        self._last_flush = 0.0

    def _write(self, obj: Mapping[str, Any]) -> None:
        self.out.write(json_line(obj) + "\n")
        self.out.flush()

    def run_started(self) -> None:
        pass

    def _prefix(self, event: StreamEvent) -> str:
        """`{"type": MODE, "ns": [...], "data": ` for the event's name, built once per name."""
        key = (event.mode, event.ns)
        prefix = self._prefixes.get(key)
        if prefix is None:
            head = json_line({"type": event.mode, "ns": list(event.ns)})
            prefix = self._prefixes[key] = head[:-1] + ', "data": '
        return prefix

    def event(self, event: StreamEvent) -> None:
        raw = event.raw
        if raw is None or b"\n" in raw:
            line = json_line({"type": event.mode, "ns": list(event.ns), "data": event.data})
            self.out.write(line + "\n")
        else:  # the server's own JSON text, already validated by parsing it
            text = json_safe(raw.decode("utf-8", "replace"))
            self.out.write(f"{self._prefix(event)}{text}}}\n")
        now = self._clock.monotonic()
        if event.mode != "messages" or now - self._last_flush >= _TOKEN_FLUSH_INTERVAL:
            self.out.flush()
            self._last_flush = now

    def run_finished(self) -> None:
        self.out.flush()

    def run_ended(self, status: str) -> None:
        """Nothing: the `result` line says how the run ended."""

    def final_state(self, values: Any) -> None:
        """Nothing: the `result` line carries the final values."""

    def notice(self, message: str) -> None:
        self.err.print(Text(safe_text(message), style="dim"))

    def question(self, interrupt: PendingInterrupt, index: int, total: int) -> None:
        pass

    def bell(self) -> None:
        pass

    def result(self, result: Mapping[str, Any], resume_hint: str | None) -> None:
        self._write(result)

    # -- listings: stdout carries only the JSON Lines, so these are notices (stderr) -------

    def threads(
        self, rows: Sequence[ThreadSummary], *, numbered: bool = False, empty: str | None = None
    ) -> None:
        """One notice a thread: its id, status and first question."""
        for row in rows:
            self.notice(f"{row.thread_id}  {row.status}  {row.question}")
        if not rows and empty is not None:
            self.notice(empty)

    def thread(
        self, thread: Mapping[str, Any], assistant: str, state: Mapping[str, Any] | None = None
    ) -> None:
        """Nothing: `hil show --json` prints its own document."""

    def conversation(self, values: Any, count: int = 10) -> None:
        """Nothing: the messages are in the state (`/state`)."""

    def state(self, state: Mapping[str, Any]) -> None:
        """The values as indented JSON, in a notice."""
        from hilcli.render.tables import VALUE_LIMIT

        self.notice(json_source(state.get("values"), VALUE_LIMIT))

    def history(self, page: HistoryPage, thread_id: str, hints: HilCommand) -> None:
        """One notice a checkpoint: its id, step and the nodes next."""
        for item in page.checkpoints:
            self.notice(f"{item.id}  step {item.step}  next {', '.join(item.next)}")


class RawDisplay(RichDisplay):
    """Each event as the server sent it: its name, then its JSON data."""

    def run_ended(self, status: str) -> None:
        """Nothing: the events said it all."""

    def event(self, event: StreamEvent) -> None:
        raw = event.raw
        if raw is None or b"\n" in raw:
            data = json.dumps(event.data, ensure_ascii=False, default=str)
        else:
            data = raw.decode("utf-8", "replace")
        line = Text(safe_text(event.name), style="bold cyan")
        line.append(" ")
        line.append(safe_text(data))
        self.console.print(line, soft_wrap=True)
