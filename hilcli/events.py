"""Typed stream events and the interrupts they carry.

Pure functions only: the client hands us the event name, data text and id of each SSE event;
nothing here sees bytes or HTTP. Protocol rules (see shared/docs/protocol.md, section 2):

- the event name is the stream mode, followed by `|node:task_id` segments for subgraphs;
- interrupts arrive as `{"__interrupt__": [...]}` in `updates` and inside `values` chunks,
  one event pair per interrupt (lists are not cumulative), and subgraph interrupts twice;
- the stream can miss interrupts, so the thread's state is the source of truth.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import orjson

from hilcli.errors import ProtocolError
from hilcli.server_kind import version_tuple
from hilcli.text import shorten

INTERRUPT_KEY = "__interrupt__"


@dataclass(slots=True)
class StreamEvent:
    """One event of a run's stream: its mode, subgraph namespace and decoded JSON data.

    A value: nothing changes an event once made. It is not `frozen` because a frozen
    dataclass costs four times as much to build, and a run can stream tens of thousands.
    """

    mode: str
    ns: tuple[str, ...]
    data: Any
    id: str | None = None
    raw: bytes | None = field(default=None, compare=False, repr=False)
    """The data as the server sent it (UTF-8 JSON), when the event was parsed from it."""

    @property
    def name(self) -> str:
        """The event name as the server sent it (`mode|ns1|ns2`)."""
        return "|".join((self.mode, *self.ns))


def namespace_path(ns: Iterable[str]) -> tuple[str, ...]:
    """The node names of a subgraph namespace (`parent:task|child:task` → `parent`, `child`).

    The task ids are dropped: they change with every run, so they mean nothing to a person
    reading a label or to an answer rule matching a `namespace`.
    """
    return tuple(segment.split(":", 1)[0] for segment in ns)


def namespace_label(ns: Iterable[str], node: str | None = None) -> str:
    """`outer › inner › node`: the label a person reads for who writes or asks in a subgraph.

    `node` is added after the namespace's names unless it is already the last of them (an
    interrupt's own namespace may end with its node's segment), and "" when there is none.
    """
    parts = list(namespace_path(ns))
    if node and (not parts or parts[-1] != node):
        parts.append(node)
    return " › ".join(parts)


def _loads(text: bytes) -> Any:
    """Decode JSON fast (orjson), falling back to the standard module for what orjson refuses
    (NaN, Infinity), so nothing valid for Python is rejected.

    orjson reads integers beyond 64 bits as floats, but the server writes its events with
    `orjson.dumps` (langgraph_api.serde), which refuses such integers: a stream cannot hold
    one. Scanning every event for long digit runs cost more than decoding it.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN and the like; bytes that are not UTF-8 are replaced
        return json.loads(text.decode("utf-8", "replace"))


def _split_name(event: str) -> tuple[str, tuple[str, ...]]:
    """The mode and subgraph namespace of an event name (`mode|ns1|ns2`)."""
    if "|" not in event:  # the common case: an event of the root graph
        return event or "message", ()
    mode, *segments = event.split("|")
    return mode, tuple(segments)


def _decode(mode: str, data: bytes) -> Any:
    """An event's data decoded, or our ProtocolError naming the event."""
    try:
        return _loads(data) if data else None
    except ValueError as exc:
        text = data.decode("utf-8", "replace")
        shown = shorten(text, 60)
        raise ProtocolError(
            f"The server sent a {mode!r} event whose data is not JSON: {shown!r}"
        ) from exc


#: Token events whose metadata is written differently from orjson's way before the reuse of
#: decoded metadata stops being tried for a stream.
_METADATA_MISSES = 8


