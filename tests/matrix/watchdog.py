"""`python watchdog.py CMD...`: run CMD and take its whole process group down with our parent.

The launcher starts us as the leader of a new session with a pipe on our stdin that it never
writes to. When the launcher exits, however abruptly (even SIGKILL), the pipe closes and we
terminate the group, so no server, database or broker outlives the test session. Standard
library only: it runs under the test interpreter, whatever the server's venv holds.

`--user NAME` runs CMD as that user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import threading
import time


def _watch() -> None:
    sys.stdin.buffer.read()  # returns at EOF: the process that started us is gone
    os.killpg(os.getpgrp(), signal.SIGTERM)
    time.sleep(10)  # grace period before the hard kill, not synchronisation
    os.killpg(os.getpgrp(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    user = None
    if argv[:1] == ["--user"]:
        user, argv = argv[1], argv[2:]
    threading.Thread(target=_watch, name="matrix-watchdog", daemon=True).start()
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
    # Signals sent to the group reach the child directly; we only pass on its status.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
