"""The options shared by `chat`, `run`, `resume` and `attach`, as one value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OnCtrlC(StrEnum):
    """What Ctrl-C during a run does."""

    cancel = "cancel"
    detach = "detach"


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
    answer: list[str] | None = None
