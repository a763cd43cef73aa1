"""The person at the terminal: a `Display` for output and a `LineReader` for input.

It implements the session's `Terminal` interface, so the session loop never sees Rich or
prompt-toolkit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.events import PendingInterrupt, StreamEvent
from hilcli.text import safe_text, shorten

if TYPE_CHECKING:
    from hilcli.prompts.reader import LineReader
    from hilcli.render.display import Display
    from hilcli.session import RunOutcome


class Frontend:
    """Shows runs and asks questions through a display and a line reader."""

    #: A question that arrives after the run streamed this many seconds rings the bell.
    BELL_AFTER = 3.0

    def __init__(
        self,
        display: Display,
        reader: LineReader | None,
        *,
        bell: bool = False,
        clock: Clock = SYSTEM_CLOCK,
        editor: str | None = None,
    ) -> None:
        self.display = display
        self.reader = reader
        self.bell = bell
        self._clock = clock
        #: The `$VISUAL`/`$EDITOR` command answers may be edited in (None: no editor).
        self.editor = editor
        self._run_started_at: float | None = None
        #: The last answer typed as text that would also parse as another JSON value:
        #: where it was asked, and the text. If its question comes back, or the run fails
        #: right after it, the person is shown how to send it as JSON.
        self._text_like_json: tuple[str, str] | None = None
        #: Offered as "edit" at a breakpoint pause (the chat sets it: `/edit`'s flow).
        self.edit_state: Callable[[], None] | None = None

    def run_started(self) -> None:
        self._run_started_at = self._clock.monotonic()
        self.display.run_started()

    def _ring_after_long_run(self) -> None:
        """Ring once per run when its first question comes after a long wait."""
        started, self._run_started_at = self._run_started_at, None
        if started is None or not self.bell:
            return
        if self._clock.monotonic() - started > self.BELL_AFTER:
            self.display.bell()

    def show_event(self, event: StreamEvent) -> None:
        self.display.event(event)

    def run_finished(self, outcome: RunOutcome) -> None:
        self.display.run_finished()
        if outcome.missed_events:
            self.display.final_state(outcome.values)
        self.display.run_ended(outcome.status)
        if outcome.at_breakpoint:
            self._show_changes(outcome)
        if outcome.status == "error" and self._text_like_json is not None:
            self._hint_json("The run failed after", self._text_like_json[1])
        if outcome.status != "interrupted":
            self._text_like_json = None

    def _show_changes(self, outcome: RunOutcome) -> None:
        """At a breakpoint pause: what the state gained or lost since the previous pause."""
        if not outcome.changes:
            self.display.notice("⏸ No change in the state since the previous pause.")
            return
        self.display.notice("⏸ Changed since the previous pause:")
        for line in outcome.changes:
            self.display.notice(f"  {line}")

    def _hint_json(self, what: str, text: str) -> None:
        """Say that `text` went as a string, and how to send it as JSON instead."""
        self._text_like_json = None
        shown = shorten(text, 60)
        self.display.notice(
            f'{what} your answer "{safe_text(shown)}" (sent as text). '
            f"To send it as JSON, type: /json {safe_text(shown)}"
        )

    def _remember_text_answer(self, interrupt: PendingInterrupt, answer: Any) -> None:
        """Keep a string answer to a text question that would also parse as other JSON."""
        if not isinstance(interrupt.value, str) or not isinstance(answer, str):
            return
        try:
            parsed = json.loads(answer)
        except ValueError:
            return
        if not isinstance(parsed, str):
            self._text_like_json = (interrupt.where, answer)

    def notice(self, message: str) -> None:
        self.display.notice(message)

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        if self.reader is None:
            raise EOFError
        self._ring_after_long_run()
        from hilcli.prompts.answering import InterruptAsker

        self.display.question(interrupt, index, total)
        earlier, self._text_like_json = self._text_like_json, None
        if earlier is not None and earlier[0] == interrupt.where:
            self._hint_json("The question came back after", earlier[1])
        answer = InterruptAsker(self.reader, self.editor).ask(interrupt, draft)
        self._remember_text_answer(interrupt, answer)
        return answer

    def ask_continue(self, outcome: RunOutcome) -> bool:
        if self.reader is None:
            return False
        from hilcli.prompts.answering import choose

        nodes = ", ".join(outcome.next_nodes)
        self.display.notice(f"⏸ The graph paused at a breakpoint, before: {nodes}.")
        choices: tuple[str, ...] = ("continue", "stop", "yes", "no")
        prompt = "continue / stop? [continue] "
        if self.edit_state is not None:  # chat: the state can be edited before going on
            choices = ("continue", "edit", "stop", "yes", "no")
            prompt = "continue / stop? (or edit the state first) [continue] "
        while True:
            choice = choose(self.reader, prompt, choices, "continue")
            if choice != "edit" or self.edit_state is None:
                return choice in ("continue", "yes")
            self.edit_state()
