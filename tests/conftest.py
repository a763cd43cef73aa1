"""Shared fixtures: one real LangGraph server for the whole session, and a clean env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hilcli.server.local import LocalServer
from tests.matrix.pool import ServerPool
from tests.matrix.servers import KINDS, MatrixServer
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


# -- the server matrix (tests/matrix, tests/test_matrix*.py) ------------------------------------


@pytest.fixture(scope="session")
def matrix_pool() -> Iterator[ServerPool]:
    """The matrix servers this worker started (lazily), all stopped when the session ends."""
    pool = ServerPool()
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture(
    params=[pytest.param(kind, id=kind, marks=pytest.mark.xdist_group(kind)) for kind in KINDS]
)
def matrix_server(request: pytest.FixtureRequest, matrix_pool: ServerPool) -> MatrixServer:
    """Each server of the matrix in turn, started once per session in one xdist worker (run
    with `--dist loadgroup`). A server that cannot be built or started fails its tests."""
    try:
        return matrix_pool.get(request.param)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def matrix_http(matrix_server: MatrixServer) -> Iterator[httpx.Client]:
    """A plain httpx client for the matrix server under test (to set up and check state)."""
    with httpx.Client(base_url=matrix_server.url, timeout=30) as client:
        yield client


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadgroup`, keep each matrix server's tests on one worker (see
    tests/matrix/grouping.py for why xdist alone does not, with pytest 9.2)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.matrix.grouping import MatrixGroupScheduling

    return MatrixGroupScheduling(config, log)
