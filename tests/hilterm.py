"""Drive `hil` in a real pseudo-terminal with pexpect, as a person would."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pexpect

ANSI = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>]"
)


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences."""
    return ANSI.sub("", text)


def pty_env(env: dict[str, str]) -> dict[str, str]:
    """The environment for a pty session: fixed size, no cursor-position requests."""
    env = dict(env)
    env.update({"PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "100", "LINES": "40", "TERM": "xterm"})
    return env


def spawn_hil(args: Sequence[str], env: dict[str, str], *, timeout: float = 30) -> pexpect.spawn:
    """`python -m hilcli ARGS` in a 100x40 pseudo-terminal."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "hilcli", *args],
        env=pty_env(env),
        encoding="utf-8",
        codec_errors="replace",
        timeout=timeout,
        dimensions=(40, 100),
    )
    return child


@contextmanager
def pty_session(
    args: Sequence[str], env: dict[str, str], *, timeout: float = 30
) -> Iterator[pexpect.spawn]:
    """`spawn_hil(args, env)` for a `with` block, closed on leaving even when the block fails
    (so `exitstatus` is known after it)."""
    child = spawn_hil(args, env, timeout=timeout)
    try:
        yield child
    finally:
        child.close()


def quit_chat(child: pexpect.spawn) -> None:
    """Back at the idle `you>` prompt, type `/quit`; `hil` must end."""
    child.expect("you>")
    child.sendline("/quit")
    child.expect(pexpect.EOF)
