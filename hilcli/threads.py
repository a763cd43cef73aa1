"""Threads as a person lists them: who runs on them, what they wait for.

Pure code over the server's thread objects (`GET /threads/{id}`, `POST /threads/search`):
no terminal, no HTTP (the states a listing lacks are read through a `StateReader`).
`status == "interrupted"` alone does not mean a question waits (a cancelled run leaves it
too), so the pending interrupts decide (protocol.md §2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hilcli.events import PendingInterrupt, interrupts_from_state, interrupts_from_thread
from hilcli.interrupts import first_question

if TYPE_CHECKING:
    from hilcli.client import AgentClient

#: Longest one-line question shown in a listing.
QUESTION_LIMIT = 80


def thread_interrupts(thread: Mapping[str, Any]) -> list[PendingInterrupt]:
    """The pending interrupts a thread object lists (`interrupts`: task id → list).

    Read as the thread's state is read (`interrupts_from_thread`), whatever the server's
    generation, so a listing prints the contract's `interrupts[]` objects, with the keys
    `hil resume --interrupt-id` takes, on every server.
    """
    return interrupts_from_thread(thread.get("interrupts"))


def questions_need_state(thread: Mapping[str, Any]) -> bool:
    """Whether a listed thread waits but its listing leaves out what it waits for.

    Aegra's `threads/search` carries no `interrupts` at all (protocol.md §9): its interrupted
    threads' questions are only in their states. An empty `interrupts` is an answer (nothing
    pending, e.g. after a cancel), not an omission.
    """
    return thread.get("status") == "interrupted" and not isinstance(
        thread.get("interrupts"), Mapping | list
    )


#: The thread metadata that says who ran on a thread, as every server we know writes it when
#: a run starts (protocol.md §9). Two questions are asked of it, each with its own order:
#: whose thread it is (`owners`: the graph first) and which assistant goes on with it
#: (`assistant_to_run`: the assistant first).
GRAPH_KEY = "graph_id"
ASSISTANT_KEY = "assistant_id"
OWNER_KEYS = (GRAPH_KEY, ASSISTANT_KEY)


def _metadata_names(thread: Mapping[str, Any]) -> dict[str, str]:
    """The thread's `graph_id` and `assistant_id`, those it has (non-empty strings)."""
    metadata = thread.get("metadata")
    if not isinstance(metadata, Mapping):
        return {}
    return {
        key: value for key in OWNER_KEYS if isinstance(value := metadata.get(key), str) and value
    }


def owners(thread: Mapping[str, Any]) -> list[str]:
    """Whose thread this is, for showing and filtering: its graph id, then its assistant id
    (those it has).

    A thread belongs to each name listed here; `assistant_of` shows the first (the graph:
    a name a person recognises, where an assistant id is a UUID), and `owner_filter` asks
    the server for the threads of a name. Not which assistant to run it with: that is
    `assistant_to_run`.
    """
    names = _metadata_names(thread)
    return [names[key] for key in OWNER_KEYS if key in names]


def assistant_of(thread: Mapping[str, Any]) -> str:
    """The graph (else assistant) that ran on the thread, or "" when none did yet."""
    found = owners(thread)
    return found[0] if found else ""


def assistant_to_run(thread: Mapping[str, Any]) -> tuple[str, str] | None:
    """Which assistant to continue the thread with, and the name to call it on screen; None
    when no run has said (nothing ran on it yet).

    The assistant that ran on it first: an assistant carries its own configuration, which
    the graph's default assistant may not share. Its graph when the metadata names only
    that (the server then runs the graph's default assistant). It is shown by its graph's
    name, as `assistant_of` shows it. Not whose thread it is: that is `owners`.
    """
    names = _metadata_names(thread)
    chosen = names.get(ASSISTANT_KEY) or names.get(GRAPH_KEY)
    if chosen is None:
        return None
    return chosen, names.get(GRAPH_KEY) or chosen


