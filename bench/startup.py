"""Start-up: wall time of `--help` for hil, a minimal Typer app and `langgraph` (subprocesses)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BIN_DIR = Path(sys.executable).parent


def commands() -> dict[str, list[str]]:
    """What is timed, by label."""
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "minimal Typer --help": [sys.executable, str(BENCH_DIR / "minimal_typer.py"), "--help"],
        "hil --help": [str(BIN_DIR / "hil"), "--help"],
        "langgraph --help": [str(BIN_DIR / "langgraph"), "--help"],
    }


def wall_time(argv: list[str]) -> float:
    """Seconds one run of `argv` takes, output discarded; fails loudly if it fails."""
    env = {**os.environ, "COLUMNS": "100"}
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def measure(repetitions: int = 15) -> dict[str, float]:
    """Median wall time of each command, after one warm-up run (interleaved, round-robin)."""
    argvs = commands()
    samples: dict[str, list[float]] = {label: [] for label in argvs}
    for argv in argvs.values():
        wall_time(argv)
    for _ in range(repetitions):
        for label, argv in argvs.items():
            samples[label].append(wall_time(argv))
    return {label: statistics.median(times) for label, times in samples.items()}


def report(medians: dict[str, float]) -> list[str]:
    """Lines of the start-up table, with ratios and the targets."""
    typer_floor = medians["minimal Typer --help"]
    hil = medians["hil --help"]
    langgraph = medians["langgraph --help"]
    lines = [f"{'command':<24}{'median':>10}{'vs Typer':>10}"]
    for label, seconds in medians.items():
        lines.append(f"{label:<24}{seconds * 1000:>8.0f}ms{seconds / typer_floor:>9.2f}x")
    lines.append(
        f"target hil --help <= 1.2x minimal Typer: {hil / typer_floor:.2f}x "
        f"[{'ok' if hil <= 1.2 * typer_floor else 'MISSED'}]"
    )
    lines.append(
        f"target hil --help faster than langgraph --help: {hil / langgraph:.2f}x "
        f"[{'ok' if hil < langgraph else 'MISSED'}]"
    )
    return lines


if __name__ == "__main__":
    print("\n".join(report(measure())))
