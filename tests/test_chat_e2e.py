"""The seed's flow, typed into `hil chat` through a real pseudo-terminal."""

from __future__ import annotations

import pexpect

from tests.hilterm import spawn_hil
from tests.support import WEATHER_PROMPT


def test_weather_flow_typed_by_hand(server_url: str, hil_env: dict[str, str]) -> None:
    """Type the message, see the question, answer it, read the answer, leave with 0."""
    child = spawn_hil(["chat", "--url", server_url], hil_env)
    try:
        child.expect("you>")
        child.sendline(WEATHER_PROMPT)
        child.expect("Where are you located\\?")
        child.expect("answer>")
        child.sendline("san francisco")
        child.expect("search")  # the agent looks the weather up with the answer
        child.expect("sunny in San Francisco")
        child.expect("you>")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_ctrl_d_leaves_with_status_zero(server_url: str, hil_env: dict[str, str]) -> None:
    """Ctrl-D at the idle prompt leaves the REPL normally."""
    child = spawn_hil(["chat", "--url", server_url, "-a", "ask"], hil_env)
    try:
        child.expect("you>")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_chat_reads_stdin_when_it_is_not_a_terminal(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Piped input: one line per message or answer, plain text out."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "hilcli", "chat", "--url", server_url],
        input=f"{WEATHER_PROMPT}\nparis\n",
        capture_output=True,
        text=True,
        env=hil_env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Where are you located?" in result.stdout
    assert "sunny in Paris" in result.stdout
    assert "\x1b[" not in result.stdout