class EventParser:
    """Parses the events of one stream, decoding the metadata of a message's tokens once.

    A `messages` event is `[chunk, metadata]`, and every token of a message carries the same
    metadata, byte for byte: three quarters of the event. When an event ends with the bytes
    `,<metadata>]` of the token before it, only `[chunk]` is decoded and the metadata object
    decoded before is reused (shared between events: event data is read only). That is
    exact: when `[chunk]` alone is one JSON array of one value, the whole is that value
    followed by the metadata.
    """

    def __init__(self) -> None:
        self._tail = b""
        """`,<metadata>]` of the last token event, as the server wrote it."""
        self._metadata: Any = None
        self._misses = 0

    def parse(self, event: str, data: bytes, event_id: str | None = None) -> StreamEvent:
        """Turn one SSE event (name, data, id) into a `StreamEvent`."""
        mode, ns = _split_name(event)
        if mode != "messages":
            return StreamEvent(mode, ns, _decode(mode, data), event_id or None, data or None)
        tail = self._tail
        if tail and len(data) > len(tail) and data.endswith(tail):
            try:
                head = orjson.loads(data[: len(data) - len(tail)] + b"]")
            except orjson.JSONDecodeError:
                head = None
            if type(head) is list and len(head) == 1:
                return StreamEvent(mode, ns, [head[0], self._metadata], event_id or None, data)
        decoded = _decode(mode, data)
        self._remember(decoded, data)
        return StreamEvent(mode, ns, decoded, event_id or None, data or None)

    def _remember(self, decoded: Any, data: bytes) -> None:
        """Keep the metadata of a token event when orjson writes it as the server did."""
        self._tail = b""
        if self._misses >= _METADATA_MISSES or not (
            type(decoded) is list and len(decoded) == 2 and isinstance(decoded[1], dict)
        ):
            return
        try:
            tail = b"," + orjson.dumps(decoded[1], option=orjson.OPT_NON_STR_KEYS) + b"]"
        except TypeError:  # orjson.JSONEncodeError: not something orjson writes back
            tail = b""
        if tail and data.endswith(tail):
            self._tail, self._metadata = tail, decoded[1]
        else:
            self._misses += 1


def parse_event(event: str, data: bytes | str, event_id: str | None = None) -> StreamEvent:
    """Turn one SSE event (name, data, id) read on its own into a `StreamEvent`: what
    `EventParser.parse` makes of it as a stream's first event."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return EventParser().parse(event, data, event_id)


ResumeBy = Literal["id", "task", "ns_hash"]
"""How a pending interrupt is named in a resume map `{key: answer}` (see `resume_map_key`):

