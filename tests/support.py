"""Helpers shared by the tests: paths, a clean environment, and a tiny raw-protocol client.

The protocol helpers talk to the real server with plain `httpx` + `httpx_sse`, exactly as
documented in docs/protocol.md, so tests can check the server's behaviour independently of
hilcli's own client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import connect_sse

REPO_ROOT = Path(__file__).resolve().parent.parent
GRAPHS_DIR = REPO_ROOT / "tests" / "graphs"
GRAPHS_CONFIG = GRAPHS_DIR / "langgraph.json"
RECORDED_DIR = REPO_ROOT / "tests" / "recorded"

STREAM_MODES = ["values", "updates", "messages-tuple"]
"""The stream modes hil asks for (protocol.md §8)."""

WEATHER_PROMPT = "Ask the user where they are, then look up the weather there"

# Environment variables that would leak the developer's setup into a test subprocess.
_DROPPED_PREFIXES = ("HIL_", "LANGSMITH_", "LANGCHAIN_")
_DROPPED_KEYS = ("LANGGRAPH_API_KEY", "LANGSMITH_CONTROL_PLANE_API_KEY")


def graph_names() -> list[str]:
    """The graph ids served by tests/graphs/langgraph.json."""
    config = json.loads(GRAPHS_CONFIG.read_text(encoding="utf-8"))
    return sorted(config["graphs"])


def clean_env(tmp: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for running `hil` in a subprocess, isolated from the developer's.

    Inherits `base` (default `os.environ`) minus every `HIL_*`, `LANGSMITH_*`, `LANGCHAIN_*`
    variable and `LANGGRAPH_API_KEY`; sets `NO_COLOR=1`; points `HIL_CONFIG` at an empty
    file (a named file that does not exist is an error) and `XDG_CONFIG_HOME` /
    `XDG_STATE_HOME` at empty directories under `tmp`; puts the repository first on
    `PYTHONPATH` so `python -m hilcli` works uninstalled.
    """
    source = os.environ if base is None else base
    env = {
        key: value
        for key, value in source.items()
        if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED_KEYS
    }
    config_home = tmp / "xdg-config"
    state_home = tmp / "xdg-state"
    config_home.mkdir(parents=True, exist_ok=True)
    state_home.mkdir(parents=True, exist_ok=True)
    env["NO_COLOR"] = "1"
    empty_config = tmp / "empty-config.toml"
    if not empty_config.exists():
        empty_config.write_text("", encoding="utf-8")
    env["HIL_CONFIG"] = str(empty_config)
    env["XDG_CONFIG_HOME"] = str(config_home)
    env["XDG_STATE_HOME"] = str(state_home)
    paths = [str(REPO_ROOT), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


# -- a minimal raw client --------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One SSE event as the server sent it (`data` decoded from JSON)."""

    event: str
    data: Any
    id: str | None = None

    @property
    def mode(self) -> str:
        """The stream mode: the event name before any `|namespace` suffix."""
        return self.event.split("|", 1)[0]

    @property
    def namespace(self) -> list[str]:
        """The subgraph namespace segments (`node:task_id`), empty at the root."""
        return self.event.split("|")[1:]


def user_input(text: str) -> dict[str, Any]:
    """The run input hil sends for a chat message."""
    return {"messages": [{"role": "user", "content": text}]}


def create_thread(client: httpx.Client) -> str:
    response = client.post("/threads", json={})
    response.raise_for_status()
    thread_id: str = response.json()["thread_id"]
    return thread_id


def stream_run(
    client: httpx.Client,
    thread_id: str,
    assistant_id: str,
    *,
    input: Any = None,
    resume: Any = None,
    stream_mode: Iterable[str] = STREAM_MODES,
    **extra: Any,
) -> list[Event]:
    """POST /threads/{id}/runs/stream and read the whole stream.

    Sends `command.resume` when `resume` is given, else `input` (which may be None, to
    continue from a breakpoint). Extra keyword arguments go into the body as-is.
    """
    body: dict[str, Any] = {"assistant_id": assistant_id, "stream_mode": list(stream_mode)}
    if resume is not None:
        body["command"] = {"resume": resume}
    else:
        body["input"] = input
    body.update(extra)
    events: list[Event] = []
    with connect_sse(client, "POST", f"/threads/{thread_id}/runs/stream", json=body) as source:
        source.response.raise_for_status()
        for sse in source.iter_sse():
            data = json.loads(sse.data) if sse.data else None
            events.append(Event(sse.event, data, sse.id or None))
    return events


def get_thread(client: httpx.Client, thread_id: str) -> dict[str, Any]:
    response = client.get(f"/threads/{thread_id}")
    response.raise_for_status()
    thread: dict[str, Any] = response.json()
    return thread


def get_state(client: httpx.Client, thread_id: str, *, subgraphs: bool = False) -> dict[str, Any]:
    params = {"subgraphs": "true"} if subgraphs else None
    response = client.get(f"/threads/{thread_id}/state", params=params)
    response.raise_for_status()
    state: dict[str, Any] = response.json()
    return state


def stream_interrupts(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Interrupts announced on a stream (root `updates` events), de-duplicated by id."""
    seen: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.mode == "updates" and not event.namespace and isinstance(event.data, dict):
            for item in event.data.get("__interrupt__", []):
                seen.setdefault(item["id"], item)
    return list(seen.values())


def final_values(events: Iterable[Event]) -> dict[str, Any]:
    """The data of the last root `values` event."""
    values = [e.data for e in events if e.event == "values"]
    assert values, "no values event on the stream"
    last: dict[str, Any] = values[-1]
    return last


def last_message_text(values: Mapping[str, Any]) -> str:
    """The content of the last message in a `values` payload."""
    content = values["messages"][-1]["content"]
    return content if isinstance(content, str) else json.dumps(content)


def errors(events: Iterable[Event]) -> list[Any]:
    return [e.data for e in events if e.event == "error"]


def run_hil(
    env: Mapping[str, str], *args: str, input: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m hilcli ARGS` without a terminal and capture its output.

    Standard input is `input` when given, else empty (as in CI, where nobody types).
    """
    return subprocess.run(
        [sys.executable, "-m", "hilcli", *args],
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=timeout,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
