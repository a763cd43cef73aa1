"""Listings for people: threads, the inbox, one thread in detail, settings, doctor checks.

Everything that came from the server goes through `safe_text` into `Text`, never markup.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hilcli.events import PendingInterrupt
from hilcli.render.display import make_console, stdout_is_plain
from hilcli.render.sanitize import json_source, safe_text, shorten
from hilcli.render.transcript import TranscriptView, compact_json
from hilcli.threads import ThreadSummary, latest_messages, short_time

#: Longest JSON shown for a thread's values or a pending interrupt's value.
VALUE_LIMIT = 4000

_STATUS_STYLES = {"interrupted": "bold yellow", "busy": "cyan", "error": "red", "idle": "green"}


def _cell(text: str, style: str = "") -> Text:
    return Text(safe_text(text), style=style)


def stdout_console() -> Console:
    """A console on stdout: plain when stdout is not a terminal or `NO_COLOR` is set."""
    return make_console(sys.stdout, plain=stdout_is_plain())


def console_of(display: object) -> Console | None:
    """The Rich console a display draws on (None for machine-readable displays)."""
    console = getattr(display, "console", None)
    return console if isinstance(console, Console) else None


def threads_table(
    rows: Sequence[ThreadSummary], *, width: int = 100, numbered: bool = False
) -> Table:
    """Threads, newest first: id, status, updated, assistant, first pending question.

    The number and the id are never cut; the question takes what `width` leaves, then the
    assistant and the time give way on a narrow terminal.
    """
    lines = []
    for number, row in enumerate(rows, start=1):
        cells = [
            _cell(row.thread_id),
            _cell(row.status, _STATUS_STYLES.get(row.status, "")),
            _cell(short_time(row.updated_at)[5:16]),
            _cell(shorten(row.assistant or "-", 16)),
        ]
        if numbered:
            cells.insert(0, Text(str(number), style="bold"))
        lines.append((cells, row.question))
    headers = (["#"] if numbered else []) + ["thread", "status", "updated", "assistant"]
    widths = [len(header) for header in headers]
    for cells, _ in lines:
        widths = [max(w, cell.cell_len) for w, cell in zip(widths, cells, strict=True)]
    gaps = 3 * len(headers)  # padding and an (invisible) separator per column
    for shrinkable in (len(headers) - 1, len(headers) - 2):  # assistant, then updated
        spare = width - sum(widths) - gaps - 12
        if spare < 0:
            widths[shrinkable] = max(1, widths[shrinkable] + spare)
    room = max(1, width - sum(widths) - gaps)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header, column_width in zip(headers, widths, strict=True):
        table.add_column(
            header,
            no_wrap=True,
            overflow="ellipsis",
            min_width=column_width,
            max_width=column_width,
            justify="right" if header == "#" else "left",
        )
    table.add_column("question", no_wrap=True, overflow="ellipsis")
    for cells, question in lines:
        table.add_row(*cells, _cell(shorten(question, room), "bold"))
    return table


def print_threads(
    console: Console, rows: Sequence[ThreadSummary], *, numbered: bool = False
) -> None:
    """Print the threads table: fitted to a terminal, whole (nothing cut) in a pipe."""
    if console.is_terminal or console.file.isatty():  # NO_COLOR on a terminal still has a width
        console.print(threads_table(rows, width=console.width, numbered=numbered))
        return
    saved, console.width = console.width, 100_000
    try:
        console.print(threads_table(rows, width=console.width, numbered=numbered))
    finally:
        console.width = saved


class ThreadView:
    """Prints one thread: status, latest messages or values, pending interrupts."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def header(self, thread: Mapping[str, Any], assistant: str) -> None:
        """The thread's id, status, assistant and times."""
        status = str(thread.get("status") or "unknown")
        line = Text("thread ", style="bold")
        line.append(safe_text(str(thread.get("thread_id"))), style="bold")
        line.append("  ")
        line.append(safe_text(status), style=_STATUS_STYLES.get(status, ""))
        self.console.print(line)
        details = [
            f"assistant {assistant or '-'}",
            f"created {short_time(str(thread.get('created_at') or ''))}",
            f"updated {short_time(str(thread.get('updated_at') or ''))}",
        ]
        self.console.print(_cell(" · ".join(details), "dim"))
        error = thread.get("error")
        if error:
            self.console.print(_cell(f"error: {compact_json(error)}", "red"))

    def conversation(self, values: Any, count: int = 10) -> None:
        """The latest messages, or the values of a graph without messages."""
        messages = latest_messages(values, count)
        if messages:
            transcript = TranscriptView(self.console)
            for message in messages:
                transcript.show_message(message)
            return
        if values:
            self.console.print(_cell("values", "dim"))
            self.values(values)

    def note(self, text: str) -> None:
        """A line about the thread (text from the server is made safe)."""
        self.console.print(_cell(text, "yellow"))

    def values(self, values: Any) -> None:
        """A thread's state values as indented JSON."""
        self.console.print(Text(json_source(values, VALUE_LIMIT)))

    def interrupts(self, pending: Sequence[PendingInterrupt]) -> None:
        """Every pending interrupt with its id, where it stopped, and its value."""
        if not pending:
            return
        self.console.print(Text(f"waiting for input ({len(pending)} pending)", style="bold yellow"))
        for item in pending:
            line = Text("  ? ", style="bold magenta")
            line.append(safe_text(item.id), style="magenta")
            if item.where:
                line.append(f"  at {safe_text(item.where)}", style="dim")
            if item.ns:
                line.append(f"  ns {safe_text('|'.join(item.ns))}", style="dim")
            self.console.print(line)
            value = item.value
            text = safe_text(value) if isinstance(value, str) else json_source(value, VALUE_LIMIT)
            for part in text.splitlines() or [""]:
                self.console.print(Text("    " + part))


def settings_table(rows: Sequence[tuple[str, str, str]]) -> Table:
    """`hil config show`: setting, value, where it came from."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("setting", style="bold", no_wrap=True)
    table.add_column("value")
    table.add_column("from", style="dim")
    for name, value, source in rows:
        table.add_row(_cell(name), _cell(value), _cell(source))
    return table


def check_line(
    passed: bool, name: str, detail: str, hint: str | None = None, *, note: bool = False
) -> Table:
    """One `hil doctor` check: a verdict mark, the check's name, what was found, a hint.

    A note (what the server lacks) is marked `!`: a fact to know, not a verdict.
    """
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, min_width=11)
    grid.add_column()
    if note:
        mark = Text("!", style="bold yellow")
    else:
        mark = Text("✓" if passed else "✗", style="bold green" if passed else "bold red")
    body = Text(safe_text(detail))
    if hint:
        body.append(f"\n→ {safe_text(hint)}", style="yellow")
    grid.add_row(mark, Text(name, style="bold"), body)
    return grid
