"""`hil doctor`: one verdict per check, exit 0 / 5 / 1, against real servers."""

from __future__ import annotations

import subprocess
import sys

from hilcli.errors import ExitStatus
from hilcli.server.local import free_port


def doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hilcli", "doctor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def verdicts(output: str) -> dict[str, str]:
    """`{check name: "✓" or "✗"}` from doctor's lines."""
    found = {}
    for line in output.splitlines():
        if line[:1] in ("✓", "✗"):
            found[line[2:].split()[0]] = line[:1]
    return found


def test_all_checks_pass(server_url: str, hil_env: dict[str, str]) -> None:
    result = doctor(hil_env, "--url", server_url, "-a", "ask")
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == {
        "server": "✓",
        "info": "✓",
        "credentials": "✓",
        "assistant": "✓",
        "graphs": "✓",
    }
    assert f"{server_url} answers /ok" in result.stdout
    assert "langgraph-api 0." in result.stdout and ", langgraph 1." in result.stdout
    assert "! lacks" not in result.stdout  # the reference server lacks nothing hil knows of
    assert "ask exists (graph ask" in result.stdout
    graphs_line = result.stdout[result.stdout.index("graphs") :]
    for graph in ("agent", "ask", "no_messages"):
        assert graph in graphs_line
    assert "All checks passed." in result.stdout


def test_unreachable_server_exits_5(hil_env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = doctor(hil_env, "--url", url)
    assert result.returncode == ExitStatus.UNREACHABLE
    assert verdicts(result.stdout) == {"server": "✗"}
    assert "connection refused" in result.stdout
    assert "Check --url or HIL_URL" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_assistant_fails_with_a_hint(server_url: str, hil_env: dict[str, str]) -> None:
    result = doctor(hil_env, "--url", server_url, "-a", "nobody")
    assert result.returncode == ExitStatus.ERROR
    assert verdicts(result.stdout)["assistant"] == "✗"
    assert "no assistant or graph named 'nobody'" in result.stdout
    assert "Pick one with -a: " in result.stdout and "ask" in result.stdout


def test_plain_http_key_to_another_host_fails_the_transport_check(
    server_url: str, hil_env: dict[str, str]
) -> None:
    # 0.0.0.0 reaches this machine's server but is not a loopback name: the key would travel
    # in clear text if it were a real remote host.
    port = server_url.rsplit(":", 1)[1]
    hil_env["HIL_API_KEY"] = "secret-key-4321"
    result = doctor(hil_env, "--url", f"http://0.0.0.0:{port}", "-a", "ask")
    assert result.returncode == ExitStatus.ERROR
    found = verdicts(result.stdout)
    assert found["transport"] == "✗" and found["server"] == "✓" and found["assistant"] == "✓"
    assert "plain http://" in result.stdout and "https://" in result.stdout
    assert "secret-key-4321" not in result.stdout + result.stderr
    loopback = doctor(hil_env, "--url", server_url, "-a", "ask")
    assert loopback.returncode == 0
    assert "transport" not in verdicts(loopback.stdout)


def test_missing_key_is_refused_401(auth_server_url: str, hil_env: dict[str, str]) -> None:
    result = doctor(hil_env, "--url", auth_server_url, "-a", "ask")
    assert result.returncode == ExitStatus.UNREACHABLE
    assert verdicts(result.stdout) == {"server": "✓", "info": "✓", "credentials": "✗"}
    assert "401" in result.stdout and "Invalid API key" in result.stdout
    assert "--api-key" in result.stdout  # the hint


def test_refused_key_is_403(auth_server_url: str, hil_env: dict[str, str]) -> None:
    hil_env["HIL_API_KEY"] = "reader-key"
    result = doctor(hil_env, "--url", auth_server_url, "-a", "ask")
    assert result.returncode == ExitStatus.UNREACHABLE
    assert verdicts(result.stdout)["credentials"] == "✗"
    assert "403" in result.stdout
    assert "reader-key" not in result.stdout + result.stderr


def test_good_key_passes(auth_server_url: str, hil_env: dict[str, str]) -> None:
    result = doctor(hil_env, "--url", auth_server_url, "-a", "ask", "--api-key", "good-key")
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout)["credentials"] == "✓"
    assert "API key …" in result.stdout
    assert "good-key" not in result.stdout
