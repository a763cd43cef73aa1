"""Record one interrupt of every shape: tests/recorded/shape_<name>.sse and .state.json.

Run: `python tests/record_shapes.py`. It starts a LocalServer on tests/graphs/langgraph.json,
starts one run per graph below with plain httpx, and writes the raw response body
(`shape_<name>.sse`) and the thread's `GET /state?subgraphs=true` after the run
(`shape_<name>.state.json`). tests/inprocess/test_interrupts.py classifies what was recorded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hilcli.server.local import LocalServer  # noqa: E402
from tests.support import (  # noqa: E402
    GRAPHS_CONFIG,
    RECORDED_DIR,
    STREAM_MODES,
    create_thread,
    get_state,
    user_input,
)

MAIL_AND_DELETE = "Mail bob@example.com and delete the report"

#: recording name → (graph, first message)
SHAPES = {
    "ask": ("ask", "go"),
    "json_question": ("json_question", "go"),
    "form": ("form", "book"),
    "form_validated": ("form_validated", "book"),
    "batched": ("approval", MAIL_AND_DELETE),
    "per_call": ("approval_per_call", MAIL_AND_DELETE),
    "inbox_list": ("inbox", "go"),
    "inbox_single": ("inbox_single", "go"),
    "parallel": ("parallel", "go"),
    "breakpoint": ("breakpoint", "go"),
}


def record(client: httpx.Client, name: str, graph: str, message: str) -> None:
    """Start one run on a new thread; save its raw stream and the thread's state."""
    thread_id = create_thread(client)
    body = {"assistant_id": graph, "stream_mode": STREAM_MODES, "input": user_input(message)}
    with client.stream("POST", f"/threads/{thread_id}/runs/stream", json=body) as response:
        response.raise_for_status()
        data = b"".join(response.iter_bytes())
    (RECORDED_DIR / f"shape_{name}.sse").write_bytes(data)
    state = get_state(client, thread_id, subgraphs=True)
    (RECORDED_DIR / f"shape_{name}.state.json").write_text(json.dumps(state, indent=1) + "\n")
    print(f"shape_{name}: {len(state.get('interrupts') or [])} interrupt(s)")


def main() -> None:
    with (
        LocalServer(GRAPHS_CONFIG) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        for name, (graph, message) in SHAPES.items():
            record(client, name, graph, message)


if __name__ == "__main__":
    main()
