"""The one-shot commands: `hil run` and `hil resume`, with JSON Lines output and the
contract's exit codes; and what keeps a thread's id and state said on every early exit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hilcli.commands.wiring import (
    converse_with_rules,
    exit_status,
    has_prepared_answers,
    load_settings,
    make_display,
    make_session,
    parse_json_flag,
)
from hilcli.environment import Environment
from hilcli.errors import (
    AnswerNotSent,
    Cancelled,
    HilError,
    NothingToResume,
    ThreadBusy,
    UsageError,
)
from hilcli.options import CommonOptions

if TYPE_CHECKING:
    from hilcli.events import PendingInterrupt
    from hilcli.hints import HilCommand
    from hilcli.render.display import Display
    from hilcli.session import RunOutcome, Session


def _resume_hint(outcome: RunOutcome, hints: HilCommand) -> str | None:
    """The command that answers what `outcome` waits for, with its real ids, as pasted."""
    if outcome.status != "interrupted":
        return None
    thread_id = outcome.thread_id
    if outcome.unread:
        return hints.line("show", thread_id)
    if not outcome.interrupts:
        return hints.line("resume", thread_id, "--continue")  # a breakpoint pause
    from hilcli.interrupts import answer_flags

    first = outcome.interrupts[0]
    if len(outcome.interrupts) > 1:  # the first one; the others are answered after it
        return hints.line("resume", thread_id, "--interrupt-id", first.id, then=answer_flags(first))
    return hints.line("resume", thread_id, then=answer_flags(first))


def _finish(session: Session, display: Display, outcome: RunOutcome) -> int:
    display.result(outcome.to_json(), _resume_hint(outcome, session.client.hints))
    return exit_status(outcome)


def _where_it_stands(outcome: RunOutcome, hints: HilCommand) -> str:
    """One line saying where the thread stands after an early exit, with what to type next."""
    thread_id = outcome.thread_id
    hint = _resume_hint(outcome, hints)
    if outcome.at_breakpoint and hint:
        return f"thread {thread_id} is paused before {', '.join(outcome.next_nodes)}: {hint}"
    if outcome.status == "interrupted" and hint:
        return f"thread {thread_id} waits for an answer: {hint}"
    if outcome.status == "error":
        return f"the run failed on thread {thread_id}"
    return f"thread {thread_id} is {'done' if outcome.status == 'done' else outcome.status}"


def _standing(session: Session, *, fresh: bool = False) -> RunOutcome | None:
    """The thread's situation after an early exit: the last one read (unless `fresh`: a run
    went on since), else read now."""
    last = session.last_outcome
    if not fresh and last is not None and last.thread_id == session.thread_id:
        return last
    try:
        return session.outcome_now()
    except HilError:  # busy, gone or unreachable: only the thread id can be said
        return None


@contextmanager
def _thread_kept(session: Session, display: Display, json_output: bool) -> Iterator[None]:
    """Once a thread exists, no exit loses it (cli.md: the `result` line is always last).

    An answer that does not fit (a rule's, an `--answer`'s: exit 2) or Ctrl-C / Ctrl-D at an
    answer prompt (exit 130) would otherwise end the command with the thread waiting on the
    server and nothing saying which: the error says the thread id and the command that
    answers it, and `--json` still gets its `result` line. Ctrl-C while a run streams
    (`Cancelled`, exit 130) likewise names the thread and ends `--json` with it; a run left
    running (`--on-ctrl-c detach`) has no result yet, and its hint already names the thread.
    Any other error once the thread exists names it too (its state is not read again: the
    server may be the one that failed).
    """
    try:
        yield
    except (KeyboardInterrupt, EOFError) as exc:
        if session.thread_id is None:
            raise
        outcome = _standing(session)
        if outcome is None:
            raise Cancelled(f"Stopped; thread {session.thread_id}.") from exc
        if json_output:
            display.result(outcome.to_json(), None)
        raise Cancelled(f"Stopped; {_where_it_stands(outcome, session.client.hints)}") from exc
    except Cancelled as exc:
        if session.thread_id is None:
            raise
        outcome = _standing(session, fresh=True)  # the state the cancelled run left
        if outcome is not None and json_output:
            display.result(outcome.to_json(), None)
        _say_where(exc, session, None)  # its state after a cancel is no pause to go on from
        raise
    except UsageError as exc:
        if session.thread_id is None:
            raise
        outcome = _standing(session)
        if outcome is not None and json_output:
            display.result(outcome.to_json(), None)
        _say_where(exc, session, outcome)
        raise
    except HilError as exc:  # the server failed or went away: the thread id at least
        _say_where(exc, session, None)
        raise


def _say_where(exc: HilError, session: Session, outcome: RunOutcome | None) -> None:
    """Add where the thread stands to `exc`'s hint, unless the error already names it."""
    thread_id = session.thread_id
    if thread_id is None or thread_id in f"{exc.message} {exc.hint or ''}":
        return
    where = (
        f"thread {thread_id}."
        if outcome is None
        else _where_it_stands(outcome, session.client.hints)
    )
    where = where[0].upper() + where[1:]
    exc.hint = f"{exc.hint} {where}" if exc.hint else where


