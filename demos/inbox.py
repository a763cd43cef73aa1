"""Demo: a run waits for approval; you find it in `hil inbox`, approve it, watch it finish.

.venv/bin/python demos/inbox.py [--pace SECONDS] [--url URL]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from typing import TextIO

if __package__ in (None, ""):
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pexpect

from demos.typist import Typist, main, spawn

REQUEST = "Send the minutes to carol@example.com"


def start_waiting_run(url: str, env: Mapping[str, str]) -> str:
    """Start a run that stops for a tool-call review (`hil run` exits 3); its thread id."""
    done = subprocess.run(
        [sys.executable, "-m", "hilcli", "run", REQUEST, "-a", "approval", "--url", url, "--json"],
        env=dict(env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, f"hil run exited {done.returncode}: {done.stderr}"
    result = json.loads(done.stdout.splitlines()[-1])
    thread_id: str = result["thread_id"]
    return thread_id


def play(
    url: str, env: Mapping[str, str], pace: float = 0.0, watcher: TextIO | None = None
) -> Typist:
    """Open the inbox, pick the waiting thread, approve its e-mail, leave."""
    thread_id = start_waiting_run(url, env)
    if watcher is not None:
        watcher.write(f"A run waits for a review on thread {thread_id}.\n")
    typist = spawn(["inbox", "--url", url, "-a", "approval"], env, pace=pace, watcher=watcher)
    typist.wait_for("inbox>")
    row = re.search(rf"^\s*(\d+)\s+{re.escape(thread_id)}", typist.screen, re.M)
    assert row is not None, f"thread {thread_id} is not in the inbox:\n{typist.screen}"
    typist.pause(2)
    typist.enter(row.group(1))
    typist.wait_for(re.escape(REQUEST))
    typist.wait_for(r"reject / respond\?")
    typist.pause(2)
    typist.enter("a")  # the first letter of a choice picks it: approve
    typist.wait_for(r"Email sent to carol@example\.com")
    typist.wait_for(rf"thread {re.escape(thread_id)} finished")
    # On a fresh demo server nothing else waits and the inbox closes; otherwise leave it.
    if typist.wait_for(r"Nothing waits for input|inbox>") == "inbox>":
        typist.pause(2)
        typist.enter("q")
    typist.child.expect(pexpect.EOF, timeout=30)
    typist.child.close()
    assert typist.child.exitstatus == 0, f"hil inbox exited {typist.child.exitstatus}"
    return typist


if __name__ == "__main__":
    main(play, __doc__.splitlines()[0])
