"""Dropped connections, against the real server through a fault-injecting proxy.

A run of `many_events` is streamed by `hil run` while `tests/proxy.py` cuts the connection
at chosen and at random byte offsets (also cutting the rejoins); every time, the rendered
transcript and the `--json` output must equal those of the uncut run: no event lost, none
repeated. A body the server ends cleanly is the end of the stream: no other request follows.
The stream layer is also driven directly, with bursts of events that share ids on this
server and whose replay repeats some, cut at many points.
"""

from __future__ import annotations

import io
import json
import os
import re

import httpx
import pytest

from hilcli.cli import main
from hilcli.client import AgentClient
from hilcli.environment import Environment
from hilcli.events import StreamEvent
from tests.proxy import FaultProxy

RUN_INPUT = json.dumps({"count": 40, "delay": 0.005})
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")

#: Where to cut, as fractions of the uncut stream's length: single cuts spread over the head,
#: the first events, the middle and the end, and chains of cuts that also cut the rejoins.
CHOSEN_CUTS: list[list[float]] = [
    [f] for f in (0.04, 0.08, 0.12, 0.18, 0.25, 0.32, 0.4, 0.5, 0.6, 0.7, 0.8, 0.88, 0.95, 0.99)
] + [[0.2, 0.1], [0.5, 0.3, 0.1], [0.7, 0.05], [0.1, 0.1, 0.1, 0.1], [0.9, 0.6, 0.3]]


def _normalised(text: str) -> str:
    """The output with ids (thread, run, messages) numbered in order of appearance."""
    seen: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"<id{len(seen)}>")

    return UUID.sub(number, text)


def _hil_run(url: str, *extra: str, timeout: httpx.Timeout | None = None) -> tuple[int, str, str]:
    """`hil run` in this process, its stdout and stderr captured (plain: not a terminal),
    its client's timeouts `timeout` (hilcli.client.DEFAULT_TIMEOUT when None)."""
    args = ["run", "--url", url, "-a", "many_events", "--input-json", RUN_INPUT]
    args += ["--stream-mode", "custom", *extra]
    out, err = io.StringIO(), io.StringIO()
    env = Environment(
        stdin=io.StringIO(""), stdout=out, stderr=err, variables=dict(os.environ), timeout=timeout
    )
    with pytest.raises(SystemExit) as exited:
        main(args, env)
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def baseline(server_url: str) -> dict[str, str]:
    """Uncut outputs, text and JSON, through a proxy that only forwards."""
    outputs = {}
    with FaultProxy(server_url) as proxy:
        for mode, extra in (("text", ()), ("json", ("--json",))):
            code, out, err = _hil_run(proxy.url, *extra)
            assert code == 0, err
            assert "reconnecting" not in err
            outputs[mode] = _normalised(out)
    # Each run has one stream: the server ending the body is the end (no rejoin).
    assert len(proxy.stream_sizes) == 2
    assert proxy.streams_seen == 2
    outputs["size"] = str(proxy.stream_sizes[0])
    assert "Emitted 40 events." in outputs["text"]
    assert outputs["json"].count('"type": "custom"') == 40
    return outputs


def _check_cut(
    server_url: str, baseline: dict[str, str], fractions: list[float], *, clean: bool = False
) -> None:
    cuts = [int(f * int(baseline["size"])) for f in fractions]
    for mode, extra in (("text", ()), ("json", ("--json",))):
        if clean:
            proxy = FaultProxy(server_url, clean_cuts=cuts)
        else:
            proxy = FaultProxy(server_url, cuts=cuts)
        with proxy:
            code, out, err = _hil_run(proxy.url, *extra)
        assert code == 0, err
        assert proxy.cuts_made >= 1, "the proxy did not cut the stream"
        if not clean:
            assert "reconnecting" in err
        assert "Traceback" not in err
        assert _normalised(out) == baseline[mode], f"{mode} output differs after cuts {cuts}"


@pytest.mark.parametrize("cuts", CHOSEN_CUTS, ids=lambda cuts: "-".join(map(str, cuts)))
def test_chosen_cut_points_lose_and_repeat_nothing(
    server_url: str, baseline: dict[str, str], cuts: list[float]
) -> None:
    _check_cut(server_url, baseline, cuts)


@pytest.mark.parametrize("seed", range(4))
def test_random_cut_points_lose_and_repeat_nothing(
    server_url: str, baseline: dict[str, str], seed: int
) -> None:
    for mode, extra in (("text", ()), ("json", ("--json",))):
        size = int(baseline["size"])
        with FaultProxy(server_url, random_cuts=3, random_range=(1, size), seed=seed) as proxy:
            code, out, err = _hil_run(proxy.url, *extra)
        assert code == 0, err
        assert proxy.cuts_made >= 1
        assert _normalised(out) == baseline[mode]