def owner_filter(assistant: str, assistants: Iterable[Any]) -> dict[str, str]:
    """The `threads/search` metadata filter for the threads whose `owners` list `assistant`.

    `assistants` is the server's assistant listing: a name one of them has as its graph is
    matched by `graph_id` (threads of every assistant of that graph), any other name by
    `assistant_id`. One key, so every server can filter (Aegra compares key by key).
    """
    graphs = {item.get("graph_id") for item in assistants if isinstance(item, Mapping)}
    return {GRAPH_KEY if assistant in graphs else ASSISTANT_KEY: assistant}


def owner_for(client: AgentClient, assistant: str | None) -> dict[str, str] | None:
    """The server-side filter for `-a NAME` (`owner_filter`), or None without a name.

    A name the server has neither as an assistant nor as a graph would list nothing, like
    an empty result: a usage error (exit 2) instead, naming the graphs, as `hil run -a`.
    """
    if not assistant:
        return None
    from hilcli.doctor import require_assistant

    return owner_filter(assistant, require_assistant(client, assistant))


@dataclass
class ThreadSummary:
    """One line of a thread listing."""

    thread_id: str
    status: str
    updated_at: str
    created_at: str
    assistant: str
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    """The pending interrupts as the contract's `interrupts[]` objects (`to_json`), on every
    server: read from the listing, else from the state."""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def question(self) -> str:
        """The first pending question, on one line ("" when nothing is pending), read with
        its schema as every other place reads it (`first_question`)."""
        first = [PendingInterrupt.from_json(item) for item in self.interrupts[:1]]
        return first_question(first, QUESTION_LIMIT)

    def to_json(self) -> dict[str, Any]:
        """The object `hil threads --json` prints for this thread."""
        return {
            "thread_id": self.thread_id,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "assistant": self.assistant,
            "metadata": self.metadata,
            "interrupts": self.interrupts,
        }


def summarize(thread: Mapping[str, Any]) -> ThreadSummary:
    """A thread object from the server as a listing line."""
    metadata = thread.get("metadata")
    return ThreadSummary(
        thread_id=str(thread.get("thread_id", "")),
        status=str(thread.get("status") or "unknown"),
        updated_at=str(thread.get("updated_at") or ""),
        created_at=str(thread.get("created_at") or ""),
        assistant=assistant_of(thread),
        interrupts=[item.to_json() for item in thread_interrupts(thread)],
        metadata=dict(metadata) if isinstance(metadata, Mapping) else {},
    )


def with_pending(summary: ThreadSummary, pending: Sequence[PendingInterrupt]) -> ThreadSummary:
    """`summary` with its interrupts replaced by those read from the thread's state."""
    summary.interrupts = [item.to_json() for item in pending]
    return summary


