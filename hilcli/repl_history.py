"""The chat's time-travel commands: `/history`, `/rewind CHECKPOINT`, `/edit [NODE]`, and
"edit" at a breakpoint pause.

Installed into a `Repl` by `install_time_travel`; the rules are `hilcli.time_travel`'s, the
editor flow is `hil edit`'s (`hilcli.prompts.editor.edit_state`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hilcli import time_travel
from hilcli.history import Checkpoint, short_ids

if TYPE_CHECKING:
    from hilcli.repl import Repl
    from hilcli.session import RunOutcome

#: Checkpoints `/history` lists unless told how many.
HISTORY_LINES = 10


def install_time_travel(repl: Repl) -> None:
    """Add `/history`, `/rewind` and `/edit` to the chat's commands (before `/quit`), and
    offer "edit" at breakpoint pauses."""
    added = {
        "/history": (
            lambda arg: _history(repl, arg),
            f"the thread's checkpoints, newest first: /history [N] (default {HISTORY_LINES})",
        ),
        "/rewind": (
            lambda arg: _rewind(repl, arg),
            "go back to a checkpoint: its questions are asked again, or the next message "
            "goes on from there: /rewind CHECKPOINT",
        ),
        "/edit": (
            lambda arg: _edit(repl, arg),
            "edit the state's values in $VISUAL/$EDITOR, as a node: /edit [NODE]",
        ),
    }
    ordered = list(repl.commands.items())
    cut = next((i for i, (name, _) in enumerate(ordered) if name == "/quit"), len(ordered))
    repl.commands.clear()
    repl.commands.update(dict(ordered[:cut]))
    repl.commands.update(added)
    repl.commands.update(dict(ordered[cut:]))

    def edit_at_pause() -> None:
        _edit(repl, "")

    repl.frontend.edit_state = edit_at_pause


def _history(repl: Repl, arg: str) -> bool:
    thread_id = repl.session.thread_id
    if thread_id is None:
        repl.display.notice("No thread yet: nothing has run.")
        return True
    try:
        limit = int(arg) if arg else HISTORY_LINES
    except ValueError:
        limit = 0
    if limit < 1:
        repl.display.notice("/history takes a number of checkpoints: /history 20")
        return True
    page = repl._guard(lambda: time_travel.history_page(repl.session, thread_id, limit, None))
    if page is None:
        return True
    repl.display.history(page, thread_id, repl.session.hints)
    if page.checkpoints:
        repl.display.notice("/rewind CHECKPOINT goes back to one (the ids as listed).")
    return True


def _rewind(repl: Repl, arg: str) -> bool:
    session = repl.session
    thread_id = session.thread_id
    if not arg:
        repl.display.notice("/rewind needs a checkpoint: /rewind ID (as /history lists them)")
        return True
    if thread_id is None:
        repl.display.notice("No thread yet: nothing to go back to.")
        return True
    point = repl._guard(lambda: time_travel.find(session, thread_id, arg))
    if point is None:
        return True
    short = short_ids([point.id])[point.id]
    if point.interrupts:
        repl.display.notice(
            f"Back at checkpoint {short}: its question is asked again (a new branch)."
        )
        repl._act(lambda: _answer_again(repl, point))
        return True
    session.start_from = point.id
    session.last_outcome = None  # nothing waits at the checkpoint gone back to
    repl.status = "idle"
    repl.display.notice(
        f"Back at checkpoint {short}: the next message goes on from there (a new branch)."
    )
    return True


def _answer_again(repl: Repl, point: Checkpoint) -> RunOutcome:
    session = repl.session
    answers = session.ask_all(point.interrupts)
    return session.converse(time_travel.answer_at(session, point, answers))


def _edit(repl: Repl, arg: str) -> bool:
    from hilcli.prompts.editor import edit_state

    session = repl.session
    thread_id = session.thread_id
    if thread_id is None:
        repl.display.notice("No thread yet: nothing to edit.")
        return True

    def confirm(prompt: str) -> bool:
        try:
            return repl.reader.read(prompt).strip().lower() in ("y", "yes")
        except (EOFError, KeyboardInterrupt):
            return False

    new_id = repl._guard(
        lambda: edit_state(
            session,
            thread_id,
            None,
            arg or None,
            editor=repl.frontend.editor,
            show=repl.display.notice,
            confirm=confirm,
        )
    )
    if new_id is not None:
        session.start_from = None
        repl.display.notice(f"Wrote the state: new checkpoint {new_id}.")
    return True
