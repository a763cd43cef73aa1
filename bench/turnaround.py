"""Client turnaround per round trip, measured in-process: hil's session loop and the SDK loop.

The turnaround is the time from the end of one run's stream (the last event read and the
connection closed) to the moment the client starts the next run with the answer: everything
the client does in between (reading the thread's state, matching the rules, building the
resume value). On `langgraph dev` the wall-clock time of a round trip is dominated by the
in-memory queue, which looks for new runs every 0.5 s, so this is the latency hil adds.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from typing import Any

from langgraph_sdk import get_sync_client

from hilcli.client import AgentClient
from hilcli.frontend import Frontend
from hilcli.prepared.choosing import AnswerSheet
from hilcli.prepared.rules import parse_rules
from hilcli.prepared.terminal import RuleAnsweringTerminal
from hilcli.render.display import RichDisplay, make_console
from hilcli.session import Session

STREAM_MODES = ["updates", "values", "messages-tuple"]


class Stopwatch:
    """Times the gaps between the end of one stream and the start of the next."""

    def __init__(self) -> None:
        self.ended: float | None = None
        self.gaps: list[float] = []

    def starting(self) -> None:
        """A new run is being sent."""
        if self.ended is not None:
            self.gaps.append(time.perf_counter() - self.ended)
            self.ended = None

    def through(self, events: Any) -> Iterator[Any]:
        """Yield `events`; note the time when they are exhausted."""
        yield from events
        self.ended = time.perf_counter()

    def median_ms(self) -> float:
        """The median gap in milliseconds."""
        return statistics.median(self.gaps) * 1000 if self.gaps else float("nan")


class _TimedStream:
    """A `RunStream` whose end is noted by a stopwatch (everything else passes through)."""

    def __init__(self, stream: Any, watch: Stopwatch) -> None:
        self._stream = stream
        self._watch = watch

    def __iter__(self) -> Iterator[Any]:
        return self._watch.through(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def hil_turnaround(url: str, n: int, rules: str) -> Stopwatch:
    """`hil run --answers` in-process: the session loop with the rules, text output."""
    watch = Stopwatch()
    client = AgentClient(url)
    original = client.stream_run

    def timed_stream_run(*args: Any, **kwargs: Any) -> Any:
        watch.starting()
        return _TimedStream(original(*args, **kwargs), watch)

    client.stream_run = timed_stream_run  # type: ignore[method-assign]
    with open(os.devnull, "w", encoding="utf-8") as sink:
        display = RichDisplay(make_console(sink, plain=True), make_console(sink, plain=True))
        terminal = RuleAnsweringTerminal(Frontend(display, None), AnswerSheet(parse_rules(rules)))
        session = Session(client, "loop", terminal, stream_modes=STREAM_MODES)
        with client:
            outcome = session.converse(session.run(input={"n": n}))
    assert outcome.status == "done", outcome.status
    assert terminal.answered == n, terminal.answered
    return watch


def sdk_turnaround(url: str, n: int) -> Stopwatch:
    """The bench/sdk_loop.py loop in-process."""
    watch = Stopwatch()
    client = get_sync_client(url=url, api_key=None)
    thread_id = client.threads.create()["thread_id"]
    body: dict[str, Any] = {"input": {"n": n}}
    answered = 0
    while True:
        watch.starting()
        pending: list[str] = []
        parts = client.runs.stream(thread_id, "loop", stream_mode=["values", "updates"], **body)
        for part in watch.through(parts):
            if part.event == "updates" and isinstance(part.data, dict):
                pending += [item["id"] for item in part.data.get("__interrupt__", [])]
        if not pending:
            break
        body = {"command": {"resume": dict.fromkeys(pending, "ok")}}
        answered += len(pending)
    assert answered == n, answered
    return watch
