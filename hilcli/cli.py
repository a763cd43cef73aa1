"""The `hil` command line: option parsing only, and the one error boundary.

Heavy modules (httpx, Rich rendering, prompt-toolkit) are imported inside the commands, so
`hil --help` stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hilcli.errors import ExitStatus, HilError
from hilcli.options import CommonOptions, OnCtrlC

app = typer.Typer(
    name="hil",
    help="A terminal client for human-in-the-loop LangGraph agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Url = Annotated[str | None, typer.Option("--url", help="Agent Server URL [env HIL_URL].")]
Assistant = Annotated[
    str | None, typer.Option("--assistant", "-a", help="Assistant or graph id [env HIL_ASSISTANT].")
]
ApiKey = Annotated[
    str | None, typer.Option("--api-key", help="API key, sent as x-api-key [env HIL_API_KEY].")
]
Header = Annotated[
    list[str] | None, typer.Option("--header", "-H", help="Extra header 'Name: value'.")
]
Config = Annotated[str | None, typer.Option("--config", help="Config file [env HIL_CONFIG].")]
Profile = Annotated[
    str | None, typer.Option("--profile", "-p", help="Config profile [env HIL_PROFILE].")
]
Json = Annotated[bool, typer.Option("--json", help="JSON Lines output.")]
Raw = Annotated[bool, typer.Option("--raw", help="Print events as the server sent them.")]
StreamMode = Annotated[
    list[str] | None, typer.Option("--stream-mode", help="Add a stream mode (repeatable).")
]
CtrlC = Annotated[OnCtrlC, typer.Option("--on-ctrl-c", help="What Ctrl-C during a run does.")]
Debug = Annotated[bool, typer.Option("--debug", help="Full tracebacks and protocol logging.")]
Thread = Annotated[str | None, typer.Option("--thread", help="Continue this thread.")]


def _common(**kwargs: object) -> CommonOptions:
    return CommonOptions(**kwargs)  # type: ignore[arg-type]


@app.command()
def chat(
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
    debug: Debug = False,
) -> None:
    """Chat with an agent; answer its questions as they come."""
    from hilcli.commands import chat_command

    opts = _common(
        url=url,
        assistant=assistant,
        api_key=api_key,
        header=header,
        config=config,
        profile=profile,
        raw=raw,
        stream_mode=stream_mode,
        on_ctrl_c=on_ctrl_c,
        debug=debug,
    )
    chat_command(opts, thread)


@app.command()
def run(
    message: Annotated[str | None, typer.Argument(help="The message to send.")] = None,
    input_json: Annotated[
        str | None, typer.Option("--input-json", help="Send this JSON as the run input.")
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
    debug: Debug = False,
) -> None:
    """Start a run, stream it to the end, and exit (3 when it waits for input)."""
    from hilcli.commands import run_command

    opts = _common(
        url=url,
        assistant=assistant,
        api_key=api_key,
        header=header,
        config=config,
        profile=profile,
        raw=raw,
        stream_mode=stream_mode,
        on_ctrl_c=on_ctrl_c,
        debug=debug,
        json_output=json_output,
    )
    raise typer.Exit(run_command(opts, message, input_json, thread))


@app.command()
def resume(
    thread: Annotated[str, typer.Argument(help="The thread waiting for input.")],
    value: Annotated[str | None, typer.Option("--value", help="Answer with this text.")] = None,
    value_json: Annotated[
        str | None, typer.Option("--value-json", help="Answer with this JSON value.")
    ] = None,
    approve: Annotated[bool, typer.Option("--approve", help="Approve every action.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject every action.")] = False,
    message: Annotated[
        str | None, typer.Option("--message", help="The reason given with --reject.")
    ] = None,
    interrupt_id: Annotated[
        str | None, typer.Option("--interrupt-id", help="Which pending interrupt to answer.")
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
    debug: Debug = False,
) -> None:
    """Answer a thread's pending interrupt and stream the resumed run to its end."""
    from hilcli.commands import ResumeAnswer, resume_command

    opts = _common(
        url=url,
        assistant=assistant,
        api_key=api_key,
        header=header,
        config=config,
        profile=profile,
        raw=raw,
        stream_mode=stream_mode,
        on_ctrl_c=on_ctrl_c,
        debug=debug,
        json_output=json_output,
    )
    answer = ResumeAnswer(
        value=value, value_json=value_json, approve=approve, reject=reject, message=message
    )
    raise typer.Exit(resume_command(opts, thread, answer, interrupt_id))


@app.command()
def demo(
    debug: Debug = False,
    port: Annotated[int, typer.Option("--port", help="Port for the demo server (0: free).")] = 0,
) -> None:
    """Start a local server with example graphs and chat with it (no key, no network)."""
    from hilcli.commands import demo_command

    demo_command(debug=debug, port=port)


def _report(exc: HilError) -> None:
    from hilcli.render.sanitize import safe_text

    sys.stderr.write(f"hil: {safe_text(exc.message)}\n")
    if exc.hint:
        sys.stderr.write(f"     {safe_text(exc.hint)}\n")


def main(argv: list[str] | None = None) -> None:
    """Run `hil`; map every error to one or two lines and the contract's exit status."""
    import click

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = app(args=args, prog_name="hil", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitStatus.USAGE)
    except click.exceptions.Abort:
        sys.exit(ExitStatus.CTRL_C)
    except HilError as exc:
        if debug:
            raise
        _report(exc)
        sys.exit(exc.exit_status)
    except KeyboardInterrupt:
        if debug:
            raise
        sys.stderr.write("hil: interrupted\n")
        sys.exit(ExitStatus.CTRL_C)
    except Exception as exc:  # a bug of ours: one line, the traceback with --debug
        if debug:
            raise
        sys.stderr.write(
            f"hil: unexpected error: {type(exc).__name__}: {exc}\n"
            "     Run again with --debug for the traceback, and please report it.\n"
        )
        sys.exit(ExitStatus.ERROR)
    sys.exit(code if isinstance(code, int) else 0)
