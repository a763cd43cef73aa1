"""Record raw SSE bytes from the real server into tests/recorded/*.sse.

Run: `python tests/record_streams.py` (needs the `demo` extra). It starts a LocalServer on
tests/graphs/langgraph.json, runs each scenario below with plain httpx, and writes

* `<name>.sse`: the response body exactly as received (CRLF line ends, `id:` lines for
  resumable runs, `: heartbeat` comments if the run lasted long enough);
* `index.json`: for each file, the graph, the request body, the response headers that
  matter, and the thread's status and pending interrupts (from /state) after the run.

The recordings are fixtures for unit tests of the SSE/events layer; ids, run ids and
timestamps differ on every recording.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hilcli.server.local import LocalServer  # noqa: E402
from tests.support import (  # noqa: E402
    GRAPHS_CONFIG,
    RECORDED_DIR,
    STREAM_MODES,
    WEATHER_PROMPT,
    create_thread,
    get_state,
    get_thread,
    user_input,
)

Resume = Callable[[dict[str, Any]], Any]
"""Computes a resume value from the thread's /state (to key answers by interrupt id)."""


@dataclass
class Step:
    """One run on the scenario's thread; recorded if `name` is set."""

    name: str | None
    input: Any = None
    resume: Resume | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    graph: str
    steps: list[Step]


def _answer_all(value: Any) -> Resume:
    return lambda state: {i["id"]: value for i in state["interrupts"]}


def _answer_first(value: Any) -> Resume:
    return lambda state: {state["interrupts"][0]["id"]: value}


RESUMABLE = {"stream_resumable": True}

SCENARIOS = [
    Scenario(
        "agent",
        [
            Step("agent_first", input=user_input(WEATHER_PROMPT), options=RESUMABLE),
            Step("agent_resume", resume=_answer_all("san francisco"), options=RESUMABLE),
        ],
    ),
    Scenario(
        "approval",
        [
            Step(
                "approval_first",
                input=user_input("Mail bob@example.com, then delete the report"),
                options=RESUMABLE,
            ),
        ],
    ),
    Scenario(
        "parallel",
        [
            Step("parallel_first", input=user_input("hi"), options=RESUMABLE),
            Step("parallel_resume_one", resume=_answer_first("blue"), options=RESUMABLE),
        ],
    ),
    Scenario(
        "subgraph",
        [
            Step(
                "subgraph_first",
                input=user_input("hi"),
                options={**RESUMABLE, "stream_subgraphs": True},
            ),
            Step(
                "subgraph_resume",
                resume=_answer_all("the grail"),
                options={**RESUMABLE, "stream_subgraphs": True},
            ),
        ],
    ),
    Scenario("fails", [Step("fails", input=user_input("hi"), options=RESUMABLE)]),
    Scenario("form", [Step("form_first", input=user_input("book"), options=RESUMABLE)]),
    Scenario("breakpoint", [Step("breakpoint_first", input=user_input("hi"), options=RESUMABLE)]),
    Scenario("ask", [Step("ask_not_resumable", input=user_input("hi"))]),
    Scenario(
        "many_events",
        [
            Step(
                "many_events_heartbeat",
                input={"count": 13, "delay": 0.5},
                options={**RESUMABLE, "stream_mode": ["custom", "updates"]},
            )
        ],
    ),
]


def record(client: httpx.Client, scenario: Scenario, out: Path) -> dict[str, Any]:
    """Run a scenario, write its recordings, and return their index entries."""
    thread_id = create_thread(client)
    index: dict[str, Any] = {}
    for step in scenario.steps:
        body: dict[str, Any] = {"assistant_id": scenario.graph, "stream_mode": STREAM_MODES}
        if step.resume is not None:
            body["command"] = {"resume": step.resume(get_state(client, thread_id))}
        else:
            body["input"] = step.input
        body.update(step.options)
        chunks: list[bytes] = []
        with client.stream(
            "POST",
            f"/threads/{thread_id}/runs/stream",
            json=body,
            headers={"Accept": "text/event-stream"},
        ) as response:
            response.raise_for_status()
            assert "content-encoding" not in response.headers, "recording would be decoded"
            chunks.extend(response.iter_bytes())
            headers = {
                key: response.headers[key]
                for key in ("content-type", "location", "content-location")
                if key in response.headers
            }
        if step.name is None:
            continue
        (out / f"{step.name}.sse").write_bytes(b"".join(chunks))
        state = get_state(client, thread_id)
        status = get_thread(client, thread_id)["status"]
        index[step.name] = {
            "graph": scenario.graph,
            "request": body,
            "response_headers": headers,
            "thread_status_after": status,
            "state_interrupts_after": state["interrupts"],
            "state_next_after": state["next"],
        }
        print(f"recorded {step.name}.sse ({sum(map(len, chunks))} bytes, thread {status})")
    return index


def main() -> None:
    RECORDED_DIR.mkdir(parents=True, exist_ok=True)
    index: dict[str, Any] = {}
    with LocalServer(GRAPHS_CONFIG) as server, httpx.Client(base_url=server.url, timeout=60) as c:
        for scenario in SCENARIOS:
            index.update(record(c, scenario, RECORDED_DIR))
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    (RECORDED_DIR / "index.json").write_text(text, encoding="utf-8")
    print(f"wrote {len(index)} recordings to {RECORDED_DIR}")


if __name__ == "__main__":
    main()
