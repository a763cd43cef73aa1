"""Shared fixtures: one real LangGraph server for the whole session, and a clean env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hilcli.server import LocalServer
from tests.support import GRAPHS_CONFIG, clean_env


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """The in-memory LangGraph server serving tests/graphs/langgraph.json."""
    with LocalServer(GRAPHS_CONFIG, jobs=8) as server:
        yield server


@pytest.fixture(scope="session")
def server_url(local_server: LocalServer) -> str:
    """Base URL of the session's server, e.g. http://127.0.0.1:PORT."""
    return local_server.url


@pytest.fixture
def http(server_url: str) -> Iterator[httpx.Client]:
    """A plain httpx client for the session's server."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


@pytest.fixture
def hil_env(tmp_path: Path) -> dict[str, str]:
    """Environment for `hil` subprocesses, isolated from the developer's (see clean_env)."""
    return clean_env(tmp_path)
