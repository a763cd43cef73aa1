"""The chat REPL: read a message or a slash command, run it, answer what the run asks.

It drives a `Session` and reads lines through the frontend's reader; what the person sees is
drawn by the frontend's display.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from hilcli.errors import (
    AnswerNotSent,
    AuthError,
    Cancelled,
    HilError,
    ServerUnreachable,
    ThreadBusy,
)
from hilcli.render.tables import ThreadView, console_of, print_threads
from hilcli.session import RunOutcome, Session

if TYPE_CHECKING:
    from hilcli.config import Settings
    from hilcli.frontend import Frontend

_T = TypeVar("_T")

#: The toolbar's word for how the last run ended.
_STATUS_WORDS = {"done": "idle", "interrupted": "waiting for input", "error": "error"}


class Repl:
    """The `hil chat` loop."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        frontend: Frontend = session.terminal  # type: ignore[assignment]
        self.frontend = frontend
        self.display = frontend.display
        assert frontend.reader is not None
        self.reader = frontend.reader
        self.commands: dict[str, tuple[Callable[[str], bool], str]] = {
            "/help": (self._help, "list the commands"),
            "/new": (self._new, "start a new thread"),
            "/thread": (self._thread, "show the current thread, or switch to one: /thread ID"),
            "/threads": (self._threads, "list recent threads"),
            "/state": (self._state, "show the thread's state: values, next nodes, questions"),
            "/input": (self._input, 'send a raw JSON input: /input {"topic": "cats"}'),
            "/answer": (self._answer, "answer the pending questions"),
            "/quit": (self._quit, "leave (also /exit, Ctrl-D)"),
            "/exit": (self._quit, "leave"),
        }
        #: What the thread is doing, for the toolbar.
        self.status = "idle"
        configure = getattr(self.reader, "configure_repl", None)
        if configure is not None:
            configure([(name, about) for name, (_, about) in self.commands.items()], self.toolbar)

    def toolbar(self) -> str:
        """The bottom toolbar: server, assistant, thread and status."""
        return (
            f" {self.settings.url} · assistant {self.session.assistant_name} · "
            f"thread {self.session.thread_id or '-'} · {self.status} "
        )

    def _views(self) -> ThreadView | None:
        console = console_of(self.display)
        return ThreadView(console) if console is not None else None

    # -- loop -----------------------------------------------------------------------------

    def loop(self, *, resume_pending: bool = False, attach: bool = False) -> None:
        """Read and act until the person leaves."""
        self.display.notice(
            f"hil · {self.settings.url} · assistant {self.session.assistant_name} · "
            f"thread {self.session.thread_id} · /help for commands, Ctrl-D to leave"
        )
        try:
            if attach:
                self._act(self._attach_or_pending)
            if resume_pending:
                self._catch_up()
            self._read_and_act()
        except EOFError as exc:  # /quit, Ctrl-D or the end of piped input during a question
            from hilcli.prompts.answering import LeaveAnswering

            why = "Left" if isinstance(exc, LeaveAnswering) else "Input ended"
            thread = self.session.thread_id
            self.display.notice(
                f"{why}; the question stays pending on thread {thread}: "
                f"`hil chat --thread {thread}` asks it again (or `hil inbox`)."
            )

    def _read_and_act(self) -> None:
        interrupted_once = False
        while True:
            try:
                line = self.reader.read("you> ")
            except EOFError:
                return
            except KeyboardInterrupt:
                if interrupted_once:
                    return
                interrupted_once = True
                self.display.notice("(Ctrl-C again or Ctrl-D to leave)")
                continue
            interrupted_once = False
            text = line.strip()
            if not text:
                continue
            if text.startswith("/"):
                if not self._command(text):
                    return
                continue
            self._send(text)

    def _send(self, text: str) -> None:
        self._act(lambda: self.session.send_message(text))

    def _act(self, action: Callable[[], RunOutcome]) -> None:
        """Run an action that streams; report failures and come back to the prompt.

        An answer that could not be sent is offered again at once, pre-filled: Enter re-sends
        it, Ctrl-C keeps it for `/answer`.
        """
        while True:
            try:
                outcome = action()
            except AnswerNotSent as exc:
                self.display.notice(
                    f"{exc.message} It is kept: Enter sends it again, Ctrl-C keeps it for /answer."
                )
                action = self._answer_pending
                continue
            except Cancelled as exc:
                self.display.notice(exc.message)
                return
            except KeyboardInterrupt:
                self.display.notice(
                    "Not answered: the question stays pending (/answer to answer it)."
                )
                return
            except ThreadBusy:
                self._offer_busy(action)
                return
            except (ServerUnreachable, AuthError) as exc:
                self.display.notice(f"{exc.message}" + (f" {exc.hint}" if exc.hint else ""))
                return
            except HilError as exc:
                self.display.notice(exc.message)
                return
            break
        self.status = _STATUS_WORDS.get(outcome.status, outcome.status)
        if outcome.status == "interrupted" and outcome.interrupts:
            self.display.notice("The run still waits for input: /answer to answer it.")

    def _answer_pending(self) -> RunOutcome:
        """Ask what the thread waits for (unsent answers offered pre-filled) and resume."""
        return self.session.converse(self.session.outcome_now())

    # -- busy threads ---------------------------------------------------------------------

    def _attach_or_pending(self) -> RunOutcome:
        """Watch the thread's running run (if any), then answer what it waits for."""
        outcome = self.session.attach()
        if outcome is None:
            self.display.notice("No run is running on this thread.")
            outcome = self.session.outcome_now()
        return self.session.converse(outcome)

    def _offer_busy(self, action: Callable[[], RunOutcome]) -> None:
        """409: another run holds the thread; offer to attach to it or wait, then retry."""
        self.display.notice("The thread is busy: another run is in progress.")
        try:
            choice = self.reader.read("[a]ttach to it, [w]ait for it, or Enter to drop: ")
        except (EOFError, KeyboardInterrupt):
            choice = ""
        choice = choice.strip().lower()
        if choice in ("a", "attach"):
            self._act(lambda: self._after(self._attach_or_pending, action))
        elif choice in ("w", "wait"):
            self._act(lambda: self._after(self._wait_idle, action))
        else:
            self.display.notice("Dropped; nothing was sent.")

    def _after(
        self, first: Callable[[], RunOutcome], action: Callable[[], RunOutcome]
    ) -> RunOutcome:
        outcome = first()
        if outcome.status == "interrupted" and outcome.interrupts:
            return outcome  # the thread now waits for input; the message would not fit
        self.display.notice("The thread is free; trying again.")
        return action()

    def _wait_idle(self) -> RunOutcome:
        self.display.notice("Waiting for the run to finish (Ctrl-C stops waiting)…")
        try:
            self.session.wait_until_idle()
        except KeyboardInterrupt:
            raise Cancelled("Stopped waiting; nothing was sent.") from None
        return self.session.outcome_now()

    def _command(self, text: str) -> bool:
        name, _, arg = text.partition(" ")
        entry = self.commands.get(name)
        if entry is None:
            self.display.notice(f"Unknown command {name}; /help lists them.")
            return True
        return entry[0](arg.strip())

    # -- slash commands -------------------------------------------------------------------

    def _help(self, _: str) -> bool:
        for name, (_action, about) in self.commands.items():
            self.display.notice(f"{name:<9} {about}")
        self.display.notice("Enter sends; Alt-Enter or Esc-Enter adds a line; Tab completes.")
        self.display.notice(
            "At an answer prompt: /json VALUE sends JSON, //TEXT sends /TEXT, /help, /quit."
        )
        return True

    def _quit(self, _: str) -> bool:
        return False

    def _new(self, _: str) -> bool:
        thread_id = self._guard(self.session.new_thread)
        if thread_id:
            self.status = "idle"
            self.display.notice(f"New thread {thread_id}")
        return True

    def _thread(self, arg: str) -> bool:
        if not arg:
            self.display.notice(f"thread {self.session.thread_id}")
            return True
        adopt = not self.settings.assistant_given
        if self._guard(lambda: self.session.open_thread(arg, adopt_assistant=adopt)) is None:
            return True
        self.status = "idle"
        self.display.notice(f"Switched to thread {arg} (assistant {self.session.assistant_name})")
        self._catch_up()
        return True

    def _catch_up(self) -> None:
        """Show the thread's latest messages, then ask what it waits for."""
        self._show_recent()
        self._act(self._answer_pending)

    def _show_recent(self, count: int = 6) -> None:
        """The thread's latest messages (or values), before any pending question is asked."""
        thread_id = self.session.thread_id
        views = self._views()
        if thread_id is None or views is None:
            return
        state = self._guard(lambda: self.session.client.get_state(thread_id))
        if state is not None:
            views.conversation(state.get("values"), count)

    def _threads(self, _: str) -> bool:
        from hilcli.threads import summarize

        threads = self._guard(lambda: self.session.client.search_threads(limit=10))
        if threads is None:
            return True
        rows = [summarize(thread) for thread in threads if isinstance(thread, dict)]
        console = console_of(self.display)
        if not rows:
            self.display.notice("No threads yet.")
        elif console is not None:
            print_threads(console, rows)
        else:
            for row in rows:
                self.display.notice(f"{row.thread_id}  {row.status}  {row.question}")
        return True

    def _state(self, _: str) -> bool:
        from hilcli.events import interrupts_from_state

        thread_id = self.session.thread_id
        views = self._views()
        if thread_id is None:
            return True
        state = self._guard(lambda: self.session.client.get_state(thread_id))
        if state is None:
            return True
        if views is None:
            self.display.notice(json.dumps(state.get("values"), indent=2, default=str)[:4000])
            return True
        views.values(state.get("values"))
        next_nodes = [str(node) for node in state.get("next") or ()]
        if next_nodes:
            self.display.notice(f"next: {', '.join(next_nodes)}")
        views.interrupts(interrupts_from_state(state))
        return True

    def _input(self, arg: str) -> bool:
        try:
            value = json.loads(arg)
        except ValueError as exc:
            self.display.notice(f"/input needs JSON: {exc}")
            return True
        self._act(lambda: self.session.converse(self.session.run(input=value)))
        return True

    def _answer(self, _: str) -> bool:
        self._act(self._answer_pending)
        return True

    def _guard(self, action: Callable[[], _T]) -> _T | None:
        try:
            return action()
        except HilError as exc:
            self.display.notice(exc.message)
            return None
