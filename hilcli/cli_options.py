"""The options many `hil` commands share, declared once, and the decorator that gives them out.

A command names the groups it takes (`CONNECTION`, `RUN_OUTPUT`, `ANSWERS`, ...) and declares
only its own arguments; `command` builds what typer reads (the function's signature: typer
calls `inspect.signature`, which honours `__signature__`) from the command's own parameters
followed by the groups' and `--debug`, and on a call packs the groups' values into one
`CommonOptions` for the command's body. So a flag's name, help and default live in one place,
and a command's `--help` lists its own options first, then the shared ones in the same order
everywhere.

Only typer is imported here (no HTTP, Rich or prompt-toolkit): `hil --help` stays fast.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from hilcli.environment import Environment
from hilcli.errors import UsageError
from hilcli.options import CommonOptions, JsonAnswer, OnCtrlC, PreparedAnswer

#: A group of shared options: the typer parameters it adds to a command.
Group = tuple[inspect.Parameter, ...]


def shared_option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    """A shared option: `name` is its `CommonOptions` field, `annotation` its typer option."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def text_option(name: str, *flags: str, metavar: str, help: str) -> inspect.Parameter:
    """A shared option that takes one text (None when not given)."""
    option = typer.Option(*flags, metavar=metavar, help=help)
    return shared_option(name, Annotated[str | None, option], None)


def texts_option(name: str, *flags: str, metavar: str, help: str) -> inspect.Parameter:
    """A shared option given any number of times (None when not given)."""
    option = typer.Option(*flags, metavar=metavar, help=help)
    return shared_option(name, Annotated[list[str] | None, option], None)


def flag_option(name: str, flag: str, help: str) -> inspect.Parameter:
    """A shared on/off flag, off by default."""
    return shared_option(name, Annotated[bool, typer.Option(flag, help=help)], False)


URL = text_option("url", "--url", metavar="URL", help="Agent Server URL [env HIL_URL].")
ASSISTANT = text_option(
    "assistant",
    "--assistant",
    "-a",
    metavar="ID",
    help="Assistant or graph id [env HIL_ASSISTANT].",
)
API_KEY = text_option(
    "api_key", "--api-key", metavar="KEY", help="API key, sent as x-api-key [env HIL_API_KEY]."
)
HEADER = texts_option(
    "header", "--header", "-H", metavar="'NAME: VALUE'", help="Extra header 'Name: value'."
)
CONFIG_FILE = text_option(
    "config", "--config", metavar="PATH", help="Config file [env HIL_CONFIG]."
)
PROFILE = text_option(
    "profile", "--profile", "-p", metavar="NAME", help="Config profile [env HIL_PROFILE]."
)
RAW = flag_option("raw", "--raw", "Print events as the server sent them.")
STREAM_MODE = texts_option(
    "stream_mode", "--stream-mode", metavar="MODE", help="Add a stream mode (repeatable)."
)
ON_CTRL_C = shared_option(
    "on_ctrl_c",
    Annotated[OnCtrlC, typer.Option("--on-ctrl-c", help="What Ctrl-C during a run does.")],
    OnCtrlC.cancel,
)
ANSWERS_FILE = text_option(
    "answers",
    "--answers",
    metavar="FILE",
    help="TOML rules that answer matching interrupts automatically.",
)
ANSWER = texts_option(
    "answer",
    "--answer",
    metavar="TEXT",
    help="Answer the next pending interrupt with this (repeatable).",
)
#: Not a `CommonOptions` field of its own: merged with `--answer`, in the order typed.
ANSWER_JSON = texts_option(
    "answer_json",
    "--answer-json",
    metavar="JSON",
    help="Answer the next pending interrupt with this JSON value (repeatable; in order "
    "with --answer).",
)
INTERRUPT_BEFORE = texts_option(
    "interrupt_before",
    "--interrupt-before",
    metavar="NODE",
    help="Pause every run before this node (repeatable; '*': every node).",
)
INTERRUPT_AFTER = texts_option(
    "interrupt_after",
    "--interrupt-after",
    metavar="NODE",
    help="Pause every run after this node (repeatable; '*': every node).",
)
DEBUG = flag_option("debug", "--debug", "Full tracebacks and protocol logging.")


def json_output(help_text: str) -> Group:
    """`--json`, with what it prints in this command's words."""
    return (flag_option("json_output", "--json", help_text),)


