"""The `hil` command line: option parsing only, and the one error boundary.

Heavy modules (httpx, Rich rendering, prompt-toolkit) are imported inside the commands, so
`hil --help` stays fast. `main` is the one place that reads the process (its streams,
terminal, variables, clock): it builds the `Environment` once and hands it to typer as the
context's `obj`, and each command passes it on to the work in `hilcli.commands`.

A command declares only its own arguments and names the groups of shared options it takes
(`hilcli.cli_options`); its body receives the `Environment`, those options as one
`CommonOptions`, and its own arguments.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hilcli.cli_options import (
    ANSWERS,
    BREAKPOINTS,
    CONFIG_ONLY,
    CONNECTION,
    JSON_DOCUMENT,
    ONE_RUN,
    RUN_OUTPUT,
    SERVER,
    STREAM,
    Group,
    command,
    environment,
    json_output,
    text_option,
)
from hilcli.environment import Environment
from hilcli.errors import ExitStatus, HilError, UsageError
from hilcli.help import EPILOG, HilGroup
from hilcli.options import CommonOptions

#: `-h` is `--help` everywhere (subcommands inherit it from the top context).
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


def _group(name: str, help: str, **settings: Any) -> typer.Typer:
    """A command group (`hil`, `hil config`): commands listed in hil's own words (`HilGroup`),
    plain text (no Rich markup), and its help when called without a command."""
    return typer.Typer(
        name=name, cls=HilGroup, help=help, no_args_is_help=True, rich_markup_mode=None, **settings
    )


app = _group(
    "hil",
    "A terminal client for human-in-the-loop LangGraph agents.",
    epilog=EPILOG,
    context_settings=HELP_OPTIONS,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(ctx: typer.Context, value: bool) -> None:
    """`hil --version` / `-V`: the version, without loading anything else."""
    if value:
        from hilcli import __version__

        environment(ctx).stdout.write(f"hil {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _top(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            is_eager=True,
            callback=_print_version,
            help="Print hil's version and exit.",
        ),
    ] = False,
) -> None:
    """A terminal client for human-in-the-loop LangGraph agents."""


Thread = Annotated[str | None, typer.Option("--thread", metavar="ID", help="Continue this thread.")]


@command(app, CONNECTION, RUN_OUTPUT, ANSWERS, BREAKPOINTS)
def chat(env: Environment, opts: CommonOptions, thread: Thread = None) -> None:
    """Chat with an agent; answer its questions as they come."""
    from hilcli.commands.conversation import chat_command

    chat_command(env, opts, thread)


@command(app, ONE_RUN, short_help="Run once, stream it to the end (exit 3: waits for input).")
def run(
    env: Environment,
    opts: CommonOptions,
    message: Annotated[
        str | None, typer.Argument(metavar="MESSAGE", help="The message to send.")
    ] = None,
    input_json: Annotated[
        str | None,
        typer.Option("--input-json", metavar="JSON", help="Send this JSON as the run input."),
    ] = None,
    thread: Thread = None,
    checkpoint: Annotated[
        str | None,
        typer.Option(
            "--checkpoint",
            metavar="C",
            help="Start from this checkpoint of the thread (its id as `hil history` shows it).",
        ),
    ] = None,
) -> int:
    """Start a run, stream it to the end, and exit (3 when it waits for input)."""
    if checkpoint is not None:  # from a checkpoint: a new branch, or a replay without input
        from hilcli.commands.history import run_at_command

        return run_at_command(env, opts, message, input_json, thread, checkpoint)
    from hilcli.commands.oneshot import run_command

    return run_command(env, opts, message, input_json, thread)


@command(app, ONE_RUN, short_help="Answer a waiting thread and stream the resumed run.")
def resume(
    env: Environment,
    opts: CommonOptions,
    thread: Annotated[str, typer.Argument(metavar="THREAD", help="The thread waiting for input.")],
    value: Annotated[
        str | None, typer.Option("--value", metavar="TEXT", help="Answer with this text.")
    ] = None,
    value_json: Annotated[
        str | None,
        typer.Option("--value-json", metavar="JSON", help="Answer with this JSON value."),
    ] = None,
    approve: Annotated[bool, typer.Option("--approve", help="Approve every action.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject every action.")] = False,
    message: Annotated[
        str | None,
        typer.Option("--message", metavar="TEXT", help="The reason given with --reject."),
    ] = None,
    interrupt_id: Annotated[
        str | None,
        typer.Option("--interrupt-id", metavar="ID", help="Which pending interrupt to answer."),
    ] = None,
    checkpoint: Annotated[
        str | None,
        typer.Option(
            "--checkpoint",
            metavar="C",
            help="Answer the questions pending at this earlier checkpoint, on a new branch.",
        ),
    ] = None,
    continue_run: Annotated[
        bool, typer.Option("--continue", help="Go on past a breakpoint pause.")
    ] = False,
) -> int:
    """Answer a thread's pending interrupt and stream the resumed run to its end."""
    from hilcli.commands.oneshot import ResumeAnswer, resume_command

    typed = ResumeAnswer(
        value=value, value_json=value_json, approve=approve, reject=reject, message=message
    )
    if checkpoint is not None or continue_run:
        from hilcli.commands.history import resume_at_command

        return resume_at_command(env, opts, thread, typed, interrupt_id, checkpoint, continue_run)
    return resume_command(env, opts, thread, typed, interrupt_id)


