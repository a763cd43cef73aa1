"""Exit codes keep the contract (shared/docs/cli.md "Exit status") in every corner.

`--debug` adds a traceback and never changes the status; odd input (a URL without a scheme,
a config file that is not there, empty stdin, an unknown assistant, a bad or busy demo port)
gets the contract's code and one or two lines of our own. Against the session's real server.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from hilcli.server.local import free_port
from tests.support import run_hil as hil


def assert_exit(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    """Exit `code`, with `words` in stderr; the last lines are our one or two-line report."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    for word in words:
        assert word.lower() in result.stderr.lower(), result.stderr


# -- --debug adds a traceback, never another exit status ---------------------------------------


def _debug_cases(server_url: str) -> dict[str, tuple[list[str], int, str]]:
    unreachable = f"http://127.0.0.1:{free_port()}"
    return {
        "usage": (["run", "--input-json", "{bad", "--url", server_url], 2, "not valid JSON"),
        "not found": (["show", str(uuid.uuid4()), "--url", server_url], 4, "hil:"),
        "nothing to resume": (
            ["resume", str(uuid.uuid4()), "--value", "x", "--url", server_url],
            4,
            "hil:",
        ),
        "unreachable": (["run", "hi", "--url", unreachable], 5, "connection refused"),
    }


@pytest.mark.parametrize("case", ["usage", "not found", "nothing to resume", "unreachable"])
def test_debug_keeps_the_exit_status(case: str, hil_env: dict[str, str], server_url: str) -> None:
    args, code, words = _debug_cases(server_url)[case]
    plain = hil(hil_env, *args)
    loud = hil(hil_env, *args, "--debug")
    assert_exit(plain, code, words)
    assert "Traceback" not in plain.stderr
    assert_exit(loud, code, words)
    assert "Traceback" in loud.stderr
    # the traceback comes first; the one or two lines of the report still end stderr
    report = plain.stderr.rstrip().splitlines()
    assert loud.stderr.rstrip().splitlines()[-len(report) :] == report


# -- a URL without a scheme, a config file that is not there ------------------------------------


def test_url_without_a_scheme_is_a_usage_error(hil_env: dict[str, str], server_url: str) -> None:
    bare = server_url.removeprefix("http://")
    result = hil(hil_env, "run", "hi", "--url", bare)
    assert_exit(result, 2, f"Did you mean: --url {server_url}")
    from_env = hil({**hil_env, "HIL_URL": bare}, "threads")
    assert_exit(from_env, 2, f"Did you mean: HIL_URL={server_url}")
    other = hil(hil_env, "threads", "--url", "ftp://127.0.0.1:1")
    assert_exit(other, 2, "not an http:// or https:// URL")
    # the hint works when pasted: the server is reached
    fixed = hil(hil_env, "threads", "--url", server_url, "--limit", "1")
    assert fixed.returncode == 0, fixed.stderr


def test_a_named_config_file_must_exist(
    hil_env: dict[str, str], server_url: str, tmp_path: Path
) -> None:
    typo = tmp_path / "typo.toml"
    flagged = hil(hil_env, "threads", "--url", server_url, "--config", str(typo))
    assert_exit(flagged, 2, "--config", str(typo), "does not exist")
    from_env = hil({**hil_env, "HIL_CONFIG": str(typo)}, "threads", "--url", server_url)
    assert_exit(from_env, 2, "HIL_CONFIG", str(typo), "does not exist")
    # `config path` still says where the file goes, so it can be created
    where = hil(hil_env, "config", "path", "--config", str(typo))
    assert where.returncode == 0 and where.stdout.strip() == str(typo)
    # once it exists it is used
    typo.write_text('[profiles.default]\nassistant = "ask"\n', encoding="utf-8")
    shown = hil(hil_env, "config", "show", "--config", str(typo), "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["assistant"]["value"] == "ask"
    # the default path may be missing: no config file at all
    del hil_env["HIL_CONFIG"]
    default = hil(hil_env, "threads", "--url", server_url, "--limit", "1")
    assert default.returncode == 0, default.stderr


# -- nothing to send, an unknown assistant ------------------------------------------------------


def _thread_count(http: httpx.Client) -> int:
    response = http.post("/threads/search", json={"limit": 1000})
    response.raise_for_status()
    return len(response.json())


@pytest.mark.parametrize("stdin", [None, "", "  \n\n"], ids=["devnull", "empty", "blank"])
def test_run_with_empty_stdin_sends_nothing(
    stdin: str | None, hil_env: dict[str, str], quiet_server_url: str, quiet_http: httpx.Client
) -> None:
    before = _thread_count(quiet_http)
    result = hil(hil_env, "run", "-a", "ask", "--url", quiet_server_url, input=stdin)
    assert_exit(result, 2, "Nothing to send")
    assert _thread_count(quiet_http) == before
    blank = hil(hil_env, "run", "  ", "-a", "ask", "--url", quiet_server_url)
    assert_exit(blank, 2, "Nothing to send")
    assert _thread_count(quiet_http) == before


def test_piped_message_is_still_sent(hil_env: dict[str, str], server_url: str) -> None:
    result = hil(hil_env, "run", "-a", "agent", "--url", server_url, "--json", input="hello\n")
    assert result.returncode in (0, 3), result.stderr
    assert '"thread_id"' in result.stdout


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["picker", "json"])
def test_inbox_with_an_unknown_assistant_is_a_usage_error(
    json_flag: list[str], hil_env: dict[str, str], server_url: str
) -> None:
    result = hil(hil_env, "inbox", "-a", "nosuch", "--url", server_url, *json_flag)
    assert_exit(result, 2, "'nosuch'", "-a", "ask")
    assert result.stdout.strip() == ""
    # the same code `hil run -a` gets for an assistant the server does not have
    run = hil(hil_env, "run", "hi", "-a", "nosuch", "--url", server_url)
    assert run.returncode == result.returncode
    known = hil(hil_env, "inbox", "-a", "ask", "--url", server_url, "--json")
    assert known.returncode == 0, known.stderr
    assert isinstance(json.loads(known.stdout), list)


# -- hil demo --port ----------------------------------------------------------------------------


def test_demo_on_a_busy_port_is_an_error(hil_env: dict[str, str], server_url: str) -> None:
    busy = server_url.rsplit(":", 1)[1]  # the session's server listens there
    result = hil(hil_env, "demo", "--port", busy)
    assert_exit(result, 2, f"Port {busy}", "already in use")
    assert "Server ready" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_demo_port_out_of_range_is_a_usage_error(port: str, hil_env: dict[str, str]) -> None:
    result = hil(hil_env, "demo", "--port", port)
    assert_exit(result, 2, f"Port {port} is not a TCP port", "1-65535")
    assert "Traceback" not in result.stderr and "OverflowError" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_serves_on_the_port_asked_for(hil_env: dict[str, str]) -> None:
    port = free_port()
    result = hil(hil_env, "demo", "--port", str(port))  # stdin empty: the chat ends at once
    assert result.returncode == 0, result.stderr
    assert f"Server ready at http://127.0.0.1:{port}." in result.stderr
