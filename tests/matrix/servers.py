"""Start each kind of server of the matrix on a free 127.0.0.1 port, and stop it cleanly.

Kinds: `dev` (our own venv's `langgraph dev`, via `hilcli.server.LocalServer` like the rest of
the suite), `legacy-0.2` and `legacy-0.4` (`langgraph dev` from older generations),
`langhost` (langgraph-api on PostgreSQL + Redis) and `aegra` (Aegra on PostgreSQL). Every
server serves tests/graphs_matrix/langgraph.json (made portable, in a private temporary
working directory), with no analytics, no version check, no tracing and no LangSmith key, and
is ready when its health route answers 200 (`/ok`; Aegra: `/health`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Protocol

from hilcli.server.graph_config import portable_config
from hilcli.server.local import OFFLINE_ENV, LocalServer, free_port
from tests.matrix.process import Process, StartError
from tests.matrix.services import Postgres, Redis
from tests.matrix.venvs import console_script, ensure_venv, tail

KINDS = ("dev", "legacy-0.2", "legacy-0.4", "langhost", "aegra")
MATRIX_CONFIG = Path(__file__).resolve().parent.parent / "graphs_matrix" / "langgraph.json"
START_TIMEOUT = 180.0
JOBS = 8
"""Runs each server executes at once (a test's leftover run must not hold up the next)."""

_DROPPED_PREFIXES = ("HIL_", "LANGSMITH_", "LANGCHAIN_", "LANGGRAPH_")
_DROPPED_KEYS = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class MatrixServer(Protocol):
    """What the tests get: which server, where it is, and what it logged."""

    kind: str
    url: str

    def log_tail(self, lines: int = 30) -> str: ...

    def stop(self) -> None: ...


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Our environment without LangSmith/LangGraph keys, hil settings or Python paths."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED_KEYS
    }
    env.update(OFFLINE_ENV)
    env.update(extra or {})
    return env


def healthy(url: str) -> bool:
    """True when GET `url` answers 200 (never through a proxy)."""
    try:
        with _NO_PROXY.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


class DevServer:
    """`dev`: the project's own `langgraph dev`, exactly as tests/conftest.py starts it."""

    kind = "dev"

    def __init__(self) -> None:
        self._server = LocalServer(MATRIX_CONFIG, jobs=JOBS, startup_timeout=START_TIMEOUT)
        self.url = ""

    def start(self) -> DevServer:
        try:
            self._server.start()
        except Exception as exc:  # HilError: its message names the log's last error
            raise StartError(f"dev server: {exc}\n{self._server.log_tail(30)}") from exc
        self.url = self._server.url
        return self

    def log_tail(self, lines: int = 30) -> str:
        return self._server.log_tail(lines)

    def stop(self) -> None:
        self._server.stop()


class VenvServer:
    """A server from its own cached venv, plus the services it needs."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.url = ""
        self.workdir = Path(tempfile.mkdtemp(prefix=f"hil-matrix-{kind}-"))
        self.log_path = self.workdir.with_name(self.workdir.name + ".log")
        self.log_path.touch()
        self._services: list[Postgres | Redis] = []
        self._process: Process | None = None

    def start(self) -> VenvServer:
        began = time.monotonic()
        try:
            venv = ensure_venv(self.kind)
            config = self.workdir / "langgraph.json"
            config.write_text(json.dumps(portable_config(MATRIX_CONFIG), indent=2), "utf-8")
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            command, env, health = self._plan(venv, config, port)
            self._process = Process(
                f"{self.kind} server",
                command,
                log_path=self.log_path,
                cwd=self.workdir,
                env=server_env(env),
            )
            self._process.wait_until(
                lambda: healthy(self.url + health), START_TIMEOUT, f"GET {health} answered 200"
            )
        except BaseException:
            self.stop()
            raise
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"[matrix] ready in {time.monotonic() - began:.1f} s\n")
        return self

    def _plan(self, venv: Path, config: Path, port: int) -> tuple[list[str], dict[str, str], str]:
        """The command, extra environment and health route of this kind."""
        where = ["--host", "127.0.0.1", "--port", str(port)]
        if self.kind.startswith("legacy-"):
            command = [*console_script(venv, "langgraph"), "dev", "--no-browser", "--no-reload"]
            command += [*where, "--config", str(config), "--n-jobs-per-worker", str(JOBS)]
            return command, {}, "/ok"
        postgres = self._service(Postgres())
        if self.kind == "langhost":
            redis = self._service(Redis(venv))
            command = [*console_script(venv, "langhost"), "serve", *where, "-c", str(config)]
            command += ["--no-browser", "--n-jobs-per-worker", str(JOBS)]
            return command, {"DATABASE_URI": postgres.uri, "REDIS_URI": redis.uri}, "/ok"
        if self.kind == "aegra":
            command = [*console_script(venv, "aegra"), "serve", *where, "-c", str(config)]
            database = postgres.uri.replace("postgres://", "postgresql://", 1)
            return command, {"DATABASE_URL": database, "AUTH_TYPE": "noop"}, "/health"
        raise ValueError(f"unknown server kind {self.kind!r}")

    def _service(self, service: Postgres | Redis) -> Postgres | Redis:
        self._services.append(service)  # registered first: stopped even if start fails
        service.start()
        return service

    def log_tail(self, lines: int = 30) -> str:
        return tail(self.log_path, lines)

    def stop(self) -> None:
        """Stop the server, then its services; remove the temporary files."""
        if self._process is not None:
            self._process.stop()
            self._process = None
        while self._services:
            self._services.pop().stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.log_path.unlink()


def start_server(kind: str) -> MatrixServer:
    """Start the server `kind` (building its venv first if needed); raise if it cannot."""
    server: DevServer | VenvServer = DevServer() if kind == "dev" else VenvServer(kind)
    return server.start()
