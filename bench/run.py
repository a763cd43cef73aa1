"""Run every benchmark and print the ratios: `make bench` (or `.venv/bin/python bench/run.py`).

    bench/run.py                 # start-up, streaming and the servers, default repetitions
    bench/run.py --quick         # fewer repetitions
    bench/run.py --only stream   # or: --only startup, --only servers, --only inbox

The token streams are recorded from the real server the first time (bench/record.py). The
servers benchmark (bench/servers.py) starts each server of the test matrix in turn (building
its cached venv the first time) and compares `hil run --answers` with the langgraph SDK there.
The inbox benchmark (bench/inbox.py) lists 10, 1,000 and 5,000 waiting threads on one
`langgraph dev` with `hil inbox` and `hil threads`.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import inbox, servers, startup, streams  # noqa: E402


def main() -> None:
    """Parse the options, run the chosen benchmarks, print their tables."""
    parser = argparse.ArgumentParser(description="hil benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only", choices=("startup", "stream", "servers", "inbox"), help="run one benchmark"
    )
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    if args.only in (None, "startup"):
        print("\n== start-up: wall time of --help (median of subprocess runs)")
        print("\n".join(startup.report(startup.measure(5 if args.quick else 15))))
    if args.only in (None, "stream"):
        repetitions = 3 if args.quick else 7
        print(f"\n== streaming: client CPU time to read a recorded stream (best of {repetitions})")
        print("\n".join(streams.report(streams.measure(repetitions))))
    if args.only in (None, "servers"):
        repeat = 1 if args.quick else 3
        print(f"\n== servers: hil against the langgraph SDK, {servers.DEFAULT_N} round trips")
        results = servers.measure(list(servers.KINDS), servers.DEFAULT_N, repeat)
        print("\n".join(servers.report(results, servers.DEFAULT_N, repeat)))
    if args.only in (None, "inbox"):
        repeat = 1 if args.quick else 5
        sizes = ", ".join(f"{size:,}" for size in inbox.SIZES)
        print(f"\n== inbox: {sizes} waiting threads, median of {repeat} (wall, with start-up)")
        print("\n".join(inbox.report(inbox.measure(inbox.SIZES, repeat))))


if __name__ == "__main__":
    main()
