"""The options shared by `chat`, `run`, `resume` and `attach`, as one value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class OnCtrlC(StrEnum):
    """What Ctrl-C during a run does."""

    cancel = "cancel"
    detach = "detach"


@dataclass(frozen=True)
class JsonAnswer:
    """An `--answer-json` value: the JSON as typed (to show) and the value it parses to."""

    text: str
    value: Any


#: One prepared answer from the command line: an `--answer` text or an `--answer-json` value.
PreparedAnswer = str | JsonAnswer


@dataclass
class CommonOptions:
    """Connection, output and behaviour options, as typed on the command line."""

    url: str | None = None
    assistant: str | None = None
    api_key: str | None = None
    header: list[str] | None = None
    config: str | None = None
    profile: str | None = None
    raw: bool = False
    stream_mode: list[str] | None = None
    on_ctrl_c: OnCtrlC = OnCtrlC.cancel
    debug: bool = False
    json_output: bool = False
    answers: str | None = None
    answer: list[PreparedAnswer] | None = None
    """`--answer` texts and `--answer-json` values, in the order given."""
    interrupt_before: list[str] | None = None
    """Breakpoints: pause every run before these nodes (`*`: every node)."""
    interrupt_after: list[str] | None = None
    """Breakpoints: pause every run after these nodes (`*`: every node)."""
