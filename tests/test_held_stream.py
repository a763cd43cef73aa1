"""A stream that stays open after its run has ended, against the real server.

langgraph-api 0.11.1 on PostgreSQL + Redis holds about one resumable stream in five open for
half a second after the run's last event (bench/README.md, "Where the misses come from").
Here `tests/proxy.py` does the same on purpose, for ever: it forwards every event of the
stream but holds back the end of the body. `hil` must notice that the run has ended (it
reads the run after a quiet `values` event), rejoin it from its last event id, and go on
with every event exactly once: the question asked, the answer's reply shown, no
"reconnecting", no hang. The proxy's lifetime bounds a test whose client would wait for ever.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout

import pytest

from hilcli.cli import main
from hilcli.client import AgentClient
from hilcli.events import StreamEvent
from tests.proxy import FaultProxy

RUN_READ = re.compile(rb"GET /threads/[^/ ]+/runs/[^/ ?]+ ")
JOIN = re.compile(rb"GET /threads/[^/ ]+/runs/[^/ ?]+/stream")
LIFETIME = 30.0
"""Seconds after which the proxy closes everything (a client that waits for ever fails)."""


def _hil(*args: str) -> tuple[int, str, str]:
    """`hil ARGS` in this process, stdout and stderr captured (plain: not a terminal)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exited:
        main(list(args))
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out.getvalue(), err.getvalue()


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_run_and_resume_go_on_when_the_server_holds_the_stream_open(server_url: str) -> None:
    with FaultProxy(server_url, held_ends=1, lifetime=LIFETIME) as proxy:
        code, out, err = _hil("run", "--url", proxy.url, "-a", "ask", "--json", "hi")
        assert proxy.ends_held == 1
        joins = [line for line in proxy.requests if JOIN.match(line)]
        reads = [line for line in proxy.requests if RUN_READ.match(line)]
    assert code == 3, err
    assert "reconnecting" not in err and "Traceback" not in err
    assert len(reads) >= 1 and len(joins) == 1  # the run was read, then rejoined once
    events = _lines(out)
    result = events[-1]
    assert result["type"] == "result" and result["status"] == "interrupted"
    interrupts = result["interrupts"]
    assert isinstance(interrupts, list)
    assert [i["value"] for i in interrupts] == ["What is your name?"]
    assert [e["type"] for e in events].count("values") == _values_in_replay(server_url, result)
    thread_id = str(result["thread_id"])

    with FaultProxy(server_url, held_ends=1, lifetime=LIFETIME) as proxy:
        code, out, err = _hil("resume", "--url", proxy.url, thread_id, "--value", "Ada", "--json")
        assert proxy.ends_held == 1
    assert code == 0, err
    assert "reconnecting" not in err
    events = _lines(out)
    assert events[-1]["status"] == "done"
    assert [e["type"] for e in events].count("values") == _values_in_replay(server_url, events[-1])
    final = events[-1]["values"]
    assert isinstance(final, dict) and final["messages"][-1]["content"] == (
        "Hello, Ada! Nice to meet you."
    )


def _values_in_replay(server_url: str, result: dict[str, object]) -> int:
    """How many `values` events the run's own replay has (the count hil must have shown)."""
    with AgentClient(server_url) as direct:
        joined = direct.join_run(str(result["thread_id"]), str(result["run_id"]))
        return sum(1 for e in joined if e.mode == "values")


def test_every_event_of_a_held_stream_comes_once_and_in_order(server_url: str) -> None:
    """The events read through the held stream and its rejoin equal the run's own replay."""
    with AgentClient(server_url) as direct:
        thread_id = direct.create_thread()["thread_id"]
    with FaultProxy(server_url, held_ends=1, lifetime=LIFETIME) as proxy:
        with AgentClient(proxy.url) as client:
            stream = client.stream_run(thread_id, "parallel", input={"messages": []})
            held = list(stream)
        assert proxy.ends_held == 1
    assert stream.replay_gap is None
    assert stream.run_id is not None
    with AgentClient(server_url) as direct:
        replayed = list(direct.join_run(thread_id, stream.run_id))

    def seen(events: list[StreamEvent]) -> list[tuple[str, tuple[str, ...], object]]:
        return [(e.mode, e.ns, e.data) for e in events if e.mode != "metadata"]

    assert any(e.mode == "values" for e in held)
    assert seen(held) == seen(replayed)
