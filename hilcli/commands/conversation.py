"""The conversation commands: `hil chat`, `hil attach` and `hil demo` (the REPL)."""

from __future__ import annotations

from hilcli.commands.wiring import load_settings, make_display, make_frontend, make_session
from hilcli.environment import Environment
from hilcli.options import CommonOptions


def chat_command(
    env: Environment, opts: CommonOptions, thread_id: str | None, url: str | None = None
) -> None:
    """`hil chat`: the REPL."""
    from hilcli.repl import Repl

    settings = load_settings(env, opts, url)
    display = make_display(env, opts)
    frontend = make_frontend(env, settings, display, interactive=True)
    session = make_session(env, opts, settings, display, interactive=True, frontend=frontend)
    with session:
        if thread_id:
            session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        else:  # the thread is created with the first message; a typo'd -a is refused now
            session.check_assistant()
        Repl(session, settings, frontend).loop(resume_pending=bool(thread_id))


def attach_command(env: Environment, opts: CommonOptions, thread_id: str) -> None:
    """`hil attach THREAD`: join the thread's running run, then chat on the thread."""
    from hilcli.repl import Repl

    settings = load_settings(env, opts)
    display = make_display(env, opts)
    frontend = make_frontend(env, settings, display, interactive=True)
    session = make_session(env, opts, settings, display, interactive=True, frontend=frontend)
    with session:
        session.open_thread(thread_id)
        Repl(session, settings, frontend).loop(attach=True)


def demo_command(env: Environment, *, debug: bool, port: int) -> None:
    """`hil demo`: a local server with the bundled graphs, and a chat with it."""
    from hilcli.server.local import LocalServer

    # the bundled example graphs; a --port asked for is that port or an error (exit 2)
    server = LocalServer(port=port or None, exact_port=bool(port))
    server.check_port()  # before saying "Starting", so a bad port is the only line
    env.stderr.write("Starting the demo server (in-memory LangGraph Agent Server)…\n")
    with server:
        env.stderr.write(
            f"Server ready at {server.url}. Graphs: agent (this chat), approval, form.\n"
            "Try: Ask the user where they are, then look up the weather there\n"
            "The other graphs: type /assistant approval (or /assistant form) in the chat\n"
        )
        chat_command(env, CommonOptions(debug=debug), None, url=server.url)
