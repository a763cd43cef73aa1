"""In-process tests of the question prompts and cards, on interrupts recorded from the server.

Answers are typed through a `StdinReader` over a string (what `hil chat` uses when stdin is
not a terminal); cards are rendered to a plain 100-column Rich console.
"""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console

from hilcli.events import PendingInterrupt, interrupts_from_state
from hilcli.prompts.answering import InterruptAsker
from hilcli.prompts.reader import StdinReader
from hilcli.render.questions import question_view
from tests.support import RECORDED_DIR


def pending(name: str) -> list[PendingInterrupt]:
    state = json.loads((RECORDED_DIR / f"shape_{name}.state.json").read_text())
    return interrupts_from_state(state)


def answer(
    interrupt: PendingInterrupt, typed: str, draft: Any = None, editor: str = ""
) -> tuple[Any, str]:
    """The resume value for the typed lines, and everything the prompts showed."""
    shown = io.StringIO()
    reader = StdinReader(io.StringIO(typed), shown)
    value = InterruptAsker(reader, editor=editor).ask(interrupt, draft)
    return value, shown.getvalue()


def rendered(interrupt: PendingInterrupt, index: int = 1, total: int = 1) -> str:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=False)
    console.print(question_view(interrupt, index, total, plain=True))
    return out.getvalue()


def test_batched_review_prompts_in_order() -> None:
    (interrupt,) = pending("batched")
    typed = "x\nrespond\n\ndone by hand\nreject\n\n"
    value, shown = answer(interrupt, typed)
    assert value == {
        "decisions": [{"type": "respond", "message": "done by hand"}, {"type": "reject"}]
    }
    assert "! choose one of approve, edit, reject, respond." in shown
    assert "! A message is required." in shown
    assert "[2/2] delete_file: approve / reject? " in shown


def test_edit_inline_keeps_asking_until_the_json_fits() -> None:
    send, _ = pending("per_call")
    typed = 'e\n{"to": \n{"to": "x"}\n{"to": "c@d.e", "subject": "s", "body": "b"}\n'
    value, shown = answer(send, typed)
    assert value == {
        "type": "edit",
        "edited_action": {
            "name": "send_email",
            "args": {"to": "c@d.e", "subject": "s", "body": "b"},
        },
    }
    assert "! Not valid JSON: Expecting value (line 1, column 8)." in shown
    assert "! The arguments do not fit send_email: 'subject' is a required property" in shown


def test_form_fields_with_drafts_and_defaults() -> None:
    (interrupt,) = pending("form")
    value, shown = answer(interrupt, "\n\n\n\n", draft={"name": "Ada", "nights": 4})
    assert value == {"name": "Ada", "nights": 4, "breakfast": False, "room": "double"}
    assert "name (string, required)> " in shown


def test_free_answers() -> None:
    assert answer(pending("ask")[0], "Ada\n")[0] == "Ada"
    assert answer(pending("json_question")[0], '["yes"]\n')[0] == ["yes"]
    assert answer(pending("json_question")[0], "yes\n")[0] == "yes"


def test_cards_show_name_args_description_and_decisions() -> None:
    (interrupt,) = pending("batched")
    text = rendered(interrupt, 1, 2)
    assert "? [1/2] HumanInTheLoopMiddleware.after_model: review these 2 tool calls" in text
    assert "── tool call [1/2] send_email ──" in text
    assert '"to": "bob@example.com"' in text
    assert "allowed: approve · edit · reject · respond" in text
    assert "allowed: approve · reject" in text
    assert "Tool: send_email" not in text  # the middleware's repeat of name and args is cut
    assert "Tool execution requires approval" in text


def test_hostile_text_is_shown_inert() -> None:
    hostile = PendingInterrupt(
        id="x",
        value={
            "type": "tool_approval",
            "name": "rm\x1b[2J",
            "args": {"path": "\x1b]52;c;aGk=\x07"},
            "description": "\x1b[31mred",
        },
    )
    text = rendered(hostile)
    assert "\x1b" not in text
    assert "rm␛[2J" in text
    _, shown = answer(hostile, "a\n")
    assert "\x1b" not in shown


def test_emptying_the_inline_edit_goes_back_to_the_choice() -> None:
    class EmptyFirstReader(StdinReader):
        """Typed lines as given: an empty line is empty, not the offered default."""

        def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
            self.echo.write(prompt)
            line = self.stream.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")

    send, _ = pending("per_call")
    shown = io.StringIO()
    reader = EmptyFirstReader(io.StringIO("e\n\na\n"), shown)
    assert InterruptAsker(reader, editor="").ask(send) == {"type": "approve"}
    assert shown.getvalue().count("send_email: approve / edit / reject / respond? ") == 2


def test_an_unsent_review_answer_is_sent_again_with_enter() -> None:
    """After a failed send the same decisions go again with one keystroke, or anew."""
    (interrupt,) = pending("batched")
    draft = {"decisions": [{"type": "approve"}, {"type": "reject"}]}
    value, shown = answer(interrupt, "\n", draft)
    assert value == draft
    assert "not sent yet:" in shown
    value, _ = answer(interrupt, "anew\napprove\napprove\n", draft)
    assert value == {"decisions": [{"type": "approve"}, {"type": "approve"}]}
