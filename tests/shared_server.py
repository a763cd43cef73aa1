"""One `langgraph dev` per server kind for the whole pytest run, shared by every xdist worker.

Without this, each xdist worker started its own servers (4 workers: 4 test-graph servers and
4 auth servers on a 2-core machine). Now:

* The process that runs the session (the xdist controller, or plain `pytest`) makes a
  private directory and a *lifeline*: a FIFO in it that it keeps open for writing and never
  writes to (`SharedServers.create`). Workers learn the directory through `workerinput`.
* The first worker that needs a kind of server takes an exclusive `flock` on `<kind>.lock`,
  and starts `python -m tests.shared_server CONFIG` in a session of its own, with the
  lifeline as its stdin. That keeper starts the `LocalServer`, prints its URL and keeps the
  server until its stdin ends: it outlives the worker that started it, and a Ctrl-C of
  pytest (sent to the terminal's process group) does not reach it. The worker writes the URL
  to `<kind>.json` and releases the lock; the other workers wait on the lock, then read it.
* When the session ends, the controller closes the lifeline (`SharedServers.stop_all`):
  every keeper reads end-of-file and stops its server (`LocalServer.stop` ends its process
  group). The controller waits for each keeper to be gone (each holds a lock on
  `<kind>.alive` while it lives) and kills what is left if one hangs. If the controller is
  killed (even by SIGKILL) the kernel closes the lifeline all the same; if a keeper is
  killed, `LocalServer`'s own watchdog stops its server.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from hilcli.errors import HilError
from hilcli.server.local import LocalServer

REPO_ROOT = Path(__file__).resolve().parent.parent

WORKERINPUT_KEY = "hil_shared_servers"
"""The `workerinput` key that hands the shared directory to xdist workers."""

STOP_TIMEOUT = 30.0
"""Seconds the controller waits for a keeper to stop its server before killing both."""

_LIFELINE = "lifeline"


class SharedServers:
    """The shared directory of one pytest run: its lifeline and the servers started in it."""

    def __init__(self, directory: Path, lifeline_fd: int | None = None) -> None:
        self.directory = directory
        self._lifeline_fd = lifeline_fd
        self._keepers: list[subprocess.Popen[bytes]] = []

    # -- the controller's side ------------------------------------------------------------

    @classmethod
    def create(cls) -> SharedServers:
        """A new directory with a lifeline held open by this process (the controller)."""
        directory = Path(tempfile.mkdtemp(prefix="hil-shared-servers-"))
        lifeline = directory / _LIFELINE
        os.mkfifo(lifeline, 0o600)
        # Read-write, so the open does not wait for a reader; never inherited (PEP 446), so
        # only this process keeps the servers alive.
        return cls(directory, os.open(lifeline, os.O_RDWR))

    def stop_all(self) -> list[str]:
        """Stop every server started in this run and remove the directory; the names of the
        kinds that had to be killed (their keeper did not stop in time)."""
        if self._lifeline_fd is not None:
            os.close(self._lifeline_fd)  # every keeper reads end-of-file now
            self._lifeline_fd = None
        # Every keeper that ever started holds `<kind>.alive`, even one whose worker was
        # interrupted before it could write `<kind>.json`.
        kinds = sorted(path.name.removesuffix(".alive") for path in self.directory.glob("*.alive"))
        killed = [kind for kind in kinds if not _gone_in_time(self.directory, kind)]
        for proc in self._keepers:  # plain pytest: the keepers are our children; reap them
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=STOP_TIMEOUT)
        shutil.rmtree(self.directory, ignore_errors=True)
        return killed

    # -- a worker's side ------------------------------------------------------------------

    def url(self, kind: str, config: Path, *, jobs: int | None = None) -> str:
        """The URL of the run's `kind` server (serving `config`), started if no worker has
        yet. Raises `HilError` with the server's reason if it could not start (in any worker)."""
        with open(self.directory / f"{kind}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # waits while another worker starts it
            info_path = self.directory / f"{kind}.json"
            if not info_path.exists():
                info = self._start(kind, config, jobs)
                info_path.write_text(json.dumps(info), encoding="utf-8")
            else:
                info = json.loads(info_path.read_text(encoding="utf-8"))
        if "error" in info:
            raise HilError(str(info["error"]))
        return str(info["url"])

    def _start(self, kind: str, config: Path, jobs: int | None) -> dict[str, Any]:
        command = [sys.executable, "-m", "tests.shared_server", str(self.directory), kind]
        command += [str(config)]
        command += [str(jobs)] if jobs else []
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        with (
            open(self.directory / _LIFELINE, "rb") as lifeline,
            open(self.directory / f"{kind}.keeper.log", "wb") as log,
        ):
            keeper = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdin=lifeline,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,  # not in the terminal's group: Ctrl-C stays ours
            )
        self._keepers.append(keeper)
        assert keeper.stdout is not None
        with keeper.stdout:
            line = keeper.stdout.readline()  # the keeper's one line: ready, or why not
        try:
            reply = json.loads(line)
        except ValueError:
            keeper.wait()
            log_text = (self.directory / f"{kind}.keeper.log").read_text(errors="replace")
            reply = {"error": f"the {kind} server's keeper exited: {log_text.strip()[-2000:]}"}
        if not isinstance(reply, dict):
            reply = {"error": f"the {kind} server's keeper said {line!r}"}
        return {"kind": kind, "keeper_pid": keeper.pid, **reply}


def _gone_in_time(directory: Path, kind: str) -> bool:
    """Wait for the `kind` keeper to exit (it holds `<kind>.alive` locked while it lives); if
    it does not within `STOP_TIMEOUT`, kill its process group and its server's."""
    done = threading.Event()

    def wait() -> None:
        with contextlib.suppress(OSError), open(directory / f"{kind}.alive", "a") as alive:
            fcntl.flock(alive, fcntl.LOCK_EX)  # granted when the keeper is gone
            done.set()

    threading.Thread(target=wait, name=f"wait-{kind}", daemon=True).start()
    if done.wait(STOP_TIMEOUT):
        return True
    try:
        info = json.loads((directory / f"{kind}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    for pid in (info.get("server_pid"), info.get("keeper_pid")):
        if isinstance(pid, int):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
    return False


def _keep(directory: Path, kind: str, config: str, jobs: int | None) -> int:
    """`python -m tests.shared_server DIR KIND CONFIG [JOBS]`: start the server, say its URL
    on stdout (one JSON line), keep it until stdin (the run's lifeline) ends, then stop it.
    `DIR/KIND.alive` stays locked while this process lives (the controller waits on it)."""
    alive = open(directory / f"{kind}.alive", "a")  # noqa: SIM115 (held until we exit)
    fcntl.flock(alive, fcntl.LOCK_EX)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))  # stop() runs below
    server = LocalServer(config, jobs=jobs)
    try:
        server.start()
    except HilError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        print(json.dumps({"error": f"{exc}{hint}"}), flush=True)
        return 1
    try:
        print(json.dumps({"url": server.url, "server_pid": server.pid}), flush=True)
        # Nothing more goes to the worker that started us: it may be gone already.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        sys.stdin.buffer.read()  # returns at end-of-file: the pytest run is over
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    _args = sys.argv[1:]
    sys.exit(_keep(Path(_args[0]), _args[1], _args[2], int(_args[3]) if len(_args) > 3 else None))
