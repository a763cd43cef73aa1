"""Threads as a person lists them: who runs on them, what they wait for.

Pure code over the server's thread objects (`GET /threads/{id}`, `POST /threads/search`):
no terminal, no HTTP (the states a listing lacks are read through a `StateReader`).
`status == "interrupted"` alone does not mean a question waits (a cancelled run leaves it
too), so the pending interrupts decide (protocol.md §2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hilcli.events import PendingInterrupt, interrupts_from_state, interrupts_from_thread
from hilcli.interrupts import interrupt_summary

#: Longest one-line question shown in a listing.
QUESTION_LIMIT = 80


def question_of(value: Any, limit: int = QUESTION_LIMIT) -> str:
    """A one-line summary of what an interrupt value asks."""
    return interrupt_summary(PendingInterrupt(id="", value=value), limit)


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


def assistant_of(thread: Mapping[str, Any]) -> str:
    """The graph (else assistant) that ran on the thread, or "" when none did yet."""
    metadata = thread.get("metadata")
    if not isinstance(metadata, Mapping):
        return ""
    for key in ("graph_id", "assistant_id"):
        value = metadata.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def belongs_to(thread: Mapping[str, Any], assistant: str) -> bool:
    """Whether the thread was run by `assistant` (a graph id or an assistant id)."""
    metadata = thread.get("metadata")
    if not isinstance(metadata, Mapping):
        return False
    return assistant in (metadata.get("graph_id"), metadata.get("assistant_id"))


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
        """The first pending question, on one line ("" when nothing is pending)."""
        return question_of(self.interrupts[0].get("value")) if self.interrupts else ""

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
