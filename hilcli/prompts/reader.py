"""Line readers: where answers and messages come from.

A reader returns one line, raises `EOFError` when input ends (Ctrl-D) and lets
`KeyboardInterrupt` through (Ctrl-C).
"""

from __future__ import annotations

import sys
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


class PromptReader:
    """A prompt-toolkit prompt: line editing, history, multi-line with Alt-Enter."""

    interactive = True

    def __init__(self) -> None:
        from prompt_toolkit import PromptSession

        self._session: PromptSession[str] = PromptSession()

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        return self._session.prompt(prompt, default=default, multiline=multiline)