class StateReader(Protocol):
    """What reads several threads' states at once (`AgentClient.get_states`)."""

    def get_states(self, thread_ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...


def summarize_page(threads: Iterable[Any], reader: StateReader) -> list[ThreadSummary]:
    """A page of listed threads as listing lines, each waiting one with its questions.

    The questions a listing leaves out (`questions_need_state`) are read from the states of
    those threads, the whole page at once (bounded and concurrent in the reader). A thread
    deleted since the listing keeps its line, without a question.
    """
    listed = [thread for thread in threads if isinstance(thread, Mapping)]
    missing = [
        str(thread["thread_id"])
        for thread in listed
        if thread.get("thread_id") and questions_need_state(thread)
    ]
    states = reader.get_states(missing) if missing else {}
    rows = []
    for thread in listed:
        row = summarize(thread)
        state = states.get(row.thread_id)
        rows.append(with_pending(row, interrupts_from_state(state)) if state else row)
    return rows


#: Threads asked for per `threads/search` request: Aegra refuses a `limit` above 100.
SEARCH_PAGE = 100


class ThreadSource(StateReader, Protocol):
    """What lists threads a page at a time and reads states (`AgentClient`)."""

    def search_threads(
        self,
        *,
        status: str | None = None,
        limit: int = 20,
        offset: int = 0,
        metadata: Mapping[str, Any] | None = None,
    ) -> list[Any]: ...


@dataclass(frozen=True)
class ThreadQuery:
    """Which threads a listing asks the server for, and whether only waiting ones are kept.

    `status` and `owner` (an `owner_filter`) go to the server, so paging counts only the
    threads asked for; `waiting` then drops those with no pending question (status
    `interrupted` after a cancel or at a breakpoint), which the server cannot tell apart.
    """

    status: str | None = None
    owner: Mapping[str, str] | None = None
    waiting: bool = False


@dataclass
class Page:
    """One `threads/search` page: its lines and where it sits in the server's order."""

    rows: list[ThreadSummary]
    offset: int
    """The server offset the page was asked from."""
    listed: list[str]
    """The ids the server listed on it (waiting or not), in its order."""
    size: int
    """How many were asked for: a page with fewer is the last."""

    @property
    def last(self) -> bool:
        """Whether the server has nothing after this page."""
        return len(self.listed) < self.size

    @property
    def next_offset(self) -> int:
        """The offset of the page after this one."""
        return self.offset + len(self.listed)


def read_page(source: ThreadSource, query: ThreadQuery, offset: int, size: int) -> Page:
    """One page: a single search (`size` at most `SEARCH_PAGE`), then, where the listing
    leaves the questions out, the states of that page only (`summarize_page`)."""
    size = max(1, min(size, SEARCH_PAGE))
    threads = source.search_threads(
        status=query.status, limit=size, offset=offset, metadata=query.owner
    )
    rows = summarize_page(threads, source)
    if query.waiting:
        rows = [row for row in rows if row.interrupts]
    listed = [str(t.get("thread_id")) for t in threads if isinstance(t, Mapping)]
    return Page(rows, offset, listed, size)


def iter_pages(
    source: ThreadSource, query: ThreadQuery, page_size: int = SEARCH_PAGE
) -> Iterator[Page]:
    """Every page of the query, first to last; one request (and one round of state reads
    where needed) per page, and nothing kept of a page once the next is read.

    The order is the server's, newest first, and moves while it is read: a thread created or
    updated meanwhile pushes the others back, so the head of a page can repeat the tail of
    the previous one; those repeats are dropped (only the previous page's ids are kept). A
    server that ignores `offset` (a full page with nothing new) ends the listing.
    """
    offset = 0
    previous: set[str] = set()
    while True:
        page = read_page(source, query, offset, page_size)
        fresh = [tid for tid in page.listed if tid not in previous]
        page.rows = [row for row in page.rows if row.thread_id not in previous]
        yield page
        if page.last or not fresh:
            return
        previous = set(page.listed)
        offset = page.next_offset


def iter_threads(
    source: ThreadSource,
    query: ThreadQuery,
    *,
    limit: int | None = None,
    page_size: int = SEARCH_PAGE,
) -> Iterator[ThreadSummary]:
    """The query's threads one at a time (at most `limit`), read a page at a time."""
    count = 0
    size = min(page_size, limit) if limit else page_size
    for page in iter_pages(source, query, size):
        for row in page.rows:
            if limit is not None and count >= limit:
                return
            count += 1
            yield row
        if limit is not None and count >= limit:
            return


def short_time(stamp: str) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM:SS` in the local time zone.

    Servers send UTC (`...+00:00` or `Z`); shown as sent it reads as local time and is off
    by the user's offset. A stamp without a zone is taken as UTC; one that does not parse is
    shown as it came.
    """
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(stamp.strip())
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def latest_messages(values: Any, count: int = 10) -> list[Mapping[str, Any]]:
    """The last `count` messages of a thread's values, or [] for a non-message graph."""
    if not isinstance(values, Mapping):
        return []
    messages = values.get("messages")
    if not isinstance(messages, list):
        return []
    return [m for m in messages if isinstance(m, Mapping)][-count:]
