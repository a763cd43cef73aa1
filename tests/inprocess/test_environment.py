"""The `Environment` (hilcli/environment.py) is all a command sees of its process.

Commands run here in-process with `io.StringIO` streams, a made-up set of environment
variables, a fake clock and an httpx `MockTransport` replaying an exchange recorded from the
real server (tests/recorded/exchanges, see tests/inprocess/kit.py): what they print lands in
the Environment's streams and nowhere else, their settings come from its variables, their
colours from its terminal facts, their waits from its clock.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hilcli.cli import main
from hilcli.commands.oneshot import run_command
from hilcli.commands.settings import config_path_command, config_show_command
from hilcli.environment import Clock, Environment
from hilcli.errors import ExitStatus
from hilcli.options import CommonOptions
from tests.inprocess.kit import REPLAY_URL, Replay

ESC = "\x1b["


def fake_env(
    tmp_path: Path,
    variables: dict[str, str] | None = None,
    *,
    stdin: str = "",
    terminal: bool = False,
    **extra: Any,
) -> Environment:
    """StringIO streams; only the variables given (and a config home under `tmp_path`)."""
    return Environment(
        stdin=io.StringIO(stdin),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        variables={"XDG_CONFIG_HOME": str(tmp_path / "config"), **(variables or {})},
        stdin_is_terminal=terminal,
        stdout_is_terminal=terminal,
        stderr_is_terminal=terminal,
        **extra,
    )


def out(env: Environment) -> str:
    assert isinstance(env.stdout, io.StringIO)
    return env.stdout.getvalue()


def err(env: Environment) -> str:
    assert isinstance(env.stderr, io.StringIO)
    return env.stderr.getvalue()


class FakeClock:
    """A clock that moves only when told; its `sleep` records and returns at once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> Clock:
        return Clock(lambda: self.now, self.slept.append)


def test_config_path_comes_from_the_environment_variables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = fake_env(tmp_path)
    config_path_command(env, CommonOptions())
    assert out(env) == f"{tmp_path / 'config' / 'hil' / 'config.toml'}\n"
    assert "does not exist yet" in err(env)
    named = fake_env(tmp_path, {"HIL_CONFIG": str(tmp_path / "named.toml")})
    config_path_command(named, CommonOptions())
    assert out(named) == f"{tmp_path / 'named.toml'}\n"
    assert capsys.readouterr() == ("", "")  # nothing reached the process's own streams


def test_config_show_reads_the_variables_and_the_file_they_name(tmp_path: Path) -> None:
    config = tmp_path / "config" / "hil" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[profiles.default]\nassistant = "from_file"\n', encoding="utf-8")
    env = fake_env(tmp_path, {"HIL_URL": "http://env.example:8123"})
    config_show_command(env, CommonOptions(json_output=True))
    shown = json.loads(out(env))
    assert shown["url"] == {"value": "http://env.example:8123", "from": "env HIL_URL"}
    assert shown["assistant"]["value"] == "from_file"
    assert err(env) == ""


@pytest.mark.parametrize(
    ("terminal", "variables", "coloured"),
    [
        (True, {}, True),
        (True, {"NO_COLOR": "1"}, False),
        (False, {}, False),
    ],
)
def test_colours_follow_the_terminal_facts_and_no_color(
    tmp_path: Path, terminal: bool, variables: dict[str, str], coloured: bool
) -> None:
    env = fake_env(tmp_path, {"HIL_URL": "http://env.example:8123", **variables}, terminal=terminal)
    config_show_command(env, CommonOptions())
    assert "http://env.example:8123" in out(env)
    assert (ESC in out(env)) is coloured


def test_main_uses_the_environment_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = fake_env(tmp_path)
    with pytest.raises(SystemExit) as ended:
        main(["config", "path"], env)
    assert ended.value.code == 0
    assert out(env) == f"{tmp_path / 'config' / 'hil' / 'config.toml'}\n"
    empty = fake_env(tmp_path)  # stdin: an empty pipe, not a terminal
    with pytest.raises(SystemExit) as ended:
        main(["run", "--url", REPLAY_URL], empty)
    assert ended.value.code == ExitStatus.USAGE
    assert err(empty).startswith("hil: Nothing to send: standard input is empty")
    assert capsys.readouterr() == ("", "")


def test_run_command_in_process_against_a_recorded_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hil run -a agent MESSAGE --json` through the Environment's transport: the recorded
    run asks where the user is, so the command exits 3 with the question in its result."""
    replay = Replay("agent_text")
    message = replay.given["message"]
    env = fake_env(
        tmp_path, {"HIL_URL": REPLAY_URL}, transport=replay.transport, clock=FakeClock().clock()
    )
    opts = CommonOptions(assistant="agent", json_output=True)
    status = run_command(env, opts, message, None, None)
    assert status == ExitStatus.INTERRUPTED
    lines = [json.loads(line) for line in out(env).splitlines()]
    assert lines[0]["type"] == "metadata"
    result = lines[-1]
    assert result["type"] == "result" and result["status"] == "interrupted"
    assert result["thread_id"] == replay.given["thread_id"]
    assert [item["value"] for item in result["interrupts"]] == ["Where are you located?"]
    [body] = replay.run_bodies
    assert body["input"] == {"messages": [{"role": "user", "content": message}]}
    assert capsys.readouterr() == ("", "")


def test_run_command_reads_its_message_from_the_environments_stdin(tmp_path: Path) -> None:
    replay = Replay("agent_text")
    message = replay.given["message"]
    env = fake_env(tmp_path, {"HIL_URL": REPLAY_URL}, stdin=message + "\n")
    env = replace(env, transport=replay.transport)
    status = run_command(env, CommonOptions(assistant="agent", json_output=True), None, None, None)
    assert status == ExitStatus.INTERRUPTED
    [body] = replay.run_bodies
    assert body["input"] == {"messages": [{"role": "user", "content": message}]}


def test_the_bell_rings_by_the_environments_clock_on_its_terminal(tmp_path: Path) -> None:
    """A question after a long run rings the bell: "long" measured by the Environment's
    clock, and rung only where the Environment says stdout is a terminal."""
    from hilcli.commands.wiring import make_display, make_frontend
    from hilcli.config import resolve
    from hilcli.events import interrupts_from_state
    from tests.recorded_streams import recorded_state

    settings = resolve(env={"HIL_CONFIG": str(tmp_path / "none.toml")})
    settings.bell = True
    [question] = interrupts_from_state(recorded_state("shape_ask"))
    assert isinstance(question.value, str)  # a text question: the typed line is the answer
    rung = {}
    for terminal in (True, False):
        time = FakeClock()
        env = replace(
            fake_env(tmp_path, stdin="Paris\n", clock=time.clock()), stdout_is_terminal=terminal
        )
        frontend = make_frontend(env, settings, make_display(env, CommonOptions()), True)
        frontend.run_started()
        time.now += frontend.BELL_AFTER + 1
        assert frontend.ask(question, index=1, total=1, draft=None) == "Paris"
        rung[terminal] = "\a" in out(env)
    assert rung == {True: True, False: False}
