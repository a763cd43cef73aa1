"""The time-travel commands' options: `hil history` and `hil edit` (option parsing only).

Imported by `hilcli.cli` once its shared options exist, so these commands take the same
connection flags as every other; the work is in `hilcli.commands.history`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hilcli.cli import (
    ApiKey,
    Assistant,
    Config,
    Debug,
    Header,
    JsonDocument,
    Profile,
    Url,
    _options,
    app,
    environment,
)

ThreadArg = Annotated[str, typer.Argument(metavar="THREAD", help="The thread.")]


@app.command(short_help="A thread's checkpoints, newest first, with their questions.")
def history(
    ctx: typer.Context,
    thread: ThreadArg,
    limit: Annotated[
        int, typer.Option("--limit", min=1, metavar="N", help="At most this many checkpoints.")
    ] = 20,
    before: Annotated[
        str | None,
        typer.Option("--before", metavar="C", help="Only checkpoints older than checkpoint C."),
    ] = None,
    json_output: JsonDocument = False,
    url: Url = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    debug: Debug = False,
) -> None:
    """The thread's checkpoints, newest first: id, step, what produced it (input, a node's
    writes, an edit, a fork), the checkpoint it came from (⑂ marks a branch), the next
    nodes and the first question asked there."""
    from hilcli.commands.history import history_command

    opts = _options(locals())
    history_command(environment(ctx), opts, thread, limit, before)


@app.command(short_help="Write values to a thread's state (a new checkpoint); print its id.")
def edit(
    ctx: typer.Context,
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
    url: Url = None,
    assistant: Assistant = None,
    api_key: ApiKey = None,
    header: Header = None,
    config: Config = None,
    profile: Profile = None,
    debug: Debug = False,
) -> None:
    """Write values to the thread's state, as if NODE had written them; without --set-json,
    open the current values in $VISUAL/$EDITOR, show the difference and ask before writing.
    Prints the new checkpoint's id."""
    from hilcli.commands.history import edit_command

    opts = _options(locals())
    edit_command(environment(ctx), opts, thread, set_json, as_node, checkpoint)
