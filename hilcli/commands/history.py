"""The time-travel commands: `history`, `resume --checkpoint/--continue`, `run --checkpoint`,
`edit`. Thin: the rules are in `hilcli.time_travel` (session layer), the drawing in
`hilcli.render.history_view`.
"""

from __future__ import annotations

from collections.abc import Mapping

from hilcli.commands.oneshot import ResumeAnswer, typed_input
from hilcli.commands.wiring import (
    finish,
    has_prepared_answers,
    load_settings,
    make_display,
    make_session,
    parse_json_flag,
    print_json,
)
from hilcli.environment import Environment
from hilcli.errors import UsageError
from hilcli.options import CommonOptions
from hilcli.prompts.editor import edit_state

# -- hil history -------------------------------------------------------------------------------


def history_command(
    env: Environment, opts: CommonOptions, thread_id: str, limit: int, before: str | None
) -> None:
    """`hil history THREAD`: the thread's checkpoints, newest first, a page of `limit`."""
    from hilcli import time_travel

    settings = load_settings(env, opts)
    display = make_display(env, opts)
    session = make_session(env, opts, settings, display, interactive=False)
    with session:
        session.require_thread(thread_id)  # a thread that does not exist: exit 4
        cursor = time_travel.find(session, thread_id, before).id if before else None
        page = time_travel.history_page(session, thread_id, limit, cursor)
    if opts.json_output:
        print_json(env, [item.to_json() for item in page.checkpoints])
        return
    display.history(page, thread_id, session.hints)


# -- hil resume --checkpoint / --continue --------------------------------------------------------


def resume_at_command(
    env: Environment,
    opts: CommonOptions,
    thread_id: str,
    answer: ResumeAnswer,
    interrupt_id: str | None,
    checkpoint: str | None,
    continue_run: bool,
) -> int:
    """`hil resume THREAD --checkpoint C ...` (answer C's questions again, on a new branch)
    or `hil resume THREAD --continue` (go on past a breakpoint)."""
    if continue_run:
        if checkpoint is not None or answer.given or interrupt_id is not None:
            raise UsageError("--continue takes no answer, --interrupt-id or --checkpoint.")
        return _continue(env, opts, thread_id)
    assert checkpoint is not None
    from hilcli import time_travel

    prepared = has_prepared_answers(opts)
    answer.check(prepared)
    settings = load_settings(env, opts)
    display = make_display(env, opts)
    session = make_session(env, opts, settings, display, interactive=False)
    with session:
        session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        outcome = time_travel.answer_again(
            session,
            checkpoint,
            answer.answerer(thread_id, session.hints),
            interrupt_id=interrupt_id,
        )
        return finish(session, display, outcome, prepared=prepared)


def _continue(env: Environment, opts: CommonOptions, thread_id: str) -> int:
    """Run on from a breakpoint pause, with the latest run's breakpoints unless new ones are
    given; exit 3 again at the next pause."""
    from hilcli import time_travel

    settings = load_settings(env, opts)
    display = make_display(env, opts)
    session = make_session(env, opts, settings, display, interactive=False)
    with session:
        session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        result = time_travel.continue_past(session)
        return finish(session, display, result, prepared=has_prepared_answers(opts))


# -- hil run --checkpoint ---------------------------------------------------------------------


def run_at_command(
    env: Environment,
    opts: CommonOptions,
    message: str | None,
    input_json: str | None,
    thread_id: str | None,
    checkpoint: str,
) -> int:
    """`hil run --thread T --checkpoint C [MESSAGE | --input-json JSON]`: a run from C, with
    that input (a new branch), or with none (a replay from C)."""
    from hilcli import time_travel

    if thread_id is None:
        raise UsageError("--checkpoint needs --thread: a checkpoint belongs to a thread.")
    run_input = typed_input(message, input_json)  # none: a replay from the checkpoint
    settings = load_settings(env, opts)
    display = make_display(env, opts)
    prepared = has_prepared_answers(opts)
    session = make_session(env, opts, settings, display, interactive=False)
    with session:
        session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        point = time_travel.find(session, thread_id, checkpoint)
        outcome = time_travel.run_from(session, point.id, run_input)
        return finish(session, display, outcome, prepared=prepared)


# -- hil edit ----------------------------------------------------------------------------------


def _say(env: Environment, line: str) -> None:
    from hilcli.text import safe_text

    env.stderr.write(safe_text(line) + "\n")


def _confirm_on_terminal(env: Environment, prompt: str) -> bool:
    env.stderr.write(prompt)
    env.stderr.flush()
    line = env.stdin.readline()
    return line.strip().lower() in ("y", "yes")


def edit_command(
    env: Environment,
    opts: CommonOptions,
    thread_id: str,
    set_json: str | None,
    as_node: str | None,
    checkpoint: str | None,
) -> None:
    """`hil edit THREAD [--set-json JSON] [--as-node NODE] [--checkpoint C]`: write values to
    the thread's state (a new checkpoint) and print the new checkpoint's id."""
    from hilcli import time_travel
    from hilcli.prompts.editor import configured_editor

    values = None
    if set_json is not None:
        values = parse_json_flag(set_json, "--set-json")
        if not isinstance(values, Mapping):
            raise UsageError('--set-json takes a JSON object of state keys: {"key": value}.')
    settings = load_settings(env, opts)
    display = make_display(env, opts)
    session = make_session(env, opts, settings, display, interactive=False)
    with session:
        session.require_thread(thread_id)  # a thread that does not exist: exit 4
        checkpoint_id = time_travel.find(session, thread_id, checkpoint).id if checkpoint else None
        if values is None:
            new_id = edit_state(
                session,
                thread_id,
                checkpoint_id,
                as_node,
                editor=configured_editor(env.variables),
                show=lambda line: _say(env, line),
                confirm=lambda prompt: _confirm_on_terminal(env, prompt),
            )
            if new_id is None:
                return
        else:
            new_id = time_travel.edit(
                session, thread_id, dict(values), as_node=as_node, checkpoint_id=checkpoint_id
            )
    env.stdout.write(new_id + "\n")
