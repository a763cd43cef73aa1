"""The head to head baseline: a minimal `langgraph_sdk` script answering N questions.

Usage: python bench/sdk_loop.py URL [N] [ANSWER] [--resumable]. Runs graph `loop` on a new
thread: stream the run, read the interrupts from the `updates` and `values` events, resume with
ANSWER, again until the run ends; exits 0 when all N answers were received, 1 otherwise.
`--resumable` asks for resumable streams (`stream_resumable=True`), as hil does: the
like-for-like baseline where a server treats those differently (langhost).

What the servers of the matrix send differs, and this loop does the least that works on all of
them: langgraph-api streams the interrupt in an `updates` event, Aegra only in `values` events
(twice per pause); langgraph < 0.6 sends interrupts without an `id`, which are resumed with the
plain value (one at a time, as the loop graph asks), newer ones by id.
"""

from __future__ import annotations

import sys
from typing import Any

from langgraph_sdk import get_sync_client


def answer_all(
    url: str, n: int, answer: str, graph: str = "loop", *, resumable: bool = False
) -> int:
    """Run the loop graph to its end; return how many interrupts were answered."""
    client = get_sync_client(url=url, api_key=None)
    thread_id = client.threads.create()["thread_id"]
    body: dict[str, Any] = {"input": {"n": n}}
    answered = 0
    while True:
        pending: dict[str, bool] = {}  # interrupt id (or "" when it has none) -> seen
        for part in client.runs.stream(
            thread_id,
            graph,
            stream_mode=["values", "updates"],
            stream_resumable=resumable,
            **body,
        ):
            if part.event in ("updates", "values") and isinstance(part.data, dict):
                for item in part.data.get("__interrupt__") or []:
                    pending[str(item.get("id") or "")] = True
        if not pending:
            return answered
        if "" in pending:
            body = {"command": {"resume": answer}}
        else:
            body = {"command": {"resume": dict.fromkeys(pending, answer)}}
        answered += len(pending)


def main() -> None:
    """Command line: URL [N] [ANSWER] [--resumable]."""
    args = [arg for arg in sys.argv[1:] if arg != "--resumable"]
    url = args[0]
    n = int(args[1]) if len(args) > 1 else 50
    answer = args[2] if len(args) > 2 else "ok"
    answered = answer_all(url, n, answer, resumable="--resumable" in sys.argv[1:])
    print(f"answered {answered} questions")
    sys.exit(0 if answered == n else 1)


if __name__ == "__main__":
    main()