@command(
    app,
    CONNECTION,
    RUN_OUTPUT,
    ANSWERS,
    short_help="Join the run running on a thread, then chat on it.",
)
def attach(
    env: Environment,
    opts: CommonOptions,
    thread: Annotated[
        str, typer.Argument(metavar="THREAD", help="The thread whose running run to join.")
    ],
) -> None:
    """Join the run running on a thread (or say there is none), then chat on it."""
    from hilcli.commands.conversation import attach_command

    attach_command(env, opts, thread)


@command(app, short_help="Chat with example graphs on a local server (no key needed).")
def demo(
    env: Environment,
    opts: CommonOptions,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="Port for the demo server (0: free).")
    ] = 0,
) -> None:
    """Start a local server with example graphs and chat with it (no key, no network)."""
    from hilcli.commands.conversation import demo_command

    demo_command(env, debug=opts.debug, port=port)


# -- threads, inbox, config, doctor (hilcli/commands/threads.py) ------------------------------


class ThreadStatus(StrEnum):
    """A thread status to filter `hil threads` by."""

    idle = "idle"
    busy = "busy"
    interrupted = "interrupted"
    error = "error"


#: `hil threads -a`: the same setting as everywhere, in the words of a filter.
OWNED_BY: Group = (
    text_option(
        "assistant",
        "--assistant",
        "-a",
        metavar="ID",
        help="Only threads of this graph or assistant.",
    ),
)


@command(app, OWNED_BY, JSON_DOCUMENT, SERVER)
def threads(
    env: Environment,
    opts: CommonOptions,
    status: Annotated[
        ThreadStatus | None, typer.Option("--status", help="Only threads with this status.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, metavar="N", help="At most this many.")
    ] = 20,
    page_size: Annotated[
        int | None, typer.Option("--page-size", min=1, max=100, hidden=True)
    ] = None,  # threads per request (100): smaller in tests and benchmarks
) -> None:
    """List threads, newest first, with the first pending question."""
    from hilcli.commands.threads import threads_command

    threads_command(env, opts, status.value if status else None, limit, page_size)


@command(
    app, JSON_DOCUMENT, SERVER, short_help="A thread: status, latest messages, pending questions."
)
def show(
    env: Environment,
    opts: CommonOptions,
    thread: Annotated[str, typer.Argument(metavar="THREAD", help="The thread to show.")],
) -> None:
    """Show a thread: status, latest messages or values, pending interrupts."""
    from hilcli.commands.threads import show_command

    show_command(env, opts, thread)


@command(
    app,
    json_output("Print the waiting threads as JSON and exit."),
    CONNECTION,
    STREAM,
    short_help="Every thread waiting for input: pick one, answer it.",
)
def inbox(
    env: Environment,
    opts: CommonOptions,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            max=100,
            metavar="N",
            help="Threads per page (20; n/p change pages). --json lists all, N per request.",
        ),
    ] = None,
) -> None:
    """Every thread waiting for input: pick one, answer it, watch the run finish."""
    from hilcli.commands.threads import inbox_command

    inbox_command(env, opts, limit)


