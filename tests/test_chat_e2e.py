"""The seed's flow, typed into `hil chat` through a real pseudo-terminal."""

from __future__ import annotations

import pexpect

from tests.hilterm import pty_session, quit_chat
from tests.support import WEATHER_PROMPT, run_hil


def test_weather_flow_typed_by_hand(server_url: str, hil_env: dict[str, str]) -> None:
    """Type the message, see the question, answer it, read the answer, leave with 0."""
    with pty_session(["chat", "--url", server_url], hil_env) as child:
        child.expect("you>")
        child.sendline(WEATHER_PROMPT)
        child.expect("Where are you located\\?")
        child.expect("answer>")
        child.sendline("san francisco")
        child.expect("search")  # the agent looks the weather up with the answer
        child.expect("sunny in San Francisco")
        quit_chat(child)
    assert child.exitstatus == 0


def test_ctrl_d_leaves_with_status_zero(server_url: str, hil_env: dict[str, str]) -> None:
    """Ctrl-D at the idle prompt leaves the REPL normally."""
    args = ["chat", "--url", server_url, "-a", "ask"]
    with pty_session(args, hil_env) as child:
        child.expect("you>")
        child.sendeof()
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0


def test_chat_reads_stdin_when_it_is_not_a_terminal(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """Piped input: one line per message or answer, plain text out."""
    result = run_hil(
        hil_env, "chat", "--url", server_url, input=f"{WEATHER_PROMPT}\nparis\n", timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Where are you located?" in result.stdout
    assert "sunny in Paris" in result.stdout
    assert "\x1b[" not in result.stdout
