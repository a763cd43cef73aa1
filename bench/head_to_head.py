"""Head to head: `hil run --answers` against a minimal `langgraph_sdk` script, on the real server.

    .venv/bin/python bench/head_to_head.py            # N=50, one round of each
    .venv/bin/python bench/head_to_head.py -n 20 --repeat 3 --url http://127.0.0.1:2024

Both clients answer the N questions of the `loop` test graph (tests/graphs/loop.py) on a new
thread, each in its own process, one after the other on the same server: (a) `hil run -a loop
--answers RULES` with one rule answering every question, and (b) bench/sdk_loop.py (stream,
read the interrupt, resume, again). Each is timed for wall-clock time and for client CPU time
(user + system of the child process, from `getrusage`), interpreter start-up included. With
`--repeat R` the runs alternate and the medians are compared. Prints both, the hil/SDK ratios
against the targets (wall <= 1.10, CPU <= 1.5), and the latency hil adds per round trip: the
wall-clock difference per question, and the client turnaround measured in-process
(bench/turnaround.py), which the server's 0.5 s queue poll hides from the wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from hilcli.server.local import LocalServer  # noqa: E402

GRAPHS_CONFIG = REPO_ROOT / "tests" / "graphs" / "langgraph.json"
SDK_SCRIPT = REPO_ROOT / "bench" / "sdk_loop.py"
RULES = """\
[[rule]]
name = "every question of the loop"
question = '^Question \\d+ of \\d+'
text = "ok"
"""
WALL_TARGET = 1.10
CPU_TARGET = 1.5


@dataclass(frozen=True)
class Timing:
    """One client run: wall-clock seconds and the child's CPU seconds."""

    wall: float
    cpu: float


def timed(command: list[str], env: dict[str, str]) -> Timing:
    """Run `command` to its end; fail loudly unless it exits 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command[:4])}… exited {done.returncode}:\n{done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def client_env() -> dict[str, str]:
    """The environment of both clients: no developer settings, no colours."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HIL_", "LANGSMITH_", "LANGCHAIN_")) and k != "LANGGRAPH_API_KEY"
    }
    env["NO_COLOR"] = "1"
    env["HIL_CONFIG"] = os.devnull
    return env


def hil_command(url: str, n: int, rules: Path, output: str) -> list[str]:
    """`hil run --answers` answering all N questions of the loop graph."""
    extra = ["--json"] if output == "json" else []
    return [
        sys.executable,
        "-m",
        "hilcli",
        "run",
        "--url",
        url,
        "-a",
        "loop",
        "--input-json",
        json.dumps({"n": n}),
        "--answers",
        str(rules),
        *extra,
    ]


def sdk_command(url: str, n: int) -> list[str]:
    """The minimal langgraph_sdk loop."""
    return [sys.executable, str(SDK_SCRIPT), url, str(n), "ok"]


def median(timings: list[Timing]) -> Timing:
    """The median wall and CPU times of several runs."""
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def verdict(ratio: float, target: float) -> str:
    """`ok` or `MISSED` against a target ratio."""
    return "ok" if ratio <= target else "MISSED"


def main() -> None:
    """Start (or use) a server, run both clients, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="questions per run (default 50)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each client (median)")
    parser.add_argument("--url", help="use this server (it must serve tests/graphs)")
    parser.add_argument(
        "--output", choices=["text", "json"], default="text", help="hil's output mode"
    )
    parser.add_argument(
        "--turnaround-n", type=int, default=20, help="questions for the turnaround (0: skip)"
    )
    args = parser.parse_args()
    env = client_env()
    with ExitStack() as stack:
        url = args.url
        if url is None:
            print("Starting the in-memory LangGraph server (tests/graphs)…", flush=True)
            url = stack.enter_context(LocalServer(GRAPHS_CONFIG, jobs=4)).url
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        rules = workdir / "rules.toml"
        rules.write_text(RULES, encoding="utf-8")
        hil = hil_command(url, args.n, rules, args.output)
        sdk = sdk_command(url, args.n)
        # Warm-up: the server loads the graph on first use; both clients' imports get cached.
        timed(hil_command(url, 1, rules, args.output), env)
        timed(sdk_command(url, 1), env)
        hil_runs: list[Timing] = []
        sdk_runs: list[Timing] = []
        for _ in range(args.repeat):
            sdk_runs.append(timed(sdk, env))
            hil_runs.append(timed(hil, env))
        turnaround = None
        if args.turnaround_n > 0:
            from bench.turnaround import hil_turnaround, sdk_turnaround

            turnaround = (
                hil_turnaround(url, args.turnaround_n, RULES).median_ms(),
                sdk_turnaround(url, args.turnaround_n).median_ms(),
            )
    report(args.n, median(hil_runs), median(sdk_runs), args.repeat, args.output)
    if turnaround is not None:
        hil_ms, sdk_ms = turnaround
        print(
            f"  client turnaround per round trip (in-process, median of {args.turnaround_n}): "
            f"hil {hil_ms:.1f} ms, SDK {sdk_ms:.1f} ms, added {hil_ms - sdk_ms:+.1f} ms"
        )


def report(n: int, hil: Timing, sdk: Timing, repeat: int, output: str) -> None:
    """Print both timings, the ratios and the added latency per round trip."""
    wall_ratio = hil.wall / sdk.wall
    cpu_ratio = hil.cpu / sdk.cpu
    print(f"\nhead to head: {n} questions answered, median of {repeat} run(s) each")
    print(f"  {'client':<34}{'wall s':>9}{'CPU s':>9}{'wall/round ms':>15}")
    rows = [(f"hil run --answers ({output} output)", hil), ("langgraph_sdk minimal loop", sdk)]
    for name, timing in rows:
        print(f"  {name:<34}{timing.wall:>9.2f}{timing.cpu:>9.2f}{timing.wall / n * 1000:>15.0f}")
    print(
        f"  wall ratio hil/SDK: {wall_ratio:.3f} (target <= {WALL_TARGET}) "
        f"{verdict(wall_ratio, WALL_TARGET)}"
    )
    print(
        f"  client CPU ratio hil/SDK: {cpu_ratio:.3f} (target <= {CPU_TARGET}) "
        f"{verdict(cpu_ratio, CPU_TARGET)}"
    )
    added = (hil.wall - sdk.wall) / n * 1000
    added_cpu = (hil.cpu - sdk.cpu) / n * 1000
    print(f"  added latency per round trip: {added:+.1f} ms wall, {added_cpu:+.1f} ms client CPU")


if __name__ == "__main__":
    main()