def _stream(url: str, run_input: dict[str, object]) -> tuple[list[StreamEvent], str | None]:
    """A run of `many_events` read through `RunStream` (custom events asked for too)."""
    notices: list[str] = []
    with AgentClient(url) as client:
        thread = client.create_thread()["thread_id"]
        stream = client.stream_run(
            thread,
            "many_events",
            input=run_input,
            stream_mode=["updates", "values", "messages-tuple", "custom"],
            on_replay_gap=notices.append,
        )
        events = list(stream)
    assert notices == ([stream.replay_gap] if stream.replay_gap else [])
    return events, stream.replay_gap


def _customs(events: list[StreamEvent]) -> list[int]:
    return [e.data["i"] for e in events if e.mode == "custom"]


@pytest.mark.parametrize("cut", [0.1, 0.3, 0.6])
def test_a_clean_close_ends_the_stream_with_no_other_request(
    server_url: str, baseline: dict[str, str], cut: float
) -> None:
    """The body ends properly (here early, by the proxy): the server ended the response, so
    the stream ends too, having delivered a prefix of the run, with no rejoin after it.
    (While the stream is quiet after a `values` event, the end probe may read the run.)"""
    size = int(baseline["size"])
    with FaultProxy(server_url, clean_cuts=[int(cut * size)]) as proxy:
        events, gap = _stream(proxy.url, json.loads(RUN_INPUT))
    assert proxy.cuts_made == 1
    assert proxy.streams_seen == 1
    customs = _customs(events)
    assert customs == list(range(len(customs))) and len(customs) < 40
    assert gap is None


#: A burst: the in-memory server gives the events of one millisecond one id, and its replay
#: sends again the events written while it replays (tests/recorded/rejoin/README.md).
BURST = {"count": 1500, "delay": 0.0002}


@pytest.mark.parametrize("seed", range(3))
def test_a_burst_cut_anywhere_loses_and_repeats_nothing(server_url: str, seed: int) -> None:
    """Shared ids and replayed repeats on the real server: every event once, in order."""
    with FaultProxy(server_url, random_cuts=3, random_range=(2_000, 60_000), seed=seed) as proxy:
        events, gap = _stream(proxy.url, BURST)
    assert proxy.cuts_made >= 1
    assert _customs(events) == list(range(1500))
    assert gap is None
    final = [e for e in events if e.mode == "values"][-1]
    assert final.data["emitted"] == 1500


def test_attach_replays_the_whole_run_from_its_start(server_url: str) -> None:
    """A join from the start (`hil attach`) of a run that has ended gets all of it."""
    with AgentClient(server_url) as client:
        thread = client.create_thread()["thread_id"]
        modes = ["updates", "values", "messages-tuple", "custom"]
        run = client.stream_run(
            thread, "many_events", input={"count": 30, "delay": 0}, stream_mode=modes
        )
        first = list(run)
        assert run.run_id is not None
        joined = client.join_run(thread, run.run_id, stream_mode=modes)
        again = list(joined)
    assert _customs(first) == _customs(again) == list(range(30))
    assert [(e.mode, e.data) for e in again] == [(e.mode, e.data) for e in first]
    assert joined.replay_gap is None


def test_a_link_gone_silent_is_noticed_by_the_read_timeout_and_rejoined(
    server_url: str, baseline: dict[str, str]
) -> None:
    """No bytes at all, not even the 5 s heartbeats: the read timeout (60 s, here 1.5 s)
    gives up on the connection, and the stream is rejoined where it stopped."""
    timeout = httpx.Timeout(10.0, read=1.5)  # given to the client through the Environment
    stall = int(0.4 * int(baseline["size"]))
    for mode, extra in (("text", ()), ("json", ("--json",))):
        with FaultProxy(server_url, stalls=[stall]) as proxy:
            code, out, err = _hil_run(proxy.url, *extra, timeout=timeout)
        assert code == 0, err
        assert proxy.stalls_made == 1
        assert "reconnecting" in err
        assert _normalised(out) == baseline[mode]


def test_cut_before_the_answer_head_finds_the_run_by_its_tag(
    server_url: str, baseline: dict[str, str]
) -> None:
    """The request reached the server but no byte came back: the run is found and rejoined."""
    _check_cut(server_url, baseline, [0])


def test_gives_up_after_bounded_attempts_and_says_how_to_rejoin(server_url: str) -> None:
    with FaultProxy(server_url, cuts=[600] + [0] * 20) as proxy:
        code, out, err = _hil_run(proxy.url)
    assert code == 5
    assert "could not rejoin" in err
    assert "hil attach" in err
    assert "Traceback" not in err
    assert proxy.streams_seen == 1 + 5  # the first stream and MAX_RECONNECTS rejoins
