"""`hil history` on a terminal: one line per checkpoint, newest first.

Each line says the checkpoint's short id, its step, what produced it, the checkpoint it came
from, the nodes that run next and the first question asked there. A checkpoint that did not
come from the one listed below it starts a branch: its "from" cell is marked with `⑂`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hilcli.hints import PLAIN, HilCommand
from hilcli.history import Checkpoint, produced_by, short_ids
from hilcli.interrupts import first_question
from hilcli.text import safe_text


def history_table(
    rows: Sequence[Checkpoint], older: Checkpoint | None, known: Sequence[Checkpoint] = ()
) -> Table:
    """The table of `rows` (newest first); `older` is the checkpoint after the last row,
    `known` any others whose ids may be named (parents)."""
    everyone = [*rows, *([older] if older else []), *known]
    by_id = {item.id: item for item in everyone}
    ids = list(by_id)
    ids.extend(
        item.parent_id for item in everyone if item.parent_id and item.parent_id not in by_id
    )
    short = short_ids(ids)
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("checkpoint", no_wrap=True)
    table.add_column("step", justify="right", no_wrap=True)
    table.add_column("made by", overflow="fold")
    table.add_column("from", no_wrap=True)
    table.add_column("next", overflow="fold")
    table.add_column("question", overflow="fold")
    for index, item in enumerate(rows):
        below = rows[index + 1] if index + 1 < len(rows) else older
        parent = by_id.get(item.parent_id) if item.parent_id else None
        origin = short.get(item.parent_id, "") if item.parent_id else "-"
        if item.parent_id and below is not None and below.id != item.parent_id:
            origin = f"⑂ {origin}"
        table.add_row(
            Text(short[item.id], style="cyan"),
            Text("" if item.step is None else str(item.step)),
            Text(safe_text(produced_by(item, parent))),
            Text(origin, style="dim"),
            Text(safe_text(", ".join(item.next) or "-")),
            Text(safe_text(first_question(item.interrupts)), style="yellow"),
        )
    return table


def print_history(
    console: Console,
    rows: Sequence[Checkpoint],
    older: Checkpoint | None,
    thread_id: str,
    hints: HilCommand = PLAIN,
) -> None:
    """Print the table, then how to see older checkpoints when there are some (the command
    spelled by `hints`, so that it works when pasted)."""
    if not rows:
        console.print(f"Thread {safe_text(thread_id)} has no checkpoints yet.")
        return
    console.print(history_table(rows, older))
    if older is not None:  # whole, never folded: it is pasted as a command
        console.print(
            Text(
                safe_text(
                    f"older: {hints.line('history', thread_id, '--before', rows[-1].id)} "
                    "(or a larger --limit)"
                ),
                style="dim",
            ),
            soft_wrap=True,
        )
