"""Going back on a thread: its history, answering an earlier question again, re-running
from a checkpoint, editing the state, continuing past a breakpoint.

The session layer (no terminal): it drives a `Session` and its client. The rules:

- A question is answered again on a new branch, never on the checkpoint that asked it: that
  checkpoint keeps the first answer among its pending writes, and the server replays it on
  every resume from there (a graph that fails on the answer fails again, forever). So the
  checkpoint is copied (`POST /threads/{id}/state` with `as_node: "__copy__"`: a fork, same
  values, same parent), the copy is replayed until the graph asks again (quietly: the person
  already sees the question), and the new questions, which have new ids, are answered with
  the answers given to the old ones, matched by node and order.
- A re-run from a checkpoint is a run with `checkpoint_id`: with input it starts a branch
  there, without it replays from there.
- An edit is `POST /threads/{id}/state`; only the keys that changed are sent, since the server
  applies each channel's reducer to what it gets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hilcli.errors import HilError, InvalidRequest, NothingToResume, ThreadBusy
from hilcli.events import PendingInterrupt, StreamEvent, namespace_path
from hilcli.hints import PLAIN, HilCommand
from hilcli.history import Checkpoint, checkpoints, find_checkpoint, history_pages

if TYPE_CHECKING:
    from hilcli.session import RunOutcome, Session, Terminal

#: How far back (checkpoints) `say_way_back` looks for the question a failed resume answered.
WAY_BACK_SEARCH = 200

#: The node name `POST /threads/{id}/state` takes to copy a checkpoint as it is.
COPY_NODE = "__copy__"


@dataclass
class HistoryPage:
    """One page of a thread's history, newest first."""

    checkpoints: list[Checkpoint]
    older: Checkpoint | None
    """The next checkpoint after the page (it made the last one's source readable), or None
    when the page reaches the thread's first checkpoint."""


def history_page(session: Session, thread_id: str, limit: int, before: str | None) -> HistoryPage:
    """Up to `limit` checkpoints of the thread, newest first, older than `before`.

    One request for a page of up to 999: it asks for one checkpoint more than it shows, which
    says whether there are older ones and what the last one shown came from.
    """
    from hilcli.history import HISTORY_PAGE_MAX

    found: list[Checkpoint] = []
    cursor = before
    while len(found) <= limit:
        asked = min(HISTORY_PAGE_MAX, limit + 1 - len(found))
        page = checkpoints(session.client.get_history(thread_id, limit=asked, before=cursor))
        found.extend(page)
        if len(page) < asked or not page:
            break
        cursor = page[-1].id
    return HistoryPage(found[:limit], found[limit] if len(found) > limit else None)


def find(session: Session, thread_id: str, typed: str) -> Checkpoint:
    """The checkpoint `typed` names on the thread (whole id, or a unique head or tail).

    A whole id is read directly (one request, however long the thread); anything else, or
    a server that cannot read it so, is looked for page by page in the history.
    """
    from hilcli.history import TYPED_ID_MIN

    whole = typed.strip()
    if len(whole) >= TYPED_ID_MIN:
        try:
            found = Checkpoint.from_state(session.client.get_state_at(thread_id, whole))
        except HilError:
            found = None
        if found is not None and found.id == whole:
            return found
    return find_checkpoint(session.client, thread_id, typed, session.client.hints)


class _Quiet:
    """A terminal that shows nothing of a run but still says notices (for replays)."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def run_started(self) -> None:
        """Nothing to show."""

    def show_event(self, event: StreamEvent) -> None:
        """Nothing to show."""

    def run_finished(self, outcome: RunOutcome) -> None:
        """Nothing to show."""

    def notice(self, message: str) -> None:
        self.terminal.notice(message)

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        return self.terminal.ask(interrupt, index=index, total=total, draft=draft)

    def ask_continue(self, outcome: RunOutcome) -> bool:
        return False


def fork(session: Session, checkpoint_id: str) -> str:
    """Copy a checkpoint as a new branch of the thread; the copy's id."""
    thread_id = session.ensure_thread()
    return session.client.update_state(
        thread_id, None, as_node=COPY_NODE, checkpoint_id=checkpoint_id
    )


def _root_node(item: PendingInterrupt) -> str:
    """The node at the root of the graph that asked `item` ("" when the state did not say:
    a history lists a question already answered without its task)."""
    if item.ns:
        return namespace_path(item.ns[:1])[0]
    return item.node or ""


def _counterpart(
    old: Sequence[PendingInterrupt], new: Sequence[PendingInterrupt], key: str
) -> PendingInterrupt | None:
    """The question of `new` that asks again what `old`'s question `key` asked: the one of
    the same root node and rank there, or, when `old` does not say its node, of the same
    rank overall."""
    asked = next(item for item in old if item.id == key)
    node = _root_node(asked)
    if not node:
        index = list(old).index(asked)
        return new[index] if index < len(new) else None
    rank = [item.id for item in old if _root_node(item) == node].index(key)
    same = [item for item in new if _root_node(item) == node]
    return same[rank] if rank < len(same) else None


