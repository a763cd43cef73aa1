"""The commands about threads: `threads`, `show` and `inbox`."""

from __future__ import annotations

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


def threads_command(
    env: Environment,
    opts: CommonOptions,
    status: str | None,
    limit: int,
    page_size: int | None = None,
) -> None:
    """`hil threads`: threads newest first (of one assistant with `-a`), with the first
    pending question; read a page at a time and printed as each page arrives."""
    from hilcli.threads import SEARCH_PAGE, ThreadQuery, iter_pages, iter_threads, owner_for

    settings = load_settings(env, opts)
    assistant = settings.assistant if settings.assistant_given else None
    size = min(page_size or SEARCH_PAGE, limit)
    with make_client(env, settings) as client:
        query = ThreadQuery(status=status, owner=owner_for(client, assistant))
        if opts.json_output:
            listed = iter_threads(client, query, limit=limit, page_size=size)
            print_json_list(env, (row.to_json() for row in listed))
            return
        display = make_display(env, opts)
        shown = 0
        for page in iter_pages(client, query, size):
            rows = page.rows[: limit - shown]
            if rows:
                display.threads(rows)
            shown += len(rows)
            if shown >= limit:
                break
    if not shown:
        display.threads([], empty="No threads" + (f" with status {status}." if status else "."))


def show_command(env: Environment, opts: CommonOptions, thread_id: str) -> None:
    """`hil show THREAD`: status, latest messages or values, every pending interrupt."""
    from hilcli.events import interrupts_from_state
    from hilcli.threads import assistant_of

    settings = load_settings(env, opts)
    with make_client(env, settings) as client:
        thread = client.get_thread(thread_id)
        state = client.get_state(thread_id)
    if opts.json_output:
        pending = interrupts_from_state(state)
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
    make_display(env, opts).thread(thread, assistant_of(thread), state)


def inbox_command(env: Environment, opts: CommonOptions, limit: int | None = None) -> None:
    """`hil inbox`: the threads waiting for input; pick one, answer it, watch it finish.

    Interactive: `limit` threads a page (`INBOX_PAGE` by default), paged with n/p. `--json`:
    every waiting thread, read `limit` (at most 100) per request and printed as they come.
    """
    from hilcli.inbox import INBOX_PAGE, Inbox, waiting_threads
    from hilcli.threads import SEARCH_PAGE, owner_for

    settings = load_settings(env, opts)
    assistant = settings.assistant if settings.assistant_given else None
    if opts.json_output:
        with make_client(env, settings) as client:
            owner = owner_for(client, assistant)
            waiting = waiting_threads(client, owner, page_size=limit or SEARCH_PAGE)
            print_json_list(env, (row.to_json() for row in waiting))
        return
    display = make_display(env, opts)
    frontend = make_frontend(env, settings, display, interactive=True)
    session = make_session(env, opts, settings, display, interactive=True, frontend=frontend)
    reader = frontend.reader
    assert reader is not None  # an interactive frontend always has one
    with session:
        Inbox(session, reader, display, session.owner_filter(assistant), limit or INBOX_PAGE).loop()
