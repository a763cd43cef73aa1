"""`RunStream` rejoins fed with bytes recorded from three real servers (tests/recorded/rejoin,
made by tests/record_rejoin.py): the in-memory runtime (`langgraph dev`), langhost
(langgraph-api on Postgres + Redis) and Aegra.

Each recording is a run of `many_events` (`{"i": 0}` ... `{"i": N-1}`, then the final state)
cut after some events and rejoined with `Last-Event-ID`, exactly as the client does; the
server's answer is served back here through httpx's mock transport. A server that replays
exactly must give every event once, in order; one that does not must be reported
(`RunStream.replay_gap`), never silently short.

The same behaviours are proven against the real servers: tests/test_reconnect.py and
tests/test_held_stream.py cut or hold `langgraph dev`'s streams through a fault proxy, and
tests/test_matrix.py cuts a 120-event run mid-stream on all five servers of the matrix (and
holds a stream open on the two whose joins replay).

Live counterparts:
- every event once and in order after a cut (in-memory, langhost):
  tests/test_reconnect.py::test_chosen_cut_points_lose_and_repeat_nothing,
  ::test_random_cut_points_lose_and_repeat_nothing,
  ::test_a_burst_cut_anywhere_loses_and_repeats_nothing,
  tests/test_matrix.py::test_a_stream_cut_mid_run_is_rejoined_with_nothing_lost_or_repeated;
- Aegra's rejoin reported as not replayed, nothing repeated or out of order: the same matrix
  test on `aegra` (REPLAY_GAP_NOTICE, numbers sorted and unique);
- a join from the start replays the whole run:
  tests/test_reconnect.py::test_attach_replays_the_whole_run_from_its_start,
  tests/test_matrix.py::test_detach_then_attach_shows_the_final_message;
- a held stream: tests/test_held_stream.py,
  tests/test_matrix.py::test_a_stream_left_open_after_the_run_ended_does_not_hang.
No live proof: Aegra's join of an ended run and its join of a running one (`replays=False`:
the notice before any event) are not asserted against a live Aegra.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import hilcli.client.stream as stream_module
from hilcli.client import REPLAY_GAP_NOTICE, AgentClient, RunStream
from hilcli.events import StreamEvent
from tests.support import RECORDED_DIR

REJOIN_DIR = RECORDED_DIR / "rejoin"
INDEX: dict[str, Any] = json.loads((REJOIN_DIR / "index.json").read_text(encoding="utf-8"))
MODES = ["updates", "values", "messages-tuple", "custom"]
SSE = {"content-type": "text/event-stream; charset=utf-8"}


class _CutBody(httpx.SyncByteStream):
    """The recorded bytes of a first connection, then the connection drops."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self.data
        raise httpx.RemoteProtocolError("peer closed connection (recorded cut)")


class Replay:
    """Serves a recorded first connection (cut) and the recorded answer to each join."""

    def __init__(self, first: bytes | None, joins: list[bytes]) -> None:
        self.first = first
        self.joins = list(joins)
        self.last_event_ids: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            assert self.first is not None
            return httpx.Response(200, headers=SSE, stream=_CutBody(self.first))
        if not request.url.path.endswith("/stream"):
            # The stream's end probe (`GET .../runs/{id}`) may read the run when the consumer
            # is slow: that answer was not recorded, so no server answer is made up for it.
            # The probe takes a failed read as "the run goes on" and leaves the stream alone.
            raise httpx.ConnectError(f"not recorded: {request.method} {request.url.path}")
        self.last_event_ids.append(request.headers.get("last-event-id"))
        return httpx.Response(200, headers=SSE, content=self.joins.pop(0))


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_module, "backoff_delay", lambda attempt: 0.0)


def recording(label: str, part: str) -> bytes:
    return (REJOIN_DIR / f"{label}_{part}.sse").read_bytes()


def run(
    replay: Replay, *, run_id: str | None = None, replays: bool = True
) -> tuple[list[StreamEvent], RunStream, list[str]]:
    """All events of the stream, the stream, and what `on_replay_gap` heard."""
    heard: list[str] = []
    with AgentClient("http://recorded.invalid", transport=httpx.MockTransport(replay)) as client:
        if run_id is None:
            stream = client.stream_run(
                "thread", "many_events", stream_mode=MODES, on_replay_gap=heard.append
            )
        else:
            stream = client.join_run(
                "thread", run_id, stream_mode=MODES, on_replay_gap=heard.append, replays=replays
            )
        return list(stream), stream, heard


def customs(events: list[StreamEvent]) -> list[int]:
    return [event.data["i"] for event in events if event.mode == "custom"]


def count(label: str, scenario: str) -> int:
    run_input = INDEX[label][scenario].get("input") or INDEX[label]["input"]
    return int(run_input["count"])


@pytest.mark.parametrize("label", ["inmem", "langhost"])
@pytest.mark.parametrize("scenario", ["drop", "values", "burst"])
def test_servers_that_replay_give_every_event_once_in_order(label: str, scenario: str) -> None:
    replay = Replay(recording(label, f"{scenario}_first"), [recording(label, f"{scenario}_rejoin")])
    events, stream, heard = run(replay)
    # The rejoin asked for what the recording asked for: the id before the last one.
    assert replay.last_event_ids == [INDEX[label][scenario]["last_event_id"]]
    assert customs(events) == list(range(count(label, scenario)))
    assert stream.replay_gap is None and heard == []
    assert [e.mode for e in events].count("metadata") == 1
    assert [e.mode for e in events].count("values") == 2  # the input, then the final state
    assert events[-1].mode == "values"
    assert events[-1].data["emitted"] == count(label, scenario)


