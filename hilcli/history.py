"""A thread's checkpoints as a person reads them: what produced each, what it waits for.

Pure code over the server's `ThreadState` objects (`POST /threads/{id}/history`, newest
first): no terminal and no HTTP, except `find_checkpoint`, which pages through a history
with whatever `HistoryReader` it is given. Checkpoint ids are opaque strings; a short id is
only the shortest tail that tells the listed ones apart, and any unique head or tail of an
id (or the whole id) names it again.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from hilcli.errors import NotFound, UsageError
from hilcli.events import PendingInterrupt, interrupts_from_state
from hilcli.hints import PLAIN, HilCommand
from hilcli.text import one_line

#: The most checkpoints the server returns per history request (langgraph-api's schema).
HISTORY_PAGE_MAX = 1000

#: Short ids are at least this long, so that they stay unique as a thread grows.
SHORT_ID_MIN = 8

#: A short id typed by a person must be at least this long to be looked up.
TYPED_ID_MIN = 4

#: What each `metadata.source` of a checkpoint means, for people.
SOURCE_WORDS = {"input": "input", "loop": "step", "update": "edit", "fork": "fork"}


def _checkpoint_id(config: Any) -> str | None:
    if isinstance(config, Mapping):
        value = config.get("checkpoint_id")
        if isinstance(value, str) and value:
            return value
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(values: Any) -> list[str]:
    return [str(item) for item in values] if isinstance(values, list) else []


@dataclass
class Checkpoint:
    """One checkpoint of a thread: a `ThreadState` of its history."""

    id: str
    parent_id: str | None
    step: int | None
    source: str
    next: list[str]
    interrupts: list[PendingInterrupt]
    created_at: str | None
    tasks_done: list[str] = field(default_factory=list)
    """The nodes whose writes this checkpoint's tasks finished with (they made its child)."""
    values: Any = None

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Checkpoint | None:
        """The checkpoint a `ThreadState` describes, or None when it names none."""
        checkpoint_id = _checkpoint_id(state.get("checkpoint")) or state.get("checkpoint_id")
        if not isinstance(checkpoint_id, str) or not checkpoint_id:
            return None
        parent = _checkpoint_id(state.get("parent_checkpoint")) or state.get("parent_checkpoint_id")
        metadata = state.get("metadata")
        metadata = metadata if isinstance(metadata, Mapping) else {}
        step = metadata.get("step")
        tasks = _list(state.get("tasks"))
        done = [
            str(task.get("name"))
            for task in tasks
            if isinstance(task, Mapping) and task.get("result") is not None and task.get("name")
        ]
        created = state.get("created_at")
        return cls(
            id=checkpoint_id,
            parent_id=parent if isinstance(parent, str) and parent else None,
            step=step if isinstance(step, int) and not isinstance(step, bool) else None,
            source=str(metadata.get("source") or ""),
            next=_names(state.get("next")),
            interrupts=_asked(state, tasks),
            created_at=created if isinstance(created, str) else None,
            tasks_done=done,
            values=state.get("values"),
        )

    def to_json(self) -> dict[str, Any]:
        """The contract's `hil history --json` object."""
        return {
            "checkpoint_id": self.id,
            "parent_checkpoint_id": self.parent_id,
            "step": self.step,
            "source": self.source,
            "next": self.next,
            "interrupts": [item.to_json() for item in self.interrupts],
            "created_at": self.created_at,
        }


def _asked(state: Mapping[str, Any], tasks: list[Any]) -> list[PendingInterrupt]:
    """The questions asked at a checkpoint, answered since or not.

    The state reader leaves out what finished tasks list (a question still pending is the
    point there), and falls back on the top-level list; servers on langgraph < 0.6 have no
    such list, so a checkpoint whose question was answered would show none: its tasks are
    then read as if unfinished.
    """
    found = interrupts_from_state(state)
    if not found and any(isinstance(t, Mapping) and t.get("interrupts") for t in tasks):
        unfinished = [{**t, "result": None} if isinstance(t, Mapping) else t for t in tasks]
        found = interrupts_from_state({**state, "tasks": unfinished})
    return _with_nodes(found, tasks)


def _with_nodes(found: list[PendingInterrupt], tasks: list[Any]) -> list[PendingInterrupt]:
    """`found` with the node of each question an answered task asked: a history lists a
    checkpoint's questions whether or not they were answered since, and the state reader
    takes a finished task's questions from the top-level list, which names no node."""
    nodes: dict[str, str] = {}
    for task in tasks:
        if isinstance(task, Mapping) and isinstance(task.get("name"), str):
            for raw in _list(task.get("interrupts")):
                if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
                    nodes.setdefault(raw["id"], task["name"])
    return [
        replace(item, node=nodes[item.id]) if item.node is None and item.id in nodes else item
        for item in found
    ]


def checkpoints(states: Sequence[Any]) -> list[Checkpoint]:
    """The checkpoints among a history's states, in the server's order."""
    found = (Checkpoint.from_state(state) for state in states if isinstance(state, Mapping))
    return [item for item in found if item is not None]