def run_command(
    env: Environment,
    opts: CommonOptions,
    message: str | None,
    input_json: str | None,
    thread_id: str | None,
) -> int:
    """`hil run`: one run, streamed to its end; exit 3 when it waits for input."""
    from hilcli.session import message_input

    if message is not None and input_json is not None:
        raise UsageError("Give a MESSAGE or --input-json, not both.")
    if input_json is not None:
        run_input = parse_json_flag(input_json, "--input-json")
    elif message is not None and message.strip():
        run_input = message_input(message)
    elif message is not None:
        raise UsageError("Nothing to send: the MESSAGE is empty.")
    elif not env.stdin_is_terminal and (piped := env.stdin.read().strip()):
        run_input = message_input(piped)
    elif not env.stdin_is_terminal:  # `</dev/null`, an empty pipe: as on a terminal, send nothing
        raise UsageError(
            "Nothing to send: standard input is empty; give a MESSAGE or --input-json."
        )
    else:
        raise UsageError("Nothing to send: give a MESSAGE or --input-json.")
    settings = load_settings(env, opts)
    display = make_display(env, opts)
    prepared = has_prepared_answers(opts)
    # Prepared answers keep the run going; what they do not cover is asked on a terminal.
    ask_rest = prepared and env.interactive and not opts.json_output
    session = make_session(env, opts, settings, display, interactive=ask_rest)
    with session.client, _thread_kept(session, display, opts.json_output):
        if thread_id:
            session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        outcome = session.run(input=run_input)
        if prepared:
            outcome = converse_with_rules(session, display, outcome)
        return _finish(session, display, outcome)


@dataclass
class ResumeAnswer:
    """The answer given on `hil resume`'s command line."""

    value: str | None = None
    value_json: str | None = None
    approve: bool = False
    reject: bool = False
    message: str | None = None

    @property
    def given(self) -> bool:
        """An answer was typed on the command line."""
        return self.value is not None or self.value_json is not None or self.approve or self.reject

    def check(self, prepared: bool) -> None:
        """Exactly one kind of answer must be given (or none, when rules answer)."""
        given = [self.value is not None, self.value_json is not None, self.approve, self.reject]
        if sum(given) > 1 or (sum(given) == 0 and not prepared):
            raise UsageError(
                "Give exactly one answer: --value, --value-json, --approve or --reject"
                " (or --answers / --answer)."
            )
        if self.message is not None and not self.reject:
            raise UsageError("--message goes with --reject.")

    def resume_value(
        self, target: PendingInterrupt, parsed: Any, thread_id: str, hints: HilCommand
    ) -> Any:
        """What this answer sends to `target` (`parsed`: `--value-json` decoded); refused
        with a `UsageError` and a hint spelled by `hints` when it does not suit it."""
        from hilcli.interrupts import one_shot_answer

        return one_shot_answer(
            target,
            text=self.value,
            json_value=parsed,
            approve=self.approve,
            reject=self.reject,
            message=self.message,
            thread_id=thread_id,
            hints=hints,
        )


def resume_command(
    env: Environment,
    opts: CommonOptions,
    thread_id: str,
    answer: ResumeAnswer,
    interrupt_id: str | None,
) -> int:
    """`hil resume`: answer one pending interrupt and stream the resumed run."""
    from hilcli.interrupts import choose_pending

    prepared = has_prepared_answers(opts)
    answer.check(prepared)
    parsed = parse_json_flag(answer.value_json, "--value-json") if answer.value_json else None
    settings = load_settings(env, opts)
    display = make_display(env, opts)
    session = make_session(env, opts, settings, display, interactive=False)
    hints = session.client.hints
    with session.client, _thread_kept(session, display, opts.json_output):
        thread = session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        try:
            outcome = session.outcome_now()
        except ThreadBusy as exc:  # not waiting for input: the contract's exit 4, nothing sent
            raise NothingToResume(
                f"Thread {thread_id} is busy running; it is not waiting for input. "
                "Nothing was sent.",
                hint=exc.hint,
            ) from exc
        if outcome.at_breakpoint and answer.value_json is not None and parsed is None:
            return _finish(session, display, session.run(input=None))  # continue past a breakpoint
        pending = outcome.interrupts
        if not pending and outcome.unread:
            raise NothingToResume(
                f"Thread {thread_id} waits on a question hil cannot read; nothing was sent.",
                hint=f"`{hints.line('show', thread_id, '--json')}` shows what the server sent.",
            )
        if not pending:
            raise NothingToResume(
                f"Thread {thread_id} is not waiting for input "
                f"(status: {thread.get('status', 'unknown')}); nothing was sent."
            )
        if not answer.given:  # the rules answer what is pending, and what comes after
            return _finish(session, display, converse_with_rules(session, display, outcome))
        target = choose_pending(pending, interrupt_id, f"on thread {thread_id}")
        value = answer.resume_value(target, parsed, thread_id, hints)
        try:
            result = session.resume({target.id: value}, pending=pending)
        except AnswerNotSent as exc:
            resend = hints.line(
                "resume", thread_id, "--interrupt-id", target.id, "--value-json", json.dumps(value)
            )
            exc.hint = f"Re-send it with: {resend}"
            raise
        if prepared:
            result = converse_with_rules(session, display, result)
        return _finish(session, display, result)
