"""Record what servers on langgraph < 0.6 send: tests/recorded/legacy/<server>_<name>.*

These servers send interrupts without ids (`{value, resumable, ns, when}`). By hand, once per
server generation (their pins clash with ours, see protocol.md section 9):

    cd tests/recorded/legacy/graphs
    <venv>/bin/langgraph dev --no-browser --no-reload --host 127.0.0.1 --port P \\
        --config langgraph.json
    .venv/bin/python tests/record_legacy.py http://127.0.0.1:P legacy02   # or legacy04

(venvs: `langgraph==0.2.76 langgraph-api==0.0.48` and `langgraph==0.4.10
langgraph-api==0.2.60 langgraph-runtime-inmem==0.3.4`.) For each scenario it writes the raw
SSE body of each run (`.sse`), `GET /state?subgraphs=true` after it (`.state.json`) and
`GET /threads/{id}` (`.thread.json`), with plain httpx; `<server>_index.json` holds each
recording's request body. A resume of one of several questions
is sent the way that generation accepts it (a map keyed by task id before langgraph 0.4, by
`xxh3_128("|".join(ns))` from 0.4), found out by hand on both servers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx
import xxhash

OUT = Path(__file__).resolve().parent / "recorded" / "legacy"
BODY = {
    "stream_mode": ["updates", "values", "messages-tuple"],
    "stream_subgraphs": True,
    "stream_resumable": True,
    "multitask_strategy": "reject",
    "on_disconnect": "continue",
}


def main(url: str, server: str) -> None:
    http = httpx.Client(base_url=url, timeout=60)
    index: dict[str, Any] = {}

    def save(name: str, thread_id: str, sse: bytes | None) -> dict[str, Any]:
        index[name] = {"request": last_body[0]}
        if sse is not None:
            (OUT / f"{server}_{name}.sse").write_bytes(sse)
        state = http.get(f"/threads/{thread_id}/state", params={"subgraphs": "true"}).json()
        (OUT / f"{server}_{name}.state.json").write_text(json.dumps(state, indent=1) + "\n")
        thread = http.get(f"/threads/{thread_id}").json()
        (OUT / f"{server}_{name}.thread.json").write_text(json.dumps(thread, indent=1) + "\n")
        return dict(state)

    last_body: list[Any] = [None]

    def run(thread_id: str, graph: str, **body: Any) -> bytes:
        last_body[0] = {"assistant_id": graph, **BODY, **body}
        path = f"/threads/{thread_id}/runs/stream"
        with http.stream("POST", path, json={"assistant_id": graph, **BODY, **body}) as resp:
            resp.raise_for_status()
            return resp.read()

    def first(graph: str, text: str = "go") -> tuple[str, bytes]:
        thread_id = http.post("/threads", json={}).json()["thread_id"]
        message = {"messages": [{"role": "user", "content": text}]}
        return thread_id, run(thread_id, graph, input=message)

    thread_id, sse = first("ask", "Where is it sunny?")
    save("ask_first", thread_id, sse)
    sse = run(thread_id, "ask", command={"resume": "san francisco"})
    save("ask_resumed", thread_id, sse)

    thread_id, sse = first("parallel")
    state = save("parallel_first", thread_id, sse)
    task = state["tasks"][0]
    if server == "legacy02":
        key = task["id"]
    else:
        key = xxhash.xxh3_128_hexdigest("|".join(task["interrupts"][0]["ns"]).encode())
    sse = run(thread_id, "parallel", command={"resume": {key: "blue"}})
    save("parallel_resumed_one", thread_id, sse)

    for graph in ("subgraph", "parallel_sub", "breakpoint"):
        thread_id, sse = first(graph)
        save(f"{graph}_first", thread_id, sse)
    info = http.get("/info").json()
    index["_server"] = {"info": info, "langgraph_version": state["metadata"]["langgraph_version"]}
    (OUT / f"{server}_index.json").write_text(json.dumps(index, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
