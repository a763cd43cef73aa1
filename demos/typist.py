"""Drive `hil` in a pseudo-terminal the way a person does: read the screen, type, press Enter.

Each demo script is a function `play(typist)` that types into `hil chat` (or `hil inbox`) and
waits for what the screen must show next. `main(play, ...)` runs it for a person to watch:
it starts the bundled demo server (`LocalServer` with hilcli/server/demo/langgraph.json), shows the
real terminal output, and types with visible pacing. The test suite runs the same `play`
with no pacing and checks the screen (tests/test_demos.py).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from io import StringIO
from pathlib import Path
from typing import Any, TextIO

import pexpect

REPO_ROOT = Path(__file__).resolve().parent.parent

ANSI = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>]"
)
ESC_ENTER = "\x1b\r"
"""Esc then Enter: sends a multi-line answer (an edited JSON) in `hil`'s prompts."""
CLEAR_LINE = "\x15"
"""Ctrl-U: erase the line up to the cursor."""
BACKSPACE = "\x7f"


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences."""
    return ANSI.sub("", text)


class _Tee:
    """A pexpect log that keeps everything and, for a watcher, also writes it to a stream."""

    def __init__(self, watcher: TextIO | None) -> None:
        self.kept = StringIO()
        self.watcher = watcher

    def write(self, text: str) -> None:
        self.kept.write(text)
        if self.watcher is not None:
            self.watcher.write(text)
            self.watcher.flush()

    def flush(self) -> None:
        if self.watcher is not None:
            self.watcher.flush()


class Typist:
    """A person at a `hil` terminal: types with pacing and waits for what the screen shows."""

    def __init__(self, child: pexpect.spawn, log: _Tee, pace: float) -> None:
        self.child = child
        self.log = log
        self.pace = pace

    @property
    def screen(self) -> str:
        """Everything the terminal showed so far, escape sequences removed."""
        return strip_ansi(self.log.kept.getvalue())

    def pause(self, beats: float = 1.0) -> None:
        """Think for a moment (only when paced)."""
        if self.pace:
            time.sleep(self.pace * 10 * beats)

    def type(self, text: str) -> None:
        """Type `text` key by key, at a person's speed when paced."""
        for key in text:
            self.child.send(key)
            if self.pace:
                time.sleep(self.pace * random.uniform(0.5, 1.5))

    def enter(self, text: str = "") -> None:
        """Type `text`, then press Enter."""
        self.pause()
        self.type(text)
        self.child.send("\r")

    def keys(self, keys: str) -> None:
        """Press special keys (Ctrl-U, Backspace, Esc…), a little slower than typing."""
        for key in keys:
            self.child.send(key)
            if self.pace:
                time.sleep(self.pace * 2)

    def wait_for(self, pattern: str, timeout: float = 60) -> str:
        """Wait until the terminal shows `pattern` (a regular expression); the matched text."""
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as exc:
            tail = self.screen[-3000:]
            raise AssertionError(
                f"the screen never showed {pattern!r}; it shows (end):\n{tail}"
            ) from exc
        matched = self.child.after
        return matched if isinstance(matched, str) else ""

    def leave(self) -> int:
        """Type /quit and wait for `hil` to exit; its exit status (128 + N if signal N ended it,
        as a shell reports it, so a killed `hil` never passes for a clean exit)."""
        self.enter("/quit")
        self.child.expect(pexpect.EOF, timeout=30)
        self.child.close()
        if self.child.exitstatus is None:
            return 128 + int(self.child.signalstatus or 0)
        return int(self.child.exitstatus)


def spawn(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    pace: float = 0.0,
    watcher: TextIO | None = None,
) -> Typist:
    """`python -m hilcli ARGS` in a pseudo-terminal (`LINES` x `COLUMNS` of env, else 40x100)."""
    full_env = dict(env)
    size = (int(env.get("LINES") or 40), int(env.get("COLUMNS") or 100))
    full_env.update({"PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": str(size[1]), "LINES": str(size[0])})
    full_env.setdefault("TERM", "xterm-256color")
    log = _Tee(watcher)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "hilcli", *args],
        env=full_env,
        encoding="utf-8",
        codec_errors="replace",
        timeout=60,
        dimensions=size,
    )
    child.logfile_read = log
    return Typist(child, log, pace)


def person_env() -> dict[str, str]:
    """The watcher's environment, minus settings that would point `hil` elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIL_")}
    env["HIL_CONFIG"] = str(Path(os.devnull))
    paths = [str(REPO_ROOT), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


Play = Callable[[str, Mapping[str, str], float, TextIO | None], Any]
"""A demo: `play(url, env, pace, watcher)` drives `hil` against the server at `url`."""


def main(play: Play, about: str) -> None:
    """Run a demo for a person to watch: `--pace` seconds per key, `--url` of a server."""
    parser = argparse.ArgumentParser(description=about)
    parser.add_argument("--pace", type=float, default=0.06, help="seconds per key (0: no pause)")
    parser.add_argument("--url", help="use this server instead of starting the demo server")
    args = parser.parse_args()
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from hilcli.server.local import DEMO_CONFIG, LocalServer

            print("Starting the demo server (in-memory LangGraph Agent Server)…", flush=True)
            url = stack.enter_context(LocalServer(DEMO_CONFIG)).url
        size = shutil.get_terminal_size((100, 40))
        os.environ["COLUMNS"], os.environ["LINES"] = str(size.columns), str(size.lines)
        play(url, person_env(), args.pace, sys.stdout)
    print("\n(demo finished)")
