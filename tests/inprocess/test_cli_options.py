"""The shared options declared once (hilcli/cli_options.py): a command that names a group
gets its flags in `--help` after its own, and its body gets them as one `CommonOptions`, the
`--answer` / `--answer-json` values in the order typed; its own arguments by name; an exit
status it returns. Driven through typer in process, as `hil` runs it."""

from __future__ import annotations

import io
import re
from typing import Annotated, Any

import pytest
import typer

from hilcli.cli import app as hil_app
from hilcli.cli_options import ANSWERS, BREAKPOINTS, CONNECTION, RUN_OUTPUT, command, text_option
from hilcli.environment import Environment
from hilcli.errors import UsageError
from hilcli.options import CommonOptions, JsonAnswer, OnCtrlC


def _environment() -> Environment:
    return Environment(
        stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), variables={}
    )


def _app(seen: dict[str, Any], status: int | None = None) -> typer.Typer:
    """A one-command app whose body records what it was given."""
    app = typer.Typer(add_completion=False, rich_markup_mode=None)

    @command(app, CONNECTION, RUN_OUTPUT, ANSWERS, BREAKPOINTS)
    def probe(
        env: Environment,
        opts: CommonOptions,
        thread: Annotated[str, typer.Argument(metavar="THREAD")],
        limit: Annotated[int, typer.Option("--limit")] = 3,
    ) -> int | None:
        """A probe."""
        seen.update(env=env, opts=opts, thread=thread, limit=limit)
        return status

    return app


def _invoke(app: typer.Typer, *args: str, env: Environment | None = None) -> Any:
    return app(args=list(args), prog_name="probe", standalone_mode=False, obj=env)


def test_the_body_gets_the_environment_its_arguments_and_the_shared_options() -> None:
    seen: dict[str, Any] = {}
    env = _environment()
    _invoke(
        _app(seen),
        "T1",
        "--limit",
        "7",
        "--url",
        "http://127.0.0.1:9",
        "-a",
        "agent",
        "-H",
        "X-A: 1",
        "-H",
        "X-B: 2",
        "--on-ctrl-c",
        "detach",
        "--interrupt-before",
        "*",
        "--debug",
        env=env,
    )
    assert seen["env"] is env
    assert (seen["thread"], seen["limit"]) == ("T1", 7)
    assert seen["opts"] == CommonOptions(
        url="http://127.0.0.1:9",
        assistant="agent",
        header=["X-A: 1", "X-B: 2"],
        on_ctrl_c=OnCtrlC.detach,
        interrupt_before=["*"],
        debug=True,
    )


def test_unset_shared_options_are_the_defaults_of_common_options() -> None:
    seen: dict[str, Any] = {}
    _invoke(_app(seen), "T1", env=_environment())
    assert seen["opts"] == CommonOptions()
    assert seen["limit"] == 3


def test_answers_reach_the_body_in_the_order_typed() -> None:
    seen: dict[str, Any] = {}
    _invoke(
        _app(seen),
        "T1",
        "--answer-json",
        '{"type": "accept"}',
        "--answer",
        "yes",
        "--answer-json",
        "2",
        "--answer",
        "no",
        env=_environment(),
    )
    assert seen["opts"].answer == [
        JsonAnswer('{"type": "accept"}', {"type": "accept"}),
        "yes",
        JsonAnswer("2", 2),
        "no",
    ]


def test_a_bad_answer_json_is_a_usage_error_naming_its_place() -> None:
    with pytest.raises(UsageError, match=r"--answer-json '\{nope' \(answer #2\)"):
        _invoke(_app({}), "T1", "--answer", "a", "--answer-json", "{nope", env=_environment())


def test_a_returned_status_is_the_exit_status() -> None:
    assert _invoke(_app({}, status=3), "T1", env=_environment()) == 3
    assert _invoke(_app({}, status=None), "T1", env=_environment()) in (None, 0)


def test_help_lists_the_command_s_own_options_then_the_groups_then_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _invoke(_app({}), "--help")
    flags = re.findall(r"^  (?:-\w, )?(--[\w-]+)", capsys.readouterr().out, re.MULTILINE)
    assert flags == [
        "--limit",
        "--url",
        "--assistant",
        "--api-key",
        "--header",
        "--config",
        "--profile",
        "--raw",
        "--stream-mode",
        "--on-ctrl-c",
        "--answers",
        "--answer",
        "--answer-json",
        "--interrupt-before",
        "--interrupt-after",
        "--debug",
        "--help",
    ]


def test_a_group_option_that_is_not_a_common_option_is_refused_at_once() -> None:
    stray = (text_option("colour", "--colour", metavar="C", help="Not an option of hil."),)
    with pytest.raises(TypeError, match="colour"):
        command(typer.Typer(), stray)


def test_hil_help_shows_choices_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    """`--on-ctrl-c cancel|detach`, like a metavar, not the framework's `<cancel|detach>`."""
    for args in (["run", "--help"], ["threads", "--help"]):
        _invoke(hil_app, *args, env=_environment())
        out = capsys.readouterr().out
        assert "<" not in out and ">" not in out, out
    _invoke(hil_app, "run", "--help", env=_environment())
    assert re.search(r"^  --on-ctrl-c cancel\|detach\s", capsys.readouterr().out, re.MULTILINE)
    _invoke(hil_app, "threads", "--help", env=_environment())
    assert "--status idle|busy|interrupted|error" in capsys.readouterr().out
