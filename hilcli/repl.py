"""The chat REPL: read a message or a slash command, run it, answer what the run asks.

It drives a `Session` and reads lines through the frontend's reader; what the person sees is
drawn by the frontend's display.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from hilcli.errors import AnswerNotSent, AuthError, Cancelled, HilError, ServerUnreachable
from hilcli.session import RunOutcome, Session

if TYPE_CHECKING:
    from hilcli.config import Settings
    from hilcli.frontend import Frontend

_T = TypeVar("_T")


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
            "/thread": (self._thread, "show the current thread, or switch: /thread ID"),
            "/threads": (self._threads, "list recent threads"),
            "/state": (self._state, "show the thread's state values"),
            "/input": (self._input, 'send a raw JSON input: /input {"topic": "cats"}'),
            "/answer": (self._answer, "answer the pending questions"),
            "/quit": (self._quit, "leave (also /exit, Ctrl-D)"),
            "/exit": (self._quit, ""),
        }

    # -- loop -----------------------------------------------------------------------------

    def loop(self, *, resume_pending: bool = False) -> None:
        """Read and act until the person leaves."""
        self.display.notice(
            f"hil · {self.settings.url} · assistant {self.session.assistant} · "
            f"thread {self.session.thread_id} · /help for commands, Ctrl-D to leave"
        )
        if resume_pending:
            self._act(lambda: self.session.converse(self.session.outcome_now()))
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
        """Run an action that streams; report failures and come back to the prompt."""
        try:
            outcome = action()
        except Cancelled as exc:
            self.display.notice(exc.message)
            return
        except AnswerNotSent as exc:
            self.display.notice(f"{exc.message} It is kept: /answer offers it again.")
            return
        except KeyboardInterrupt:
            self.display.notice("Not answered: the question stays pending (/answer to answer it).")
            return
        except (ServerUnreachable, AuthError) as exc:
            self.display.notice(f"{exc.message}" + (f" {exc.hint}" if exc.hint else ""))
            return
        except HilError as exc:
            self.display.notice(exc.message)
            return
        if outcome.status == "interrupted" and outcome.interrupts:
            self.display.notice("The run still waits for input: /answer to answer it.")

    def _command(self, text: str) -> bool:
        name, _, arg = text.partition(" ")
        entry = self.commands.get(name)
        if entry is None:
            self.display.notice(f"Unknown command {name}; /help lists them.")
            return True
        return entry[0](arg.strip())

    # -- slash commands -------------------------------------------------------------------

    def _help(self, _: str) -> bool:
        for name, entry in self.commands.items():
            about = entry[1]
            if about:
                self.display.notice(f"{name:<9} {about}")
        return True

    def _quit(self, _: str) -> bool:
        return False

    def _new(self, _: str) -> bool:
        thread_id = self._guard(self.session.new_thread)
        if thread_id:
            self.display.notice(f"New thread {thread_id}")
        return True

    def _thread(self, arg: str) -> bool:
        if not arg:
            self.display.notice(f"thread {self.session.thread_id}")
            return True
        if self._guard(lambda: self.session.open_thread(arg)) is not None:
            self.display.notice(f"Switched to thread {arg}")
            self._act(lambda: self.session.converse(self.session.outcome_now()))
        return True

    def _threads(self, _: str) -> bool:
        threads = self._guard(lambda: self.session.client.search_threads(limit=10)) or []
        for thread in threads:
            self.display.notice(
                f"{thread.get('thread_id')}  {thread.get('status')}  {thread.get('updated_at', '')}"
            )
        return True

    def _state(self, _: str) -> bool:
        thread_id = self.session.thread_id
        if thread_id is None:
            return True
        state = self._guard(lambda: self.session.client.get_state(thread_id))
        if state is not None:
            self.display.notice(json.dumps(state.get("values"), indent=2, default=str)[:4000])
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
        self._act(lambda: self.session.converse(self.session.outcome_now()))
        return True

    def _guard(self, action: Callable[[], _T]) -> _T | None:
        try:
            return action()
        except HilError as exc:
            self.display.notice(exc.message)
            return None
