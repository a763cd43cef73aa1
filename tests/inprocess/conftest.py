"""The in-process tier: what runs here needs no server, no subprocess, no pty, no network.

`make test-fast` runs this directory alone, so it must stay fast and self-contained; the
rules are enforced, not just hoped for:

* a test that asks for a fixture of the server tier (a real server, a `hil` subprocess's
  environment) fails before that fixture starts anything;
* during every test, starting a process (`subprocess`, `os.fork`, a pty) or opening a
  network connection (connect, or binding an internet socket) raises `InProcessViolation`,
  so a test that needs a server cannot hide here by starting one itself.

Recorded server exchanges (tests/recorded) replayed through an httpx `MockTransport` are the
way to talk "to a server" here.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable
from typing import Any, NoReturn

import pytest

SERVER_TIER_FIXTURES = frozenset(
    {
        "local_server",
        "server_url",
        "auth_server_url",
        "quiet_server_url",
        "quiet_http",
        "http",
        "hil_env",
        "shared_servers",
        "matrix_pool",
        "matrix_server",
        "matrix_http",
    }
)
"""Fixtures of tests/conftest.py that start servers or prepare `hil` subprocesses."""

_INTERNET = (socket.AF_INET, socket.AF_INET6)


class InProcessViolation(AssertionError):
    """A test of the in-process tier tried to leave the process (see this module's docstring)."""


def _refuse(what: str) -> Callable[..., NoReturn]:
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        raise InProcessViolation(
            f"the in-process tier (tests/inprocess) may not {what}; "
            "a test that needs it belongs to the server tier (tests/)"
        )

    return refuse


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a server-tier fixture before it is set up (session fixtures come first)."""
    wanted = SERVER_TIER_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    if wanted:
        pytest.fail(
            f"{item.nodeid} asks for {', '.join(sorted(wanted))}: a server-tier fixture; "
            "move the test out of tests/inprocess",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process started, no connection opened, for the whole test."""
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("start a subprocess"))
    for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _refuse(f"start a process (os.{name})"))
    monkeypatch.setattr(socket.socket, "connect", _refuse("open a connection"))
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse("open a connection"))
    real_bind = socket.socket.bind

    def bind(sock: socket.socket, address: Any) -> None:
        if sock.family in _INTERNET:
            _refuse("listen on a network port")()
        real_bind(sock, address)

    monkeypatch.setattr(socket.socket, "bind", bind)
