"""The review prompt's "edit in an editor" runs a real editor (a subprocess), so it is not in
the in-process tier with the other prompt tests (tests/inprocess/test_answering.py)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from hilcli.events import PendingInterrupt, interrupts_from_state
from hilcli.prompts.answering import InterruptAsker
from hilcli.prompts.reader import StdinReader
from tests.support import RECORDED_DIR


def pending(name: str) -> list[PendingInterrupt]:
    state = json.loads((RECORDED_DIR / f"shape_{name}.state.json").read_text())
    return interrupts_from_state(state)


def test_edit_in_an_editor_falls_back_to_the_choice_when_it_fails(tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "path.write_text(path.read_text().replace('ls -l', 'ls -a'))\n"
    )
    (interrupt,) = pending("inbox_list")

    class TerminalReader(StdinReader):
        interactive = True

    shown = io.StringIO()
    reader = TerminalReader(io.StringIO("e\n"), shown)
    editor = f"{sys.executable} {script}"
    value = InterruptAsker(reader, editor=editor).ask(interrupt)
    assert value == [
        {"type": "edit", "args": {"action": "run_command", "args": {"command": "ls -a"}}}
    ]
    failing = InterruptAsker(TerminalReader(io.StringIO("e\na\n"), shown), editor="false")
    assert failing.ask(interrupt) == [{"type": "accept", "args": None}]
    assert "! Editor failed: 'false' exited with status 1." in shown.getvalue()
