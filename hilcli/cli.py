"""The `hil` command line: option parsing only, and the one error boundary.

Heavy modules (httpx, Rich rendering, prompt-toolkit) are imported inside the commands, so
`hil --help` stays fast. `main` is the one place that reads the process (its streams,
terminal, variables, clock): it builds the `Environment` once and hands it to typer as the
context's `obj`, and each command passes it on to the work in `hilcli.commands`.
"""

from __future__ import annotations

import sys
from dataclasses import fields
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from hilcli.environment import Environment
from hilcli.errors import ExitStatus, HilError, UsageError
from hilcli.help import EPILOG, HilGroup
from hilcli.options import CommonOptions, JsonAnswer, OnCtrlC, PreparedAnswer

#: `-h` is `--help` everywhere (subcommands inherit it from the top context).
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="hil",
    cls=HilGroup,
    help="A terminal client for human-in-the-loop LangGraph agents.",
    epilog=EPILOG,
    context_settings=HELP_OPTIONS,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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


Url = Annotated[
    str | None, typer.Option("--url", metavar="URL", help="Agent Server URL [env HIL_URL].")
]
Assistant = Annotated[
    str | None,
    typer.Option(
        "--assistant", "-a", metavar="ID", help="Assistant or graph id [env HIL_ASSISTANT]."
    ),
]
ApiKey = Annotated[
    str | None,
    typer.Option("--api-key", metavar="KEY", help="API key, sent as x-api-key [env HIL_API_KEY]."),
]
Header = Annotated[
    list[str] | None,
    typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="Extra header 'Name: value'."),
]
Config = Annotated[
    str | None, typer.Option("--config", metavar="PATH", help="Config file [env HIL_CONFIG].")
]
Profile = Annotated[
    str | None,
    typer.Option("--profile", "-p", metavar="NAME", help="Config profile [env HIL_PROFILE]."),
]
Json = Annotated[bool, typer.Option("--json", help="JSON Lines output.")]
JsonDocument = Annotated[bool, typer.Option("--json", help="One JSON document.")]
Raw = Annotated[bool, typer.Option("--raw", help="Print events as the server sent them.")]
StreamMode = Annotated[
    list[str] | None,
    typer.Option("--stream-mode", metavar="MODE", help="Add a stream mode (repeatable)."),
]
CtrlC = Annotated[OnCtrlC, typer.Option("--on-ctrl-c", help="What Ctrl-C during a run does.")]
Debug = Annotated[bool, typer.Option("--debug", help="Full tracebacks and protocol logging.")]
Thread = Annotated[str | None, typer.Option("--thread", metavar="ID", help="Continue this thread.")]
Answers = Annotated[
    str | None,
    typer.Option(
        "--answers",
        metavar="FILE",
        help="TOML rules that answer matching interrupts automatically.",
    ),
]
Answer = Annotated[
    list[str] | None,
    typer.Option(
        "--answer", metavar="TEXT", help="Answer the next pending interrupt with this (repeatable)."
    ),
]

AnswerJson = Annotated[
    list[str] | None,
    typer.Option(
        "--answer-json",
        metavar="JSON",
        help="Answer the next pending interrupt with this JSON value (repeatable; in order "
        "with --answer).",
    ),
]

# Time travel (hilcli/commands/history.py): breakpoints and the checkpoint a run starts from.
InterruptBefore = Annotated[
    list[str] | None,
    typer.Option(
        "--interrupt-before",
        metavar="NODE",
        help="Pause every run before this node (repeatable; '*': every node).",
    ),
]
InterruptAfter = Annotated[
    list[str] | None,
    typer.Option(
        "--interrupt-after",
        metavar="NODE",
        help="Pause every run after this node (repeatable; '*': every node).",
    ),
]
Checkpoint = Annotated[
    str | None,
    typer.Option(
        "--checkpoint",
        metavar="C",
        help="Start from this checkpoint of the thread (its id as `hil history` shows it).",
    ),
]

#: `ctx.meta` key: which of `--answer` / `--answer-json` came first, second, ...
_ANSWER_ORDER = "hil.answer_order"


