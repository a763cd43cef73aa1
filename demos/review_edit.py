"""Demo: the approval agent proposes an e-mail; you review the tool call and edit its arguments.

.venv/bin/python demos/review_edit.py [--pace SECONDS] [--url URL]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demos.typist import BACKSPACE, CLEAR_LINE, ESC_ENTER, Typist, main, spawn

REQUEST = "Please send the report to alice@example.com"
EDITED = ['{"to": "bob@example.com",', ' "subject": "Quarterly report",', ' "body": "Here it is."}']


def play(
    url: str, env: Mapping[str, str], pace: float = 0.0, watcher: TextIO | None = None
) -> Typist:
    """Ask for an e-mail, choose `edit`, retype the arguments, see the edited call run."""
    # No $EDITOR: the arguments are edited inline, as a person without one would.
    env = {k: v for k, v in env.items() if k not in ("EDITOR", "VISUAL")}
    typist = spawn(["chat", "--url", url, "-a", "approval"], env, pace=pace, watcher=watcher)
    typist.wait_for("you>")
    typist.enter(REQUEST)
    typist.wait_for("send_email")
    typist.wait_for(r"reject / respond\?")
    typist.pause(2)
    typist.enter("edit")
    typist.wait_for(r"arguments \(JSON")
    typist.pause()
    typist.keys((CLEAR_LINE + BACKSPACE) * 8 + CLEAR_LINE)  # erase the proposed arguments
    for number, line in enumerate(EDITED):
        typist.type(line)
        if number < len(EDITED) - 1:
            typist.keys("\r")  # a new line inside the multi-line answer
    typist.pause()
    typist.keys(ESC_ENTER)
    typist.wait_for(r"Email sent to bob@example\.com")
    typist.wait_for("you>")
    typist.pause(3)
    status = typist.leave()
    assert status == 0, f"hil chat exited {status}"
    return typist


if __name__ == "__main__":
    main(play, __doc__.splitlines()[0])
