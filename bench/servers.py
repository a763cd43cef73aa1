"""Head to head on every server of the matrix: `hil run --answers` against the langgraph SDK.

    .venv/bin/python bench/servers.py                    # all five kinds, N=10, 5 repeats
    .venv/bin/python bench/servers.py --kinds aegra langhost --repeat 7
    .venv/bin/python bench/servers.py --kinds langhost --sdk-resumable   # like for like

For each server kind of the test matrix (tests/matrix: `dev`, `legacy-0.2`, `legacy-0.4`,
`langhost`, `aegra`), started once through the launcher's public API and serving
tests/graphs_matrix, both clients answer the N questions of graph `loop` on a new thread, each
in its own process: `hil run -a loop --answers RULES` and bench/sdk_loop.py, run with our own
venv's `langgraph_sdk` (the matrix venvs' SDKs differ; the HTTP API is the same). The runs
alternate, starting with the other client each repeat; wall and client CPU time are the
medians (interpreter start-up included, as in bench/head_to_head.py). The in-memory servers,
whose round trips mostly wait for their queue's poll, are measured at the same time; the
PostgreSQL ones then one at a time (see `measure`).

Every run also traces its HTTP requests: a `sitecustomize` module written to a temporary
directory on the child's PYTHONPATH wraps `httpx.Client.send` (both clients use httpx) and
records each request's method, path, status, time to headers and time to close. The report
gives requests per pause (all requests of a run over N) and, per route, how many each client
makes per pause, the median time one takes and how many per run wait past 0.4 s, and where
each client's time goes: that is where a missed target comes from (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.head_to_head import (  # noqa: E402
    CPU_TARGET,
    RULES,
    WALL_TARGET,
    Timing,
    client_env,
    hil_command,
    median,
    sdk_command,
)
from tests.matrix.servers import KINDS as KINDS  # noqa: E402  (re-exported for run.py)
from tests.matrix.servers import start_server  # noqa: E402

DEFAULT_N = 10
"""Questions per run: the 10-round-trip flow of issue 11."""
SLOW = 0.4
"""Seconds beyond which a request counts as slow: 0.5 s is the servers' poll interval."""
IN_MEMORY = ("dev", "legacy-0.2", "legacy-0.4")
"""The kinds on the in-memory runtime (`langgraph dev`), measured at the same time."""
TRACE_ENV = "BENCH_HTTP_TRACE"
TRACE_HOOK = '''\
"""Written by bench/servers.py: record every httpx request of this process to $BENCH_HTTP_TRACE."""
import atexit
import json
import os
import time

import httpx

_path = os.environ["BENCH_HTTP_TRACE"]
_began = time.perf_counter()
_records = []
_send = httpx.Client.send


def _traced_send(self, request, *args, **kwargs):
    start = time.perf_counter()
    record = {"method": request.method, "path": request.url.path, "start": start}
    if request.url.path.endswith("/stream") and request.method == "POST":
        record["modes"] = json.loads(request.content).get("stream_mode")
    _records.append(record)
    response = _send(self, request, *args, **kwargs)
    record["status"] = response.status_code
    record["headers"] = time.perf_counter() - start
    if not kwargs.get("stream"):
        record["total"] = record["headers"]  # the body was read inside send
        return response
    close = response.close

    def closing():
        record.setdefault("total", time.perf_counter() - start)
        close()

    response.close = closing
    return response


httpx.Client.send = _traced_send


@atexit.register
def _dump():
    with open(_path, "w", encoding="utf-8") as out:
        json.dump({"began": _began, "ended": time.perf_counter(), "requests": _records}, out)
'''
_ROUTE_WORDS = frozenset(
    "threads runs stream state history search assistants join cancel wait ok info health "
    "schemas graph store crons".split()
)


@dataclass(frozen=True)
class Request:
    """One traced HTTP request: route, status, start, and seconds to headers and to close."""

    route: str
    status: int
    start: float
    headers: float
    total: float
    modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trace:
    """The requests of one client process, and when its tracing began and ended."""

    began: float
    ended: float
    requests: list[Request]

    def phases(self) -> tuple[float, float, float, float]:
        """Seconds before the first request, inside requests, between them, after the last."""
        if not self.requests:
            return self.ended - self.began, 0.0, 0.0, 0.0
        first = self.requests[0].start
        last = max(r.start + r.total for r in self.requests)
        inside = sum(r.total for r in self.requests)
        return first - self.began, inside, last - first - inside, self.ended - last


