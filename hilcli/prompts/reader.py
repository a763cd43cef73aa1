"""Line readers: where answers and messages come from.

A reader returns one line, raises `EOFError` when input ends (Ctrl-D) and lets
`KeyboardInterrupt` through (Ctrl-C).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol


class LineReader(Protocol):
    """Reads one line of input after showing `prompt`."""

    interactive: bool

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        """One line (or block, with `multiline`); `default` is offered for editing."""


class StdinReader:
    """Reads lines from a non-terminal standard input (pipes, scripts, tests)."""

    interactive = False

    def __init__(self, stream: IO[str] | None = None, echo: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdin
        self.echo = echo or sys.stdout

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        self.echo.write(prompt)
        self.echo.flush()
        line = self.stream.readline()
        if not line:
            self.echo.write("\n")
            raise EOFError
        text = line.rstrip("\r\n")
        self.echo.write(text + "\n")
        return text or default


def history_path(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_STATE_HOME/hil/history`, else `~/.local/state/hil/history`."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "hil" / "history"


class PromptReader:
    """A prompt-toolkit prompt with the comforts of a shell.

    History persisted per user (`history_path`), Ctrl-R search, Tab completion of slash
    commands, Alt-Enter or Esc-Enter for a new line (Enter sends; pasted text is kept whole,
    newlines included), and a bottom toolbar. With `multiline=True` (editing a block such as
    JSON) Enter adds a line and Esc-Enter sends, as prompt-toolkit does.
    """

    interactive = True

    def __init__(self, history: Path | None = None) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, History, InMemoryHistory

        from hilcli.prompts.comforts import SlashCompleter, continuation, key_bindings

        path = history_path() if history is None else history
        store: History
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.touch(mode=0o600, exist_ok=True)  # answers typed may be private
            store = FileHistory(str(path))
        except OSError:
            store = InMemoryHistory()
        self.history_file = path
        self._enter_sends = True
        self.completer = SlashCompleter()
        self._session: PromptSession[str] = PromptSession(
            history=store,
            completer=self.completer,
            complete_while_typing=False,
            key_bindings=key_bindings(lambda: self._enter_sends),
            prompt_continuation=continuation,
            multiline=True,
        )

    def configure_repl(
        self, commands: Sequence[tuple[str, str]], toolbar: Callable[[], str] | None
    ) -> None:
        """Offer `commands` (name, what it does) on Tab and show `toolbar`'s text at the bottom."""
        self.completer.commands = list(commands)
        self._session.bottom_toolbar = toolbar

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        self._enter_sends = not multiline
        return self._session.prompt(prompt, default=default)
