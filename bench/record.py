"""Record raw SSE bytes of runs from the real server (the `tokens` test graph and friends).

    .venv/bin/python bench/record.py              # the benchmark streams (bench/recorded/)
    .venv/bin/python bench/record.py --fixtures   # the small streams the tests use

Each recording is the exact response body of `POST /threads/{id}/runs/stream` with the stream
modes `hil` asks for (`updates`, `values`, `messages-tuple`), subgraphs included.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from hilcli.server.local import LocalServer  # noqa: E402

GRAPHS_CONFIG = REPO_ROOT / "tests" / "graphs" / "langgraph.json"
BENCH_DIR = REPO_ROOT / "bench" / "recorded"
FIXTURES_DIR = REPO_ROOT / "tests" / "recorded"
STREAM_MODES = ["updates", "values", "messages-tuple"]

#: Token counts of the benchmark streams.
BENCH_SIZES = (2_000, 20_000)

HOSTILE = (
    "[bold red]not markup[/] \x1b[31mred\x1b[0m \x1b]52;c;aGVsbG8=\x07clip "
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ bell\x07 \x9b2J c1"
)

Target = tuple[str, Any, list[str]]
"""A recording: graph, run input, stream modes. An input `{"resume": X}` is sent as the
command of a second run, after a first run (not recorded) with an empty message list."""


def _say(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


#: name → target of the fixture streams under tests/recorded/.
FIXTURES: dict[str, Target] = {
    "stream_tokens": ("tokens", _say("tokens 120"), STREAM_MODES),
    "stream_tool": ("tokens", _say("tool 30"), STREAM_MODES),
    "stream_hostile": ("tokens", _say(HOSTILE), STREAM_MODES),
    "stream_error": ("fails", _say("hi"), STREAM_MODES),
    "stream_custom": ("many_events", {"count": 3}, [*STREAM_MODES, "custom"]),
    "stream_subgraph": ("subgraph", {"resume": "the grail"}, STREAM_MODES),
}


def bench_stream_path(tokens: int) -> Path:
    """Where the benchmark stream of `tokens` token events is kept."""
    return BENCH_DIR / f"tokens_{tokens}.sse"


def record(client: httpx.Client, graph: str, run_input: Any, modes: list[str]) -> bytes:
    """The raw body of one streamed run on a new thread."""
    thread = client.post("/threads", json={}).json()["thread_id"]
    body: dict[str, Any] = {"assistant_id": graph}
    if isinstance(run_input, dict) and set(run_input) == {"resume"}:
        first = {**body, "input": {"messages": []}}
        client.post(f"/threads/{thread}/runs/wait", json=first).raise_for_status()
        body["command"] = run_input
    else:
        body["input"] = run_input
    body |= {
        "stream_mode": modes,
        "stream_subgraphs": True,
        "stream_resumable": True,
        "multitask_strategy": "reject",
        "on_disconnect": "continue",
    }
    with client.stream("POST", f"/threads/{thread}/runs/stream", json=body) as response:
        response.raise_for_status()
        return response.read()


def record_all(targets: Mapping[Path, Target]) -> None:
    """Start the test graphs' server once and record every target."""
    with LocalServer(GRAPHS_CONFIG) as server:
        with httpx.Client(base_url=server.url, timeout=300) as client:
            for path, (graph, run_input, modes) in targets.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(record(client, graph, run_input, modes))
                print(f"recorded {path.relative_to(REPO_ROOT)} ({path.stat().st_size:,} bytes)")


def bench_targets(sizes: Iterable[int] = BENCH_SIZES) -> dict[Path, Target]:
    """The benchmark streams: `tokens N` answers."""
    return {bench_stream_path(n): ("tokens", _say(f"tokens {n}"), STREAM_MODES) for n in sizes}


def main() -> None:
    """Record the benchmark streams, or with --fixtures the tests' streams."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", action="store_true", help="record tests/recorded/ streams")
    args = parser.parse_args()
    if args.fixtures:
        record_all({FIXTURES_DIR / f"{name}.sse": spec for name, spec in FIXTURES.items()})
    else:
        record_all(bench_targets())


if __name__ == "__main__":
    main()
