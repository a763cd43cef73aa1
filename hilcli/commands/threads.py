"""The commands about threads: `threads`, `show` and `inbox`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hilcli.commands.wiring import (
    load_settings,
    make_client,
    make_display,
    make_frontend,
    make_session,
    print_json,
    print_json_list,
)
from hilcli.environment import Environment
from hilcli.options import CommonOptions
from hilcli.render.tables import stdout_console as _console

if TYPE_CHECKING:
    from hilcli.client import AgentClient


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
    env: Environment,
    opts: CommonOptions,
    status: str | None,
    limit: int,
    page_size: int | None = None,
) -> None:
    """`hil threads`: threads newest first (of one assistant with `-a`), with the first
    pending question; read a page at a time and printed as each page arrives."""
    from hilcli.render.tables import print_threads
    from hilcli.threads import SEARCH_PAGE, ThreadQuery, iter_pages, iter_threads

    settings = load_settings(env, opts)
    assistant = settings.assistant if settings.assistant_given else None
    size = min(page_size or SEARCH_PAGE, limit)
    with make_client(env, settings) as client:
        query = ThreadQuery(status=status, owner=_owner(client, assistant))
        if opts.json_output:
            listed = iter_threads(client, query, limit=limit, page_size=size)
            print_json_list(env, (row.to_json() for row in listed))
            return
        console = _console(env)
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


def show_command(env: Environment, opts: CommonOptions, thread_id: str) -> None:
    """`hil show THREAD`: status, latest messages or values, every pending interrupt."""
    from hilcli.events import interrupts_from_state
    from hilcli.render.tables import ThreadView
    from hilcli.threads import assistant_of

    settings = load_settings(env, opts)
    with make_client(env, settings) as client:
        thread = client.get_thread(thread_id)
        state = client.get_state(thread_id)
    pending = interrupts_from_state(state)
    if opts.json_output:
        print_json(
            env,
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
            },
        )
        return
    view = ThreadView(_console(env))
    view.header(thread, assistant_of(thread))
    view.conversation(state.get("values"))
    next_nodes = [str(node) for node in state.get("next") or ()]
    if next_nodes and not pending:
        where = "stopped at" if thread.get("status") == "error" else "paused before"
        view.note(f"{where}: {', '.join(next_nodes)}")
    view.interrupts(pending)


def inbox_command(env: Environment, opts: CommonOptions, limit: int | None = None) -> None:
    """`hil inbox`: the threads waiting for input; pick one, answer it, watch it finish.

    Interactive: `limit` threads a page (`INBOX_PAGE` by default), paged with n/p. `--json`:
    every waiting thread, read `limit` (at most 100) per request and printed as they come.
    """
    from hilcli.inbox import INBOX_PAGE, Inbox, waiting_threads
    from hilcli.render.tables import ThreadView, console_of, print_threads
    from hilcli.threads import SEARCH_PAGE

    settings = load_settings(env, opts)
    assistant = settings.assistant if settings.assistant_given else None
    if opts.json_output:
        with make_client(env, settings) as client:
            owner = _owner(client, assistant)
            waiting = waiting_threads(client, owner, page_size=limit or SEARCH_PAGE)
            print_json_list(env, (row.to_json() for row in waiting))
        return
    display = make_display(env, opts)
    frontend = make_frontend(env, settings, display, interactive=True)
    session = make_session(env, opts, settings, display, interactive=True, frontend=frontend)
    console = console_of(display) or _console(env)
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
