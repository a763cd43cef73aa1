"""The time-travel commands' options: `hil history` and `hil edit` (option parsing only).

Imported by `hilcli.cli` once `app` exists; these commands take the same shared options as
every other (`hilcli.cli_options`); the work is in `hilcli.commands.history`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hilcli.cli import app
from hilcli.cli_options import CONNECTION, JSON_DOCUMENT, SERVER, command
from hilcli.environment import Environment
from hilcli.options import CommonOptions

ThreadArg = Annotated[str, typer.Argument(metavar="THREAD", help="The thread.")]


@command(
    app,
    JSON_DOCUMENT,
    SERVER,
    short_help="A thread's checkpoints, newest first, with their questions.",
)
def history(
    env: Environment,
    opts: CommonOptions,
    thread: ThreadArg,
    limit: Annotated[
        int, typer.Option("--limit", min=1, metavar="N", help="At most this many checkpoints.")
    ] = 20,
    before: Annotated[
        str | None,
        typer.Option("--before", metavar="C", help="Only checkpoints older than checkpoint C."),
    ] = None,
) -> None:
    """The thread's checkpoints, newest first: id, step, what produced it (input, a node's
    writes, an edit, a fork), the checkpoint it came from (⑂ marks a branch), the next
    nodes and the first question asked there."""
    from hilcli.commands.history import history_command

    history_command(env, opts, thread, limit, before)


@command(
    app,
    CONNECTION,
    short_help="Write values to a thread's state (a new checkpoint); print its id.",
)
def edit(
    env: Environment,
    opts: CommonOptions,
    thread: ThreadArg,
    set_json: Annotated[
        str | None,
        typer.Option(
            "--set-json",
            metavar="JSON",
            help="The values to write, a JSON object (without it: edit them in $VISUAL/$EDITOR).",
        ),
    ] = None,
    as_node: Annotated[
        str | None,
        typer.Option(
            "--as-node", metavar="NODE", help="Write as if this node had (reducers apply)."
        ),
    ] = None,
    checkpoint: Annotated[
        str | None,
        typer.Option("--checkpoint", metavar="C", help="Edit from this checkpoint (a new branch)."),
    ] = None,
) -> None:
    """Write values to the thread's state, as if NODE had written them; without --set-json,
    open the current values in $VISUAL/$EDITOR, show the difference and ask before writing.
    Prints the new checkpoint's id."""
    from hilcli.commands.history import edit_command

    edit_command(env, opts, thread, set_json, as_node, checkpoint)