@dataclass
class ClientRuns:
    """The timed runs of one client on one server, and the requests each made."""

    timings: list[Timing]
    traces: list[Trace]

    def requests_per_pause(self, n: int) -> float:
        """All requests of a run over its N pauses (median over the runs)."""
        return statistics.median(len(trace.requests) for trace in self.traces) / n

    def routes(self, n: int) -> dict[str, tuple[float, float, float]]:
        """Per route: requests per pause, the median seconds one takes to close, and how many
        per run take longer than `SLOW` seconds (a server-side wait shows up there)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(self.traces))
        seconds: dict[str, list[float]] = defaultdict(list)
        for index, trace in enumerate(self.traces):
            for request in trace.requests:
                counts[request.route][index] += 1
                seconds[request.route].append(request.total)
        return {
            route: (
                statistics.median(counts[route]) / n,
                statistics.median(seconds[route]),
                sum(t > SLOW for t in seconds[route]) / len(self.traces),
            )
            for route in sorted(counts, key=lambda r: -statistics.median(counts[r]))
        }

    def phases(self) -> tuple[float, ...]:
        """The median of each of `Trace.phases` over the runs."""
        each = [trace.phases() for trace in self.traces]
        return tuple(statistics.median(values) for values in zip(*each, strict=True))

    def modes(self) -> str:
        """The stream modes the client asked for (those of its first stream)."""
        for trace in self.traces:
            for request in trace.requests:
                if request.modes:
                    return ",".join(request.modes)
        return "?"


def route_of(method: str, path: str) -> str:
    """`GET threads/*/state`: the path's fixed words kept, the ids it carries as `*`."""
    parts = [part if part in _ROUTE_WORDS else "*" for part in path.strip("/").split("/")]
    return f"{method} {'/'.join(parts)}"


def read_trace(path: Path) -> Trace:
    """The requests a traced client recorded (its atexit hook wrote them)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    requests = [
        Request(
            route_of(r["method"], r["path"]),
            int(r.get("status", 0)),
            float(r["start"]),
            float(r.get("headers", 0.0)),
            float(r.get("total", r.get("headers", 0.0))),
            tuple(r.get("modes") or ()),
        )
        for r in data["requests"]
    ]
    return Trace(float(data["began"]), float(data["ended"]), requests)


def timed(command: list[str], env: dict[str, str], workdir: Path) -> Timing:
    """Run `command` to its end; its wall time and its own CPU time; fail unless it exits 0.

    The CPU time is the child's own (`os.wait4`), not `RUSAGE_CHILDREN`, so servers measured
    from several threads at once do not count each other's clients.
    """
    output = workdir / "output.txt"
    start = time.perf_counter()
    with open(output, "wb") as out:
        child = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        text = output.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command[:4])}… exited {child.returncode}:\n{text}")
    return Timing(wall, usage.ru_utime + usage.ru_stime)


def traced(command: list[str], env: dict[str, str], workdir: Path) -> tuple[Timing, Trace]:
    """Run `command` timed, with its httpx requests traced."""
    trace = workdir / "trace.json"
    trace.unlink(missing_ok=True)
    traced_env = {**env, TRACE_ENV: str(trace), "PYTHONPATH": str(workdir / "hook")}
    timing = timed(command, traced_env, workdir)
    return timing, read_trace(trace)


def server_version(url: str) -> str:
    """What the server's `/info` says it is, in a few words (empty if it says nothing)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url + "/info", timeout=5) as response:
            info = json.loads(response.read())
    except (OSError, ValueError):
        return ""
    if not isinstance(info, dict):
        return ""
    words = [f"{key} {info[key]}" for key in ("version", "langgraph_py_version") if key in info]
    return ", ".join(words)


@dataclass
class ServerResult:
    """Both clients' runs on one server kind."""

    kind: str
    version: str
    hil: ClientRuns
    sdk: ClientRuns
    error: str = ""
    """Why this server could not be measured (then there are no runs)."""


def bench_server(
    kind: str, n: int, repeat: int, root: Path, sdk_resumable: bool = False
) -> ServerResult:
    """Start `kind`, warm it up, run both clients alternately, stop it."""
    env = client_env()
    rules = root / "rules.toml"
    workdir = root / kind
    (workdir / "hook").mkdir(parents=True)
    (workdir / "hook" / "sitecustomize.py").write_text(TRACE_HOOK, encoding="utf-8")
    began = time.monotonic()
    server = start_server(kind)
    try:
        print(f"  {kind}: started in {time.monotonic() - began:.0f} s at {server.url}", flush=True)
        version = server_version(server.url)
        hil = hil_command(server.url, n, rules, "text")
        sdk = sdk_command(server.url, n) + (["--resumable"] if sdk_resumable else [])
        # Warm-up: the server loads the graph on first use; both clients' imports get cached.
        timed(hil_command(server.url, 1, rules, "text"), env, workdir)
        timed(sdk_command(server.url, 1), env, workdir)
        runs = {"hil": ClientRuns([], []), "sdk": ClientRuns([], [])}
        for index in range(repeat):
            order = (("sdk", sdk), ("hil", hil)) if index % 2 == 0 else (("hil", hil), ("sdk", sdk))
            for name, command in order:
                timing, trace = traced(command, env, workdir)
                runs[name].timings.append(timing)
                runs[name].traces.append(trace)
        print(f"  {kind}: measured in {time.monotonic() - began:.0f} s", flush=True)
    finally:
        server.stop()
    return ServerResult(kind, version, runs["hil"], runs["sdk"])