#: The server, the credentials and the config file, without the assistant (`threads`, `show`).
SERVER: Group = (URL, API_KEY, HEADER, CONFIG_FILE, PROFILE)
#: The server, the assistant, the credentials and the config file.
CONNECTION: Group = (URL, ASSISTANT, API_KEY, HEADER, CONFIG_FILE, PROFILE)
#: How a run's stream is read, and what Ctrl-C during it does.
STREAM: Group = (STREAM_MODE, ON_CTRL_C)
#: A run shown as it streams: `--raw` and `STREAM`.
RUN_OUTPUT: Group = (RAW, *STREAM)
#: Prepared answers: a rules file, `--answer` texts and `--answer-json` values.
ANSWERS: Group = (ANSWERS_FILE, ANSWER, ANSWER_JSON)
#: Breakpoints: pause every run before or after nodes.
BREAKPOINTS: Group = (INTERRUPT_BEFORE, INTERRUPT_AFTER)
JSON_LINES = json_output("JSON Lines output.")
JSON_DOCUMENT = json_output("One JSON document.")
#: A run streamed to its end from the command line (`run`, `resume`).
ONE_RUN: Group = (*CONNECTION, *JSON_LINES, *RUN_OUTPUT, *ANSWERS, *BREAKPOINTS)
#: Only the config file (`hil config path`).
CONFIG_ONLY: Group = (CONFIG_FILE,)

#: `ctx.meta` key: which of `--answer` / `--answer-json` came first, second, ...
_ANSWER_ORDER = "hil.answer_order"


class AnswersInOrder(TyperCommand):
    """A command that remembers the order of its `--answer` and `--answer-json` values.

    Click hands each option its own list; the order across the two is only seen while
    parsing, so it is kept in `ctx.meta` for `_prepared`.
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


def _common_options(ctx: typer.Context, values: dict[str, Any]) -> CommonOptions:
    """The shared options' values as one `CommonOptions`, unset ones left at its defaults."""
    given = {key: value for key, value in values.items() if value is not None}
    texts, jsons = given.pop("answer", None) or [], given.pop("answer_json", None) or []
    prepared = _prepared(texts, jsons, ctx)
    if prepared:
        given["answer"] = prepared
    return CommonOptions(**given)


#: The fields a shared option may fill (and `answer_json`, merged into `answer`).
_FIELDS = frozenset(item.name for item in fields(CommonOptions)) | {"answer_json"}

#: A command's body: `(env, opts, **its own arguments)`, an exit status or None (0).
Body = TypeVar("Body", bound=Callable[..., int | None])


class _Command:
    """What typer calls for a command: it reads `__signature__` (the body's own parameters,
    then the shared ones) and calls this with every value by name."""

    def __init__(self, body: Callable[..., int | None], shared: Sequence[inspect.Parameter]):
        own = list(inspect.signature(body, eval_str=True).parameters.values())[2:]
        context = inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
        params = [
            context,
            *(param.replace(kind=inspect.Parameter.KEYWORD_ONLY) for param in own),
            *shared,
        ]
        self.__signature__ = inspect.Signature(params)  # a repeated name raises here
        self.__annotations__ = {param.name: param.annotation for param in params}
        self.__name__ = body.__name__
        self.__qualname__ = body.__qualname__
        self.__module__ = body.__module__
        self.__doc__ = body.__doc__
        self._body = body
        self._shared = [param.name for param in shared]

    def __call__(self, ctx: typer.Context, **values: Any) -> None:
        opts = _common_options(ctx, {name: values.pop(name) for name in self._shared})
        code = self._body(environment(ctx), opts, **values)
        if code is not None:
            raise typer.Exit(code)


def command(
    app: typer.Typer, *groups: Group, name: str | None = None, short_help: str | None = None
) -> Callable[[Body], Body]:
    """Register the decorated body as a command of `app` taking `groups` and `--debug`.

    The body is called as `body(env, opts, **own)`: the `Environment` `main` built, the shared
    options as one `CommonOptions`, and the body's own arguments (the parameters after its
    first two) by name. A command with `--answer-json` parses with `AnswersInOrder`.
    """
    shared = [param for group in groups for param in group] + [DEBUG]
    unknown = [param.name for param in shared if param.name not in _FIELDS]
    if unknown:
        raise TypeError(f"not shared options (CommonOptions has no field): {unknown}")
    in_order = any(param.name == "answer_json" for param in shared)

    def register(body: Body) -> Body:
        app.command(name, cls=AnswersInOrder if in_order else None, short_help=short_help)(
            _Command(body, shared)
        )
        return body

    return register
