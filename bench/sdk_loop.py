"""The baseline of bench/head_to_head.py: a minimal `langgraph_sdk` script answering N questions.

Usage: python bench/sdk_loop.py URL [N] [ANSWER]. Runs graph `loop` on a new thread: stream the
run, read the interrupt from the `updates` events, resume with ANSWER by interrupt id, again
until the run ends; exits 0 when all N answers were received, 1 otherwise.
"""

from __future__ import annotations

import sys
from typing import Any

from langgraph_sdk import get_sync_client


def answer_all(url: str, n: int, answer: str) -> int:
    """Run the loop graph to its end; return how many interrupts were answered."""
    client = get_sync_client(url=url, api_key=None)
    thread_id = client.threads.create()["thread_id"]
    body: dict[str, Any] = {"input": {"n": n}}
    answered = 0
    while True:
        pending: list[str] = []
        for part in client.runs.stream(
            thread_id, "loop", stream_mode=["values", "updates"], **body
        ):
            if part.event == "updates" and isinstance(part.data, dict):
                pending += [item["id"] for item in part.data.get("__interrupt__", [])]
        if not pending:
            return answered
        body = {"command": {"resume": dict.fromkeys(pending, answer)}}
        answered += len(pending)


def main() -> None:
    """Command line: URL [N] [ANSWER]."""
    url = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    answer = sys.argv[3] if len(sys.argv) > 3 else "ok"
    answered = answer_all(url, n, answer)
    print(f"answered {answered} questions")
    sys.exit(0 if answered == n else 1)


if __name__ == "__main__":
    main()
