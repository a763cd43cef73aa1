"""Demo: the weather agent asks where you are, you answer, it looks the weather up.

.venv/bin/python demos/weather.py [--pace SECONDS] [--url URL]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demos.typist import Typist, main, spawn

PROMPT = "Ask the user where they are, then look up the weather there"


def play(
    url: str, env: Mapping[str, str], pace: float = 0.0, watcher: TextIO | None = None
) -> Typist:
    """Ask for the weather, answer the agent's question, read the forecast, leave."""
    typist = spawn(["chat", "--url", url, "-a", "agent"], env, pace=pace, watcher=watcher)
    typist.wait_for("you>")
    typist.enter(PROMPT)
    typist.wait_for(r"Where are you located\?")
    typist.wait_for("answer>")
    typist.enter("san francisco")
    typist.wait_for(r"sunny in San Francisco")
    typist.wait_for("you>")
    typist.pause(3)
    status = typist.leave()
    assert status == 0, f"hil chat exited {status}"
    return typist


if __name__ == "__main__":
    main(play, __doc__.splitlines()[0])
