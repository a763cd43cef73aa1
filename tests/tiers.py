"""Run the test tiers and say how long each took: `python tests/tiers.py fast|all [PYTEST ARGS]`.

* `fast` (`make test-fast`): the in-process tier, tests/inprocess (no server, no subprocess;
  its conftest enforces that).
* `all` (`make test`): the in-process tier, then the server tier: everything else, the
  server matrix included, on 4 xdist workers that share one server per kind
  (tests/shared_server.py). The server tier runs only if the in-process tier passed: it
  takes minutes, and a failure in the fast tier is cheaper to read alone.

At the end, one line per tier that ran, e.g. `in-process tier: 12.3 s, 396 tests, passed`;
the exit status is pytest's first failing one (0 if every tier passed).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INPROCESS = "tests/inprocess"

TIERS: dict[str, list[str]] = {
    # One process: on 2 cores, two xdist workers each pay ~3.5 s of CPU to start (imports and
    # collection), which ate the gain (measured at load 4-5: 19-22 s alone, 21-41 s with -n 2).
    "in-process": [INPROCESS],
    "server": ["-n", "4", "--dist", "loadgroup", "tests", f"--ignore={INPROCESS}"],
}
PLANS = {"fast": ["in-process"], "all": ["in-process", "server"]}


@dataclass
class Outcome:
    tier: str
    seconds: float
    status: int
    tests: int | None

    def line(self) -> str:
        verdict = "passed" if self.status == 0 else f"FAILED (pytest exit {self.status})"
        count = "? tests" if self.tests is None else f"{self.tests} tests"
        return f"{self.tier} tier: {self.seconds:.1f} s, {count}, {verdict}"


def _count(junit: Path) -> int | None:
    """How many tests ran, from pytest's JUnit XML report (None if it wrote none)."""
    try:
        root = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return sum(int(suite.get("tests", "0")) for suite in suites)


def run_tier(tier: str, extra: list[str]) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="hil-tier-") as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", *TIERS[tier], f"--junitxml={junit}"]
        print(f"== {tier} tier: {' '.join(command[1:-1] + extra)}", flush=True)
        began = time.monotonic()
        status = subprocess.call([*command, *extra], cwd=REPO_ROOT)
        seconds = time.monotonic() - began
        return Outcome(tier, seconds, status, _count(junit))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in PLANS:
        print(f"usage: tests/tiers.py {{{'|'.join(PLANS)}}} [PYTEST ARGS]", file=sys.stderr)
        return 2
    # Ctrl-C reaches pytest directly (same process group) and pytest stops its servers; we
    # only wait for it. A handler, not SIG_IGN: pytest must not inherit an ignored SIGINT.
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    outcomes: list[Outcome] = []
    for tier in PLANS[argv[0]]:
        outcomes.append(run_tier(tier, argv[1:]))
        if outcomes[-1].status != 0:
            break
    print()
    for outcome in outcomes:
        print(outcome.line())
    return next((o.status for o in outcomes if o.status != 0), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
