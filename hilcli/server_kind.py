"""Which server `hil` talks to, and what it is known to lack, from `GET /info`.

The one place that knows how the servers people run differ (protocol.md §9), so that the
doctor, the thread listings and the session ask it instead of each guessing. It knows servers,
not terminals: no HTTP, no output, only a function from `/info`'s JSON to a `ServerKind`.

What each server declares about itself (observed):

* langgraph-api 0.11 and later: `{"version", "langgraph_py_version", "flags", "host"}`;
  0.2.60: `{"version", "flags", "host"}` (no langgraph version); 0.0.48: `{"flags"}` only.
  `langgraph dev` and langhost (the Postgres + Redis runtime) look the same: their differences
  follow the langgraph-api version, not the runtime.
* Aegra (aegra-api 0.6.0): `{"name": "Aegra", "version": "0.1.0", ...}` (that version is
  fixed in its source whatever the release).

A capability is True (the server has it), False (known to lack it) or None (cannot tell). An
unknown server gets None everywhere: `hil` claims nothing about it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The reference server's name when its `/info` declares none.
LANGGRAPH_API = "langgraph-api"

#: First langgraph-api whose thread state keeps `response_schema` (0.15.9 drops it, 0.16.0
#: keeps it: `langgraph_api/state.py`).
STATE_SCHEMA_SINCE = (0, 16)
#: First langgraph whose interrupts carry an `id` (protocol.md §2, "Interrupt object versions").
INTERRUPT_IDS_SINCE = (0, 6)
#: First langgraph whose `interrupt()` takes a `response_schema`.
RESPONSE_SCHEMA_SINCE = (1, 2, 11)
#: langgraph-api joins replay a run exactly in 0.11.1 and 0.16.7 (tested); 0.2.60, and the
#: 0.0.x releases that declare no version, do not (a stream cut mid-run, tests/test_matrix.py).
#: Releases in between are not known either way.
REPLAYS_JOINS_SINCE = (0, 11)
NO_REPLAY_UNTIL = (0, 2, 60)

#: One line per missing feature (at most 85 characters: a doctor line fits 100 columns):
#: what is missing, then what `hil` does about it or what follows.
LACKS = {
    "replays_joins": "replaying a run on a join: after a detach, hil shows the final state",
    "response_schema": "response_schema: answers are not checked before they are sent",
    "state_response_schema": (
        "response_schema in the thread state: answers to its questions are not checked"
    ),
    "listed_interrupts": "questions in thread lists: hil reads each waiting thread's state",
    "rejects_busy": "refusing a second run on a busy thread: hil refuses it itself",
    "interrupt_ids": "interrupt ids (langgraph before 0.6): hil keys questions by namespace",
}


@dataclass(frozen=True)
class ServerKind:
    """A server as its `/info` describes it, with what it can and cannot do."""

    #: The name the server declares (e.g. "Aegra"), "langgraph-api" for the reference
    #: server (which declares none), or "" when `/info` names nothing `hil` recognises.
    implementation: str = ""
    #: Whether `hil` knows this implementation (else every capability is None).
    recognised: bool = False
    version: str | None = None
    langgraph_version: str | None = None
    #: A join (`GET .../runs/{id}/stream`) replays the run from its start.
    replays_joins: bool | None = None
    #: Interrupts can carry a `response_schema` at all (stream or state).
    response_schema: bool | None = None
    #: `GET /threads/{id}/state` keeps the interrupts' `response_schema`.
    state_response_schema: bool | None = None
    #: `POST /threads/search` results carry each thread's `interrupts`.
    listed_interrupts: bool | None = None
    #: A second run on a busy thread with `multitask_strategy: reject` answers 409.
    rejects_busy: bool | None = None
    #: Interrupts carry an `id` (langgraph 0.6 and later).
    interrupt_ids: bool | None = None

    @property
    def label(self) -> str:
        """The server on one line, e.g. "langgraph-api 0.11.1, langgraph 1.2.24"."""
        name = f"{self.implementation} {self.version}" if self.version else self.implementation
        if not self.recognised:
            return f"unknown implementation ({name})" if name else "unknown implementation"
        if self.implementation != LANGGRAPH_API:
            return name
        if not self.version:
            return f"{name} (version not reported)"
        if not self.langgraph_version:
            return f"{name} (langgraph version not reported)"
        return f"{name}, langgraph {self.langgraph_version}"

    def lacks(self) -> list[str]:
        """One line per feature this server is known to lack (none for an unknown server)."""
        lines = []
        for flag, line in LACKS.items():
            if flag == "state_response_schema" and self.response_schema is not True:
                continue  # the state can only drop a schema the server can have
            if getattr(self, flag) is False:
                lines.append(line)
        return lines


def version_tuple(text: Any) -> tuple[int, ...] | None:
    """The leading numbers of a declared version ("0.11.1.post1" → (0, 11, 1)), else None."""
    if not isinstance(text, str):
        return None
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _at_least(version: str | None, floor: tuple[int, ...]) -> bool | None:
    found = version_tuple(version)
    return None if found is None else found >= floor


def _replays_joins(version: str | None) -> bool | None:
    """Whether langgraph-api `version` replays a run on a join (None: not known)."""
    if version is None:
        return False  # 0.0.x: no version declared, no event ids
    found = version_tuple(version)
    if found is None:
        return None
    if found >= REPLAYS_JOINS_SINCE:
        return True
    return False if found <= NO_REPLAY_UNTIL else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def describe(info: Any) -> ServerKind:
    """What `GET /info` says about the server; anything unrecognised is an unknown server."""
    if not isinstance(info, Mapping):
        return ServerKind()
    name = _text(info.get("name"))
    version = _text(info.get("version"))
    langgraph = _text(info.get("langgraph_py_version"))
    if name is not None and name.lower() == "aegra":
        return ServerKind(
            implementation=name,
            recognised=True,
            version=version,
            langgraph_version=langgraph,
            replays_joins=False,
            response_schema=False,
            state_response_schema=False,
            listed_interrupts=False,
            rejects_busy=False,
            interrupt_ids=True,  # aegra-api requires langgraph>=1.0.3
        )
    if name is None and isinstance(info.get("flags"), Mapping):
        return ServerKind(
            implementation=LANGGRAPH_API,
            recognised=True,
            version=version,
            langgraph_version=langgraph,
            replays_joins=_replays_joins(version),
            response_schema=_at_least(langgraph, RESPONSE_SCHEMA_SINCE),
            state_response_schema=_at_least(version, STATE_SCHEMA_SINCE),
            listed_interrupts=True,
            rejects_busy=True,
            interrupt_ids=_at_least(langgraph, INTERRUPT_IDS_SINCE),
        )
    return ServerKind(implementation=name or "", version=version, langgraph_version=langgraph)
