"""The commands about threads and settings: `threads`, `show`, `inbox`, `config`, `doctor`."""

from __future__ import annotations

import json
import sys
from typing import Any

from hilcli.commands import _client, _display, _session, _settings
from hilcli.errors import ExitStatus
from hilcli.options import CommonOptions
from hilcli.render.tables import stdout_console as _console


def _print_json(document: Any) -> None:
    from hilcli.render.sanitize import json_safe

    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(json_safe(text) + "\n")


#: Threads listed per request (Aegra refuses a `limit` above 100).
THREADS_PAGE = 100


def threads_command(opts: CommonOptions, status: str | None, limit: int) -> None:
    """`hil threads`: threads newest first, with the first pending question."""
    from hilcli.render.tables import print_threads
    from hilcli.threads import ThreadSummary, summarize_page

    settings = _settings(opts)
    rows: list[ThreadSummary] = []
    listed: set[str] = set()
    offset = 0
    with _client(settings) as client:
        while offset < limit:  # a page at a time: Aegra refuses a limit above 100
            asked = min(THREADS_PAGE, limit - offset)
            page = client.search_threads(status=status, limit=asked, offset=offset)
            new = [row for row in summarize_page(page, client) if row.thread_id not in listed]
            listed.update(row.thread_id for row in new)
            rows.extend(new)
            offset += len(page)
            if len(page) < asked or not new:
                break
    if opts.json_output:
        _print_json([row.to_json() for row in rows])
        return
    console = _console()
    if not rows:
        console.print("No threads" + (f" with status {status}." if status else "."))
        return
    print_threads(console, rows)


def show_command(opts: CommonOptions, thread_id: str) -> None:
    """`hil show THREAD`: status, latest messages or values, every pending interrupt."""
    from hilcli.events import interrupts_from_state
    from hilcli.render.tables import ThreadView
    from hilcli.threads import assistant_of

    settings = _settings(opts)
    with _client(settings) as client:
        thread = client.get_thread(thread_id)
        state = client.get_state(thread_id)
    pending = interrupts_from_state(state)
    if opts.json_output:
        _print_json(
            {
                "thread_id": thread.get("thread_id"),
                "status": thread.get("status"),
                "created_at": thread.get("created_at"),
                "updated_at": thread.get("updated_at"),
                "assistant": assistant_of(thread),
                "metadata": thread.get("metadata"),
                "values": state.get("values"),
                "next": state.get("next") or [],
                "interrupts": [item.to_json() for item in pending],
            }
        )
        return
    view = ThreadView(_console())
    view.header(thread, assistant_of(thread))
    view.conversation(state.get("values"))
    next_nodes = [str(node) for node in state.get("next") or ()]
    if next_nodes and not pending:
        where = "stopped at" if thread.get("status") == "error" else "paused before"
        view.note(f"{where}: {', '.join(next_nodes)}")
    view.interrupts(pending)


def inbox_command(opts: CommonOptions) -> None:
    """`hil inbox`: the threads waiting for input; pick one, answer it, watch it finish."""
    from hilcli.inbox import Inbox, waiting_threads
    from hilcli.render.tables import ThreadView, console_of, print_threads

    settings = _settings(opts)
    assistant = settings.assistant if settings.assistant_given else None
    if assistant:  # an unknown -a would list nothing, like an empty inbox: exit 2 instead
        from hilcli.doctor import require_assistant

        with _client(settings) as client:
            require_assistant(client, assistant)
    if opts.json_output:
        with _client(settings) as client:
            waiting = waiting_threads(client, assistant)
        _print_json([item.summary.to_json() for item in waiting])
        return
    display = _display(opts)
    session = _session(opts, settings, display, interactive=True)
    console = console_of(display) or _console()
    reader = session.terminal.reader  # type: ignore[attr-defined]
    with session.client:
        Inbox(
            session,
            reader,
            display,
            ThreadView(console),
            lambda rows: print_threads(console, rows, numbered=True),
            assistant,
        ).loop()


def config_show_command(opts: CommonOptions) -> None:
    """`hil config show`: the effective settings and where each came from."""
    from hilcli.config import settings_rows
    from hilcli.render.tables import settings_table

    settings = _settings(opts)
    rows = settings_rows(settings)
    if opts.json_output:
        _print_json({name: {"value": value, "from": source} for name, value, source in rows})
        return
    _console().print(settings_table(rows))


def config_path_command(opts: CommonOptions) -> None:
    """`hil config path`: the config file in use (it may not exist yet)."""
    import os

    from hilcli.config import config_path

    path = config_path(opts.config, os.environ)
    sys.stdout.write(f"{path}\n")
    if not path.exists():
        sys.stderr.write("hil: (the file does not exist yet; 'hil config init' writes one)\n")


def doctor_command(opts: CommonOptions) -> int:
    """`hil doctor`: one verdict per check; 0 all passed, 5 unreachable or refused, else 1."""
    from hilcli.doctor import exit_status, run_checks
    from hilcli.render.tables import check_line

    settings = _settings(opts)
    console = _console()
    checks = []
    with _client(settings) as client:
        for check in run_checks(client, settings):
            checks.append(check)
            console.print(
                check_line(check.passed, check.name, check.detail, check.hint, note=check.note)
            )
    status = exit_status(checks)
    if status == ExitStatus.OK:
        console.print("All checks passed.", style="green")
    return int(status)
