"""The commands about threads and settings: `threads`, `show`, `inbox`, `config`, `doctor`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hilcli.commands import _client, _display, _frontend, _session, _settings
from hilcli.errors import ExitStatus
from hilcli.options import CommonOptions
from hilcli.render.tables import stdout_console as _console

if TYPE_CHECKING:
    from hilcli.client import AgentClient


def _print_json(document: Any) -> None:
    from hilcli.render.sanitize import json_safe

    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(json_safe(text) + "\n")


def _print_json_list(items: Iterable[Any]) -> None:
    """A JSON list written an item at a time, as `_print_json` would write it whole: a long
    listing is printed as its pages arrive, and nothing of it is kept."""
    from hilcli.render.sanitize import json_safe

    out = sys.stdout
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
        out.write(("[\n  " if first else ",\n  ") + json_safe(text).replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def _owner(client: AgentClient, assistant: str | None) -> dict[str, str] | None:
    """The server-side filter for `-a NAME` (`hilcli.threads.owner_filter`), or None.

    A name the server has neither as an assistant nor as a graph would list nothing, like
    an empty result: a usage error (exit 2) instead, naming the graphs, as `hil run -a`.
    """
    if not assistant:
        return None
    from hilcli.doctor import require_assistant
    from hilcli.threads import owner_filter

    return owner_filter(assistant, require_assistant(client, assistant))


def threads_command(
    opts: CommonOptions, status: str | None, limit: int, page_size: int | None = None
) -> None:
    """`hil threads`: threads newest first (of one assistant with `-a`), with the first
    pending question; read a page at a time and printed as each page arrives."""
    from hilcli.render.tables import print_threads
    from hilcli.threads import SEARCH_PAGE, ThreadQuery, iter_pages, iter_threads

    settings = _settings(opts)
    assistant = settings.assistant if settings.assistant_given else None
    size = min(page_size or SEARCH_PAGE, limit)
    with _client(settings) as client:
        query = ThreadQuery(status=status, owner=_owner(client, assistant))
        if opts.json_output:
            listed = iter_threads(client, query, limit=limit, page_size=size)
            _print_json_list(row.to_json() for row in listed)
            return
        console = _console()
        shown = 0
        for page in iter_pages(client, query, size):
            rows = page.rows[: limit - shown]
            if rows:
                print_threads(console, rows)
            shown += len(rows)
            if shown >= limit:
                break
    if not shown:
        console.print("No threads" + (f" with status {status}." if status else "."))


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


def inbox_command(opts: CommonOptions, limit: int | None = None) -> None:
    """`hil inbox`: the threads waiting for input; pick one, answer it, watch it finish.

    Interactive: `limit` threads a page (`INBOX_PAGE` by default), paged with n/p. `--json`:
    every waiting thread, read `limit` (at most 100) per request and printed as they come.
    """
    from hilcli.inbox import INBOX_PAGE, Inbox, waiting_threads
    from hilcli.render.tables import ThreadView, console_of, print_threads
    from hilcli.threads import SEARCH_PAGE

    settings = _settings(opts)
    assistant = settings.assistant if settings.assistant_given else None
    if opts.json_output:
        with _client(settings) as client:
            owner = _owner(client, assistant)
            waiting = waiting_threads(client, owner, page_size=limit or SEARCH_PAGE)
            _print_json_list(row.to_json() for row in waiting)
        return
    display = _display(opts)
    frontend = _frontend(settings, display, interactive=True)
    session = _session(opts, settings, display, interactive=True, frontend=frontend)
    console = console_of(display) or _console()
    reader = frontend.reader
    assert reader is not None  # an interactive frontend always has one
    with session.client:
        Inbox(
            session,
            reader,
            display,
            ThreadView(console),
            lambda rows: print_threads(console, rows, numbered=True),
            _owner(session.client, assistant),
            limit or INBOX_PAGE,
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
