"""`--url` pointing at something that is not an Agent Server: said as `hil doctor` says it.

A plain web server (Python's `http.server`, on a free loopback port) answers every API path
with an HTML error page. `hil show` and `hil resume` used to take its 404 for "no such
thread" (exit 4, the raw HTML, "`hil threads` lists the threads"). They now say that the URL
did not answer as an Agent Server, exit 1 (the contract's "another error", as `hil doctor`),
and never print the page.
"""

from __future__ import annotations

import functools
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hilcli.errors import ExitStatus
from tests.support import run_hil as hil


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on the test's stderr."""


@pytest.fixture
def web_url(tmp_path: Path) -> Iterator[str]:
    """A plain HTTP server (not an Agent Server) on a free loopback port."""
    (tmp_path / "www").mkdir()
    handler = functools.partial(_QuietHandler, directory=str(tmp_path / "www"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def assert_not_a_server(done: subprocess.CompletedProcess[str], url: str) -> None:
    assert done.returncode == ExitStatus.ERROR, done.stderr
    assert f"{url} did not answer as an Agent Server" in done.stderr
    assert "an HTML page (" in done.stderr
    assert "Check --url" in done.stderr
    for html in ("<", "DOCTYPE", "<html", "Error code"):
        assert html not in done.stderr + done.stdout
    assert "hil threads" not in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("show", "some-thread"),
        ("show", "some-thread", "--json"),
        ("resume", "some-thread", "--value", "yes"),
        ("resume", "some-thread", "--approve", "--json"),
        ("threads",),
        ("run", "hi"),
    ],
)
def test_commands_say_it_is_not_an_agent_server(
    web_url: str, hil_env: dict[str, str], args: tuple[str, ...]
) -> None:
    assert_not_a_server(hil(hil_env, *args, "--url", web_url), web_url)


def test_doctor_says_it_once(web_url: str, hil_env: dict[str, str]) -> None:
    done = hil(hil_env, "doctor", "--url", web_url)
    assert done.returncode == ExitStatus.ERROR, done.stdout + done.stderr
    text = " ".join((done.stdout + done.stderr).split())
    assert text.count("did not answer as an Agent Server") == 1
    assert "GET /ok" in text
    assert "<" not in text


def test_a_missing_thread_on_a_real_server_is_still_not_found(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """The Agent Server's own 404 (JSON) keeps its meaning: exit 4 and the threads hint."""
    done = hil(hil_env, "show", "00000000-0000-0000-0000-000000000000", "--url", server_url)
    assert done.returncode == ExitStatus.NOTHING_TO_RESUME, done.stderr
    assert "did not answer as an Agent Server" not in done.stderr
    assert "hil threads" in done.stderr
