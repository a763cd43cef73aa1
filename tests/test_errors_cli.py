"""Bad input and failures give the contract's exit code and one or two lines, no traceback.

Against the real server: the session's server, a second one with LangGraph custom auth
(tests/graphs_auth) for 401/403, and the fault-injecting proxy (tests/proxy.py) rewriting
the real server's answers for what a healthy server never sends.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hilcli.server.local import free_port
from tests.hilterm import pty_session, quit_chat
from tests.proxy import FaultProxy
from tests.support import create_thread
from tests.support import run_hil as hil

MANY = ["-a", "many_events", "--input-json", '{"count": 5}', "--stream-mode", "custom"]


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    """Exit `code`, one or two lines on stderr containing `words`, and no traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, result.stderr
    for word in words:
        assert word.lower() in result.stderr.lower(), result.stderr


# -- reaching the server ---------------------------------------------------------------------


def test_connection_refused(hil_env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = hil(hil_env, "run", "hi", "--url", url)
    assert_clean_error(result, 5, "connection refused", url)


def test_unknown_host(hil_env: dict[str, str]) -> None:
    result = hil(hil_env, "run", "hi", "--url", "http://no-such-host.invalid:2024")
    assert_clean_error(result, 5, "no-such-host.invalid")


def test_tls_error(hil_env: dict[str, str], server_url: str) -> None:
    """https to a plain-http server: the TLS handshake fails."""
    url = server_url.replace("http://", "https://")
    result = hil(hil_env, "run", "hi", "--url", url)
    assert_clean_error(result, 5, "TLS", "scheme")


def test_not_an_http_url(hil_env: dict[str, str]) -> None:
    result = hil(hil_env, "run", "hi", "--url", "ftp://127.0.0.1:1")
    assert result.returncode in (2, 5)
    assert "Traceback" not in result.stderr


def test_missing_key_is_401(hil_env: dict[str, str], auth_server_url: str) -> None:
    result = hil(hil_env, "run", "hi", "--url", auth_server_url, "-a", "ask")
    assert_clean_error(result, 5, "401", "Invalid API key")


def test_refused_key_is_403(hil_env: dict[str, str], auth_server_url: str) -> None:
    args = ["--url", auth_server_url, "-a", "ask", "--api-key", "reader-key"]
    result = hil(hil_env, "run", "hi", *args)
    assert_clean_error(result, 5, "403")
    assert "reader-key" not in result.stderr


def test_good_key_is_accepted(hil_env: dict[str, str], auth_server_url: str) -> None:
    args = ["--url", auth_server_url, "-a", "ask", "--api-key", "good-key"]
    result = hil(hil_env, "run", "hi", *args)
    assert result.returncode == 3, result.stderr  # the graph asks for a name
    assert "What is your name?" in result.stdout


# -- what the server refuses ------------------------------------------------------------------


def test_unknown_thread_is_404_exit_4(hil_env: dict[str, str], server_url: str) -> None:
    missing = str(uuid.uuid4())
    result = hil(hil_env, "resume", missing, "--value", "x", "--url", server_url)
    assert_clean_error(result, 4, missing)


def test_run_on_unknown_thread_exit_4(hil_env: dict[str, str], server_url: str) -> None:
    missing = str(uuid.uuid4())
    result = hil(hil_env, "run", "hi", "--thread", missing, "--url", server_url, "-a", "ask")
    assert_clean_error(result, 4, "not found")


def test_invalid_thread_id_is_422_with_detail(hil_env: dict[str, str], server_url: str) -> None:
    result = hil(hil_env, "resume", "not-a-uuid", "--value", "x", "--url", server_url)
    assert_clean_error(result, 2, "422", "must be a UUID")


def test_unknown_assistant_shows_the_servers_detail(
    hil_env: dict[str, str], server_url: str
) -> None:
    result = hil(hil_env, "run", "hi", "--url", server_url, "-a", "no_such_graph")
    assert result.returncode in (2, 4), result.stderr
    assert "no_such_graph" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def start_long_run(http: httpx.Client, thread_id: str) -> str:
    """Start a long background run on the thread; its run id."""
    response = http.post(
        f"/threads/{thread_id}/runs",
        json={"assistant_id": "many_events", "input": {"count": 2000, "delay": 0.05}},
    )
    response.raise_for_status()
    run_id: str = response.json()["run_id"]
    return run_id


@pytest.fixture
def busy_thread(http: httpx.Client) -> Iterator[str]:
    """A thread with a long background run on it, cancelled at the end."""
    thread_id = create_thread(http)
    run_id = start_long_run(http, thread_id)
    yield thread_id
    http.post(f"/threads/{thread_id}/runs/{run_id}/cancel", params={"wait": "1"})


def test_busy_thread_is_409(hil_env: dict[str, str], server_url: str, busy_thread: str) -> None:
    result = hil(hil_env, "run", "hi", "--thread", busy_thread, "--url", server_url, "-a", "ask")
    assert_clean_error(result, 1, "is busy", f"hil attach {busy_thread} --url {server_url}")
    assert "multitask" not in result.stderr  # the server's words name no hil option


def test_resume_on_a_busy_thread_says_so(
    hil_env: dict[str, str], server_url: str, busy_thread: str
) -> None:
    result = hil(hil_env, "resume", busy_thread, "--value", "x", "--url", server_url)
    assert_clean_error(result, 4, "busy", f"hil attach {busy_thread}")


def test_server_error_5xx(hil_env: dict[str, str], server_url: str) -> None:
    rewrite = [(b"HTTP/1.1 200 OK", b"HTTP/1.1 503 OK")]
    with FaultProxy(server_url, rewrites=rewrite, rewrite_when=b"POST /threads ") as proxy:
        result = hil(hil_env, "run", "hi", "--url", proxy.url, "-a", "ask")
    assert_clean_error(result, 1, "503", "creating a thread")


# -- what the stream carries ------------------------------------------------------------------


def test_answer_that_is_not_an_event_stream(hil_env: dict[str, str], server_url: str) -> None:
    rewrite = [(b"text/event-stream", b"application/x-bin")]
    with FaultProxy(server_url, rewrites=rewrite) as proxy:
        result = hil(hil_env, "run", "--url", proxy.url, *MANY)
    assert_clean_error(result, 1, "not answer with an event stream", "application/x-bin")


def test_data_that_is_not_json(hil_env: dict[str, str], server_url: str) -> None:
    rewrite = [(b'data: {"i":3}', b'data: {"i":3]')]
    with FaultProxy(server_url, rewrites=rewrite) as proxy:
        result = hil(hil_env, "run", "--url", proxy.url, *MANY)
    assert_clean_error(result, 1, "not JSON", '{"i":3]')


def test_malformed_sse_lines_are_skipped(hil_env: dict[str, str], server_url: str) -> None:
    # `event custom:` is a line whose field name is `event custom`: per the SSE rules it is
    # ignored, so those events arrive as unnamed `message` events, which hil ignores.
    rewrite = [(b"event: custom", b"event custom:")]
    with FaultProxy(server_url, rewrites=rewrite) as proxy:
        result = hil(hil_env, "run", "--url", proxy.url, *MANY)
    assert result.returncode == 0, result.stderr
    assert "Emitted 5 events." in result.stdout
    assert '"i"' not in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_event_names_are_ignored_and_shown_with_debug(
    hil_env: dict[str, str], server_url: str
) -> None:
    rewrite = [(b"event: custom", b"event: cust0m")]
    with FaultProxy(server_url, rewrites=rewrite) as proxy:
        quiet = hil(hil_env, "run", "--url", proxy.url, *MANY)
        loud = hil(hil_env, "run", "--url", proxy.url, *MANY, "--debug")
    assert quiet.returncode == 0, quiet.stderr
    assert "Emitted 5 events." in quiet.stdout
    assert "cust0m" not in quiet.stdout + quiet.stderr
    assert loud.returncode == 0, loud.stderr
    assert "ignored an unknown event 'cust0m'" in loud.stderr


# -- configuration and --debug ---------------------------------------------------------------


def test_bad_config_file(hil_env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.default]\nurl = "http://x"\nbogus = [\n', encoding="utf-8")
    result = hil(hil_env, "run", "hi", "--config", str(config))
    assert_clean_error(result, 2, str(config))


def test_debug_shows_the_traceback_and_redacts_the_key(
    hil_env: dict[str, str], server_url: str
) -> None:
    missing = str(uuid.uuid4())
    key = "sk-test-0123456789abcdef"
    result = hil(
        hil_env, "run", "hi", "--thread", missing, "--url", server_url, "--api-key", key, "--debug"
    )
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "debug hilcli.protocol: GET /threads/" in result.stderr
    assert key not in result.stderr + result.stdout


@pytest.mark.parametrize("choice", ["w", "a"])
def test_busy_thread_in_chat_offers_to_wait_or_attach_then_sends(
    hil_env: dict[str, str], server_url: str, http: httpx.Client, choice: str
) -> None:
    thread_id = create_thread(http)
    args = ["chat", "--thread", thread_id, "--url", server_url, "-a", "many_events"]
    with pty_session(args, hil_env) as chat:
        chat.expect("you>")
        run_id = start_long_run(http, thread_id)
        chat.sendline('/input {"count": 3}')
        chat.expect("thread is busy")
        chat.expect(r"\[a\]ttach to it, \[w\]ait for it")
        chat.sendline(choice)
        chat.expect("Waiting for the run to finish" if choice == "w" else "Joined run")
        http.post(f"/threads/{thread_id}/runs/{run_id}/cancel", params={"wait": "1"})
        chat.expect("trying again")
        chat.expect("Emitted 3 events.")
        quit_chat(chat)
