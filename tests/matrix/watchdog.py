"""`python watchdog.py CMD...`: run CMD and take its whole process group down with our parent.

The launcher starts us as the leader of a new session with a pipe on our stdin that it never
writes to. When the launcher exits, however abruptly (even SIGKILL), the pipe closes and we
terminate the group, so no server, database or broker outlives the test session. Standard
library only: it runs under the test interpreter, whatever the server's venv holds.

`--user NAME` runs CMD as that user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import subprocess
import sys
import threading

GRACE = 10.0
"""Seconds CMD has to stop after SIGTERM before the group is killed."""


def _watch(child: subprocess.Popen[bytes]) -> None:
    sys.stdin.buffer.read()  # returns at EOF: the process that started us is gone
    os.killpg(os.getpgrp(), signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=GRACE)
    os.killpg(os.getpgrp(), signal.SIGKILL)  # whatever CMD left behind, and ourselves


def main(argv: list[str]) -> int:
    user = None
    if argv[:1] == ["--user"]:
        user, argv = argv[1], argv[2:]
    if user is None:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    else:
        account = pwd.getpwnam(user)
        child = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            user=account.pw_uid,
            group=account.pw_gid,
            extra_groups=[],
        )
    threading.Thread(target=_watch, args=(child,), name="matrix-watchdog", daemon=True).start()
    # Signals sent to the group reach the child directly; we only pass on its status.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