def produced_by(checkpoint: Checkpoint, parent: Checkpoint | None) -> str:
    """What made `checkpoint`: the run's input, a node's writes (the nodes its parent's
    finished tasks name), an edit of the state, or a fork (a copy of another checkpoint)."""
    word = SOURCE_WORDS.get(checkpoint.source, checkpoint.source or "?")
    if checkpoint.source != "loop":
        return word
    if parent is None or not parent.tasks_done:
        return "step"
    nodes = ["start" if name == "__start__" else name for name in parent.tasks_done]
    return "writes of " + ", ".join(nodes)


def short_ids(ids: Sequence[str], minimum: int = SHORT_ID_MIN) -> dict[str, str]:
    """Each id's shortest tail (at least `minimum` characters) that no other id ends with."""
    result: dict[str, str] = {}
    for item in ids:
        length = min(minimum, len(item))
        while length < len(item) and any(
            other != item and other.endswith(item[-length:]) for other in ids
        ):
            length += 1
        result[item] = item[-length:]
    return result


class HistoryReader(Protocol):
    """What `find_checkpoint` needs: one page of a thread's history."""

    def get_history(
        self, thread_id: str, *, limit: int, before: str | None = None
    ) -> list[dict[str, Any]]:
        """Up to `limit` states of the thread, newest first, older than `before`."""


def history_pages(
    reader: HistoryReader,
    thread_id: str,
    *,
    page: int = HISTORY_PAGE_MAX,
    before: str | None = None,
) -> Iterator[list[Checkpoint]]:
    """The thread's checkpoints, a page at a time, newest first, through the `before` cursor."""
    while True:
        found = checkpoints(reader.get_history(thread_id, limit=page, before=before))
        if found:
            yield found
        if len(found) < page:
            return
        before = found[-1].id


def find_checkpoint(
    reader: HistoryReader, thread_id: str, typed: str, hints: HilCommand = PLAIN
) -> Checkpoint:
    """The checkpoint of the thread that `typed` names: its whole id, or a unique head or
    tail of it (as `hil history` shows). Raises `NotFound` (exit 4) when none matches and
    `UsageError` when several do; their hints spell `hil history` with `hints`."""
    typed = typed.strip()
    if len(typed) < TYPED_ID_MIN:
        raise UsageError(
            f"Checkpoint {typed!r} is too short: give at least {TYPED_ID_MIN} characters "
            "of its id.",
            hint=f"`{hints.line('history', thread_id)}` lists the checkpoints.",
        )
    matches: list[Checkpoint] = []
    for page in history_pages(reader, thread_id):
        for item in page:
            if item.id == typed:
                return item
            if item.id.startswith(typed) or item.id.endswith(typed):
                matches.append(item)
    if not matches:
        raise NotFound(
            f"Thread {thread_id} has no checkpoint {typed}.",
            404,
            hint=f"`{hints.line('history', thread_id)}` lists its checkpoints.",
        )
    if len(matches) > 1:
        raise UsageError(
            f"Checkpoint {typed!r} is ambiguous: {', '.join(item.id for item in matches[:5])}"
            + (" …" if len(matches) > 5 else "")
            + ".",
            hint="Give more of its id.",
        )
    return matches[0]


# -- what changed in the state -----------------------------------------------------------------


def _brief(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return one_line(text, limit)


def _message_brief(message: Any) -> str:
    if isinstance(message, Mapping):
        kind = str(message.get("type") or message.get("role") or "message")
        return f"{kind}: {_brief(message.get('content', ''), 50)}"
    return _brief(message, 50)


def state_changes(before: Any, after: Any) -> list[str]:
    """One line per top-level key of the state that differs between two pauses.

    A list that only grew (messages) shows what was added; any other change shows the old
    and the new value, shortened.
    """
    old = before if isinstance(before, Mapping) else {}
    new = after if isinstance(after, Mapping) else {}
    lines: list[str] = []
    for key in [*new, *(k for k in old if k not in new)]:
        if key not in new:
            lines.append(f"{key}: removed")
            continue
        if key in old and old[key] == new[key]:
            continue
        was, now = old.get(key), new[key]
        if isinstance(was, list | None) and isinstance(now, list):
            earlier = was or []
            if now[: len(earlier)] == earlier:
                added = now[len(earlier) :]
                shown = "; ".join(_message_brief(item) for item in added[-3:])
                more = f"{len(added) - 3} more, " if len(added) > 3 else ""
                lines.append(f"{key}: +{len(added)} ({more}{shown})")
                continue
        if key not in old:
            lines.append(f"{key}: {_brief(now)} (new)")
        else:
            lines.append(f"{key}: {_brief(was, 40)} → {_brief(now, 40)}")
    return lines


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level keys of `after` whose values differ from `before` (added ones included).

    An edit sends only these: the server applies each channel's reducer to what is sent, so
    sending a list channel unchanged would append it again.
    """
    return {key: value for key, value in after.items() if key not in before or before[key] != value}


def json_diff(before: Any, after: Any, *, name: str = "values") -> list[str]:
    """A unified diff of two values as pretty JSON, line by line (no trailing newlines)."""

    def text(value: Any) -> list[str]:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str).splitlines()

    return list(
        difflib.unified_diff(
            text(before), text(after), f"{name} (now)", f"{name} (edited)", lineterm=""
        )
    )
