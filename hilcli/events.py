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
from dataclasses import dataclass, field
from typing import Any

import orjson

from hilcli.errors import ProtocolError

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
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ProtocolError(
            f"The server sent a {mode!r} event whose data is not JSON: {shown!r}"
        ) from exc


def parse_event(event: str, data: bytes | str, event_id: str | None = None) -> StreamEvent:
    """Turn one SSE event (name, data, id) into a `StreamEvent`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    mode, ns = _split_name(event)
    return StreamEvent(mode, ns, _decode(mode, data), event_id or None, data or None)


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


@dataclass(frozen=True)
class PendingInterrupt:
    """A question the graph asked with `interrupt(value)` that waits for an answer."""

    id: str
    value: Any
    response_schema: Mapping[str, Any] | None = None
    ns: tuple[str, ...] = ()
    node: str | None = None

    @property
    def where(self) -> str:
        """Where the graph stopped, for labels: the node and the subgraph path."""
        parts = [segment.split(":", 1)[0] for segment in self.ns]
        if self.node and (not parts or parts[-1] != self.node):
            parts.append(self.node)
        return " › ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The contract's `interrupts[]` object for `--json` output."""
        return {
            "id": self.id,
            "value": self.value,
            "response_schema": self.response_schema,
            "ns": list(self.ns),
            "node": self.node,
        }


def _interrupt_from_json(
    raw: Any, ns: tuple[str, ...] = (), node: str | None = None
) -> PendingInterrupt | None:
    if not isinstance(raw, Mapping):
        return None
    interrupt_id = raw.get("id", raw.get("interrupt_id"))
    if not isinstance(interrupt_id, str) or not interrupt_id:
        return None
    schema = raw.get("response_schema")
    raw_ns = raw.get("ns")
    if not ns and isinstance(raw_ns, list) and all(isinstance(s, str) for s in raw_ns):
        ns = tuple(raw_ns)
    return PendingInterrupt(
        id=interrupt_id,
        value=raw.get("value"),
        response_schema=schema if isinstance(schema, Mapping) else None,
        ns=ns,
        node=node,
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
    found = (_interrupt_from_json(item, event.ns) for item in raw)
    return [item for item in found if item is not None]


def _list(value: Any) -> list[Any]:
    """`value` when the server sent a JSON list there, else nothing."""
    return value if isinstance(value, list) else []


def _tasks_interrupts(tasks: Iterable[Any], ns: tuple[str, ...]) -> Iterator[PendingInterrupt]:
    for task in tasks:
        if not isinstance(task, Mapping):
            continue
        name = task.get("name") if isinstance(task.get("name"), str) else None
        for raw in _list(task.get("interrupts")):
            found = _interrupt_from_json(raw, ns, name)
            if found is not None:
                yield found
        sub_state = task.get("state")
        if isinstance(sub_state, Mapping) and name:
            child_ns = (*ns, f"{name}:{task.get('id', '')}")
            yield from _tasks_interrupts(_list(sub_state.get("tasks")), child_ns)


def interrupts_from_state(state: Mapping[str, Any]) -> list[PendingInterrupt]:
    """Every pending interrupt of a thread, from `GET /threads/{id}/state?subgraphs=true`.

    Task entries give the node name and subgraph path; the top-level `interrupts` list is
    the fallback. The deepest (most precise) sighting of an id wins; order is kept.
    """
    by_id: dict[str, PendingInterrupt] = {}
    for item in _tasks_interrupts(_list(state.get("tasks")), ()):
        known = by_id.get(item.id)
        if known is None or len(item.ns) > len(known.ns):
            by_id[item.id] = item
    for raw in _list(state.get("interrupts")):
        found = _interrupt_from_json(raw)
        if found is not None and found.id not in by_id:
            by_id[found.id] = found
    return list(by_id.values())


@dataclass
class InterruptCollector:
    """Accumulates the interrupts seen on a stream, de-duplicated by id."""

    seen: dict[str, PendingInterrupt] = field(default_factory=dict)
    breakpoint: bool = False

    def add(self, event: StreamEvent) -> list[PendingInterrupt]:
        """Record the interrupts of `event`; return the ones not seen before."""
        found = interrupts_in_event(event)
        if found is None:
            return []
        if not found and event.mode == "updates":
            self.breakpoint = True
        new = []
        for item in found:
            known = self.seen.get(item.id)
            if known is None:
                self.seen[item.id] = item
                new.append(item)
            elif len(item.ns) > len(known.ns):
                self.seen[item.id] = item
        return new

    @property
    def pending(self) -> list[PendingInterrupt]:
        """The interrupts seen so far, in order of first sighting."""
        return list(self.seen.values())
