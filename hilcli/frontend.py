"""The person at the terminal: a `Display` for output and a `LineReader` for input.

It implements the session's `Terminal` interface, so the session loop never sees Rich or
prompt-toolkit.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hilcli.events import PendingInterrupt, StreamEvent
from hilcli.interrupts import answer_from_text

if TYPE_CHECKING:
    from hilcli.prompts.reader import LineReader
    from hilcli.render.display import Display
    from hilcli.session import RunOutcome


class Frontend:
    """Shows runs and asks questions through a display and a line reader."""

    def __init__(self, display: Display, reader: LineReader | None) -> None:
        self.display = display
        self.reader = reader

    def run_started(self) -> None:
        self.display.run_started()

    def show_event(self, event: StreamEvent) -> None:
        self.display.event(event)

    def run_finished(self, outcome: RunOutcome) -> None:
        self.display.run_finished()

    def notice(self, message: str) -> None:
        self.display.notice(message)

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        if self.reader is None:
            raise EOFError
        self.display.question(interrupt, index, total)
        default = "" if draft is None else (draft if isinstance(draft, str) else json.dumps(draft))
        text = self.reader.read("answer> ", default=default)
        return answer_from_text(interrupt, text)

    def ask_continue(self, outcome: RunOutcome) -> bool:
        if self.reader is None:
            return False
        nodes = ", ".join(outcome.next_nodes)
        self.display.notice(f"The graph paused before: {nodes}.")
        text = self.reader.read("continue? [Y/n] ").strip().lower()
        return text in ("", "y", "yes", "c", "continue")