def replay_to_questions(session: Session, checkpoint: Checkpoint) -> RunOutcome:
    """Fork `checkpoint` and replay the copy, quietly, until the graph asks again; the
    outcome says what it asks now (under new ids). The session's breakpoints wait for the
    answered run: a pause before the asking node would stop the replay short of its
    question."""
    fork_id = fork(session, checkpoint.id)
    terminal, breakpoints = session.terminal, (session.interrupt_before, session.interrupt_after)
    session.terminal = _Quiet(terminal)
    session.interrupt_before, session.interrupt_after = [], []
    try:
        return session.run(input=None, checkpoint_id=fork_id)
    except InvalidRequest as exc:  # Aegra: "Must specify either 'input' or 'command'" (422)
        raise HilError(
            f"The server refused to replay checkpoint {checkpoint.id} (a run with no input), "
            "which answering its question again needs; your answer was not sent.",
            hint="The thread now stands at a copy of that checkpoint (`hil history` shows it).",
        ) from exc
    finally:
        session.terminal = terminal
        session.interrupt_before, session.interrupt_after = breakpoints


def answer_at(session: Session, checkpoint: Checkpoint, answers: Mapping[str, Any]) -> RunOutcome:
    """Answer the questions pending at `checkpoint` (`answers` keyed by their ids there) on
    a new branch, which becomes the thread's latest state; stream the resumed run."""
    unknown = [key for key in answers if key not in {item.id for item in checkpoint.interrupts}]
    if unknown or not answers:
        raise NothingToResume(
            f"Interrupt {', '.join(unknown) or '?'} was not pending at checkpoint "
            f"{checkpoint.id}; nothing was sent."
        )
    replayed = replay_to_questions(session, checkpoint)
    if replayed.status != "interrupted" or not replayed.interrupts:
        session.terminal.notice(
            f"Replayed from checkpoint {checkpoint.id}, the graph did not ask again "
            f"({replayed.status}); your answer was not sent."
        )
        return replayed
    mapped: dict[str, Any] = {}
    for key, value in answers.items():
        match = _counterpart(checkpoint.interrupts, replayed.interrupts, key)
        if match is None:
            raise NothingToResume(
                "Replayed from that checkpoint, the graph asked other questions; your answer "
                "was not sent.",
                hint="The thread now waits on them: "
                f"`{session.client.hints.line('resume', replayed.thread_id)}` answers them.",
            )
        mapped[match.id] = value
    return session.resume(mapped, pending=replayed.interrupts)


def answer_again(
    session: Session,
    typed: str,
    answer: Callable[[PendingInterrupt], Any] | None,
    *,
    interrupt_id: str | None = None,
) -> RunOutcome:
    """`hil resume --checkpoint`: answer again, on a new branch, a question that was pending
    at the checkpoint `typed` names on the current thread (`find`), and stream the run.

    `answer(target)` is the value for the question chosen (the one `interrupt_id` names;
    with none, the only one: `interrupts.choose_pending`); with no `answer`, the terminal
    (the prepared rules) answers every question asked there. `NothingToResume` (exit 4,
    nothing sent) when no question was pending at that checkpoint.
    """
    from hilcli.interrupts import choose_pending

    thread_id = session.current_thread()
    point = find(session, thread_id, typed)
    if not point.interrupts:
        run_from_line = session.client.hints.line(
            "run", "--thread", thread_id, "--checkpoint", point.id
        )
        raise NothingToResume(
            f"No question was pending at checkpoint {point.id}; nothing was sent.",
            hint=f"`{run_from_line}` runs from it.",
        )
    if answer is None:  # the rules answer the questions asked there
        return answer_at(session, point, session.ask_all(point.interrupts))
    target = choose_pending(point.interrupts, interrupt_id, f"at checkpoint {point.id}")
    return answer_at(session, point, {target.id: answer(target)})


def continue_past(session: Session) -> RunOutcome:
    """`hil resume --continue`: run the current thread on from its breakpoint pause, with the
    breakpoints of its latest run unless the session has its own; stream the run.

    `NothingToResume` (exit 4, nothing sent) when the thread is not paused at a breakpoint:
    it waits for an answer, is done, or a run goes on on it (busy).
    """
    from hilcli.session import nothing_while_busy

    thread_id = session.current_thread()
    try:
        outcome, latest = session.outcome_and_latest_run()
    except ThreadBusy as exc:
        raise nothing_while_busy(thread_id, exc) from exc
    if not outcome.at_breakpoint:
        what = "waits for an answer" if outcome.interrupts else f"is {outcome.status}"
        raise NothingToResume(
            f"Thread {thread_id} is not paused at a breakpoint (it {what}); nothing was sent.",
            hint=session.resume_line(outcome),
        )
    if not (session.interrupt_before or session.interrupt_after):
        session.interrupt_before, session.interrupt_after = breakpoints_of(latest)
    return session.run(input=None, known_idle=True)


def run_from(session: Session, checkpoint_id: str, run_input: Any) -> RunOutcome:
    """A run from `checkpoint_id`: a new branch with `run_input`, or a replay (input None)."""
    return session.run(input=run_input, checkpoint_id=checkpoint_id)