def test_the_in_memory_replay_repeats_and_shared_ids_are_all_recognised() -> None:
    """What the burst recording holds: ids shared by several events, a cut inside such a
    group, and events the server sent twice during its replay."""
    first, rejoin = recording("inmem", "burst_first"), recording("inmem", "burst_rejoin")
    ids = [line for line in rejoin.splitlines() if line.startswith(b"id: ")]
    assert len(ids) > len(set(ids))  # several events share an id
    body = [chunk for chunk in rejoin.split(b"\r\n\r\n") if b"event: custom" in chunk]
    assert len(body) > len(set(body))  # the very same event (id and data) came twice
    last_ids = [line for line in first.splitlines() if line.startswith(b"id: ")][-2:]
    assert last_ids[0] == last_ids[1]  # the cut came after a group of one id


@pytest.mark.parametrize("scenario", ["drop", "burst"])
def test_aegra_rejoin_is_reported_as_not_replayed(scenario: str) -> None:
    """Aegra does not send the last delivered event again (it stores no `custom` events and
    its live queue lost what the dropped connection had taken): the stream says so."""
    replay = Replay(
        recording("aegra", f"{scenario}_first"), [recording("aegra", f"{scenario}_rejoin")]
    )
    events, stream, heard = run(replay)
    assert replay.last_event_ids == [INDEX["aegra"][scenario]["last_event_id"]]
    assert stream.replay_gap == REPLAY_GAP_NOTICE and heard == [REPLAY_GAP_NOTICE]
    got = customs(events)
    assert got == sorted(set(got))  # nothing repeated, nothing out of order
    assert events[-1].mode == "values" and events[-1].data["emitted"] == count("aegra", scenario)
    if scenario == "burst":
        assert 500 not in got  # the event the server lost, which the notice covers
        assert got == [i for i in range(count("aegra", scenario)) if i != 500]


def test_aegra_copy_of_the_last_event_is_not_delivered_twice() -> None:
    """Cut right after a `values` event: Aegra sends it again from its store, its keys
    reordered by Postgres. It is still that event (same id), so it is not shown twice,
    and since the copy differs the replay is reported as not exact."""
    first, rejoin = recording("aegra", "values_first"), recording("aegra", "values_rejoin")
    assert b'data: {"messages":[],"count":60,"delay":0.02}' in first
    assert b'data: {"count":60,"delay":0.02,"messages":[]}' in rejoin
    replay = Replay(first, [rejoin])
    events, stream, heard = run(replay)
    assert replay.last_event_ids == [INDEX["aegra"]["values"]["last_event_id"]]
    values = [e.data for e in events if e.mode == "values"]
    assert len(values) == 2 and values[0] == {"messages": [], "count": 60, "delay": 0.02}
    assert customs(events) == list(range(60))
    assert stream.replay_gap == REPLAY_GAP_NOTICE and heard == [REPLAY_GAP_NOTICE]


def test_aegra_ids_are_not_ordered_as_text() -> None:
    """`..._event_10` after `..._event_9`: every event of the first connection is kept."""
    replay = Replay(recording("aegra", "burst_first"), [recording("aegra", "burst_rejoin")])
    events, _, _ = run(replay)
    assert customs(events)[:500] == list(range(500))


@pytest.mark.parametrize("label", ["inmem", "langhost"])
@pytest.mark.parametrize("part", ["attach_join", "finished_join"])
def test_a_join_from_the_start_replays_the_whole_run(label: str, part: str) -> None:
    run_id = INDEX[label]["attach" if part == "attach_join" else "drop"]["run_id"]
    replay = Replay(None, [recording(label, part)])
    events, stream, heard = run(replay, run_id=run_id)
    assert replay.last_event_ids == ["-1"]
    assert customs(events) == list(range(60))
    assert stream.replay_gap is None and heard == []
    assert events[0].mode == "metadata" and events[0].data["run_id"] == run_id


def test_aegra_join_of_an_ended_run_is_reported_as_not_replayed() -> None:
    """Aegra answers a join of a run that has ended with a lone `end` event."""
    replay = Replay(None, [recording("aegra", "finished_join")])
    events, stream, heard = run(replay, run_id=INDEX["aegra"]["drop"]["run_id"])
    assert [e.mode for e in events] == ["metadata"]  # rebuilt from the run id
    assert stream.replay_gap == REPLAY_GAP_NOTICE and heard == [REPLAY_GAP_NOTICE]


def test_a_join_of_a_server_known_not_to_replay_is_reported_at_once() -> None:
    """Aegra's join from the start of a running run gives its stored `values` event and then
    live events only: nothing in the bytes tells it apart from a whole replay, so the
    caller that knows the server (`replays=False`) gets the notice before any event."""
    replay = Replay(None, [recording("aegra", "attach_join")])
    heard_before_events: list[bool] = []
    with AgentClient("http://recorded.invalid", transport=httpx.MockTransport(replay)) as client:
        stream = client.join_run(
            "thread",
            INDEX["aegra"]["attach"]["run_id"],
            stream_mode=MODES,
            on_replay_gap=lambda notice: heard_before_events.append(True),
            replays=False,
        )
        events = []
        for event in stream:
            assert heard_before_events == [True]
            events.append(event)
    assert stream.replay_gap == REPLAY_GAP_NOTICE
    assert customs(events) == list(range(20, 60))  # what Aegra sends: no repeats added
