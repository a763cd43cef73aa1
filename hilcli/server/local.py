"""Run the real in-memory LangGraph Agent Server (`langgraph dev`) as a child process.

`LocalServer` is what `hil demo` and the test-suite use::

    with LocalServer() as server:               # the bundled demo graphs
        print(server.url)                       # http://127.0.0.1:PORT

    with LocalServer("tests/graphs/langgraph.json", startup_timeout=60) as server:
        ...

How it works, and why:

* `langgraph dev` resolves the graph paths of `langgraph.json` (and `dependencies`, `env`,
  `auth.path`, `http.app`) against its *working directory*, and persists its in-memory
  database to `./.langgraph_api/`. We run it in a private temporary directory, so nothing
  lands in the user's project, with a copy of the config whose relative paths were made
  absolute against the config file's own directory.
* The requested port can be taken between our probe and the server's bind; the server then
  silently picks another one. We read the port the server really uses from its log (the
  `API: http://HOST:PORT` banner) before polling `GET /ok`. With `exact_port` (`hil demo
  --port`) a busy port, found before starting or after, is an error instead.
* Everything the server prints goes to a log file; if the process dies before `/ok` answers,
  the last error line of that log becomes the `HilError` message.
* The server runs in its own session (process group); `stop()` terminates the whole group,
  waits, and kills it if it does not go. A finalizer does the same if the object is dropped
  or the interpreter exits while the server still runs. And because even that does not run
  when we are killed with SIGKILL, the server is started as `python -m hilcli.server.local dev …`:
  a watchdog thread there stops the group as soon as its stdin (a pipe from us) closes.

Only the standard library is used here (no httpx at import time).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from hilcli.errors import HilError, UsageError
from hilcli.server.graph_config import portable_config

DEMO_CONFIG = Path(__file__).resolve().parent / "demo" / "langgraph.json"
"""The `langgraph.json` of the example graphs bundled with hil."""

INSTALL_HINT = "Install the demo extra: pip install 'hilcli[demo]'"

# Variables that would make the server talk to LangSmith (tracing, metadata loop, license).
_REMOVED_ENV = (
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "LANGGRAPH_API_KEY",
    "LANGSMITH_CONTROL_PLANE_API_KEY",
    "LANGGRAPH_CLOUD_LICENSE_KEY",
)
OFFLINE_ENV = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "LOG_COLOR": "false",
    "NO_COLOR": "1",
    "PYTHONUNBUFFERED": "1",
}
"""Set for every server hil or its tests start: no analytics, no version check, no tracing,
no colour in its log (protocol.md, section 6)."""

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_API_LINE = re.compile(r"API:\s*https?://(?:\[[^\]\s]*\]|[^\s:/\[]+):(\d+)")
_PORT_FALLBACK = re.compile(r"using port (\d+) instead")
_EXCEPTION_LINE = re.compile(
    r"^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt)): (.+)$"
)
_CLICK_ERROR = re.compile(r"^Error: (.+)$")

_POLL_INTERVAL = 0.05


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now (it may be taken again at any time)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(host: str, port: int) -> bool:
    """Whether `port` can be bound on `host` right now, as the server binds it (reusing a
    port in TIME_WAIT), so only a port something listens on counts as busy."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def langgraph_dev_available() -> bool:
    """True when `langgraph dev` with the in-memory runtime can run in this interpreter."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("langgraph_cli", "langgraph_api", "langgraph_runtime_inmem")
    )


class LocalServer:
    """A `langgraph dev` server on a loopback port, started and stopped by us.

    Use it as a context manager, or call `start()` and `stop()` (stop is idempotent).
    `url`, `port` and `log_path` are available once `start()` returned.
    """

    def __init__(
        self,
        config: str | os.PathLike[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 60.0,
        log_path: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        jobs: int | None = None,
        stop_timeout: float = 10.0,
        exact_port: bool = False,
    ) -> None:
        """Prepare (not start) a server.

        Args:
            config: the `langgraph.json` to serve; the bundled demo graphs by default.
            host: the interface to listen on; keep it on loopback.
            port: the port to ask for; a free one by default. If it is busy the server
                picks another one, and `port`/`url` report the one really used.
            startup_timeout: seconds to wait for `GET /ok` before giving up.
            log_path: where to write the server's output (kept). By default a temporary
                file next to the server's temporary working directory, removed by `stop()`
                but kept when the start failed, so the failure can be read.
            env: extra environment variables for the server process.
            jobs: how many runs the server executes at once (`--n-jobs-per-worker`);
                `langgraph dev` runs one at a time by default and queues the others.
            stop_timeout: seconds `stop()` waits after SIGTERM before it sends SIGKILL.
            exact_port: a `port` that is busy is an error (`UsageError`) instead of a reason
                to take another: for a person who asked for that port (`hil demo --port`)
                and will point other programs at it.
        """
        self.config_path = Path(config if config is not None else DEMO_CONFIG).resolve()
        self.host = host
        self._requested_port = port
        self.startup_timeout = startup_timeout
        self._log_path_arg = Path(log_path).resolve() if log_path is not None else None
        self._extra_env = dict(env or {})
        self.jobs = jobs
        self.stop_timeout = stop_timeout
        self.exact_port = exact_port
        self._workdir: Path | None = None
        self._log_path: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self._port: int | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self.startup_seconds: float | None = None
        """How long `start()` took, once it returned."""

    # -- public surface -------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on (or listened on, once stopped)."""
        if self._port is None:
            raise RuntimeError("LocalServer is not started")
        return self._port

    @property
    def url(self) -> str:
        """The base URL of the server, e.g. `http://127.0.0.1:8123` (no trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def log_path(self) -> Path:
        """The file that receives the server's stdout and stderr."""
        if self._log_path is None:
            raise RuntimeError("LocalServer is not started")
        return self._log_path

    @property
    def pid(self) -> int | None:
        """The process id (and process-group id) of the last server started, even once stopped."""
        return self._pid

    @property
    def workdir(self) -> Path | None:
        """The server's temporary working directory while it runs (None once removed)."""
        return self._workdir

    def is_running(self) -> bool:
        """True while the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> LocalServer:
        """Start the server and wait until `GET /ok` answers; raise `HilError` if it cannot."""
        if self._proc is not None:
            raise RuntimeError("LocalServer is already started")
        self.check_port()
        if not langgraph_dev_available():
            raise HilError(
                "The local LangGraph server (langgraph-cli with the in-memory runtime) "
                "is not installed.",
                hint=INSTALL_HINT,
            )
        began = time.monotonic()
        config = portable_config(self.config_path)
        workdir = Path(tempfile.mkdtemp(prefix="hil-server-"))
        self._workdir = workdir
        self._log_path = self._log_path_arg or workdir.with_name(workdir.name + ".log")
        self._port = None
        try:
            server_config = workdir / "langgraph.json"
            server_config.write_text(json.dumps(config, indent=2), encoding="utf-8")
            self._spawn(server_config, self._requested_port or free_port(self.host))
            self._wait_until_ready(began + self.startup_timeout)
            if self.exact_port and self._requested_port and self._port != self._requested_port:
                raise self._port_busy()  # taken between our check and the server's bind
        except HilError:
            self._terminate()
            self._remove_files(keep_log=True)  # the log explains the failure
            raise
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        """Stop the server (the whole process group) and remove its working directory."""
        self._terminate()
        self._remove_files(keep_log=self._log_path_arg is not None)

    def log_tail(self, lines: int = 20) -> str:
        """The last `lines` lines of the server log, without colour codes."""
        return "\n".join(_read_log(self._log_path).splitlines()[-lines:])

    # -- internals ------------------------------------------------------------------------

    def check_port(self) -> None:
        """A requested port must be a TCP port (1-65535; 0 or None: any free one) and, with
        `exact_port`, free: the server would crash on the one, silently move on the other."""
        port = self._requested_port
        if port is None or port == 0:
            return
        if not 1 <= port <= 65535:
            raise UsageError(f"Port {port} is not a TCP port: use 1-65535 (or 0 for any free one).")
        if self.exact_port and not _port_is_free(self.host, port):
            raise self._port_busy()

    def _port_busy(self) -> UsageError:
        return UsageError(
            f"Port {self._requested_port} on {self.host} is already in use.",
            hint="Pick another port, or 0 for any free one.",
        )

    def _remove_files(self, *, keep_log: bool) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        if not keep_log and self._log_path is not None:
            self._log_path.unlink(missing_ok=True)

    def _command(self, config: Path, port: int) -> list[str]:
        args = [
            "dev",
            "--no-browser",
            "--no-reload",
            "--host",
            self.host,
            "--port",
            str(port),
            "--config",
            str(config),
            *(["--n-jobs-per-worker", str(self.jobs)] if self.jobs else []),
        ]
        # `python -m langgraph_cli ARGS` behind a watchdog (`_serve` below) that stops the
        # server's process group when its stdin closes, i.e. when we die, even by SIGKILL.
        return [sys.executable, "-m", "hilcli.server.local", *args]

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _REMOVED_ENV}
        env.update(OFFLINE_ENV)
        # The graphs (bundled or tests') may import hilcli; make sure the server process
        # imports the same copy we are, even when it is not installed.
        paths = [str(Path(__file__).resolve().parent.parent)]
        paths += [str(Path(p).resolve()) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        env.update(self._extra_env)
        return env

    def _spawn(self, config: Path, port: int) -> None:
        assert self._workdir is not None and self._log_path is not None
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._log_path, "wb") as log:
            self._proc = subprocess.Popen(
                self._command(config, port),
                cwd=self._workdir,
                env=self._environment(),
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._pid = self._proc.pid
        self._finalizer = weakref.finalize(self, _terminate_process, self._proc, self.stop_timeout)

    def _wait_until_ready(self, deadline: float) -> None:
        assert self._proc is not None
        while True:
            returncode = self._proc.poll()
            if returncode is not None:
                raise self._startup_error(f"exited with status {returncode} before it was ready")
            if self._port is None:
                self._port = _port_from_log(_read_log(self._log_path))
            if self._port is not None and _ok(self.url):
                return
            if time.monotonic() >= deadline:
                raise self._startup_error(
                    f"did not answer GET /ok within {self.startup_timeout:g} s"
                )
            time.sleep(_POLL_INTERVAL)  # poll

    def _startup_error(self, what: str) -> HilError:
        text = _read_log(self._log_path)
        summary = _error_summary(text)
        message = f"The local LangGraph server {what}"
        message += f": {summary}" if summary else "."
        hint = f"Server log: {self._log_path}"
        if re.search(r"No module named '?(langgraph_api|langgraph_runtime|langgraph_cli)", text):
            hint = f"{INSTALL_HINT}. {hint}"
        return HilError(message, hint=hint)

    def _terminate(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if self._proc is not None:
            _terminate_process(self._proc, self.stop_timeout)
            self._proc = None


def _terminate_process(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process group, wait, SIGKILL it if needed, and reap the leader."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue
        break
    # The leader is gone; make sure nothing else of its group survives it, and give the
    # kernel a moment to finish them (members already reaped make killpg fail).
    deadline = time.monotonic() + min(timeout, 2.0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
        while time.monotonic() < deadline:
            os.killpg(proc.pid, 0)
            time.sleep(_POLL_INTERVAL / 5)  # poll


_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _ok(url: str) -> bool:
    """True if `GET {url}/ok` answers `{"ok": true}` (never through an HTTP proxy)."""
    try:
        with _NO_PROXY_OPENER.open(f"{url}/ok", timeout=2) as response:
            body = json.loads(response.read() or b"{}")
            return response.status == 200 and isinstance(body, dict) and body.get("ok") is True
    except (OSError, ValueError):
        return False


def _read_log(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        raw = path.read_bytes()
    except OSError:
        return ""
    return _ANSI.sub("", raw.decode("utf-8", errors="replace"))


def _port_from_log(text: str) -> int | None:
    """The port the server announced (its banner is printed before it binds)."""
    match = _API_LINE.search(text)
    if match:
        return int(match.group(1))
    fallback = _PORT_FALLBACK.search(text)
    return int(fallback.group(1)) if fallback else None


def _error_summary(text: str) -> str:
    """The most telling line of a failed server's log: its last exception, else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        match = _EXCEPTION_LINE.match(line)
        if match:
            return f"{match.group(1)}: {match.group(2)}"
    for line in reversed(lines):
        match = _CLICK_ERROR.match(line)
        if match:
            return match.group(1)
    return lines[-1] if lines else ""


def _serve() -> None:
    """`python -m hilcli.server.local ARGS`: run `langgraph ARGS` and die with our parent.

    The parent holds the write end of our stdin and never writes to it; when the parent
    exits, however abruptly, the pipe closes and the watchdog terminates our process group.
    """

    def watch() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the process that started us is gone
        os.killpg(os.getpgrp(), signal.SIGTERM)
        time.sleep(10)  # grace period before the hard kill, not synchronisation
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="hil-watchdog", daemon=True).start()
    sys.argv[0] = "langgraph"
    runpy.run_module("langgraph_cli", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _serve()
