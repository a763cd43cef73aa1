"""The chat REPL: read a message or a slash command, run it, answer what the run asks.

It drives a `Session` and reads lines through the frontend's reader; what the person sees is
drawn by the frontend's display (threads, states and histories too). Nothing here reaches
past those three into the client or a console.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from hilcli.errors import AnswerNotSent, Cancelled, HilError, ThreadBusy
from hilcli.session import NotWaiting, RunOutcome, Session
from hilcli.text import pad

if TYPE_CHECKING:
    from hilcli.assistants import Assistant
    from hilcli.config import Settings
    from hilcli.events import PendingInterrupt
    from hilcli.frontend import Frontend

_T = TypeVar("_T")

#: The toolbar's word for how the last run ended.
_STATUS_WORDS = {"done": "idle", "interrupted": "waiting for input", "error": "error"}


def error_notice(exc: HilError) -> str:
    """How the chat and the inbox show an error and go on: its message, then its hint (what
    to do about it) on the same line."""
    return f"{exc.message} {exc.hint}" if exc.hint else exc.message


class Repl:
    """The `hil chat` loop."""

    def __init__(self, session: Session, settings: Settings, frontend: Frontend) -> None:
        """`frontend` is what the session talks through (directly, or wrapped by the prepared
        answers' terminal): the REPL draws with its display and reads with its reader."""
        self.session = session
        self.settings = settings
        self.frontend = frontend
        self.display = frontend.display
        assert frontend.reader is not None
        self.reader = frontend.reader
        self.commands: dict[str, tuple[Callable[[str], bool], str]] = {
            "/help": (self._help, "list the commands"),
            "/new": (self._new, "start a new thread"),
            "/thread": (self._thread, "show the current thread, or switch to one: /thread ID"),
            "/threads": (self._threads, "list recent threads"),
            "/assistant": (
                self._assistant,
                "list the server's assistants, or switch: /assistant NAME (also /graph)",
            ),
            "/graph": (self._assistant, "the same as /assistant"),
            "/state": (self._state, "show the thread's state: values, next nodes, questions"),
            "/input": (self._input, 'send a raw JSON input: /input {"topic": "cats"}'),
            "/answer": (self._answer, "answer the pending questions"),
            "/quit": (self._quit, "leave (also /exit, Ctrl-D)"),
            "/exit": (self._quit, "leave"),
        }
        #: What the thread is doing, for the toolbar.
        self.status = "idle"
        #: The server's assistants, as last listed (for `/assistant` and its Tab completion).
        self._assistants: list[Assistant] | None = None
        #: `/thread ID` continues a thread with its own assistant (unless `-a` was given, and
        #: `/assistant` was not used since).
        self._adopt_assistant = not settings.assistant_given
        session.on_new_thread = self._thread_created
        from hilcli.repl_history import install_time_travel

        install_time_travel(self)  # /history, /rewind, /edit; "edit" at breakpoint pauses
        self.reader.configure_repl(
            [(name, about) for name, (_, about) in self.commands.items()],
            self.toolbar,
            arguments=dict.fromkeys(("/assistant", "/graph"), self._assistant_choices),
        )

    def toolbar(self) -> str:
        """The bottom toolbar: server, assistant, thread and status."""
        return (
            f" {self.settings.url} · assistant {self.session.assistant_name} · "
            f"{self._thread_words()} · {self.status} "
        )

    def _thread_words(self) -> str:
        """`thread ID`, or `new thread` before the first message has created it."""
        thread_id = self.session.thread_id
        return f"thread {thread_id}" if thread_id else "new thread"

    def _thread_created(self, thread_id: str) -> None:
        self.display.notice(f"New thread {thread_id}")

    # -- loop -----------------------------------------------------------------------------

    def loop(self, *, resume_pending: bool = False, attach: bool = False) -> None:
        """Read and act until the person leaves."""
        self.display.notice(
            f"hil · {self.settings.url} · assistant {self.session.assistant_name} · "
            f"{self._thread_words()} · /help for commands, Ctrl-D to leave"
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
            hints = self.session.hints.using(self.session.assistant)
            self.display.notice(
                f"{why}; the question stays pending on thread {thread}: "
                f"`{hints.line('chat', '--thread', str(thread))}` asks it again "
                f"(or `{hints.line('inbox')}`)."
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
            if self._may_drop_pending("send this message"):
                self._send(text)

    def _send(self, text: str) -> None:
        self._act(lambda: self.session.send_message(text))

    # -- a question left waiting ------------------------------------------------------------

    def _pending_question(self) -> PendingInterrupt | None:
        """The first question the current thread was last seen waiting on, if any."""
        outcome = self.session.last_outcome
        if (
            outcome is None
            or outcome.thread_id != self.session.thread_id
            or outcome.status != "interrupted"
            or not outcome.interrupts
        ):
            return None
        return outcome.interrupts[0]

    def _may_drop_pending(self, doing: str) -> bool:
        """A new run supersedes the question the thread waits on: ask before `doing` that.

        True when nothing waits, or the person agrees to drop it; otherwise nothing is sent
        and the question stays for `/answer`.
        """
        from hilcli.interrupts import interrupt_summary

        question = self._pending_question()
        if question is None:
            return True
        try:  # someone else (the inbox, another hil) may have answered it meanwhile
            waiting = self.session.pending()
        except HilError:
            waiting = [question]
        if not waiting:
            self.session.last_outcome = None
            self._refresh_status()
            return True
        summary = interrupt_summary(waiting[0], 50)
        stop = "" if summary.endswith(("?", ".", "!", "…")) else "."
        try:
            choice = self.reader.read(
                f"A question is waiting: {summary}{stop} Drop it and {doing}? [y/N] "
            )
        except (EOFError, KeyboardInterrupt):
            choice = ""
        if choice.strip().lower() in ("y", "yes"):
            return True
        recall = " (Up brings it back)" if self.reader.interactive else ""
        self.display.notice(f"Not sent{recall}; the question still waits: /answer to answer it.")
        return False

    def _refresh_status(self) -> None:
        """The toolbar's status from where the thread was last seen to stand."""
        outcome = self.session.last_outcome
        if outcome is None or outcome.thread_id != self.session.thread_id:
            self.status = "idle"
        else:
            self.status = _STATUS_WORDS.get(outcome.status, outcome.status)

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
                self.session.last_outcome = None  # the run was stopped: the state moved on
                self.display.notice(exc.message)
                self._refresh_status()
                return
            except KeyboardInterrupt:
                self.display.notice(
                    "Not answered: the question stays pending (/answer to answer it)."
                )
                self._refresh_status()
                return
            except ThreadBusy:
                self._offer_busy(action)
                return
            except HilError as exc:
                self.display.notice(error_notice(exc))
                self._refresh_status()
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
            self.display.notice(f"{name:<10} {about}")
        self.display.notice("Enter sends; Alt-Enter or Esc-Enter adds a line; Tab completes.")
        self.display.notice(
            "At an answer prompt: /json VALUE sends JSON, //TEXT sends /TEXT, /help, /quit."
        )
        return True

    def _quit(self, _: str) -> bool:
        return False

    def _new(self, _: str) -> bool:
        self.display.notice("New thread: it starts with your next message." + self._left_behind())
        self.session.leave_thread()
        self.status = "idle"
        return True

    def _left_behind(self) -> str:
        """What to say of the current thread when leaving it: how to come back."""
        old = self.session.thread_id
        if old is None:
            return ""
        waits = " (its question still waits there)" if self._pending_question() else ""
        return f" The previous one stays reachable with /thread {old}{waits}."

    def _thread(self, arg: str) -> bool:
        if not arg:
            if self.session.thread_id is None:
                self.display.notice("No thread yet: your first message creates it.")
            else:
                self.display.notice(f"thread {self.session.thread_id}")
            return True
        adopt = self._adopt_assistant
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
        if thread_id is None:
            return
        state = self._guard(lambda: self.session.state_of(thread_id))
        if state is not None:
            self.display.conversation(state.get("values"), count)

    def _threads(self, _: str) -> bool:
        from hilcli.threads import summarize

        threads = self._guard(lambda: self.session.recent_threads(10))
        if threads is None:
            return True
        rows = [summarize(thread) for thread in threads if isinstance(thread, dict)]
        if not rows:
            self.display.notice("No threads yet.")
        else:
            self.display.threads(rows)
        return True

    def _state(self, _: str) -> bool:
        thread_id = self.session.thread_id
        if thread_id is None:
            self.display.notice("No thread yet: your first message creates it.")
            return True
        state = self._guard(lambda: self.session.state_of(thread_id))
        if state is not None:
            self.display.state(state)
        return True

    def _input(self, arg: str) -> bool:
        try:
            value = json.loads(arg)
        except ValueError as exc:
            self.display.notice(f"/input needs JSON: {exc}")
            return True
        if self._may_drop_pending("send this input"):
            self._act(lambda: self.session.converse(self.session.run(input=value)))
        return True

    def _answer(self, _: str) -> bool:
        if self.session.thread_id is None:
            self.display.notice("Nothing is waiting for an answer: no message was sent yet.")
            return True
        self._act(self._answer_if_pending)
        return True

    def _answer_if_pending(self) -> RunOutcome:
        """Ask what the thread waits for (`Session.waiting`: the rules `hil resume` and the
        inbox follow); say so when it waits for nothing."""
        try:
            outcome = self.session.waiting()
        except NotWaiting as exc:
            if exc.outcome.unread:  # a question hil cannot read: the error says what to do
                raise
            thread_id = exc.outcome.thread_id
            self.display.notice(f"Nothing is waiting for an answer on thread {thread_id}.")
            return exc.outcome
        return self.session.converse(outcome)

    # -- assistants -----------------------------------------------------------------------

    def _list_assistants(self) -> list[Assistant] | None:
        found = self._guard(self.session.assistants)
        if found is not None:
            self._assistants = found
        return found

    def _assistant_choices(self) -> list[tuple[str, str]]:
        """Tab's choices after `/assistant `: each assistant's name (listed once, on the first
        Tab), with its graph."""
        assistants = self._assistants
        if assistants is None:
            try:
                assistants = self._assistants = self.session.assistants()
            except HilError:
                return []
        choices: dict[str, str] = {}
        for item in assistants:
            choices.setdefault(item.label, f"graph {item.graph_id}")
            if item.graph_id:
                choices.setdefault(item.graph_id, f"graph {item.graph_id}")
        return sorted(choices.items())

    def _assistant(self, arg: str) -> bool:
        from hilcli.assistants import graph_ids, pick

        assistants = self._list_assistants()
        if assistants is None:
            return True
        current = pick(assistants, self.session.assistant)
        if not arg:
            if not assistants:
                self.display.notice("The server lists no assistants.")
            for item in assistants:
                mark = "*" if item == current else " "
                extra = "" if item.system else f" · {item.assistant_id}"
                self.display.notice(f"{mark} {pad(item.label, 18)} graph {item.graph_id}{extra}")
            self.display.notice("/assistant NAME switches (Tab completes the name).")
            return True
        chosen = pick(assistants, arg)
        if chosen is None:
            names = ", ".join(graph_ids(assistants)) or "none"
            self.display.notice(f"No assistant or graph named {arg!r}; the server has: {names}.")
            return True
        if chosen == current and self.session.assistant in (arg, chosen.assistant_id):
            self.display.notice(f"Already talking to {self.session.assistant_name}.")
            return True
        left = self._left_behind()
        # A graph id is sent as typed (the server runs the graph's own assistant); an
        # assistant's name is not an id, so its id is sent.
        self.session.use_assistant(
            arg if arg in (chosen.graph_id, chosen.assistant_id) else chosen.assistant_id,
            arg if arg in (chosen.graph_id, chosen.name) else chosen.label,
        )
        self._adopt_assistant = True
        self.status = "idle"
        self.display.notice(
            f"Assistant {self.session.assistant_name}: a new thread starts with your next "
            f"message.{left}"
        )
        return True

    def _guard(self, action: Callable[[], _T]) -> _T | None:
        try:
            return action()
        except HilError as exc:
            self.display.notice(error_notice(exc))
            return None
