"""What a command receives from the process it runs in, as one value passed down.

The standard streams, whether each is a terminal, the environment variables, the clock,
and how the client reaches the server (an HTTP transport and timeouts) are read from the
process in one place, `Environment.from_process()`, called once by `hilcli.cli`. Every
layer below takes them from the `Environment` it is given and never reads `sys.stdin`,
`sys.stdout`, `os.environ` or `time` itself. So a test runs a command in-process with
`io.StringIO` streams, a made-up set of variables and an httpx `MockTransport`, and sees
exactly what the command would print; and "what does this command depend on?" has one
answer.

This module is the bottom layer: it imports nothing of hil, and nothing heavy, so building
the value costs nothing at start-up.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass(frozen=True)
class Clock:
    """The time the program waits by: `monotonic()` measures, `sleep()` waits.

    Passed down rather than read from `time`, so a test can run the backoff and polling
    loops without waiting (its `sleep` only records what it was asked).
    """

    monotonic: Callable[[], float]
    sleep: Callable[[float], None]


#: The process's clock: a parameter that defaults to it still takes its time from here.
SYSTEM_CLOCK = Clock(time.monotonic, time.sleep)


def _is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (a closed or detached stream is not)."""
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


@dataclass(frozen=True)
class Environment:
    """The process a command runs in: streams, terminal facts, variables, clock, HTTP.

    A frozen value, built once (`from_process()` for the real process; a test builds its
    own) and handed down; nothing below `hilcli.cli` asks the process these things again.
    The terminal facts are fields rather than `isatty()` calls so that a test can say "this
    `StringIO` is a terminal" (or is not) without a pty.
    """

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    variables: Mapping[str, str] = field(default_factory=dict)
    """The environment variables (`HIL_*`, `NO_COLOR`, `XDG_*`, `VISUAL`/`EDITOR`, ...)."""
    stdin_is_terminal: bool = False
    stdout_is_terminal: bool = False
    stderr_is_terminal: bool = False
    clock: Clock = SYSTEM_CLOCK
    transport: Any = None
    """The client's `httpx.BaseTransport`, or None for httpx's own (the network). Typed
    `Any` here: httpx belongs in `hilcli.client`, which alone looks inside it."""
    timeout: Any = None
    """The client's `httpx.Timeout`, or None for `hilcli.client.DEFAULT_TIMEOUT`."""

    @classmethod
    def from_process(cls) -> Environment:
        """The running process's streams, variables and clock (`hilcli.cli` calls it once).

        A standard stream the process was started without (`sys.stdin` is None when its
        descriptor was closed) reads as empty, or swallows what is written to it.
        """
        stdin = sys.stdin if sys.stdin is not None else io.StringIO("")
        stdout = sys.stdout if sys.stdout is not None else io.StringIO()
        stderr = sys.stderr if sys.stderr is not None else io.StringIO()
        return cls(
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            variables=dict(os.environ),
            stdin_is_terminal=_is_terminal(stdin),
            stdout_is_terminal=_is_terminal(stdout),
            stderr_is_terminal=_is_terminal(stderr),
        )

    @property
    def no_color(self) -> bool:
        """`NO_COLOR` is set (to anything but the empty string): no colours anywhere."""
        return bool(self.variables.get("NO_COLOR"))

    @property
    def stdout_is_plain(self) -> bool:
        """Standard output gets plain text: it is not a terminal, or `NO_COLOR` is set."""
        return not self.stdout_is_terminal or self.no_color

    @property
    def stderr_is_plain(self) -> bool:
        """Standard error gets plain text: it is not a terminal, or stdout is plain (the
        two share the screen: colours on one only would look like a mistake)."""
        return not self.stderr_is_terminal or self.stdout_is_plain

    @property
    def interactive(self) -> bool:
        """A person at a terminal: standard input and output both are one."""
        return self.stdin_is_terminal and self.stdout_is_terminal
