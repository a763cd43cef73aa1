"""`hil`'s help and usage errors in its own words, not the command-line framework's.

Typer (on pydantic) would print `{THREAD}` and `MESSAGE <str>` in help, cut command
summaries with "...", and answer a bad `--limit x` with pydantic's "Input should be a valid
integer". `HilGroup` lists commands and arguments plainly; `usage_error` rephrases a
framework usage error as one line and a hint, like every other error of `hil`.

Only typer is imported here: `hil --help` and `hil --version` stay fast.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

#: `hil --help` ends with this: the environment, the config file and the exit codes
#: (shared/docs/cli.md). `\b` keeps the framework from re-wrapping a paragraph.
EPILOG = """\
\b
Environment (each below its flag, above the config file):
  HIL_URL          server URL (--url; default http://127.0.0.1:2024)
  HIL_ASSISTANT    assistant or graph id (-a; default agent)
  HIL_API_KEY      API key sent as x-api-key (--api-key); else
                   LANGGRAPH_API_KEY, LANGSMITH_API_KEY, LANGCHAIN_API_KEY
  HIL_CONFIG       config file (--config)
  HIL_PROFILE      config profile (-p)
  XDG_CONFIG_HOME  where the default config file lives
  XDG_STATE_HOME   where chat history is kept ($XDG_STATE_HOME/hil/history)
  VISUAL, EDITOR   the editor for edits (a review's arguments, hil edit)
  NO_COLOR         no colours

\b
Config file: $XDG_CONFIG_HOME/hil/config.toml, else ~/.config/hil/config.toml.
  hil config init writes a commented one; hil config path prints the one in use;
  hil config show prints every setting and where it came from.

\b
Exit status:
  0    the run finished (or chat was left normally)
  1    the run failed, or another error
  2    usage or configuration error
  3    the run stopped and waits for human input
  4    nothing to resume: the thread is not waiting, or does not exist
  5    the server cannot be reached, or refused the credentials
  130  interrupted by Ctrl-C
"""


class PlainArgument(TyperArgument):
    """An argument shown as `THREAD` (or `[MESSAGE]` when optional), without the framework's
    `{THREAD}` braces or `<str>` type tag."""

    def _usage_display_name(self) -> str:
        name = str(self.metavar or (self.name or "").upper())
        return name if self.required else f"[{name}]"

    def display_type(self, ctx: Any) -> str:
        return ""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class PlainOption(TyperOption):
    """An option whose bounds read `at least 1` or `1 to 100`, not `x>=1` or `1<=x<=100`, and
    whose choices read `cancel|detach`, like a metavar, not the framework's `<cancel|detach>`."""

    def display_type(self, ctx: Any) -> str:
        choices = _choices(self)
        return "|".join(choices) if choices else super().display_type(ctx)

    def _get_number_range_help_str(self) -> str | None:
        low, high = getattr(self, "min", None), getattr(self, "max", None)
        if getattr(self, "count", False) and low == 0 and high is None:
            return None
        if low is not None and high is not None:
            return f"{low} to {high}"
        if low is not None:
            return f"at least {low}"
        if high is not None:
            return f"at most {high}"
        return None


#: The framework's parameter classes and the subclasses that show them plainly.
_PLAIN: dict[type, type] = {TyperArgument: PlainArgument, TyperOption: PlainOption}


def _plain(command: Any) -> Any:
    """`command` with its parameters shown plainly (see `PlainArgument`, `PlainOption`).

    Typer builds its own parameter objects with no hook to choose their class; their class is
    swapped for the subclass that only changes how they are shown.
    """
    for param in getattr(command, "params", ()):
        plain = _PLAIN.get(type(param))
        if plain is not None:
            param.__class__ = plain
    return command


def _summary(command: Any) -> str:
    """A command's summary for the command list: its short help, else the first paragraph
    of its help, whole (the framework cuts it with "..." to fit one line)."""
    if getattr(command, "short_help", None):
        return " ".join(str(command.short_help).split())
    help_text = str(getattr(command, "help", None) or "")
    return " ".join(help_text.strip().split("\n\n")[0].split())


class HilGroup(TyperGroup):
    """`hil` and `hil config`: commands listed with whole summaries, arguments plainly."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return _plain(super().get_command(ctx, cmd_name))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, _summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _param_name(param: Any) -> str:
    """How the user typed (or should type) `param`: its longest flag, or its metavar."""
    opts = [str(opt) for opt in getattr(param, "opts", None) or [] if str(opt).startswith("-")]
    if opts:
        return max(opts, key=len)
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper()


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) or getattr(
        getattr(param, "type", None), "choices", None
    )
    return [str(getattr(choice, "value", choice)) for choice in choices or ()]


#: pydantic error types (typer checks option values with pydantic) → our wording.
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _bad_value(name: str, param: Any, problem: Any, fallback: str) -> str:
    """What is wrong with the value given for `name`, from the framework's `problem`."""
    choices = _choices(param)
    errors = getattr(problem, "errors", None)
    details = errors()[0] if callable(errors) and errors() else {}
    given = details.get("input")
    shown = f" (not {given!r})" if isinstance(given, str) else ""
    kind = str(details.get("type", ""))
    if choices:
        return f"{name} takes one of: {', '.join(choices)}{shown}."
    if kind.startswith("int_"):
        return f"{name} takes a whole number{shown}."
    if kind.startswith("float_"):
        return f"{name} takes a number{shown}."
    if kind.startswith("bool_"):
        return f"{name} takes true or false{shown}."
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        bound = (details.get("ctx") or {}).get(key)
        return f"{name} must be {words} {bound}{shown}."
    text = str(details.get("msg") or fallback).removeprefix("Value error, ")
    return f"{name}: {text}"


def usage_error(exc: Any) -> tuple[str, str | None]:
    """A framework usage error (bad flag, bad value, missing argument) as `hil`'s own
    message and hint."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        hint = "'hil --help' lists the commands; 'hil COMMAND --help' the options of one."
    else:
        usage = " ".join(ctx.get_usage().split())
        hint = f"{usage}   ('{ctx.command_path} --help' for more)"
    param = getattr(exc, "param", None)
    kind = type(exc).__name__
    if kind == "MissingParameter" and param is not None and ctx is not None:
        help_text = str(getattr(param, "help", None) or "").rstrip(".")
        what = f": {help_text[:1].lower()}{help_text[1:]}" if help_text else ""
        return f"{ctx.command_path} needs {_param_name(param)}{what}.", hint
    if kind == "BadParameter" and param is not None:
        return _bad_value(_param_name(param), param, exc.__cause__, exc.message), hint
    return exc.format_message(), hint