def values_at(session: Session, thread_id: str, checkpoint_id: str | None) -> Any:
    """The state's values at a checkpoint (default: the latest); `NotFound` when it has none."""
    if checkpoint_id is None:
        return session.client.get_state(thread_id).get("values")
    return session.client.get_state_at(thread_id, checkpoint_id).get("values")


def edit(
    session: Session,
    thread_id: str,
    values: Any,
    *,
    as_node: str | None = None,
    checkpoint_id: str | None = None,
) -> str:
    """Write `values` to the thread's state as if `as_node` had (reducers apply), on top of
    `checkpoint_id` (default: the latest); the new checkpoint's id.

    The checkpoint is checked first: the server would write on top of an empty state for a
    checkpoint the thread does not have. An edit the server refuses (400: a node the graph
    lacks, values it cannot take) is a `UsageError` in the server's words.
    """
    from hilcli.errors import ServerError, UsageError

    if checkpoint_id is not None:
        session.client.get_state_at(thread_id, checkpoint_id)
    try:
        return session.client.update_state(
            thread_id, values, as_node=as_node, checkpoint_id=checkpoint_id
        )
    except ServerError as exc:
        if exc.status == 400:
            raise UsageError(f"The server refused the edit: {exc.detail or exc.message}") from exc
        raise


def check_breakpoints(session: Session) -> None:
    """Refuse (exit 2, before anything is sent) a breakpoint on a node the assistant's graph
    does not have: the server takes any name and never pauses there. Checked once per
    assistant; a server that does not describe the graph is taken at its word."""
    from hilcli.errors import UsageError

    if session.breakpoints_checked == session.assistant:
        return
    try:
        graph = session.client.get_graph(session.assistant)
    except HilError:
        graph = {}
    raw = graph.get("nodes")
    nodes = (
        {str(node.get("id")) for node in raw if isinstance(node, Mapping) and node.get("id")}
        if isinstance(raw, list)
        else set()
    )
    if nodes:
        asked = [*session.interrupt_before, *session.interrupt_after]
        unknown = [node for node in dict.fromkeys(asked) if node != "*" and node not in nodes]
        if unknown:
            names = ", ".join(sorted(n for n in nodes if not n.startswith("__")))
            raise UsageError(
                f"Graph {session.assistant_name} has no node {', '.join(unknown)}; "
                "nothing was sent.",
                hint=f"Its nodes: {names} ('*' for every node).",
            )
    session.breakpoints_checked = session.assistant


def breakpoints_of(run: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """The breakpoints `run` (the thread's latest) was started with (what `--continue` keeps
    unless told others): langgraph-api keeps them in the run's `kwargs`."""
    kwargs = run.get("kwargs") if run is not None else None
    if not isinstance(kwargs, Mapping):
        return [], []

    def nodes(value: Any) -> list[str]:
        if value == "*":
            return ["*"]
        return [str(item) for item in value] if isinstance(value, list) else []

    return nodes(kwargs.get("interrupt_before")), nodes(kwargs.get("interrupt_after"))


def question_checkpoint(
    session: Session, thread_id: str, interrupt_ids: Sequence[str]
) -> Checkpoint | None:
    """The newest checkpoint at which one of `interrupt_ids` was asked (within the last
    `WAY_BACK_SEARCH`), or None."""
    wanted = set(interrupt_ids)
    seen = 0
    for page in history_pages(session.client, thread_id, page=50):
        for item in page:
            if wanted & {question.id for question in item.interrupts}:
                return item
        seen += len(page)
        if seen >= WAY_BACK_SEARCH:
            break
    return None


def way_back_line(
    thread_id: str,
    checkpoint: Checkpoint,
    question: PendingInterrupt | None,
    hints: HilCommand = PLAIN,
) -> str:
    """The `hil resume --checkpoint` command that answers `question` again, spelled by
    `hints` (so that it works when pasted)."""
    from hilcli.interrupts import answer_flags

    flags = answer_flags(question) if question is not None else "--value-json JSON"
    pick: tuple[str, ...] = ()
    if question is not None and len(checkpoint.interrupts) > 1:
        pick = ("--interrupt-id", question.id)
    return hints.line("resume", thread_id, "--checkpoint", checkpoint.id, *pick, then=flags)


def say_way_back(
    session: Session, answers: Mapping[str, Any], pending: Sequence[PendingInterrupt]
) -> None:
    """After a resume that ended in an error: say which checkpoint holds the question and
    the command that answers it again (a resume from the latest state would replay the
    same answer). Best effort: a failure to read the history says nothing."""
    thread_id = session.thread_id
    if thread_id is None:
        return
    try:
        found = question_checkpoint(session, thread_id, list(answers))
    except HilError:
        return
    if found is None:
        return
    question = next((item for item in found.interrupts if item.id in answers), None)
    if question is None:
        question = next((item for item in pending if item.id in answers), None)
    session.terminal.notice(
        f"The run failed after your answer; the question is kept at checkpoint {found.id}. "
        f"Answer it again with: {way_back_line(thread_id, found, question, session.client.hints)}"
        f" (in chat: /rewind {found.id})"
    )
