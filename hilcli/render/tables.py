"""Listings for people: threads, the inbox, one thread in detail, settings, doctor checks.

The chat, the inbox and the thread commands show threads through their `Display`
(`hilcli.render.display`), which draws with these on its own console.
Everything that came from the server goes through `safe_text` into `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hilcli.events import PendingInterrupt
from hilcli.render.consoles import make_console, on_terminal
from hilcli.render.transcript import TranscriptView, compact_json
from hilcli.text import json_source, safe_text, shorten
from hilcli.threads import ThreadSummary, latest_messages, short_time

if TYPE_CHECKING:
    from hilcli.environment import Environment

#: Longest JSON shown for a thread's values or a pending interrupt's value.
VALUE_LIMIT = 4000

_STATUS_STYLES = {"interrupted": "bold yellow", "busy": "cyan", "error": "red", "idle": "green"}


def _cell(text: str, style: str = "") -> Text:
    return Text(safe_text(text), style=style)


def stdout_console(env: Environment) -> Console:
    """A console on `env`'s stdout: plain when it is not a terminal or `NO_COLOR` is set."""
    return make_console(env.stdout, plain=env.stdout_is_plain, terminal=env.stdout_is_terminal)


#: The narrowest question column a thread table is drawn with (when a thread has one).
QUESTION_ROOM = 20

#: The columns a thread table gives way with on a narrow terminal, in this order: each is
#: first shortened, then dropped when it would be narrower than `NARROWEST_COLUMN`. When the
#: number, id and status still leave no room for the question, threads are listed as lines.
GIVE_WAY = ("assistant", "updated")
NARROWEST_COLUMN = 6


def _thread_cells(row: ThreadSummary) -> dict[str, Text]:
    return {
        "thread": _cell(row.thread_id),
        "status": _cell(row.status, _STATUS_STYLES.get(row.status, "")),
        "updated": _cell(short_time(row.updated_at)[5:16]),
        "assistant": _cell(shorten(row.assistant or "-", 16)),
    }


def thread_columns(
    rows: Sequence[ThreadSummary], width: int, numbered: bool = False
) -> dict[str, int] | None:
    """The columns of a threads table `width` wide and their widths (the question takes the
    rest), or None when the threads must be listed as lines (`print_thread_lines`).

    The number, the id and the status are never cut or dropped; see `GIVE_WAY`.
    """
    headers = (["#"] if numbered else []) + ["thread", "status", "updated", "assistant"]
    widths = {header: len(header) for header in headers}
    for number, row in enumerate(rows, start=1):
        cells = _thread_cells(row)
        cells["#"] = Text(str(number))
        for header in headers:
            widths[header] = max(widths[header], cells[header].cell_len)
    room = QUESTION_ROOM if any(row.question for row in rows) else 0

    def spare() -> int:  # padding and an (invisible) separator: 3 per column
        return width - sum(widths.values()) - 3 * len(widths) - room

    for header in GIVE_WAY:
        if spare() >= 0:
            break
        shortened = widths[header] + spare()
        if shortened >= NARROWEST_COLUMN:
            widths[header] = shortened
        else:
            del widths[header]
    return widths if spare() >= 0 else None


def threads_table(
    rows: Sequence[ThreadSummary], widths: Mapping[str, int], *, width: int = 100
) -> Table:
    """Threads, newest first, in the columns `thread_columns` chose, then the first pending
    question in what `width` leaves."""
    room = max(1, width - sum(widths.values()) - 3 * len(widths))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header, column_width in widths.items():
        table.add_column(
            header,
            no_wrap=True,
            overflow="ellipsis",
            min_width=column_width,
            max_width=column_width,
            justify="right" if header == "#" else "left",
        )
    table.add_column("question", no_wrap=True, overflow="ellipsis")
    for number, row in enumerate(rows, start=1):
        cells = _thread_cells(row)
        cells["#"] = Text(str(number), style="bold")
        question = _cell(shorten(row.question, room), "bold")
        table.add_row(*(cells[header] for header in widths), question)
    return table


def print_thread_lines(
    console: Console, rows: Sequence[ThreadSummary], *, numbered: bool = False
) -> None:
    """Threads as blocks of `key: value` lines, for a terminal too narrow for the table.

    The id has a line of its own and is printed whole (the terminal wraps it if it must; we
    never cut or fold it), so it can be copied; the question is wrapped, not cut.
    """
    for number, row in enumerate(rows, start=1):
        if number > 1:
            console.print()
        mark = f"{number}. " if numbered else ""
        head = Text(mark, style="bold")
        if numbered and len(mark) + cell_len(safe_text(row.thread_id)) > console.width:
            console.print(head)
            head = Text()
        head.append(safe_text(row.thread_id), style="bold")
        console.print(head, soft_wrap=True)
        details = Table.grid(padding=(0, 1))
        details.add_column(no_wrap=True, style="dim")
        details.add_column(overflow="fold")
        details.add_row("  status:", _cell(row.status, _STATUS_STYLES.get(row.status, "")))
        details.add_row("  updated:", _cell(short_time(row.updated_at)))
        details.add_row("  assistant:", _cell(row.assistant or "-"))
        if row.question:
            details.add_row("  question:", _cell(row.question, "bold"))
        console.print(details)


def print_threads(
    console: Console, rows: Sequence[ThreadSummary], *, numbered: bool = False
) -> None:
    """Print the threads: a table fitted to a terminal (or lines when it is too narrow for
    one), a whole table (nothing cut) in a pipe."""
    if on_terminal(console):  # NO_COLOR on a terminal still has a width
        widths = thread_columns(rows, console.width, numbered)
        if widths is None:
            print_thread_lines(console, rows, numbered=numbered)
        else:
            console.print(threads_table(rows, widths, width=console.width))
        return
    saved, console.width = console.width, 100_000
    try:
        widths = thread_columns(rows, console.width, numbered) or {}
        console.print(threads_table(rows, widths, width=console.width))
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
        """Every pending interrupt under its key, shown as `chat` asks it, in full."""
        if not pending:
            return
        from hilcli.render.questions import pending_view, print_view

        self.console.print(Text(f"waiting for input ({len(pending)} pending)", style="bold yellow"))
        print_view(self.console, pending_view(pending, plain=not self.console.is_terminal))


def settings_table(rows: Sequence[tuple[str, str, str]]) -> Table:
    """`hil config show`: setting, value, where it came from."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("setting", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")  # a URL or a path is wrapped, not cut
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
    grid.add_column(overflow="fold")  # an id wider than the column is wrapped, not cut
    if note:
        mark = Text("!", style="bold yellow")
    else:
        mark = Text("✓" if passed else "✗", style="bold green" if passed else "bold red")
    body = Text(safe_text(detail))
    if hint:
        body.append(f"\n→ {safe_text(hint)}", style="yellow")
    grid.add_row(mark, Text(name, style="bold"), body)
    return grid