- `id`: the server sent an id (`id`, or `interrupt_id` on some releases): that is the key;
- `task`: langgraph < 0.4 sent no id and keys a resume map by the id of the task that was
  interrupted (the thread's `interrupts` object is keyed the same way);
- `ns_hash`: langgraph 0.4 and 0.5 sent no id and key a resume map by the interrupt's own
  `interrupt_id`, `xxh3_128("|".join(ns))`, which they compute but never send.
"""


@dataclass(frozen=True)
class PendingInterrupt:
    """A question the graph asked with `interrupt(value)` that waits for an answer.

    `id` is the key hil knows the interrupt by (answers, drafts, `--interrupt-id`): the
    server's id when it sent one. Servers on langgraph < 0.6 send none; such an interrupt
    gets a local key made from the `ns` the server sent (`ns:` + its segments joined by
    `|`), `local_key` says so, and that key is never sent to the server as an id: a resume
    names it as `resume_by` says.
    """

    id: str
    value: Any
    response_schema: Mapping[str, Any] | None = None
    ns: tuple[str, ...] = ()
    node: str | None = None
    local_key: bool = False
    """True when the server sent no id and `id` is hil's own key."""
    server_ns: tuple[str, ...] | None = None
    """The interrupt's own `ns` as an id-less server sent it (path down to the node)."""
    when: str | None = None
    resumable: bool | None = None
    task_id: str | None = None
    """The id of the root-level task that was interrupted, when the state said it."""
    resume_by: ResumeBy = "id"

    @property
    def where(self) -> str:
        """Where the graph stopped, for labels: the subgraph path and the node."""
        return namespace_label(self.ns, self.node)

    def to_json(self) -> dict[str, Any]:
        """The contract's `interrupts[]` object for `--json` output.

        `id` is the server's id, or null when the server sent none; `key` is what
        `hil resume --interrupt-id` takes (the id, or hil's local key). An interrupt without
        id also carries what the server sent with it: `server_ns`, `when`, `resumable`.
        """
        out: dict[str, Any] = {
            "id": None if self.local_key else self.id,
            "key": self.id,
            "value": self.value,
            "response_schema": self.response_schema,
            "ns": list(self.ns),
            "node": self.node,
        }
        if self.local_key:
            out["server_ns"] = list(self.server_ns or ())
            out["when"] = self.when
            out["resumable"] = self.resumable
        return out

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> PendingInterrupt:
        """The interrupt a contract `interrupts[]` object (`to_json`) describes: enough to
        show it and to say what it asks (its value and schema), keyed as it was."""
        schema = item.get("response_schema")
        ns = item.get("ns")
        node = item.get("node")
        return cls(
            id=str(item.get("key") or item.get("id") or ""),
            value=item.get("value"),
            response_schema=schema if isinstance(schema, Mapping) else None,
            ns=tuple(str(s) for s in ns) if isinstance(ns, list) else (),
            node=node if isinstance(node, str) else None,
        )


LOCAL_KEY_PREFIX = "ns:"
"""Local keys of interrupts without id start with this, so they never look like server ids."""


def _str_tuple(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return tuple(value)
    return None


def _interrupt_from_json(
    raw: Any,
    ns: tuple[str, ...] = (),
    node: str | None = None,
    *,
    fallback_key: str = "",
    from_stream: bool = False,
) -> PendingInterrupt | None:
    """One interrupt object of any generation: `{value, id}`, `{value, interrupt_id}`, or
    `{value, resumable, ns, when}` without id (langgraph < 0.6).

    `ns`/`node` say where the interrupt was found (subgraph path, task name). An id-less
    interrupt is keyed by its own `ns`; without one, by `fallback_key` (from its task).
    """
    if not isinstance(raw, Mapping):
        return None
    schema = raw.get("response_schema")
    schema = schema if isinstance(schema, Mapping) else None
    raw_ns = _str_tuple(raw.get("ns"))
    interrupt_id = raw.get("id")
    if not isinstance(interrupt_id, str) or not interrupt_id:
        interrupt_id = raw.get("interrupt_id")
    if isinstance(interrupt_id, str) and interrupt_id:
        if not ns and raw_ns:
            ns = raw_ns
        return PendingInterrupt(interrupt_id, raw.get("value"), schema, ns, node)
    if "value" not in raw:
        return None
    if raw_ns:
        key = LOCAL_KEY_PREFIX + "|".join(raw_ns)
        if from_stream and not ns:
            # The interrupt's own ns ends with its node's segment (`node:task`): split it
            # the way the state's tasks do (path above, node name), so both agree.
            ns, node = raw_ns[:-1], namespace_path(raw_ns[-1:])[0] or None
    elif fallback_key:
        key = LOCAL_KEY_PREFIX + fallback_key
    else:
        return None
    when = raw.get("when")
    resumable = raw.get("resumable")
    return PendingInterrupt(
        id=key,
        value=raw.get("value"),
        response_schema=schema,
        ns=ns,
        node=node,
        local_key=True,
        server_ns=raw_ns,
        when=when if isinstance(when, str) else None,
        resumable=resumable if isinstance(resumable, bool) else None,
        resume_by="ns_hash",
    )


def interrupts_in_event(event: StreamEvent) -> list[PendingInterrupt] | None:
    """The interrupts an `updates` or `values` event announces.

    Returns None when the event says nothing about interrupts, and an empty list for a static
    breakpoint (`{"__interrupt__": []}`).
    """
    if event.mode not in ("updates", "values") or not isinstance(event.data, Mapping):
        return None
    raw = event.data.get(INTERRUPT_KEY)
    if not isinstance(raw, list):
        return None
    found = (_interrupt_from_json(item, event.ns, from_stream=True) for item in raw)
    return [item for item in found if item is not None]


def _list(value: Any) -> list[Any]:
    """`value` when the server sent a JSON list there, else nothing."""
    return value if isinstance(value, list) else []


def _tasks_interrupts(
    tasks: Iterable[Any], ns: tuple[str, ...], resume_by: ResumeBy
) -> Iterator[PendingInterrupt]:
    for task in tasks:
        if not isinstance(task, Mapping):
            continue
        if task.get("result") is not None:
            # A finished task: langgraph < 0.6 keeps listing the interrupt it answered
            # after a partial resume (observed on 0.2.76 and 0.4.10).
            continue
        name = task.get("name") if isinstance(task.get("name"), str) else None
        task_id = task.get("id") if isinstance(task.get("id"), str) else None
        for index, raw in enumerate(_list(task.get("interrupts"))):
            found = _interrupt_from_json(
                raw, ns, name, fallback_key=f"{task_id}#{index}" if task_id else ""
            )
            if found is not None and found.local_key:
                root_level = not ns and len(found.server_ns or ()) <= 1
                found = replace(found, task_id=task_id if root_level else None, resume_by=resume_by)
            if found is not None:
                yield found
        sub_state = task.get("state")
        if isinstance(sub_state, Mapping) and name:
            child_ns = (*ns, f"{name}:{task.get('id', '')}")
            yield from _tasks_interrupts(_list(sub_state.get("tasks")), child_ns, resume_by)


def _id_less_resume_by(state: Mapping[str, Any]) -> ResumeBy:
    """How the thread's graph names id-less interrupts in a resume map.

    The state's metadata carries the graph's `langgraph_version` (langgraph-api writes it).
    Before 0.4 a map is keyed by task id; from 0.4 (langgraph PR #4406) by `interrupt_id`.
    Without a version the hash is assumed: on an older server a map it does not understand is
    ignored (the same questions come back), while a map of task ids sent to 0.4 is taken as
    one plain answer and given to the wrong question (both observed).
    """
    metadata = state.get("metadata")
    version = metadata.get("langgraph_version") if isinstance(metadata, Mapping) else None
    found = version_tuple(version)
    if found is not None and len(found) >= 2 and found[:2] < (0, 4):
        return "task"
    return "ns_hash"


def interrupts_from_state(state: Mapping[str, Any]) -> list[PendingInterrupt]:
    """Every pending interrupt of a thread, from `GET /threads/{id}/state?subgraphs=true`.

    Task entries give the node name and subgraph path; the top-level `interrupts` list is
    the fallback (servers on langgraph < 0.6 have none). The deepest (most precise) sighting
    of an interrupt wins; order is kept; a root-level task id seen on the way is kept.
    """
    by_id: dict[str, PendingInterrupt] = {}
    resume_by = _id_less_resume_by(state)
    for item in _tasks_interrupts(_list(state.get("tasks")), (), resume_by):
        known = by_id.get(item.id)
        if known is None:
            by_id[item.id] = item
        elif len(item.ns) > len(known.ns):
            by_id[item.id] = replace(item, task_id=item.task_id or known.task_id)
    for raw in _list(state.get("interrupts")):
        found = _interrupt_from_json(raw, from_stream=True)
        if found is not None and found.id not in by_id:
            by_id[found.id] = replace(found, resume_by=resume_by) if found.local_key else found
    return list(by_id.values())


def interrupts_from_thread(raw: Any) -> list[PendingInterrupt]:
    """The pending interrupts a thread object lists (`GET /threads/{id}`, `threads/search`).

    `raw` is the thread's `interrupts` as the server sent it: a map of task id to that task's
    interrupts (a bare list is read the same way), of any generation, with or without ids.
    Each becomes the interrupt `interrupts_from_state` gives for the same question, under the
    same key, so a key listed here is one `hil resume --interrupt-id` takes: an id-less one is
    keyed by its own `ns`, else by its task id and place in the task's list, as the state's
    root-level tasks are. What a listing does not carry stays unknown: the node and subgraph
    path of an interrupt with an id, the schema some servers leave out. An interrupt listed
    twice (same key) is kept once, in the server's order.

    How an id-less interrupt is resumed (`resume_by`) needs the graph's version, which only
    the state carries: a listing's interrupts are for showing; answers are built from the
    state.
    """
    groups = raw.items() if isinstance(raw, Mapping) else [("", raw)]
    by_key: dict[str, PendingInterrupt] = {}
    for task_id, group in groups:
        task = task_id if isinstance(task_id, str) else ""
        for index, item in enumerate(_list(group)):
            found = _interrupt_from_json(
                item, fallback_key=f"{task}#{index}" if task else "", from_stream=True
            )
            if found is None or found.id in by_key:
                continue
            if found.local_key and task and len(found.server_ns or ()) <= 1:
                found = replace(found, task_id=task)  # a root-level task, as the state says
            by_key[found.id] = found
    return list(by_key.values())


def state_lists_interrupts(state: Mapping[str, Any]) -> bool:
    """Whether the state lists any interrupt at all (read or not) on an unfinished task or
    at its top level: then the thread waits on a question, not at a breakpoint."""

    def listed(tasks: Iterable[Any]) -> bool:
        for task in tasks:
            if not isinstance(task, Mapping) or task.get("result") is not None:
                continue
            sub_state = task.get("state")
            if _list(task.get("interrupts")) or (
                isinstance(sub_state, Mapping) and listed(_list(sub_state.get("tasks")))
            ):
                return True
        return False

    return bool(_list(state.get("interrupts"))) or listed(_list(state.get("tasks")))


def with_stream_schemas(
    pending: Iterable[PendingInterrupt], schemas: Mapping[str, Mapping[str, Any]]
) -> list[PendingInterrupt]:
    """`pending` (read from the state) with each missing `response_schema` taken from
    `schemas` (seen on the stream), by interrupt key.

    langhost's and Aegra's `/state` drop the schema that the stream carries; without it a
    form degrades to a line and an answer is sent unchecked.
    """
    return [
        replace(item, response_schema=schemas[item.id])
        if item.response_schema is None and item.id in schemas
        else item
        for item in pending
    ]


@dataclass
class InterruptCollector:
    """Accumulates the interrupts seen on a stream, de-duplicated by id (or local key)."""

    seen: dict[str, PendingInterrupt] = field(default_factory=dict)
    breakpoint: bool = False

    def add(self, event: StreamEvent) -> list[PendingInterrupt]:
        """Record the interrupts of `event`; return the ones not seen before."""
        found = interrupts_in_event(event)
        if found is None:
            return []
        if not found and event.mode == "updates" and not event.data.get(INTERRUPT_KEY):
            self.breakpoint = True
        new = []
        for item in found:
            known = self.seen.get(item.id)
            if known is None:
                self.seen[item.id] = item
                new.append(item)
            elif len(item.ns) > len(known.ns) or (
                known.response_schema is None and item.response_schema is not None
            ):
                schema = item.response_schema or known.response_schema
                deeper = item if len(item.ns) > len(known.ns) else known
                self.seen[item.id] = replace(deeper, response_schema=schema)
        return new

    @property
    def pending(self) -> list[PendingInterrupt]:
        """The interrupts seen so far, in order of first sighting."""
        return list(self.seen.values())

    @property
    def schemas(self) -> dict[str, Mapping[str, Any]]:
        """The `response_schema` of each interrupt seen with one, by key."""
        return {
            key: item.response_schema
            for key, item in self.seen.items()
            if item.response_schema is not None
        }
