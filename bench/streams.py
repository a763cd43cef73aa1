"""Client-side CPU time to consume and render a recorded stream of N token events.

The recorded bytes (bench/record.py, from the real server and the `tokens` test graph) are
served by `ReplayServer` on loopback. Each consumer reads the whole stream; its CPU time is the
process CPU time (all threads, so Rich's refresh thread counts) minus the server thread's.
hil reads SSE with httpx-sse too, so the httpx-sse floor is the least hil's client can cost.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from httpx_sse import connect_sse
from langgraph_sdk import get_sync_client
from rich.console import Console

from bench.record import BENCH_SIZES, STREAM_MODES, bench_stream_path, bench_targets, record_all
from bench.replay_server import THREAD_ID, ReplayServer
from hilcli.client import AgentClient
from hilcli.render.display import Display, JsonDisplay, RichDisplay, make_console

Consumer = Callable[[str], int]
"""Reads the whole stream from the server at the URL; returns the number of events."""

RUN_INPUT = {"messages": [{"role": "user", "content": "tokens"}]}


def _devnull() -> io.TextIOWrapper:
    return open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def floor_httpx_sse(url: str) -> int:
    """The floor: iterate the events with httpx-sse, nothing else."""
    count = 0
    with httpx.Client(base_url=url) as client:
        with connect_sse(client, "POST", f"/threads/{THREAD_ID}/runs/stream", json={}) as source:
            for _ in source.iter_sse():
                count += 1
    return count


def floor_httpx_sse_json(url: str) -> int:
    """httpx-sse plus `json.loads` of every event's data (what any client must do)."""
    count = 0
    with httpx.Client(base_url=url) as client:
        with connect_sse(client, "POST", f"/threads/{THREAD_ID}/runs/stream", json={}) as source:
            for sse in source.iter_sse():
                if sse.data:
                    json.loads(sse.data)
                count += 1
    return count


def langgraph_sdk_stream(url: str) -> int:
    """`langgraph_sdk`'s `client.runs.stream`, parts read and dropped."""
    client = get_sync_client(url=url, api_key=None)
    count = 0
    for _ in client.runs.stream(THREAD_ID, "tokens", input=RUN_INPUT, stream_mode=STREAM_MODES):
        count += 1
    return count


def _hil(display_factory: Callable[[io.TextIOWrapper], Display]) -> Consumer:
    def consume(url: str) -> int:
        count = 0
        with _devnull() as out, AgentClient(url) as client:
            display = display_factory(out)
            stream = client.stream_run(
                THREAD_ID, "tokens", input=RUN_INPUT, stream_mode=list(STREAM_MODES)
            )
            display.run_started()
            for event in stream:
                display.event(event)
                count += 1
            display.run_finished()
        return count

    return consume


class _Discard:
    """A display that drops every event: what hil's client costs on its own."""

    def run_started(self) -> None:
        pass

    def event(self, event: object) -> None:
        pass

    def run_finished(self) -> None:
        pass


def _discard(out: io.TextIOWrapper) -> Display:
    return _Discard()  # type: ignore[return-value]


def _rendered(out: io.TextIOWrapper) -> Display:
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=100, height=40)
    return RichDisplay(console)


def _plain(out: io.TextIOWrapper) -> Display:
    return RichDisplay(make_console(out, plain=True))


def _json(out: io.TextIOWrapper) -> Display:
    return JsonDisplay(out, make_console(_devnull(), plain=True))


CONSUMERS: dict[str, Consumer] = {
    "httpx-sse (floor)": floor_httpx_sse,
    "httpx-sse + json.loads": floor_httpx_sse_json,
    "langgraph_sdk runs.stream": langgraph_sdk_stream,
    "hil client, no display": _hil(_discard),
    "hil rendered (terminal)": _hil(_rendered),
    "hil plain": _hil(_plain),
    "hil --json": _hil(_json),
}


def cpu_seconds(server: ReplayServer, consumer: Consumer) -> float:
    """Client CPU time of one full read of the stream."""
    served = server.cpu_seconds
    start = time.process_time()
    consumer(server.url)
    return time.process_time() - start - (server.cpu_seconds - served)


def ensure_recordings(sizes: tuple[int, ...] = BENCH_SIZES) -> dict[int, Path]:
    """The recorded streams, recorded from the real server first if missing."""
    missing = {n for n in sizes if not bench_stream_path(n).exists()}
    if missing:
        print(f"recording token streams {sorted(missing)} from the real server…")
        record_all(bench_targets(sorted(missing)))
    return {n: bench_stream_path(n) for n in sizes}


def measure(repetitions: int = 5) -> dict[str, dict[int, float]]:
    """Best (least) client CPU seconds of `repetitions` reads, per consumer and stream size.

    CPU time only grows with interference (other processes, cache misses), so the least of
    several runs is the steadiest estimate of what the work itself costs.
    """
    results: dict[str, dict[int, float]] = {label: {} for label in CONSUMERS}
    for size, path in ensure_recordings().items():
        with ReplayServer(path.read_bytes()) as server:
            for label, consumer in CONSUMERS.items():
                consumer(server.url)  # warm-up: imports, lexers, connection code paths
                samples = [cpu_seconds(server, consumer) for _ in range(repetitions)]
                results[label][size] = min(samples)
    return results


def report(results: dict[str, dict[int, float]]) -> list[str]:
    """Lines of the streaming table, with ratios and the targets."""
    small, large = BENCH_SIZES
    floor = results["httpx-sse (floor)"]
    lines = [
        f"{'consumer':<28}{small:>8,} tok{large:>9,} tok{'large/small':>12}"
        f"{'vs floor':>10}{'vs SDK':>8}"
    ]
    sdk = results["langgraph_sdk runs.stream"]
    for label, by_size in results.items():
        lines.append(
            f"{label:<28}{by_size[small] * 1000:>9.0f}ms{by_size[large] * 1000:>10.0f}ms"
            f"{by_size[large] / by_size[small]:>11.1f}x"
            f"{by_size[large] / floor[large]:>9.2f}x{by_size[large] / sdk[large]:>7.2f}x"
        )
    rendered = results["hil rendered (terminal)"]
    growth = rendered[large] / rendered[small]
    lines.append(
        f"target rendered {large:,} <= 12x {small:,}: {growth:.1f}x "
        f"[{'ok' if growth <= 12 else 'MISSED'}]"
    )
    client = results["hil client, no display"]
    decoded = results["httpx-sse + json.loads"]
    for label in ("hil plain", "hil --json"):
        ratio = results[label][large] / sdk[large]
        lines.append(
            f"target {label} <= 1.5x langgraph_sdk runs.stream ({large:,} tokens): {ratio:.2f}x "
            f"[{'ok' if ratio <= 1.5 else 'MISSED'}]; "
            f"{results[label][large] / floor[large]:.2f}x the httpx-sse floor, "
            f"{results[label][large] / decoded[large]:.2f}x httpx-sse + json.loads; "
            f"display adds {results[label][large] / client[large] - 1:+.0%} to hil's client"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(report(measure())))
