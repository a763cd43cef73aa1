"""`hil inbox`: the threads that wait for a person; pick one, answer it, watch it finish.

A thread waits when its status is `interrupted` and its state lists pending interrupts (a
cancelled run leaves `interrupted` with nothing to answer; protocol.md §2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hilcli.errors import AnswerNotSent, Cancelled, HilError, ThreadBusy
from hilcli.events import PendingInterrupt, interrupts_from_state
from hilcli.threads import ThreadSummary, belongs_to, summarize, with_pending

if TYPE_CHECKING:
    from hilcli.client import AgentClient
    from hilcli.prompts.reader import LineReader
    from hilcli.render.display import Display
    from hilcli.render.tables import ThreadView
    from hilcli.session import Session

#: How many interrupted threads are read from the server per listing.
INBOX_LIMIT = 100


@dataclass
class WaitingThread:
    """A thread of the inbox: its listing line and what it waits for."""

    summary: ThreadSummary
    pending: list[PendingInterrupt]


def waiting_threads(client: AgentClient, assistant: str | None = None) -> list[WaitingThread]:
    """Every thread waiting for human input, newest first (optionally of one assistant).

    What waits is read from each listed thread's state (the listing may carry no questions,
    or questions without the node and schema): the page's states at once, bounded and
    concurrent (`AgentClient.get_states`). A thread deleted since the search is left out.
    """
    listed = [
        thread
        for thread in client.search_threads(status="interrupted", limit=INBOX_LIMIT)
        if isinstance(thread, dict)
        and thread.get("thread_id")
        and (not assistant or belongs_to(thread, assistant))
    ]
    states = client.get_states([str(thread["thread_id"]) for thread in listed])
    found = []
    for thread in listed:
        state = states.get(str(thread["thread_id"]))
        pending = interrupts_from_state(state) if state is not None else []
        if pending:
            found.append(WaitingThread(with_pending(summarize(thread), pending), pending))
    return found


def pick(choice: str, waiting: list[WaitingThread]) -> WaitingThread | None:
    """The thread a person picked by its number in the list, its id, or an id prefix."""
    text = choice.strip()
    if text.isdigit():
        number = int(text)
        return waiting[number - 1] if 1 <= number <= len(waiting) else None
    exact = [item for item in waiting if item.summary.thread_id == text]
    if exact:
        return exact[0]
    prefixed = [item for item in waiting if item.summary.thread_id.startswith(text)]
    return prefixed[0] if len(text) >= 4 and len(prefixed) == 1 else None


class Inbox:
    """The interactive inbox loop over one session."""

    def __init__(
        self,
        session: Session,
        reader: LineReader,
        display: Display,
        view: ThreadView,
        show_list: Callable[[list[ThreadSummary]], None],
        assistant: str | None,
    ) -> None:
        self.session = session
        self.reader = reader
        self.display = display
        self.view = view
        self.show_list = show_list
        self.assistant = assistant

    def loop(self) -> None:
        """List, pick, answer, watch; again, until the person leaves or nothing waits."""
        hinted = False
        while True:
            waiting = waiting_threads(self.session.client, self.assistant)
            if not waiting:
                self.display.notice("Nothing waits for input.")
                return
            self.show_list([item.summary for item in waiting])
            if not hinted:
                self.display.notice("Pick a number or a thread id; Enter refreshes, q leaves.")
                hinted = True
            try:
                choice = self.reader.read("inbox> ").strip()
            except (EOFError, KeyboardInterrupt):
                return
            if choice.lower() in ("q", "quit", "exit", "/quit", "/exit"):
                return
            if not choice:
                continue
            chosen = pick(choice, waiting)
            if chosen is None:
                self.display.notice(f"No thread {choice!r} in the list.")
                continue
            self.answer(chosen)

    def answer(self, chosen: WaitingThread) -> None:
        """Show the thread's context, ask its questions, and stream the resumed run."""
        session = self.session
        thread_id = chosen.summary.thread_id
        try:
            thread = session.open_thread(thread_id)
            self.view.header(thread, chosen.summary.assistant)
            try:
                outcome = session.outcome_now()  # one read of the state: context and questions
            except ThreadBusy:  # busy since the listing: its context all the same, then why
                self.view.conversation(session.client.get_state(thread_id).get("values"))
                raise
            self.view.conversation(outcome.values)
            outcome = session.converse(outcome)
        except Cancelled as exc:
            self.display.notice(exc.message)
            return
        except AnswerNotSent as exc:
            self.display.notice(f"{exc.message} Pick the thread again to re-send it.")
            return
        except (KeyboardInterrupt, EOFError):
            self.display.notice("Not answered: the question stays pending.")
            return
        except HilError as exc:
            self.display.notice(exc.message + (f" {exc.hint}" if exc.hint else ""))
            return
        if outcome.status == "done":
            self.display.notice(f"✓ thread {outcome.thread_id} finished.")
        elif outcome.status == "error":
            self.display.notice(f"✗ the run failed on thread {outcome.thread_id}.")
        else:
            self.display.notice(f"Thread {outcome.thread_id} still waits for input.")
