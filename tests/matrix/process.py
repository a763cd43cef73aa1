"""A child process in its own process group, logging to a file, stopped with its whole group."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.matrix.venvs import tail

WATCHDOG = Path(__file__).resolve().parent / "watchdog.py"
POLL = 0.1


class StartError(Exception):
    """A service or server did not come up; the message ends with its log's tail."""


class Process:
    """`command` run behind the watchdog, in a new session, stdout+stderr to `log_path`."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        log_path: Path,
        cwd: Path,
        env: Mapping[str, str],
        user: str | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
    ) -> None:
        self.name = name
        self.log_path = log_path
        self.stop_signal = stop_signal
        prefix = [sys.executable, str(WATCHDOG), *(["--user", user] if user else [])]
        with open(log_path, "ab") as log:
            self._proc = subprocess.Popen(
                [*prefix, *command],
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self._proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        return tail(self.log_path, lines)

    def failure(self, what: str) -> StartError:
        return StartError(f"{self.name} {what}\n--- {self.log_path} (tail) ---\n{self.log_tail()}")

    def wait_until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll `ready()` until it is true; fail early if the process died."""
        deadline = time.monotonic() + timeout
        while not ready():
            if not self.alive():
                raise self.failure(f"exited with status {self._proc.returncode} before {what}")
            if time.monotonic() > deadline:
                raise self.failure(f"did not become ready ({what}) within {timeout:g} s")
            time.sleep(POLL)  # poll

    def stop(self, timeout: float = 10.0) -> None:
        """Signal the whole group, wait, SIGKILL what is left; idempotent."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        pgid = self._proc.pid
        for sig in (self.stop_signal, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, sig)
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                continue
            break
        # The leader is gone; the group's other members must go too.
        deadline = time.monotonic() + timeout
        with contextlib.suppress(ProcessLookupError, PermissionError):
            while time.monotonic() < deadline:
                os.killpg(pgid, signal.SIGKILL)
                time.sleep(POLL / 5)  # poll until killpg finds no member
