"""Waiting threads of assistants made for one test module, for the paging and filter tests.

Each module makes its own assistants (`POST /assistants` on a test graph), so the threads of
each are known exactly on the shared server: listing "the threads of assistant A" can be
checked to give all of them and none of B's, whatever other tests left there.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support import get_thread

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Waiting:
    """An assistant of one graph and the threads that wait on its question."""

    assistant_id: str
    graph: str
    threads: frozenset[str]


def waiting_on(http: httpx.Client, graph: str, run_input: Any, count: int) -> Waiting:
    """A new assistant of `graph` and `count` threads paused at its interrupt, made a few at
    a time (`runs/wait` returns once the run has paused)."""
    created = http.post("/assistants", json={"graph_id": graph, "name": f"paging-{uuid.uuid4()}"})
    created.raise_for_status()
    assistant_id = str(created.json()["assistant_id"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = pool.map(lambda _: new_waiting(http, assistant_id, run_input), range(count))
        threads = frozenset(made)
    return Waiting(assistant_id, graph, threads)


def new_waiting(http: httpx.Client, assistant_id: str, run_input: Any) -> str:
    """A new thread whose run by `assistant_id` has paused at its question."""
    thread_id = str(uuid.uuid4())
    run = http.post(
        f"/threads/{thread_id}/runs/wait",
        json={"assistant_id": assistant_id, "input": run_input, "if_not_exists": "create"},
    )
    run.raise_for_status()
    assert get_thread(http, thread_id)["status"] == "interrupted"
    return thread_id


def ids_in(text: str) -> list[str]:
    """The thread ids in `text`, in order."""
    return UUID.findall(text)


def protocol_lines(stderr: str, method: str, fragment: str) -> int:
    """How many requests `--debug` logged (`debug hilcli.protocol: POST /path -> 200`) whose
    method is `method` and whose path contains `fragment`."""
    return sum(
        1
        for line in stderr.splitlines()
        if line.startswith("debug hilcli.protocol: ")
        and line.split(": ", 1)[1].startswith(f"{method} ")
        and fragment in line.split(": ", 1)[1].split(" ")[1]
    )
