"""Line readers: where answers and messages come from.

A reader returns one line, raises `EOFError` when input ends (Ctrl-D) and lets
`KeyboardInterrupt` through (Ctrl-C).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol, TextIO

from hilcli.text import cell_width, fold

#: What a reader is told of the chat's commands after one (`/assistant NAME`): the
#: command, and the function giving its choices (value, what it is).
ArgumentChoices = Mapping[str, Callable[[], Iterable[tuple[str, str]]]]


class LineReader(Protocol):
    """Reads one line of input after showing `prompt`."""

    interactive: bool

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        """One line (or block, with `multiline`); `default` is offered for editing."""

    def configure_repl(
        self,
        commands: Sequence[tuple[str, str]],
        toolbar: Callable[[], str] | None,
        *,
        arguments: ArgumentChoices | None = None,
    ) -> None:
        """The chat's `commands` (name, what it does) for Tab, and after a command in
        `arguments` the choices it gives; `toolbar`'s text for the bottom of the screen.
        Nothing, for a reader with neither completion nor toolbar (this default, which a
        class that names `LineReader` as its base inherits)."""
        return None


class StdinReader(LineReader):
    """Reads lines from a non-terminal standard input (pipes, scripts, tests): no Tab, no
    toolbar (`configure_repl` does nothing)."""

    interactive = False

    def __init__(self, stream: IO[str], echo: IO[str]) -> None:
        self.stream = stream
        self.echo = echo

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


def history_path(env: Mapping[str, str]) -> Path:
    """`$XDG_STATE_HOME/hil/history`, else `~/.local/state/hil/history` (from the
    environment variables `env`)."""
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    base = env.get("XDG_STATE_HOME") or str(home / ".local" / "state")
    return Path(base) / "hil" / "history"


def fit_prompt(prompt: str, columns: int) -> str:
    """`prompt` wrapped to a terminal `columns` wide, the input's line keeping room to type.

    prompt-toolkit cuts the lines above the input line, and a last line wider than the
    terminal used to leave the screen blank: every line is broken between words first.
    """
    lines = prompt.split("\n")
    fitted: list[str] = []
    for number, line in enumerate(lines, start=1):
        fitted.extend(fold(line, columns - 1 if number == len(lines) else columns))
    return "\n".join(fitted)


def fit_toolbar(text: str, columns: int) -> str:
    """A ` · `-separated toolbar on as many lines as `columns` needs, parts kept whole."""
    if cell_width(text) <= columns:
        return text
    lines: list[str] = []
    current = ""
    for part in (part.strip() for part in text.split(" · ")):
        joined = f"{current} · {part}" if current else f" {part}"
        if cell_width(joined) <= columns or not current:
            current = joined
            continue
        lines.append(current)
        current = f" {part}"
    lines.append(current)
    return "\n".join(piece for line in lines for piece in fold(line, columns))


class PromptReader:
    """A prompt-toolkit prompt with the comforts of a shell.

    History persisted per user (`history_path`), Ctrl-R search, Tab completion of slash
    commands, Alt-Enter or Esc-Enter for a new line (Enter sends; pasted text is kept whole,
    newlines included), and a bottom toolbar. With `multiline=True` (editing a block such as
    JSON) Enter adds a line and Esc-Enter sends, as prompt-toolkit does.
    """

    interactive = True

    def __init__(
        self, history: Path, *, stdin: TextIO | None = None, stdout: TextIO | None = None
    ) -> None:
        """`stdin`/`stdout`: the terminal's streams (the `Environment`'s); without them,
        those of prompt-toolkit's current app session (a test's pipe)."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, History, InMemoryHistory
        from prompt_toolkit.input import Input, create_input
        from prompt_toolkit.output import Output, create_output

        from hilcli.prompts.comforts import SlashCompleter, continuation, key_bindings

        store: History
        try:
            history.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            history.touch(mode=0o600, exist_ok=True)  # answers typed may be private
            store = FileHistory(str(history))
        except OSError:
            store = InMemoryHistory()
        self._enter_sends = True
        self.completer = SlashCompleter()
        terminal_in: Input | None = None if stdin is None else create_input(stdin)
        terminal_out: Output | None = None if stdout is None else create_output(stdout)
        self._session: PromptSession[str] = PromptSession(
            input=terminal_in,
            output=terminal_out,
            history=store,
            completer=self.completer,
            complete_while_typing=False,
            key_bindings=key_bindings(lambda: self._enter_sends),
            prompt_continuation=continuation,
            multiline=True,
        )

    def configure_repl(
        self,
        commands: Sequence[tuple[str, str]],
        toolbar: Callable[[], str] | None,
        *,
        arguments: ArgumentChoices | None = None,
    ) -> None:
        """Offer `commands` (name, what it does) on Tab, and after a command in `arguments`
        the choices it gives; show `toolbar`'s text at the bottom."""
        self.completer.commands = list(commands)
        self.completer.arguments = dict(arguments or {})
        if toolbar is None:
            self._session.bottom_toolbar = None
            return
        text = toolbar
        self._session.bottom_toolbar = lambda: fit_toolbar(text(), self.columns())

    def columns(self) -> int:
        """The terminal's width now (it can change between two draws)."""
        return self._session.output.get_size().columns

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        import asyncio  # loaded already: prompt-toolkit runs on it

        self._enter_sends = not multiline
        try:
            # A callable prompt is wrapped again at each draw, so a resize re-wraps it.
            return self._session.prompt(lambda: fit_prompt(prompt, self.columns()), default=default)
        except asyncio.CancelledError:
            # A Ctrl-C that lands while prompt-toolkit starts or ends its event loop cancels
            # its task instead of reaching its key binding (seen once in a hundred runs under
            # load, as a traceback): the same key, so the same meaning.
            raise KeyboardInterrupt from None
