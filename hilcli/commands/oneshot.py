"""The one-shot commands: `hil run` and `hil resume`, with JSON Lines output and the
contract's exit codes; and what keeps a thread's id and state said on every early exit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hilcli.commands.wiring import (
    finish,
    has_prepared_answers,
    load_settings,
    make_display,
    make_session,
    parse_json_flag,
)
from hilcli.environment import Environment
from hilcli.errors import (
    Cancelled,
    HilError,
    UsageError,
)
from hilcli.options import CommonOptions

if TYPE_CHECKING:
    from hilcli.events import PendingInterrupt
    from hilcli.hints import HilCommand
    from hilcli.render.display import Display
    from hilcli.session import RunOutcome, Session


def _where_it_stands(outcome: RunOutcome, session: Session) -> str:
    """One line saying where the thread stands after an early exit, with what to type next."""
    thread_id = outcome.thread_id
    hint = session.resume_line(outcome)
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
        raise Cancelled(f"Stopped; {_where_it_stands(outcome, session)}") from exc
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
    where = f"thread {thread_id}." if outcome is None else _where_it_stands(outcome, session)
    where = where[0].upper() + where[1:]
    exc.hint = f"{exc.hint} {where}" if exc.hint else where


def typed_input(message: str | None, input_json: str | None) -> Any:
    """The run input typed on the command line (`hil run`, `hil run --checkpoint`): the
    `--input-json` document, or MESSAGE as a person's message; None when neither is given.
    Both, or a blank MESSAGE, is a usage error."""
    from hilcli.session import message_input

    if message is not None and input_json is not None:
        raise UsageError("Give a MESSAGE or --input-json, not both.")
    if input_json is not None:
        return parse_json_flag(input_json, "--input-json")
    if message is None:
        return None
    if not message.strip():
        raise UsageError("Nothing to send: the MESSAGE is empty.")
    return message_input(message)


def run_command(
    env: Environment,
    opts: CommonOptions,
    message: str | None,
    input_json: str | None,
    thread_id: str | None,
) -> int:
    """`hil run`: one run, streamed to its end; exit 3 when it waits for input."""
    from hilcli.session import message_input

    if message is not None or input_json is not None:
        run_input = typed_input(message, input_json)
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
    with session, _thread_kept(session, display, opts.json_output):
        if thread_id:
            session.open_thread(thread_id, adopt_assistant=not settings.assistant_given)
        outcome = session.run(input=run_input)
        return finish(session, display, outcome, prepared=prepared)


@dataclass
class ResumeAnswer:
    """The answer given on `hil resume`'s command line."""

    value: str | None = None
    value_json: str | None = None
    approve: bool = False
    reject: bool = False
    message: str | None = None
    #: `--value-json` decoded (by `check`).
    parsed_json: Any = field(default=None, init=False)

    @property
    def given(self) -> bool:
        """An answer was typed on the command line."""
        return self.value is not None or self.value_json is not None or self.approve or self.reject

    def check(self, prepared: bool) -> None:
        """Exactly one kind of answer must be given (or none, when rules answer), and
        `--value-json` must be JSON."""
        given = [self.value is not None, self.value_json is not None, self.approve, self.reject]
        if sum(given) > 1 or (sum(given) == 0 and not prepared):
            raise UsageError(
                "Give exactly one answer: --value, --value-json, --approve or --reject"
                " (or --answers / --answer)."
            )
        if self.message is not None and not self.reject:
            raise UsageError("--message goes with --reject.")
        if self.value_json is not None:
            self.parsed_json = parse_json_flag(self.value_json, "--value-json")

    @property
    def goes_on(self) -> bool:
        """`--value-json null`: at a breakpoint pause, go on past it."""
        return self.value_json is not None and self.parsed_json is None

    def answerer(
        self, thread_id: str, hints: HilCommand
    ) -> Callable[[PendingInterrupt], Any] | None:
        """What this answer sends to the interrupt it answers, refused with a `UsageError`
        and a hint spelled by `hints` when it does not suit it; None when no answer was
        typed (the prepared rules answer)."""
        if not self.given:
            return None
        from hilcli.interrupts import one_shot_answer

        def resume_value(target: PendingInterrupt) -> Any:
            return one_shot_answer(
                target,
                text=self.value,
                json_value=self.parsed_json,
                approve=self.approve,
                reject=self.reject,
                message=self.message,
                thread_id=thread_id,
                hints=hints,
            )

        return resume_value


def resume_command(
    env: Environment,
    opts: CommonOptions,
    thread_id: str,
    answer: ResumeAnswer,
    interrupt_id: str | None,
) -> int:
    """`hil resume`: answer one pending interrupt and stream the resumed run (the rules of
    which interrupt, and when nothing is sent, are `Session.resume_one`'s)."""
    prepared = has_prepared_answers(opts)
    answer.check(prepared)
    settings = load_settings(env, opts)
    display = make_display(env, opts)
    session = make_session(env, opts, settings, display, interactive=False)
    with session, _thread_kept(session, display, opts.json_output):
        outcome = session.resume_one(
            thread_id,
            answer.answerer(thread_id, session.hints),
            interrupt_id=interrupt_id,
            go_on=answer.goes_on,
            adopt_assistant=not settings.assistant_given,
            rules_after=prepared,
        )
        return finish(session, display, outcome)
