"""What every command is built from: settings, the client, the display, the line reader and
the session, put together the same way for each; and the small rules the commands share."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hilcli.errors import ExitStatus, UsageError
from hilcli.options import CommonOptions

if TYPE_CHECKING:
    from hilcli.client import AgentClient
    from hilcli.config import Settings
    from hilcli.environment import Environment
    from hilcli.frontend import Frontend
    from hilcli.prompts.reader import LineReader
    from hilcli.render.display import Display
    from hilcli.session import RunOutcome, Session, Terminal


def load_settings(env: Environment, opts: CommonOptions, url: str | None = None) -> Settings:
    """The settings in effect: `opts`' flags over `env`'s variables over the config file."""
    from hilcli.config import insecure_key_warning, require_named_config, resolve

    settings = resolve(
        url=url or opts.url,
        assistant=opts.assistant,
        api_key=opts.api_key,
        headers=opts.header,
        stream_modes=opts.stream_mode,
        config=opts.config,
        profile=opts.profile,
        env=env.variables,
    )
    require_named_config(settings)
    warning = insecure_key_warning(settings)
    if warning:
        env.stderr.write(f"hil: {warning}\n")
    if opts.debug:
        from hilcli.debuglog import enable_debug_logging

        enable_debug_logging([settings.api_key, *settings.headers.values()], env.stderr)
    return settings


def make_client(env: Environment, settings: Settings) -> AgentClient:
    """The client for `settings`, through `env`'s transport and timeouts and on its clock;
    its `hints` spell commands that reach the same server."""
    from hilcli.client import AgentClient
    from hilcli.hints import HilCommand

    return AgentClient(
        settings.url,
        api_key=settings.api_key,
        headers=settings.headers,
        timeout=env.timeout,
        transport=env.transport,
        clock=env.clock,
        hints=HilCommand.for_settings(settings),
    )


def stream_modes_for(settings: Settings) -> list[str]:
    """The modes a run asks for: hil's own, then the person's extras (`stream_modes_with`)."""
    from hilcli.stream_modes import stream_modes_with

    return stream_modes_with(settings.stream_modes)


def make_display(env: Environment, opts: CommonOptions) -> Display:
    """The display `opts` ask for, drawing on `env`'s stdout and stderr as their terminal
    facts and `NO_COLOR` allow."""
    from hilcli.render.consoles import make_console
    from hilcli.render.display import JsonDisplay, RawDisplay, RichDisplay

    err = make_console(env.stderr, terminal=env.stderr_is_terminal, plain=env.stderr_is_plain)
    if opts.json_output:
        return JsonDisplay(env.stdout, err, clock=env.clock)
    console = make_console(env.stdout, terminal=env.stdout_is_terminal, plain=env.stdout_is_plain)
    kind = RawDisplay if opts.raw else RichDisplay
    return kind(console, err, clock=env.clock)


def has_prepared_answers(opts: CommonOptions) -> bool:
    """`--answers` or `--answer` was given: interrupts may be answered without asking."""
    return opts.answers is not None or bool(opts.answer)


def make_frontend(
    env: Environment, settings: Settings, display: Display, interactive: bool
) -> Frontend:
    """The display, and a line reader when the command may ask: a prompt when `env`'s
    stdin is a terminal, else its lines (echoed to its stdout)."""
    from hilcli.frontend import Frontend
    from hilcli.prompts.editor import configured_editor

    reader: LineReader | None = None
    if interactive:
        from hilcli.prompts.reader import PromptReader, StdinReader, history_path

        if env.stdin_is_terminal:
            reader = PromptReader(history_path(env.variables), stdin=env.stdin, stdout=env.stdout)
        else:
            reader = StdinReader(env.stdin, env.stdout)
    return Frontend(
        display,
        reader,
        bell=settings.bell,
        clock=env.clock,
        editor=configured_editor(env.variables),
    )


def make_session(
    env: Environment,
    opts: CommonOptions,
    settings: Settings,
    display: Display,
    interactive: bool,
    frontend: Frontend | None = None,
) -> Session:
    """The session of a command, talking through `frontend` (built here when not given),
    wrapped by the prepared answers' terminal when there are any; it waits on `env`'s clock."""
    from hilcli.session import Session

    if frontend is None:
        frontend = make_frontend(env, settings, display, interactive)
    terminal: Terminal = frontend
    if has_prepared_answers(opts):
        from hilcli.prepared.terminal import answering_terminal

        terminal = answering_terminal(frontend, opts.answers, opts.answer)
    session = Session(
        make_client(env, settings),
        settings.assistant,
        terminal,
        stream_modes=stream_modes_for(settings),
        on_ctrl_c=opts.on_ctrl_c.value,
        clock=env.clock,
    )
    session.interrupt_before = list(opts.interrupt_before or ())  # breakpoints of every run
    session.interrupt_after = list(opts.interrupt_after or ())
    return session


def exit_status(outcome: RunOutcome) -> int:
    if outcome.status == "error":
        return ExitStatus.ERROR
    if outcome.status == "interrupted":
        return ExitStatus.INTERRUPTED
    return ExitStatus.OK


def finish(
    session: Session, display: Display, outcome: RunOutcome, *, prepared: bool = False
) -> int:
    """How a one-shot run ends (run, resume and their time-travel forms): with `prepared`
    answers, what it asks next is answered by them first (`Session.converse_prepared`); then
    the `result` line with the command that goes on from there, and the exit status its
    outcome maps to."""
    if prepared:
        outcome = session.converse_prepared(outcome)
    display.result(outcome.to_json(), session.resume_line(outcome))
    return exit_status(outcome)


def parse_json_flag(text: str, flag: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{flag} is not valid JSON: {exc}") from exc


def print_json(env: Environment, document: Any) -> None:
    """`document` as indented JSON on `env`'s stdout."""
    from hilcli.text import json_safe

    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    env.stdout.write(json_safe(text) + "\n")


def print_json_list(env: Environment, items: Iterable[Any]) -> None:
    """A JSON list written an item at a time, as `print_json` would write it whole: a long
    listing is printed as its pages arrive, and nothing of it is kept."""
    from hilcli.text import json_safe

    out = env.stdout
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
        out.write(("[\n  " if first else ",\n  ") + json_safe(text).replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")