@command(app, CONNECTION, short_help="Check the server, the credentials and the assistant.")
def doctor(env: Environment, opts: CommonOptions) -> int:
    """Check the server, the credentials and the assistant (exit 5: unreachable or refused)."""
    from hilcli.commands.settings import doctor_command

    return doctor_command(env, opts)


config_app = _group("config", "The settings in effect and the config file.")
app.add_typer(config_app)


@command(config_app, CONNECTION, JSON_DOCUMENT, name="show")
def config_show(env: Environment, opts: CommonOptions) -> None:
    """The effective settings and where each came from (API key redacted)."""
    from hilcli.commands.settings import config_show_command

    config_show_command(env, opts)


@command(config_app, CONFIG_ONLY, name="path")
def config_path(env: Environment, opts: CommonOptions) -> None:
    """The path of the config file in use."""
    from hilcli.commands.settings import config_path_command

    config_path_command(env, opts)


@command(
    config_app,
    name="init",
    short_help="Write a commented config file that explains every key.",
)
def config_init(
    env: Environment,
    opts: CommonOptions,
    path: Annotated[
        str | None,
        typer.Option(
            "--path",
            metavar="FILE",
            help="Write this file (default: the config file hil reads, see 'hil config path').",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented config file that describes every key (never over a file without
    --force)."""
    from hilcli.commands.settings import config_init_command

    config_init_command(env, path, force=force)


# `hil history` and `hil edit` (time travel) are declared in hilcli/cli_history.py.
from hilcli import cli_history  # noqa: E402, F401


def _report(env: Environment, exc: HilError) -> None:
    from hilcli.text import safe_text

    env.stderr.write(f"hil: {safe_text(exc.message)}\n")
    if exc.hint:
        env.stderr.write(f"     {safe_text(exc.hint)}\n")


def _traceback(env: Environment) -> None:
    """`--debug`: the traceback of the exception being handled, on stderr.

    Printed before the usual one or two lines, never instead of them: `--debug` adds detail
    and leaves the exit status as the contract says (re-raising would make every error 1).
    """
    import traceback

    traceback.print_exc(file=env.stderr)


def main(argv: list[str] | None = None, env: Environment | None = None) -> None:
    """Run `hil`; map every error to one or two lines and the contract's exit status.

    `env` is the process's own (`Environment.from_process()`, read here and only here)
    unless a caller gives another: what every command reads, writes and waits through.
    """
    if TYPE_CHECKING:
        # mypy reads the installed typer, which vendors its own click (typer._click).
        from typer._click.exceptions import ClickException, NoArgsIsHelpError
        from typer.exceptions import Abort
    else:
        try:  # recent typer vendors its own click; older releases raise click's own
            from typer._click.exceptions import ClickException, NoArgsIsHelpError
            from typer.exceptions import Abort
        except ImportError:  # pragma: no cover
            from click.exceptions import Abort, ClickException, NoArgsIsHelpError

    env = Environment.from_process() if env is None else env
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = app(args=args, prog_name="hil", standalone_mode=False, obj=env)
    except NoArgsIsHelpError as exc:  # `hil` or `hil config` alone: the help, exit 2
        exc.show()
        sys.exit(ExitStatus.USAGE)
    except ClickException as exc:
        from hilcli.help import usage_error

        _report(env, UsageError(*usage_error(exc)))
        sys.exit(ExitStatus.USAGE)
    except Abort:
        sys.exit(ExitStatus.CTRL_C)
    except HilError as exc:
        if debug:
            _traceback(env)
        _report(env, exc)
        sys.exit(exc.exit_status)
    except KeyboardInterrupt:
        if debug:
            _traceback(env)
        env.stderr.write("hil: interrupted\n")
        sys.exit(ExitStatus.CTRL_C)
    except Exception as exc:  # a bug of ours: one line, the traceback with --debug
        if debug:
            _traceback(env)
        from hilcli.text import safe_text

        env.stderr.write(
            f"hil: unexpected error: {type(exc).__name__}: {safe_text(str(exc))}\n"
            "     Run again with --debug for the traceback, and please report it.\n"
        )
        sys.exit(ExitStatus.ERROR)
    sys.exit(code if isinstance(code, int) else 0)
