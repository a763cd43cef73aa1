"""A `Terminal` that answers from prepared rules first, and asks the person only when none fits.

It wraps the real `Frontend`: everything is shown through the frontend's display, each
automatic answer is shown as if typed and marked as automatic. An interrupt that nothing
prepared answers is asked on the terminal when there is one (the frontend has a reader); without
one, `NoPreparedAnswer` stops the command (exit 3): there is never a silent default.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hilcli.errors import NoPreparedAnswer
from hilcli.events import PendingInterrupt, StreamEvent
from hilcli.interrupts import question_text
from hilcli.prepared.choosing import AnswerSheet
from hilcli.prepared.rules import load_rules
from hilcli.text import one_line, shorten

if TYPE_CHECKING:
    from hilcli.frontend import Frontend
    from hilcli.options import PreparedAnswer
    from hilcli.render.display import Display
    from hilcli.session import RunOutcome

_SHOWN_LIMIT = 300


class RuleAnsweringTerminal:
    """A `session.Terminal` that answers matching interrupts by itself, then delegates."""

    def __init__(self, inner: Frontend, sheet: AnswerSheet) -> None:
        self.inner = inner
        self.sheet = sheet
        #: How many interrupts were answered automatically.
        self.answered = 0

    @property
    def display(self) -> Display:
        """The wrapped frontend's display."""
        return self.inner.display

    def run_started(self) -> None:
        self.inner.run_started()

    def show_event(self, event: StreamEvent) -> None:
        self.inner.show_event(event)

    def run_finished(self, outcome: RunOutcome) -> None:
        self.inner.run_finished(outcome)

    def notice(self, message: str) -> None:
        self.inner.notice(message)

    def ask_continue(self, outcome: RunOutcome) -> bool:
        return self.inner.ask_continue(outcome)

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        auto = self.sheet.answer(interrupt)
        if auto is not None and (draft is None or draft != auto.value):
            self.display.question(interrupt, index, total)
            shown = shorten(auto.shown, _SHOWN_LIMIT)
            self.display.notice(f"answer> {shown}    (automatic: {auto.source})")
            self.answered += 1
            return auto.value
        if self.inner.reader is not None:
            if auto is not None:
                self.display.notice(f"The server refused the automatic answer ({auto.source}).")
            return self.inner.ask(interrupt, index=index, total=total, draft=draft)
        where = f" at {interrupt.where}" if interrupt.where else ""
        question = one_line(question_text(interrupt), 80)
        if auto is None:
            nothing = "No answer rule matches" if self.sheet.rules else "No --answer is left for"
            message = f"{nothing} the interrupt {interrupt.id}{where}: {question}"
        else:
            message = (
                f"The server refused the answer of {auto.source} "
                f"for the interrupt {interrupt.id}{where}."
            )
        raise NoPreparedAnswer(
            message, hint="Add a [[rule]] for it to the answers file, or answer it on a terminal."
        )


def answering_terminal(
    inner: Frontend, answers_file: str | None, texts: Sequence[PreparedAnswer] | None
) -> Frontend | RuleAnsweringTerminal:
    """`inner` wrapped with the rules of `answers_file` and the `--answer` texts (and
    `--answer-json` values), if any."""
    rules = load_rules(Path(answers_file)) if answers_file else []
    sheet = AnswerSheet(rules, texts or ())
    return RuleAnsweringTerminal(inner, sheet) if sheet else inner
