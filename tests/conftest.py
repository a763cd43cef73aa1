"""Shared fixtures: one real LangGraph server for the whole session, and a clean env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hilcli.server import LocalServer
from tests.support import GRAPHS_CONFIG, GRAPHS_DIR, clean_env


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """The in-memory LangGraph server serving tests/graphs/langgraph.json."""
    with LocalServer(GRAPHS_CONFIG, jobs=8) as server:
        yield server


@pytest.fixture(scope="session")
def server_url(local_server: LocalServer) -> str:
    """Base URL of the session's server, e.g. http://127.0.0.1:PORT."""
    return local_server.url


@pytest.fixture(scope="session")
def auth_server_url() -> Iterator[str]:
    """A second real server with LangGraph custom auth (tests/graphs_auth): `good-key` may do
    anything, `reader-key` authenticates but is refused (403), no or another key gets 401."""
    with LocalServer(GRAPHS_DIR.parent / "graphs_auth" / "langgraph.json") as server:
        yield server.url


@pytest.fixture
def http(server_url: str) -> Iterator[httpx.Client]:
    """A plain httpx client for the session's server."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


@pytest.fixture
def hil_env(tmp_path: Path) -> dict[str, str]:
    """Environment for `hil` subprocesses, isolated from the developer's (see clean_env)."""
    return clean_env(tmp_path)
