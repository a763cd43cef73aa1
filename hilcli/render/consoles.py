"""Rich consoles on a command's streams, plain or coloured as its `Environment` says.

Below every drawing module (displays, transcripts, streamed text, tables): each asks here
whether a console draws on a terminal instead of asking the stream.
"""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console


class StreamConsole(Console):
    """A Rich console that knows whether its stream is a terminal, even when it draws plain.

    A plain console (`NO_COLOR`) on a terminal is no terminal to Rich, yet it has the
    terminal's width, may ring its bell and writes streamed text at once; the fact comes
    from the `Environment` (never from asking the stream), so a test's `StringIO` can stand
    for a terminal.
    """

    def __init__(self, *, on_terminal: bool, **options: Any) -> None:
        super().__init__(**options)
        self.on_terminal = on_terminal


def on_terminal(console: Console) -> bool:
    """Whether `console` draws on a terminal, with colours or without."""
    return console.is_terminal or (isinstance(console, StreamConsole) and console.on_terminal)


def make_console(file: IO[str], *, plain: bool | None = None, terminal: bool = False) -> Console:
    """A Rich console on `file` (a terminal when `terminal`); `plain` (by default: when it is
    no terminal) means no colours, no cursor movement, no spinner."""
    if plain is None:
        plain = not terminal
    # `no_color`: whether colours are wanted was decided from the `Environment`'s variables
    # (`Environment.stdout_is_plain`), not Rich's look at the process's. A plain console
    # off a terminal draws 100 columns wide.
    return StreamConsole(
        on_terminal=terminal,
        file=file,
        force_terminal=terminal and not plain,
        no_color=plain,
        highlight=False,
        emoji=False,
        width=100 if plain and not terminal else None,
    )
