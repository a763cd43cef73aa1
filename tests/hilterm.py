"""Drive `hil` in a real pseudo-terminal with pexpect, as a person would."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pexpect

ANSI = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>]"
)


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences."""
    return ANSI.sub("", text)


def pty_env(env: dict[str, str], *, color: bool = False) -> dict[str, str]:
    """The environment for a pty session: fixed size, no cursor-position requests."""
    env = dict(env)
    env.update({"PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "100", "LINES": "40", "TERM": "xterm"})
    if color:
        env.pop("NO_COLOR", None)
    return env


def spawn_hil(
    args: Sequence[str], env: dict[str, str], *, cwd: Path | None = None, timeout: float = 30
) -> pexpect.spawn:
    """`python -m hilcli ARGS` in a 100x40 pseudo-terminal."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "hilcli", *args],
        env=pty_env(env),
        cwd=str(cwd) if cwd else None,
        encoding="utf-8",
        codec_errors="replace",
        timeout=timeout,
        dimensions=(40, 100),
    )
    return child
