"""Asking an interrupt at the terminal: text, JSON, forms and tool-call reviews.

The question itself is drawn by the display (render/questions.py) before these prompts run;
here are only the prompts, read through a `LineReader`. A value that does not fit is asked
again with the reason on the line above the prompt, and what was typed is offered for
editing. At a choice prompt the choice's name, or a prefix only it has (usually its first
letter), selects it.

Every answer prompt is read through `AnswerPrompts`, so a slash command is never sent as an
answer: `/json VALUE` answers the whole question with that JSON value (a question asked as a
string may want a number or an object back), `/help` says what can be typed there, `/quit`
leaves with the question still pending, and `//TEXT` sends text that starts with `/`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from hilcli.events import PendingInterrupt
from hilcli.forms import (
    MISSING,
    FieldProblem,
    FormField,
    choice_problem,
    form_fields,
    form_value,
    pick_choice,
)
from hilcli.interrupts import (
    Decision,
    FormQuestion,
    JsonQuestion,
    ReviewRequest,
    TextQuestion,
    ToolCallReview,
    answer_from_text,
    answer_problem,
    checked_answer,
    classify,
    edited_args_problem,
    review_answer,
)
from hilcli.prompts.editor import EditorFailed, edit_text
from hilcli.prompts.reader import LineReader
from hilcli.text import safe_text, shorten


def with_problem(prompt: str, problem: str | None) -> str:
    """`prompt`, preceded by a `! reason` line when the last answer was refused."""
    return prompt if problem is None else f"! {safe_text(problem)}\n{prompt}"


def draft_text(draft: Any) -> str:
    """An earlier answer as text to edit (a string as is, anything else as JSON)."""
    if draft is None:
        return ""
    return draft if isinstance(draft, str) else json.dumps(draft, ensure_ascii=False)


class LeaveAnswering(EOFError):
    """`/quit` at an answer prompt: stop answering; the question stays pending on the server.

    An `EOFError`, so whoever handles Ctrl-D at a question (the REPL, the inbox) handles it.
    """


class JsonAnswer(Exception):  # noqa: N818 - a signal, not an error
    """`/json VALUE` was typed: `value` answers the whole question; `line` is what was typed."""

    def __init__(self, value: Any, line: str) -> None:
        super().__init__(line)
        self.value = value
        self.line = line


#: What `/help` lists at every answer prompt, after what an answer to this question may be.
ANSWER_COMMANDS = (
    "  /json VALUE   send this JSON value as the answer: /json 42, /json true, "
    '/json {"type": "accept"}',
    "  //TEXT        send text that starts with /  (//path sends /path)",
    "  /quit         leave; the question stays pending on the thread (Ctrl-D too)",
    "  /help         this list",
)


def json_problem(exc: json.JSONDecodeError) -> str:
    """Why a text is not JSON, in words."""
    return f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."


class AnswerPrompts(LineReader):
    """The line reader of answer prompts: slash commands are handled here, never sent (the
    chat's commands are not its own: `configure_repl` does nothing).

    `read` returns an answer line (`//TEXT` becomes `/TEXT`); `/json VALUE` raises
    `JsonAnswer`, `/quit` (or `/exit`) raises `LeaveAnswering`; `/help`, an unknown command
    and a `/json` whose value does not parse are answered on the line above the same prompt,
    with what was typed kept for editing. `note` sets that line (and `text` the prefilled
    text) for the next read, after a `/json` answer the question refused.
    """

    def __init__(self, reader: LineReader, about: str = "") -> None:
        self.reader = reader
        self.interactive = reader.interactive
        #: What an answer to the current question may be, first in `/help`.
        self.about = about
        self._note: str | None = None
        self._text: str | None = None

    def redo(self, note: str, text: str) -> None:
        """Show `note` above the next prompt, with `text` filled in."""
        self._note, self._text = note, text

    def help_text(self) -> str:
        """The `/help` lines for this prompt."""
        lines = ["What you can type here:"]
        if self.about:
            lines.append(f"  {self.about}")
        lines.extend(ANSWER_COMMANDS)
        return "\n".join(lines)

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        note, self._note = self._note, None
        text = default if self._text is None else self._text
        self._text = None
        while True:
            shown = prompt if note is None else f"{note}\n{prompt}"
            line = self.reader.read(shown, default=text, multiline=multiline)
            typed = line.strip()
            if not typed.startswith("/"):
                return line
            if typed.startswith("//"):
                return typed[1:]
            name, _, arg = typed.partition(" ")
            text = default
            if name in ("/quit", "/exit"):
                self.leave()
            if name == "/help":
                note = self.help_text()
            elif name == "/json":
                note = self.json_value(arg, typed)
                text = typed
            else:
                note = (
                    f"! {safe_text(shorten(name, 40))} is not a command here; /help lists what "
                    f"you can type (//{safe_text(shorten(typed[1:], 40))} sends it as text)."
                )
                text = typed

    @staticmethod
    def leave() -> NoReturn:
        raise LeaveAnswering

    @staticmethod
    def json_value(arg: str, typed: str) -> str:
        """Raise `JsonAnswer` for `/json ARG`; else return why ARG is no JSON value."""
        if not arg.strip():
            return "! /json needs a value after it, e.g. /json 42 or /json true."
        try:
            value = json.loads(arg)
        except json.JSONDecodeError as exc:
            return f"! {json_problem(exc)}"
        raise JsonAnswer(value, typed)


def question_about(question: Any) -> str:
    """What an answer to `question` may be, for `/help`."""
    if isinstance(question, ReviewRequest):
        return "a decision: its name or first letter (then a message or arguments if asked)"
    if isinstance(question, FormQuestion):
        return "each field's value, one prompt per field (Enter takes the default)"
    if isinstance(question, TextQuestion) and question.interrupt.response_schema is None:
        return 'TEXT          the answer, sent as text (42 sends the string "42")'
    return "TEXT          the answer, sent as JSON when it parses, else as text"


def choose(
    reader: LineReader, prompt: str, choices: Sequence[str], default: str | None = None
) -> str:
    """Ask until the answer names one of `choices` (or a prefix only it has)."""
    problem: str | None = None
    while True:
        typed = reader.read(with_problem(prompt, problem)).strip()
        if not typed and default is not None:
            return default
        picked = pick_choice(choices, typed)
        if picked is not None:
            return picked
        problem = choice_problem(choices, typed)


class InterruptAsker:
    """Asks one pending interrupt through a line reader and returns its resume value."""

    def __init__(self, reader: LineReader, editor: str | None = None) -> None:
        self.reader = AnswerPrompts(reader)
        self.editor = editor  # `configured_editor`'s, or None (or ""): no editor offered

    def ask(self, interrupt: PendingInterrupt, draft: Any = None) -> Any:
        """The answer to `interrupt`; `draft` (an unsent earlier answer) is offered to edit.

        `/json VALUE` at any of its prompts answers it whole, once the value fits the
        question (else the reason is shown and the same `/json` line is offered again).
        """
        question = classify(interrupt)
        self.reader.about = question_about(question)
        while True:
            try:
                return self.ask_once(question, draft)
            except JsonAnswer as typed:
                value, problem = checked_answer(question, typed.value)
                if problem is None:
                    return value
                self.reader.redo(f"! {safe_text(problem)}", typed.line)

    def ask_once(self, question: Any, draft: Any) -> Any:
        """Ask `question` through its prompts (which may raise `JsonAnswer`)."""
        if isinstance(question, ReviewRequest):
            if draft is not None and self.resend(draft):
                return draft
            return self.review(question)
        if isinstance(question, FormQuestion):
            return self.form(question, draft)
        return self.free(question, draft)

    # -- free text and JSON ------------------------------------------------------------------

    def free(self, question: TextQuestion | JsonQuestion, draft: Any) -> Any:
        """One line; sent as JSON when it parses (for non-string questions)."""
        interrupt = question.interrupt
        problem: str | None = None
        text = draft_text(draft)
        if draft is not None and answer_from_text(interrupt, text) != draft:
            text = f"/json {text}"  # a JSON draft the typed text would not give back
        while True:
            text = self.reader.read(with_problem("answer> ", problem), default=text)
            value = answer_from_text(interrupt, text)
            problem = answer_problem(interrupt, value)
            if problem is None:
                return value

    # -- forms -------------------------------------------------------------------------------

    def form(self, question: FormQuestion, draft: Any) -> dict[str, Any]:
        """One prompt per property; the whole answer is checked before it is returned."""
        fields = form_fields(question.schema)
        previous: Mapping[str, Any] = draft if isinstance(draft, Mapping) else {}
        problem: str | None = None
        while True:
            values = {f.name: self.field(f, previous.get(f.name, MISSING)) for f in fields}
            answer = form_value(values)
            problem = answer_problem(question.interrupt, answer)
            if problem is None:
                return answer
            self.reader.read(with_problem("(Enter to fill in the form again) ", problem))
            previous = answer

    def field(self, field: FormField, previous: Any = MISSING) -> Any:
        """Ask one field until its value fits; Enter on an empty line takes the default.

        A refused JSON value (object, array) is offered again for editing.
        """
        text = field.text_of(previous)
        problem: str | None = None
        while True:
            text = self.reader.read(with_problem(field_prompt(field), problem), default=text)
            try:
                return field.parse(text)
            except FieldProblem as exc:
                problem = str(exc)
                if field.kind not in ("object", "array", "json"):
                    text = ""  # short values are quicker to retype than to fix

    # -- tool-call reviews -------------------------------------------------------------------

    def resend(self, draft: Any) -> bool:
        """An unsent review answer: send the same decisions again (Enter), or decide anew?"""
        shown = shorten(draft_text(draft), 200)
        prompt = f"not sent yet: {shown}\nsend these decisions again / decide anew? [again] "
        return choose(self.reader, prompt, ("again", "anew"), "again") == "again"

    def review(self, request: ReviewRequest) -> Any:
        """A decision for each tool call, in order; then the request's resume value."""
        count = len(request.reviews)
        decisions = [
            self.decision(review, number, count)
            for number, review in enumerate(request.reviews, start=1)
        ]
        return review_answer(request, decisions)

    def decision(self, review: ToolCallReview, number: int = 1, count: int = 1) -> Decision:
        """Ask what to do with one tool call; `edit`, `reject`, `respond` ask for more."""
        place = f"[{number}/{count}] " if count > 1 else ""
        base = f"{place}{safe_text(review.name)}: {' / '.join(review.decisions)}? "
        prompt = base
        edited_text: str | None = None
        while True:
            kind = choose(self.reader, prompt, review.decisions)
            if kind == "edit":
                args, edited_text, problem = self.edit_args(review, edited_text)
                if args is not None:
                    return Decision("edit", args=args)
                prompt = with_problem(base, problem)
                continue
            if kind == "reject":
                message = self.reader.read("reason (optional)> ").strip()
                return Decision("reject", message=message or None)
            if kind == "respond":
                return Decision("respond", message=self.required_text("message> "))
            return Decision(kind)

    def required_text(self, prompt: str) -> str:
        """A line that must not be empty."""
        problem: str | None = None
        while True:
            text = self.reader.read(with_problem(prompt, problem)).strip()
            if text:
                return text
            problem = "A message is required."

    def edit_args(
        self, review: ToolCallReview, start: str | None
    ) -> tuple[dict[str, Any] | None, str | None, str | None]:
        """New arguments, as JSON: in `$EDITOR` when set, else inline (Esc Enter ends).

        Returns the arguments (None when they cannot be used), the text typed, and why
        it cannot be used. Inline editing re-asks until the text fits (emptying it goes back
        to the choice); an editor session that does not fit goes back to the choice, and the
        next edit starts from it.
        """
        text = start if start is not None else json.dumps(dict(review.args), indent=2)
        if self.editor and self.reader.interactive:
            try:
                text = edit_text(text, self.editor)
            except EditorFailed as exc:
                return None, text, f"Editor failed: {exc}."
            args, problem = parse_args(review, text)
            return args, text, problem
        problem = None
        hint = "arguments (JSON)> "
        if self.reader.interactive:
            hint = "arguments (JSON; Esc then Enter to send)> "
        while True:
            text = self.reader.read(with_problem(hint, problem), default=text, multiline=True)
            if not text.strip():
                return None, start, None  # emptied: back to the choice
            args, problem = parse_args(review, text)
            if args is not None:
                return args, text, None


def parse_args(review: ToolCallReview, text: str) -> tuple[dict[str, Any] | None, str | None]:
    """Edited arguments from JSON text, checked against the tool's schema when known."""
    try:
        args = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, json_problem(exc)
    problem = edited_args_problem(review, args)
    if problem is not None:
        return None, f"The arguments do not fit {safe_text(review.name)}: {safe_text(problem)}"
    return dict(args), None


def field_prompt(field: FormField) -> str:
    """The prompt of one form field: its name, expected type, default and description."""
    detail = field.type_label
    if field.has_default:
        detail += f", default {field.text_of(field.default) or json.dumps(field.default)}"
    elif field.required:
        detail += ", required"
    else:
        detail += ", optional"
    about = f"  {field.description}\n" if field.description else ""
    return safe_text(f"{about}{field.name} ({detail})> ")
