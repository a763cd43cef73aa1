"""`hil inbox`: the threads that wait for a person; pick one, answer it, watch it finish.

A thread waits when its status is `interrupted` and it has pending interrupts (a cancelled
run or a breakpoint leaves `interrupted` with nothing to answer; protocol.md §2). The server
is asked for a page at a time (`hilcli.threads.read_page`): the status and the assistant are
filtered there, so a page costs one search (plus, on a server whose listing leaves the
questions out, the states of that page), whatever the number of threads. What waits is read
from the listing where the server includes it; answering a thread reads its state again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from hilcli.errors import AnswerNotSent, Cancelled, HilError, ThreadBusy
from hilcli.repl import error_notice
from hilcli.session import NotWaiting
from hilcli.threads import (
    SEARCH_PAGE,
    Page,
    ThreadQuery,
    ThreadSource,
    ThreadSummary,
    iter_threads,
)

if TYPE_CHECKING:
    from hilcli.prompts.reader import LineReader
    from hilcli.render.display import Display
    from hilcli.session import Session

#: Waiting threads asked for per screen of the interactive inbox (`hil inbox --limit N`).
INBOX_PAGE = 20

#: What a person types to see the next or the previous page.
NEXT_PAGE = ("n", "next", ">")
PREVIOUS_PAGE = ("p", "prev", "previous", "<")
LEAVE = ("q", "quit", "exit", "/quit", "/exit")


def waiting_query(owner: Mapping[str, str] | None = None) -> ThreadQuery:
    """The inbox's query: interrupted threads (of one assistant: an `owner_filter`) that
    have a pending question."""
    return ThreadQuery(status="interrupted", owner=owner, waiting=True)


def waiting_threads(
    source: ThreadSource,
    owner: Mapping[str, str] | None = None,
    *,
    page_size: int = SEARCH_PAGE,
) -> Iterator[ThreadSummary]:
    """Every thread waiting for human input, newest first, read `page_size` at a time.

    A generator: each page is dropped once its threads are handed on, so listing thousands
    costs the memory of one page.
    """
    return iter_threads(source, waiting_query(owner), page_size=page_size)


def pick(choice: str, waiting: list[ThreadSummary]) -> ThreadSummary | None:
    """The thread a person picked by its number on the page, its id, or an id prefix."""
    text = choice.strip()
    if text.isdigit():
        number = int(text)
        return waiting[number - 1] if 1 <= number <= len(waiting) else None
    exact = [item for item in waiting if item.thread_id == text]
    if exact:
        return exact[0]
    prefixed = [item for item in waiting if item.thread_id.startswith(text)]
    return prefixed[0] if len(text) >= 4 and len(prefixed) == 1 else None


class Inbox:
    """The interactive inbox loop over one session, a page of waiting threads at a time:
    it reads through the session, asks through `reader` and shows through `display`."""

    def __init__(
        self,
        session: Session,
        reader: LineReader,
        display: Display,
        owner: Mapping[str, str] | None,
        page_size: int = INBOX_PAGE,
    ) -> None:
        self.session = session
        self.reader = reader
        self.display = display
        self.query = waiting_query(owner)
        self.page_size = max(1, min(page_size, SEARCH_PAGE))

    def loop(self) -> None:
        """List a page, pick, answer, watch; again, until the person leaves or nothing waits.

        Only the page on screen is held; `n` and `p` read the next or previous one from the
        server, Enter reads the same one again (answered threads leave it).
        """
        hinted = False
        offset = 0
        while True:
            page = self.session.thread_page(self.query, offset, self.page_size)
            if not page.listed and offset > 0:  # the page emptied since (threads answered)
                offset = max(0, offset - self.page_size)
                continue
            if not page.rows and offset == 0 and page.last:
                self.display.notice("Nothing waits for input.")
                return
            self.show(page)
            if not hinted:
                self.display.notice(
                    "Pick a number or a thread id; Enter refreshes, n/p next/previous page,"
                    " q leaves."
                )
                hinted = True
            chosen = self.choose(page)
            if chosen is None:
                return
            if isinstance(chosen, int):
                offset = chosen
            else:
                self.answer(chosen)

    def choose(self, page: Page) -> ThreadSummary | int | None:
        """What the person asks for on this page: a thread to answer, the offset of the page
        to show next (the same one for Enter), or None to leave."""
        while True:
            try:
                choice = self.reader.read("inbox> ").strip()
            except (EOFError, KeyboardInterrupt):
                return None
            lowered = choice.lower()
            if lowered in LEAVE:
                return None
            if not choice:
                return page.offset
            if lowered in NEXT_PAGE:
                if not page.last:
                    return page.next_offset
                self.display.notice("This is the last page.")
            elif lowered in PREVIOUS_PAGE:
                if page.offset > 0:
                    return max(0, page.offset - self.page_size)
                self.display.notice("This is the first page.")
            else:
                chosen = pick(choice, page.rows)
                if chosen is not None:
                    return chosen
                self.display.notice(f"No thread {choice!r} in the list.")

    def show(self, page: Page) -> None:
        """The page's threads, numbered, and which page it is when there are several."""
        if page.rows:
            self.display.threads(page.rows, numbered=True)
        else:
            self.display.notice("No thread on this page waits for input any more.")
        if page.offset == 0 and page.last:
            return
        number = page.offset // self.page_size + 1
        more = [] if page.last else ["n: next page"]
        if page.offset > 0:
            more.append("p: previous page")
        self.display.notice(f"Page {number} ({'; '.join(more)}).")

    def answer(self, chosen: ThreadSummary) -> None:
        """Show the thread's context, ask its questions, and stream the resumed run."""
        session = self.session
        thread_id = chosen.thread_id
        try:
            thread = session.open_thread(thread_id)
            self.display.thread(thread, chosen.assistant)
            try:  # one read of the state: context and questions (`Session.waiting`'s rules)
                outcome = session.waiting()
            except ThreadBusy:  # busy since the listing: its context all the same, then why
                self.display.conversation(session.state_of(thread_id).get("values"))
                raise
            except NotWaiting as exc:  # answered since the listing: its context, then why
                self.display.conversation(exc.outcome.values)
                raise
            self.display.conversation(outcome.values)
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
            self.display.notice(error_notice(exc))
            return
        if outcome.status == "done":
            self.display.notice(f"✓ thread {outcome.thread_id} finished.")
        elif outcome.status == "error":
            self.display.notice(f"✗ the run failed on thread {outcome.thread_id}.")
        else:
            self.display.notice(f"Thread {outcome.thread_id} still waits for input.")
