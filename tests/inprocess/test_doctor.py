"""`hil doctor`'s notes, in process: a note of what a server lacks never fails the run and is
marked apart from the verdicts (against real servers: tests/test_doctor.py)."""

from __future__ import annotations

from hilcli.errors import ExitStatus


def test_a_note_of_what_the_server_lacks_never_fails_the_run() -> None:
    from hilcli.doctor import Check, exit_status

    passed = Check("server", True, "answers /health")
    note = Check("lacks", True, "questions in thread lists", note=True)
    assert exit_status([passed, note]) == ExitStatus.OK
    assert exit_status([passed, note, Check("assistant", False, "none")]) == ExitStatus.ERROR


def test_a_note_is_marked_apart_from_verdicts() -> None:
    import io

    from rich.console import Console

    from hilcli.render.tables import check_line

    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None)
    console.print(check_line(True, "lacks", "refusing a second run", note=True))
    console.print(check_line(True, "server", "answers /ok"))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("! lacks") and "refusing a second run" in lines[0]
    assert lines[1].startswith("✓ server")