def mark(ratio: float, target: float) -> str:
    """`met` or `MISSED` against a target ratio."""
    return "met" if ratio <= target else "MISSED"


def report(results: list[ServerResult], n: int, repeat: int) -> list[str]:
    """The summary table, then each server's requests per route."""
    lines = [
        f"{n} questions answered per run; medians of {repeat} alternating runs per client",
        f"{'server':<12}{'hil wall':>9}{'SDK wall':>9}{'wall x':>8}  {'(<=1.10)':<8}"
        f"{'hil CPU':>8}{'SDK CPU':>8}{'CPU x':>7}  {'(<=1.5)':<8}{'req/pause hil':>14}{'SDK':>5}",
    ]
    for result in results:
        if result.error:
            lines.append(f"{result.kind:<12}not measured: {result.error}")
            continue
        hil, sdk = median(result.hil.timings), median(result.sdk.timings)
        wall, cpu = hil.wall / sdk.wall, hil.cpu / sdk.cpu
        lines.append(
            f"{result.kind:<12}{hil.wall:>9.2f}{sdk.wall:>9.2f}{wall:>8.2f}  "
            f"{mark(wall, WALL_TARGET):<8}{hil.cpu:>8.2f}{sdk.cpu:>8.2f}{cpu:>7.2f}  "
            f"{mark(cpu, CPU_TARGET):<8}{result.hil.requests_per_pause(n):>14.1f}"
            f"{result.sdk.requests_per_pause(n):>5.1f}"
        )
    lines.append("")
    lines.append(
        "requests per pause by route (median ms each, to the end of the body; "
        f"requests slower than {SLOW}s per run):"
    )
    for result in results:
        if result.error:
            continue
        version = f" ({result.version})" if result.version else ""
        lines.append(f"  {result.kind}{version}")
        for name, runs in (("hil", result.hil), ("SDK", result.sdk)):
            routes = runs.routes(n)
            parts = [
                f"{route} {count:.1f}x {ms * 1000:.0f}ms"
                + (f" ({slow:.1f}/run >{SLOW}s)" if slow else "")
                for route, (count, ms, slow) in routes.items()
            ]
            lines.append(f"    {name}: " + "; ".join(parts))
            before, inside, between, after = runs.phases()
            lines.append(
                f"    {name} phases (s): start-up {before:.2f}, in requests {inside:.2f}, "
                f"between {between:.2f}, exit {after:.2f}; modes {runs.modes()}"
            )
    return lines


def measure(
    kinds: list[str], n: int, repeat: int, sdk_resumable: bool = False
) -> list[ServerResult]:
    """Run the head to head on each kind; the in-memory servers at the same time.

    A round trip on the in-memory runtime waits for its queue, which looks for new runs every
    0.5 s, so those servers leave the machine idle most of the time: measured side by side
    (one thread each) they take the time of one. The PostgreSQL servers answer as fast as
    the machine allows, so each runs alone.
    """
    with tempfile.TemporaryDirectory(prefix="hil-bench-servers-") as tmp:
        root = Path(tmp)
        (root / "rules.toml").write_text(RULES, encoding="utf-8")
        together = [kind for kind in kinds if kind in IN_MEMORY]
        with ThreadPoolExecutor(max_workers=max(1, len(together))) as pool:
            futures = {
                kind: pool.submit(_bench_or_error, kind, n, repeat, root, sdk_resumable)
                for kind in together
            }
            results = {kind: future.result() for kind, future in futures.items()}
        for kind in kinds:
            if kind not in results:
                results[kind] = _bench_or_error(kind, n, repeat, root, sdk_resumable)
    return [results[kind] for kind in kinds]


def _bench_or_error(
    kind: str, n: int, repeat: int, root: Path, sdk_resumable: bool
) -> ServerResult:
    """`bench_server`, or a result saying why not: one server that cannot start (or a client
    that fails there) must not cost the figures of the others."""
    try:
        return bench_server(kind, n, repeat, root, sdk_resumable)
    except (Exception, SystemExit) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        print(f"  {kind}: not measured: {first}", flush=True)
        return ServerResult(kind, "", ClientRuns([], []), ClientRuns([], []), error=first)


def main() -> None:
    """Parse the options, measure, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("-n", type=int, default=DEFAULT_N, help="questions per run (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each client (median)")
    parser.add_argument(
        "--sdk-resumable",
        action="store_true",
        help="the SDK asks for resumable streams too (like for like with hil)",
    )
    args = parser.parse_args()
    os.environ.pop("PYTHONPATH", None)
    results = measure(args.kinds, args.n, args.repeat, args.sdk_resumable)
    if args.sdk_resumable:
        print("the SDK asks for resumable streams (stream_resumable=True), as hil does")
    print("\n".join(report(results, args.n, args.repeat)))


if __name__ == "__main__":
    main()
