"""Shared fixtures: the run's real LangGraph servers (one per kind, shared by every xdist
worker: tests/shared_server.py), a private one for LocalServer's own tests, and a clean env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hilcli.errors import HilError
from hilcli.server.local import LocalServer
from tests.matrix.pool import ServerPool
from tests.matrix.servers import KINDS, MatrixServer
from tests.shared_server import WORKERINPUT_KEY, SharedServers
from tests.support import GRAPHS_CONFIG, GRAPHS_DIR, clean_env

_SHARED = pytest.StashKey[SharedServers]()

SHARED_JOBS = 32
"""Runs the shared test-graph server executes at once: every worker's tests use it."""


# -- one server per kind for the whole run (tests/shared_server.py) ----------------------------


def pytest_configure(config: pytest.Config) -> None:
    """The process that runs the session (xdist's controller, or plain pytest) owns the
    shared servers' directory and lifeline; workers get its path through workerinput."""
    if not hasattr(config, "workerinput"):
        config.stash[_SHARED] = SharedServers.create()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: tell each worker where the run's shared servers are."""
    node.workerinput[WORKERINPUT_KEY] = str(node.config.stash[_SHARED].directory)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller stops every shared server, after all workers are done (also after a
    Ctrl-C or a crashed worker)."""
    shared = session.config.stash.get(_SHARED, None)
    if shared is not None:
        for kind in shared.stop_all():
            print(f"\nshared {kind} server did not stop in time: killed")


def pytest_unconfigure(config: pytest.Config) -> None:
    """In case the session never finished (an error before it began): stop them all."""
    shared = config.stash.get(_SHARED, None)
    if shared is not None:
        shared.stop_all()


@pytest.fixture(scope="session")
def shared_servers(pytestconfig: pytest.Config) -> SharedServers:
    """The run's shared servers, as seen from this worker (or from plain pytest)."""
    workerinput = getattr(pytestconfig, "workerinput", None)
    if workerinput is not None:
        return SharedServers(Path(workerinput[WORKERINPUT_KEY]))
    return pytestconfig.stash[_SHARED]


def _shared_url(shared: SharedServers, kind: str, config: Path, jobs: int | None = None) -> str:
    try:
        return shared.url(kind, config, jobs=jobs)
    except HilError as exc:
        pytest.fail(f"the shared {kind} server did not start: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def server_url(shared_servers: SharedServers) -> str:
    """Base URL of the run's in-memory LangGraph server serving tests/graphs/langgraph.json,
    e.g. http://127.0.0.1:PORT: one server shared by every worker, so tests make their own
    threads and never assume the server holds only theirs."""
    return _shared_url(shared_servers, "graphs", GRAPHS_CONFIG, SHARED_JOBS)


@pytest.fixture(scope="session")
def auth_server_url(shared_servers: SharedServers) -> str:
    """A second real server with LangGraph custom auth (tests/graphs_auth), shared likewise:
    `good-key` may do anything, `reader-key` authenticates but is refused (403), no or another
    key gets 401."""
    return _shared_url(shared_servers, "auth", GRAPHS_DIR.parent / "graphs_auth" / "langgraph.json")


@pytest.fixture(scope="session")
def quiet_server_url(shared_servers: SharedServers) -> str:
    """A shared server of the test graphs on which no test creates threads: for tests that
    check a command created none by counting every thread of the server (on `server_url`,
    other workers create threads meanwhile). Use it for nothing else."""
    return _shared_url(shared_servers, "quiet", GRAPHS_CONFIG)


@pytest.fixture
def quiet_http(quiet_server_url: str) -> Iterator[httpx.Client]:
    """A plain httpx client for `quiet_server_url`."""
    with httpx.Client(base_url=quiet_server_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """A `LocalServer` object of this worker's own, for the tests of LocalServer itself
    (tests/test_server.py reads its properties); every other test uses `server_url`."""
    with LocalServer(GRAPHS_CONFIG) as server:
        yield server


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
