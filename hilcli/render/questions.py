"""What an interrupt asks, drawn for a person: questions, forms and tool-call review cards.

Everything shown here came from the server, so it goes through `safe_text` into `Text`
(never markup). Plain mode (no colours) draws the same content without boxes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from hilcli.events import PendingInterrupt
from hilcli.forms import FormField, form_fields
from hilcli.interrupts import (
    FormQuestion,
    JsonQuestion,
    Question,
    ReviewRequest,
    TextQuestion,
    ToolCallReview,
    classify,
)
from hilcli.render.streaming import markdown_block
from hilcli.text import json_source, safe_text

#: Longest JSON source shown for a value; beyond it the cut is said, with where to read it all.
JSON_SHOW_LIMIT = 200_000


def json_view(value: Any, *, plain: bool) -> RenderableType:
    """A JSON value, pretty-printed (syntax-highlighted unless `plain`), long lines folded.

    A value longer than `JSON_SHOW_LIMIT` is cut, and the cut is said (never silent)."""
    source = json_source(value, JSON_SHOW_LIMIT)
    cut = len(source) >= JSON_SHOW_LIMIT - 1 and source.endswith("…")
    view: RenderableType = Text(source)
    if not plain:
        view = Syntax(source, "json", theme="ansi_dark", background_color="default", word_wrap=True)
    if not cut:
        return view
    note = Text(
        # no command with a placeholder: the thread is not known here (show --json has it)
        f"(cut at {JSON_SHOW_LIMIT:,} characters; the thread's `show --json` prints it all)",
        style="dim",
    )
    return Group(view, note)


def description_view(text: str, *, plain: bool) -> RenderableType:
    """A request's description, Markdown from the server: rendered on a terminal (as model
    messages are), its source in plain output. Server text is data: it is made safe first
    and never read as Rich markup."""
    source = safe_text(text)
    return Text(source) if plain else markdown_block(source)


def question_label(interrupt: PendingInterrupt, index: int, total: int) -> Text:
    """The `? [1/2] node: ` lead of a question line."""
    label = Text("? ", style="bold magenta")
    if total > 1:
        label.append(f"[{index}/{total}] ", style="magenta")
    if interrupt.where:
        label.append(f"{safe_text(interrupt.where)}: ", style="magenta")
    return label


def _short_description(review: ToolCallReview) -> str | None:
    """The description without the middleware's default `Tool: …/Args: …` tail (shown anyway)."""
    text = review.description
    if text is None:
        return None
    cut = text.find(f"\n\nTool: {review.name}\nArgs: ")
    if cut >= 0:
        text = text[:cut]
    return text.strip() or None


def decisions_line(review: ToolCallReview) -> Text:
    """The decisions a review allows, e.g. `approve · edit · reject · respond`."""
    line = Text("allowed: ", style="dim")
    for position, decision in enumerate(review.decisions):
        if position:
            line.append(" · ", style="dim")
        line.append(decision, style="bold")
    return line


def review_card(review: ToolCallReview, number: int, count: int, *, plain: bool) -> RenderableType:
    """One tool call: name, description, arguments as JSON, the allowed decisions."""
    title = Text()
    if count > 1:
        title.append(f"[{number}/{count}] ")
    title.append(safe_text(review.name), style="bold cyan")
    parts: list[RenderableType] = []
    description = _short_description(review)
    if description:
        parts.append(description_view(description, plain=plain))
    parts.append(json_view(dict(review.args), plain=plain))
    parts.append(decisions_line(review))
    if plain:
        heading = Text("── tool call ")
        heading.append_text(title)
        heading.append(" ──")
        return Group(heading, *parts)
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        box=box.ROUNDED,
        border_style="cyan",
        expand=False,
    )


def _review_view(request: ReviewRequest, label: Text, *, plain: bool) -> RenderableType:
    count = len(request.reviews)
    label.append(
        "review this tool call" if count == 1 else f"review these {count} tool calls",
        style="bold",
    )
    cards = [review_card(r, n, count, plain=plain) for n, r in enumerate(request.reviews, 1)]
    return Group(label, *cards)


def field_line(form_field: FormField) -> Text:
    """One field of a form for someone answering with JSON: name, type, whether it is
    required, its default and description."""
    line = Text("    ")
    line.append(safe_text(form_field.name), style="bold")
    kind = "true / false" if form_field.kind == "boolean" else form_field.type_label
    details = [kind, "required" if form_field.required else "optional"]
    if form_field.has_default:
        details.append(f"default {json.dumps(form_field.default, ensure_ascii=False)}")
    line.append(f": {safe_text(', '.join(details))}", style="dim")
    if form_field.description:
        line.append(f" — {safe_text(form_field.description)}")
    return line


def _form_view(
    question: FormQuestion, label: Text, *, plain: bool, detailed: bool = False
) -> RenderableType:
    parts: list[RenderableType] = []
    if question.text is not None:
        label.append(safe_text(question.text), style="bold")
        parts.append(label)
    else:
        parts.extend([label, json_view(question.interrupt.value, plain=plain)])
    fields = form_fields(question.schema)
    title = question.schema.get("title")
    heading = Text("  form", style="dim")
    if isinstance(title, str) and title:
        heading = Text(f"  {safe_text(title)}", style="bold")
    names = ", ".join(safe_text(f.name) for f in fields)
    heading.append(f" — {len(fields)} field{'s' if len(fields) != 1 else ''}: {names}", style="dim")
    parts.append(heading)
    if detailed:  # answered with JSON (`hil resume --value-json`): say what each field takes
        parts.extend(field_line(form_field) for form_field in fields)
    return Group(*parts)


def question_view(
    interrupt: PendingInterrupt,
    index: int = 1,
    total: int = 1,
    *,
    plain: bool = False,
    detailed: bool = False,
) -> RenderableType:
    """What `interrupt` asks, labelled with its place (`[1/2]`) and its node; `detailed`
    adds what each field of a form takes (for an answer given whole, as JSON)."""
    question: Question = classify(interrupt)
    label = question_label(interrupt, index, total)
    if isinstance(question, TextQuestion):
        label.append(safe_text(question.text), style="bold")
        return label
    if isinstance(question, ReviewRequest):
        return _review_view(question, label, plain=plain)
    if isinstance(question, FormQuestion):
        return _form_view(question, label, plain=plain, detailed=detailed)
    assert isinstance(question, JsonQuestion)
    return Group(label, json_view(question.value, plain=plain))


def pending_view(pending: Sequence[PendingInterrupt], *, plain: bool) -> RenderableType:
    """Every pending interrupt as `chat` asks it (the same cards: question, review with every
    call, description and allowed decisions, form with its fields), each under its key."""
    total = len(pending)
    parts: list[RenderableType] = []
    for index, item in enumerate(pending, start=1):
        line = Text("  interrupt ", style="dim")
        line.append(safe_text(item.id), style="dim")
        if item.ns:
            line.append(f"  ns {safe_text('|'.join(item.ns))}", style="dim")
        parts.extend([line, question_view(item, index, total, plain=plain, detailed=True)])
    return Group(*parts)


def print_view(console: Console, view: RenderableType) -> None:
    """Print a question's view; in plain output without the trailing spaces of wrapped lines."""
    if console.is_terminal:
        console.print(view)
        return
    with console.capture() as capture:
        console.print(view)
    console.file.write("\n".join(line.rstrip() for line in capture.get().split("\n")))
    console.file.flush()