class AnswersInOrder(TyperCommand):
    """A command that remembers the order of its `--answer` and `--answer-json` values.

    Click hands each option its own list; the order across the two is only seen while
    parsing, so it is kept in `ctx.meta` for `_options`.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        except Exception:  # a usage error: the real parse below reports it
            order = []
        ctx.meta[_ANSWER_ORDER] = [
            param.name for param in order if param.name in ("answer", "answer_json")
        ]
        return super().parse_args(ctx, args)


def _prepared(texts: list[str], jsons: list[str], ctx: Any) -> list[PreparedAnswer]:
    """`--answer` texts and parsed `--answer-json` values, in the order they were typed."""
    import json

    meta = getattr(ctx, "meta", None) or {}
    order = meta.get(_ANSWER_ORDER) or ["answer"] * len(texts) + ["answer_json"] * len(jsons)
    text_iter, json_iter = iter(texts), iter(jsons)
    prepared: list[PreparedAnswer] = []
    for number, name in enumerate(order, start=1):
        if name == "answer":
            prepared.append(next(text_iter))
            continue
        raw = next(json_iter)
        try:
            prepared.append(JsonAnswer(raw, json.loads(raw)))
        except ValueError as exc:
            raise UsageError(
                f"--answer-json {raw!r} (answer #{number}) is not valid JSON: {exc}.",
                hint='Quote it for the shell: --answer-json \'{"type": "accept"}\'; '
                "a plain text goes with --answer.",
            ) from None
    return prepared


def environment(ctx: typer.Context) -> Environment:
    """The `Environment` `main` built; the process's own when typer was run without `main`
    (`app(...)` called directly)."""
    found = ctx.find_object(Environment)
    return found if found is not None else Environment.from_process()


def _options(values: dict[str, Any]) -> CommonOptions:
    """The shared options among a command's parameters (`locals()`), unset ones left out."""
    known = {item.name for item in fields(CommonOptions)}
    given = {key: value for key, value in values.items() if key in known and value is not None}
    if "answer" in values or "answer_json" in values:
        texts, jsons = values.get("answer") or [], values.get("answer_json") or []
        prepared = _prepared(texts, jsons, values.get("ctx"))
        given.pop("answer", None)
        if prepared:
            given["answer"] = prepared
    return CommonOptions(**given)


@app.command(cls=AnswersInOrder)
def chat(
    ctx: typer.Context,
    url: Url = None,
    assistant: Assistant = None,
    thread: Thread = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    raw: Raw = False,
    stream_mode: StreamMode = None,
    on_ctrl_c: CtrlC = OnCtrlC.cancel,
    answers: Answers = None,
    answer: Answer = None,
    answer_json: AnswerJson = None,
    interrupt_before: InterruptBefore = None,
    interrupt_after: InterruptAfter = None,
    debug: Debug = False,
) -> None:
    """Chat with an agent; answer its questions as they come."""
    from hilcli.commands.conversation import chat_command

    opts = _options(locals())
    chat_command(environment(ctx), opts, thread)


@app.command(
    cls=AnswersInOrder, short_help="Run once, stream it to the end (exit 3: waits for input)."
)
def run(
    ctx: typer.Context,
    message: Annotated[
        str | None, typer.Argument(metavar="MESSAGE", help="The message to send.")
    ] = None,
    input_json: Annotated[
        str | None,
        typer.Option("--input-json", metavar="JSON", help="Send this JSON as the run input."),
    ] = None,
    thread: Thread = None,
    url: Url = None,
    assistant: Assistant = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    json_output: Json = False,
    raw: Raw = False,
    stream_mode: StreamMode = None,
    on_ctrl_c: CtrlC = OnCtrlC.cancel,
    answers: Answers = None,
    answer: Answer = None,
    answer_json: AnswerJson = None,
    checkpoint: Checkpoint = None,
    interrupt_before: InterruptBefore = None,
    interrupt_after: InterruptAfter = None,
    debug: Debug = False,
) -> None:
    """Start a run, stream it to the end, and exit (3 when it waits for input)."""
    from hilcli.commands.oneshot import run_command

    opts = _options(locals())
    env = environment(ctx)
    if checkpoint is not None:  # from a checkpoint: a new branch, or a replay without input
        from hilcli.commands.history import run_at_command

        raise typer.Exit(run_at_command(env, opts, message, input_json, thread, checkpoint))
    raise typer.Exit(run_command(env, opts, message, input_json, thread))


@app.command(cls=AnswersInOrder, short_help="Answer a waiting thread and stream the resumed run.")
def resume(
    ctx: typer.Context,
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
    url: Url = None,
    assistant: Assistant = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    json_output: Json = False,
    raw: Raw = False,
    stream_mode: StreamMode = None,
    on_ctrl_c: CtrlC = OnCtrlC.cancel,
    answers: Answers = None,
    answer: Answer = None,
    answer_json: AnswerJson = None,
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
    interrupt_before: InterruptBefore = None,
    interrupt_after: InterruptAfter = None,
    debug: Debug = False,
) -> None:
    """Answer a thread's pending interrupt and stream the resumed run to its end."""
    from hilcli.commands.oneshot import ResumeAnswer, resume_command

    opts = _options(locals())
    typed = ResumeAnswer(
        value=value, value_json=value_json, approve=approve, reject=reject, message=message
    )
    env = environment(ctx)
    if checkpoint is not None or continue_run:
        from hilcli.commands.history import resume_at_command

        raise typer.Exit(
            resume_at_command(env, opts, thread, typed, interrupt_id, checkpoint, continue_run)
        )
    raise typer.Exit(resume_command(env, opts, thread, typed, interrupt_id))


