"""Demo: the booking agent asks for a typed form; you fill it in field by field.

.venv/bin/python demos/form.py [--pace SECONDS] [--url URL]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demos.typist import CLEAR_LINE, Typist, main, spawn


def play(
    url: str, env: Mapping[str, str], pace: float = 0.0, watcher: TextIO | None = None
) -> Typist:
    """Ask for a room, fill in the form (one bad value, corrected), see the booking."""
    typist = spawn(["chat", "--url", url, "-a", "form"], env, pace=pace, watcher=watcher)
    typist.wait_for("you>")
    typist.enter("I would like to book a room")
    typist.wait_for(r"Please fill in your booking details\.")
    typist.wait_for(r"name \(")
    typist.enter("Ada Lovelace")
    typist.wait_for(r"nights \(")
    typist.enter("0")  # a person's slip: the form says why and asks again
    typist.wait_for(r"nights \(")
    typist.pause()
    typist.keys(CLEAR_LINE)  # the refused value is offered for editing: erase it
    typist.enter("3")
    typist.wait_for(r"breakfast \(")
    typist.enter("y")
    typist.wait_for(r"room \(")
    typist.enter("suite")
    typist.wait_for(r"Booked a suite room for Ada Lovelace, 3 nights, with breakfast\.")
    typist.wait_for("you>")
    typist.pause(3)
    status = typist.leave()
    assert status == 0, f"hil chat exited {status}"
    return typist


if __name__ == "__main__":
    main(play, __doc__.splitlines()[0])
