"""Exit codes keep the contract (shared/docs/cli.md "Exit status") in every corner.

`--debug` adds a traceback and never changes the status; odd input (a URL without a scheme,
a config file that is not there, empty stdin, an unknown assistant, a bad or busy demo port)
gets the contract's code and one or two lines of our own. Against the session's real server.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest

from hilcli.server import free_port
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