@app.command(cls=AnswersInOrder, short_help="Join the run running on a thread, then chat on it.")
def attach(
    ctx: typer.Context,
    thread: Annotated[
        str, typer.Argument(metavar="THREAD", help="The thread whose running run to join.")
    ],
    url: Url = None,
    assistant: Assistant = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    raw: Raw = False,
    stream_mode: StreamMode = None,
    on_ctrl_c: CtrlC = OnCtrlC.cancel,
    answers: Answers = None,
    answer: Answer = None,
    answer_json: AnswerJson = None,
    debug: Debug = False,
) -> None:
    """Join the run running on a thread (or say there is none), then chat on it."""
    from hilcli.commands.conversation import attach_command

    opts = _options(locals())
    attach_command(environment(ctx), opts, thread)


@app.command(short_help="Chat with example graphs on a local server (no key needed).")
def demo(
    ctx: typer.Context,
    debug: Debug = False,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="Port for the demo server (0: free).")
    ] = 0,
) -> None:
    """Start a local server with example graphs and chat with it (no key, no network)."""
    from hilcli.commands.conversation import demo_command

    demo_command(environment(ctx), debug=debug, port=port)


# -- threads, inbox, config, doctor (hilcli/commands/threads.py) ------------------------------


class ThreadStatus(StrEnum):
    """A thread status to filter `hil threads` by."""

    idle = "idle"
    busy = "busy"
    interrupted = "interrupted"
    error = "error"


@app.command()
def threads(
    ctx: typer.Context,
    status: Annotated[
        ThreadStatus | None, typer.Option("--status", help="Only threads with this status.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, metavar="N", help="At most this many.")
    ] = 20,
    assistant: Annotated[
        str | None,
        typer.Option(
            "--assistant", "-a", metavar="ID", help="Only threads of this graph or assistant."
        ),
    ] = None,
    page_size: Annotated[
        int | None, typer.Option("--page-size", min=1, max=100, hidden=True)
    ] = None,  # threads per request (100): smaller in tests and benchmarks
    json_output: JsonDocument = False,
    url: Url = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    debug: Debug = False,
) -> None:
    """List threads, newest first, with the first pending question."""
    from hilcli.commands.threads import threads_command

    opts = _options(locals())
    threads_command(environment(ctx), opts, status.value if status else None, limit, page_size)


@app.command(short_help="A thread: status, latest messages, pending questions.")
def show(
    ctx: typer.Context,
    thread: Annotated[str, typer.Argument(metavar="THREAD", help="The thread to show.")],
    json_output: JsonDocument = False,
    url: Url = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    debug: Debug = False,
) -> None:
    """Show a thread: status, latest messages or values, pending interrupts."""
    from hilcli.commands.threads import show_command

    opts = _options(locals())
    show_command(environment(ctx), opts, thread)


@app.command(short_help="Every thread waiting for input: pick one, answer it.")
def inbox(
    ctx: typer.Context,
    assistant: Assistant = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the waiting threads as JSON and exit.")
    ] = False,
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
    url: Url = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    stream_mode: StreamMode = None,
    on_ctrl_c: CtrlC = OnCtrlC.cancel,
    debug: Debug = False,
) -> None:
    """Every thread waiting for input: pick one, answer it, watch the run finish."""
    from hilcli.commands.threads import inbox_command

    opts = _options(locals())
    inbox_command(environment(ctx), opts, limit)


@app.command(short_help="Check the server, the credentials and the assistant.")
def doctor(
    ctx: typer.Context,
    url: Url = None,
    assistant: Assistant = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    debug: Debug = False,
) -> None:
    """Check the server, the credentials and the assistant (exit 5: unreachable or refused)."""
    from hilcli.commands.settings import doctor_command

    opts = _options(locals())
    raise typer.Exit(doctor_command(environment(ctx), opts))


config_app = typer.Typer(
    name="config",
    cls=HilGroup,
    help="The settings in effect and the config file.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(config_app)


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    url: Url = None,
    assistant: Assistant = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    json_output: JsonDocument = False,
    debug: Debug = False,
) -> None:
    """The effective settings and where each came from (API key redacted)."""
    from hilcli.commands.settings import config_show_command

    opts = _options(locals())
    config_show_command(environment(ctx), opts)


@config_app.command("path")
def config_path(
    ctx: typer.Context,
    config: Config = None,
    debug: Debug = False,
) -> None:
    """The path of the config file in use."""
    from hilcli.commands.settings import config_path_command

    config_path_command(environment(ctx), _options(locals()))


@config_app.command("init", short_help="Write a commented config file that explains every key.")
def config_init(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Option(
            "--path",
            metavar="FILE",
            help="Write this file (default: the config file hil reads, see 'hil config path').",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    debug: Debug = False,
) -> None:
    """Write a commented config file that describes every key (never over a file without
    --force)."""
    from hilcli.commands.settings import config_init_command

    config_init_command(environment(ctx), path, force=force)


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
