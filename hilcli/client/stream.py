"""One run's event stream: server-sent events read with httpx-sse, typed, never repeated,
and rejoined where they stopped when the connection drops (protocol.md, sections 2 and 4).

Event ids are opaque: they are only ever compared for equality. How the servers replay a
run on a rejoin (`GET .../runs/{run_id}/stream` with `Last-Event-ID`), from their sources
and from recordings (tests/recorded/rejoin/):

- langgraph-api on the in-memory runtime stamps events `<ms>-0`, so events of one
  millisecond share an id, and replays the stored events whose id is *greater* than
  `Last-Event-ID`; `-1` replays them all, no header replays nothing. It subscribes before
  it replays, so events written during the replay can come a second time, after it.
- langgraph-api on Postgres + Redis (langhost) gives unique ids, replays those after
  `Last-Event-ID` (`-1` or none: all) and drops its own repeats.
- Aegra gives unique ids, replays only the events it stored (not `custom` ones, and with
  their JSON rewritten by Postgres), then whatever its one live queue still holds; a run
  that has ended replays as a lone `end` event.

So a rejoin asks for the events after the id *before* the last one delivered (`-1` when
there is none): a server that replays exactly sends the last delivered group of events
(those sharing the last id) again, byte for byte, and only then new ones. Anything else
means the part of the run that was missed may be lost, and the stream says so
(`RunStream.replay_gap`) so the caller can show the final state from `/state` instead.
"""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource, ServerSentEvent

from hilcli.client.failures import reason
from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.errors import HilError, ProtocolError, RunLost, ServerError, ServerUnreachable
from hilcli.events import EventParser, StreamEvent, parse_event

_log = logging.getLogger("hilcli.protocol")

#: How many times in a row a dropped stream is rejoined before giving up.
MAX_RECONNECTS = 5

#: The one-line notice of a join that could not return what was missed.
REPLAY_GAP_NOTICE = (
    "This server cannot replay the part of the run that was missed; showing the final state."
)

#: Event names of the classic run stream (protocol.md, section 2); others are ignored.
KNOWN_MODES = frozenset(
    {
        "metadata",
        "values",
        "updates",
        "messages",
        "messages/partial",
        "messages/complete",
        "messages/metadata",
        "custom",
        "tasks",
        "checkpoints",
        "debug",
        "events",
        "feedback",
        "error",
        "end",
    }
)

#: How many ids of earlier groups a connection remembers to recognise a repeat. The repeats
#: servers send come soon after the originals (the in-memory runtime's come after its
#: replay: 176 events later in tests/recorded/rejoin/inmem_burst_rejoin.sse); a bound
#: keeps a long stream's memory flat.
RECENT_IDS = 4096

Key = tuple[str, str]
"""What tells two events with one id apart: their name and data, as sent."""

#: How long a stream may stay quiet after a `values` event (the last event of every run)
#: before `_EndProbe` asks whether its run has ended. Short, because a held stream costs
#: this much; a probe of a run that goes on costs one small request per quiet spell.
END_PROBE_AFTER = 0.02
#: The longest quiet waited for: each probe that finds the run going on doubles the wait
#: (a run of many steps, or a slow server, is not read at every step), up to this.
END_PROBE_MAX = 0.16

#: Run statuses after which the server has written every event of the run.
_RUN_OVER = frozenset({"success", "error", "interrupted", "timeout"})


class _EndProbe:
    """Ends a connection that stays open after its run has ended, so it can be rejoined.

    langgraph-api 0.11.1 on PostgreSQL + Redis (langhost) holds about one resumable stream
    in five open for 0.5 s after the run's last event: its `done` message and the last
    event's Redis id can be equal, and its duplicate filter drops the `done` (bench/README.md,
    "Where the misses come from"). A person would wait half a second at every question.

    After an event that may be a run's last (`_may_be_last`: a `values` event, which ends every
    step, an `error`, an interrupt), a quiet
    of `END_PROBE_AFTER` (doubled by each probe that finds the run going on, up to
    `END_PROBE_MAX`) makes a background thread read the run (`GET .../runs/{run_id}`).
    A run that has ended has written all its events, so the connection is shut down and
    `RunStream` rejoins it from the last event id: an exact, checked replay of anything
    still in flight, which a finished run answers at once. A run that goes on is left
    alone until the next such event. Only used where joins replay and events carry ids: a
    server that cannot replay (Aegra, whose `end` event comes well after the last one) would
    have every stream it is slow to close reported as missing events.
    """

    def __init__(
        self,
        read_status: Callable[[], str | None],
        response: httpx.Response,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._read_status = read_status
        self._response = response
        self._clock = clock
        self._cond = threading.Condition()
        self._armed_at: float | None = None
        self._quiet = END_PROBE_AFTER
        self._stopped = False
        self.events = 0
        """Events seen on the connection; a probe that saw a later one stands down."""
        self.fired = False
        """True once the probe found the run over and shut the connection down."""
        self._thread: threading.Thread | None = None

    def saw(self, event: StreamEvent) -> None:
        """Called after every event delivered on the connection, when the consumer asks for
        the next one (cheap: no lock unless the event could be the run's last)."""
        self.events += 1
        if not _may_be_last(event):
            self._armed_at = None
            return
        with self._cond:
            self._armed_at = self._clock.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="hil-end-probe", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _watch(self) -> None:
        with self._cond:
            while not self._stopped:
                armed = self._armed_at
                if armed is None:
                    self._cond.wait()
                    continue
                remaining = armed + self._quiet - self._clock.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._armed_at = None
                seen = self.events
                self._cond.release()
                try:
                    over = self._read_status() in _RUN_OVER
                except Exception as exc:  # a probe must never break the stream it watches
                    _log.debug("the end probe failed: %r", exc)
                    over = False
                finally:
                    self._cond.acquire()
                if not over:
                    self._quiet = min(self._quiet * 2, END_PROBE_MAX)
                elif seen == self.events and not self._stopped:
                    self.fired = True
                    _log.debug("the run has ended but its stream stayed open: rejoining")
                    _shut_down(self._response)
                    return


def _may_be_last(event: StreamEvent) -> bool:
    """Whether a run's stream can end after `event`: a `values` event (every run ends with
    one), an `error`, or an interrupt reported in `updates` (the older generations end
    there, with no `values` after it)."""
    mode = event.mode
    if mode in ("values", "error"):
        return True
    return mode == "updates" and isinstance(event.data, Mapping) and "__interrupt__" in event.data


def _shut_down(response: httpx.Response) -> None:
    """Wake a read blocked on `response` from another thread (closing does not, on Linux)."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    else:
        response.close()


@dataclass
class StreamCursor:
    """How far the stream was delivered: the last group of events sharing an id.

    `group` holds the (name, data) of the events delivered with `last_id`, in order: one on
    servers with unique ids, those of one millisecond on the in-memory runtime.
    """

    last_id: str | None = None
    prev_id: str | None = None
    group: list[Key] = field(default_factory=list)

    def rejoin_from(self) -> str:
        """The `Last-Event-ID` to send on a rejoin: the id before the last one, so the
        last group comes again and proves the replay joins up (`-1`: from the start)."""
        return self.prev_id or "-1"

    def delivered(self, event_id: str, key: Key) -> None:
        """Record an event handed to the consumer."""
        if event_id == self.last_id:
            self.group.append(key)
        else:
            self.prev_id, self.last_id, self.group = self.last_id, event_id, [key]


class _Connection:
    """The repeat filter of one connection of a stream; ids are compared for equality only.

    - A rejoin (`rejoined` with events delivered) must first send the cursor's last group
      again, in order and byte for byte; those are skipped. Any other start means the
      server did not replay from where it was asked: `gap` is set (events with the last id
      are still taken as that group's, up to its length).
    - A join from the start (`rejoined`, nothing delivered) that ends without one numbered
      event, or that sends unnumbered ones, replayed nothing it could vouch for: `gap`.
    - An event whose id belongs to an earlier group of this connection is a repeat (the
      in-memory runtime's replay overlap, Aegra's stored-then-live copies). On a rejoined
      connection, an event equal to one already delivered in the current group is too.
    """

    def __init__(self, cursor: StreamCursor, rejoined: bool) -> None:
        self.cursor = cursor
        self.rejoined = rejoined
        self.expect: list[Key] = list(cursor.group) if rejoined else []
        self.matched = 0
        self.checking = bool(self.expect)
        self.numbered = False
        self.unnumbered = False
        self.gap = False
        self.current: str | None = None
        self.current_keys: set[Key] = set()
        self.earlier: set[str] = set()
        """Ids of the earlier groups of this connection (the last `RECENT_IDS` of them)."""
        self.earlier_order: deque[str] = deque()

    def is_new(self, event_id: str, key: Key) -> bool:
        """Record an event; False when it was delivered before."""
        if not event_id:
            self.unnumbered = True
            if self.checking:
                self.checking, self.gap = False, True
            return True
        self.numbered = True
        if self.checking:
            if event_id == self.cursor.last_id:
                # An event of the last group comes again. Not byte for byte (Aegra's stored
                # copies, rewritten by Postgres): still that event, but the replay is not exact.
                if key != self.expect[self.matched]:
                    self.gap = True
                self.matched += 1
                self.current = event_id
                self.current_keys.add(key)
                if self.matched == len(self.expect):
                    self.checking = False
                    self.current_keys.update(self.expect)
                return False
            self.checking, self.gap = False, True
        if event_id == self.current:
            if self.rejoined:
                if key in self.current_keys:
                    return False
                self.current_keys.add(key)
            self.cursor.delivered(event_id, key)
            return True
        if event_id in self.earlier:
            return False
        if self.current is not None:
            self.earlier.add(self.current)
            order = self.earlier_order
            order.append(self.current)
            if len(order) > RECENT_IDS:
                self.earlier.discard(order.popleft())
        self.current = event_id
        if self.rejoined:
            self.current_keys = {key}
        self.cursor.delivered(event_id, key)
        return True

    def ended_cleanly(self) -> None:
        """The server ended the response: did the join return what was missed?"""
        if self.checking:
            self.gap = True  # the last group never came again
        elif self.rejoined and not self.expect and (self.unnumbered or not self.numbered):
            self.gap = True  # a join from the start that replayed nothing numbered


def check_event_stream(response: httpx.Response) -> None:
    """Raise our ProtocolError, with a hint, when the answer is not an event stream."""
    ctype = response.headers.get("content-type", "")
    if "text/event-stream" not in ctype.partition(";")[0]:
        raise ProtocolError(
            f"The server did not answer with an event stream (content-type: {ctype or 'none'}).",
            hint="Is --url the address of a LangGraph Agent Server?",
        )


def sse_events(response: httpx.Response) -> Iterator[ServerSentEvent]:
    """The server-sent events of a response that carry data, read with httpx-sse (its
    heartbeats, and the empty events it makes of them once an id was seen, are skipped)."""
    check_event_stream(response)
    for sse in EventSource(response).iter_sse():
        if sse.data:
            yield sse


@dataclass(frozen=True)
class RunCalls:
    """What a `RunStream` asks of the server besides the request that starts its run, given
    by the client that builds the stream (`AgentClient.run_calls`): the stream holds these
    callables, never the client itself."""

    rejoin: Callable[[str, str], httpx.Response]
    """Open the run's stream again, `(run_id, last_event_id)` → the response (`GET
    /threads/{t}/runs/{r}/stream` with `Last-Event-ID`; an error status raised as ours)."""
    read_run: Callable[[str], Mapping[str, Any]]
    """The run's object, `run_id` → `GET /threads/{t}/runs/{r}` (read for its `status`)."""
    latest_runs: Callable[[], Sequence[Any]]
    """The thread's latest runs, newest first (to find a run whose start lost its answer)."""
    attach_line: str
    """The `hil attach` command that joins the thread's run again, said when it is lost."""


class RunStream:
    """The events of one run; a dropped connection is rejoined where it stopped.

    `opener` sends the request that starts the run; without one, the stream joins the run
    `run_id`, replayed from its start. Everything else it asks the server (rejoin the run,
    read it, list the thread's runs) goes through `calls`. Iterating yields `StreamEvent`s,
    each exactly once, until the server ends the response (a clean close is the end: the
    stream makes no other request). When the connection drops (an httpx transport error: a
    cut, a reset, a read timeout) the stream is rejoined with `GET .../runs/{run_id}/stream`
    and `Last-Event-ID`, at most `MAX_RECONNECTS` times in a row, with exponential backoff and
    jitter. A connection the server leaves open after its run has ended (`_EndProbe`) is
    rejoined the same way, at once.

    When a join cannot return what was missed (see the module docstring), `replay_gap` is
    set to `REPLAY_GAP_NOTICE` and `on_replay_gap` is called with it, once; the stream goes
    on with what the server sends, and the caller should show the final state from
    `/state`, since events of the run may be missing. `replays=False` says the server is
    known not to replay a run on a join (`ServerKind.replays_joins`): then every join
    reports that at once, where its replay could not be checked (Aegra's join from the
    start of a running run returns its stored events, not its `custom` ones).
    """

    def __init__(
        self,
        thread_id: str,
        opener: Callable[[], httpx.Response] | None,
        calls: RunCalls,
        on_reconnect: Callable[[int, float], None] | None = None,
        *,
        run_id: str | None = None,
        request_tag: str | None = None,
        on_replay_gap: Callable[[str], None] | None = None,
        replays: bool = True,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._calls = calls
        self._clock = clock
        self._replays = replays
        self._request_tag = request_tag
        self.thread_id = thread_id
        self._opener = opener
        self._on_reconnect = on_reconnect
        self._on_replay_gap = on_replay_gap
        self.run_id: str | None = run_id
        self.cursor = StreamCursor()
        self.replay_gap: str | None = None
        """None, or a one-line notice: a join could not return the part of the run that
        was missed, so events may be missing; show the final state from `/state`."""
        self._parser = EventParser()
        self._metadata_seen = False
        self._response: httpx.Response | None = None

    def _note_location(self, response: httpx.Response) -> None:
        location = response.headers.get("content-location", "")
        parts = [p for p in urlsplit(location).path.split("/") if p]
        if len(parts) >= 4 and parts[-2] == "runs":
            self.run_id = parts[-1]

    def _note_gap(self, connection: _Connection) -> None:
        if connection.gap and self.replay_gap is None:
            _log.debug("the server did not replay what was missed of run %s", self.run_id)
            self.replay_gap = REPLAY_GAP_NOTICE
            if self._on_replay_gap is not None:
                self._on_replay_gap(REPLAY_GAP_NOTICE)

    def _events(self, response: httpx.Response, connection: _Connection) -> Iterator[StreamEvent]:
        parser = self._parser
        if connection.rejoined and not self._metadata_seen and self.run_id is not None:
            # The server does not keep `metadata` for replay; rebuild it from the run id.
            self._metadata_seen = True
            text = json.dumps({"run_id": self.run_id, "attempt": 1}, separators=(",", ":"))
            yield parse_event("metadata", text.encode())
        debug = _log.isEnabledFor(logging.DEBUG)  # once per connection, not per event
        check_event_stream(response)
        for sse in EventSource(response).iter_sse():  # `sse_events`, one generator less
            data = sse.data
            if not data:
                continue  # a heartbeat, which httpx-sse dispatches once an id was seen
            name, event_id = sse.event, sse.id
            mode = name.partition("|")[0] if "|" in name else name
            if mode == "end":
                return
            new = connection.is_new(event_id, (name, data))
            if connection.gap and self.replay_gap is None:
                self._note_gap(connection)
            if not new:
                if debug:
                    _log.debug("skipped a repeated event %s (id %s)", name, event_id)
                continue
            if mode not in KNOWN_MODES:
                if debug:
                    _log.debug("ignored an unknown event %r: %.200r", name, data)
                continue
            if debug:
                _log.debug("event %s id %s: %.200r", name, event_id, data)
            # orjson reads bytes and str alike; bytes are what the displays write through.
            event = parser.parse(name, data.encode("utf-8", "surrogatepass"), event_id or None)
            if event.mode == "metadata":
                self._metadata_seen = True
                if isinstance(event.data, Mapping) and isinstance(event.data.get("run_id"), str):
                    self.run_id = event.data["run_id"]
            yield event

    def _rejoin(self) -> httpx.Response:
        assert self.run_id is not None
        return self._calls.rejoin(self.run_id, self.cursor.rejoin_from())

    def _run_status(self) -> str | None:
        """The run's status, for `_EndProbe` (None when it cannot be read)."""
        if self.run_id is None:
            return None
        try:
            status = self._calls.read_run(self.run_id).get("status")
        except HilError as exc:
            _log.debug("could not read run %s: %s", self.run_id, exc)
            return None
        return status if isinstance(status, str) else None

    def __iter__(self) -> Iterator[StreamEvent]:
        response = self._open()
        rejoined = self._opener is None
        failures = 0
        probe_rejoins = 0
        while True:
            dropped: BaseException | None = None
            probe: _EndProbe | None = None
            if response is not None:
                self._response = response
                connection = _Connection(self.cursor, rejoined)
                if rejoined and not self._replays:
                    connection.gap = True
                    self._note_gap(connection)
                if self._replays and probe_rejoins < MAX_RECONNECTS:
                    probe = _EndProbe(self._run_status, response, self._clock)
                try:
                    for event in self._events(response, connection):
                        failures = 0
                        yield event
                        if probe is not None and event.id is not None:
                            # Here, not before the yield: the quiet that counts is the
                            # time spent waiting for the server, not the consumer's.
                            probe.saw(event)
                except (httpx.TransportError, OSError) as exc:
                    if not isinstance(exc, httpx.TransportError) and not (probe and probe.fired):
                        raise
                    dropped = exc
                    _log.debug("the stream dropped: %r", exc)
                finally:
                    if probe is not None:
                        probe.stop()
                    response.close()
                    self._response = None
                if probe is not None and probe.fired:
                    # Not a failure: the run is over. Fetch what may still be in flight, or,
                    # where that cannot be asked for, say so (the caller shows the state).
                    if self.cursor.last_id is None:
                        connection.gap = True
                        self._note_gap(connection)
                        return
                    probe_rejoins += 1
                    self._note_gap(connection)
                    rejoined = True
                    response = self._rejoin()
                    continue
                if dropped is None:
                    # The server ended the response: the run paused or ended (a run whose
                    # status lags behind is not asked about, nor rejoined).
                    connection.ended_cleanly()
                    self._note_gap(connection)
                    return
                self._note_gap(connection)
            if self.run_id is None:
                raise ServerUnreachable(
                    f"The stream closed before the run was known: {reason(dropped)}"
                )
            failures += 1
            if failures > MAX_RECONNECTS:
                raise RunLost(
                    f"Lost the connection to run {self.run_id} and could not rejoin it.",
                    str(self.run_id),
                    hint="The run goes on on the server; "
                    f"`{self._calls.attach_line}` joins it again.",
                )
            delay = backoff_delay(failures)
            if self._on_reconnect is not None:
                self._on_reconnect(failures, delay)
            self._clock.sleep(delay)
            rejoined = True
            try:
                response = self._rejoin()
            except (ServerUnreachable, ServerError) as exc:
                if isinstance(exc, ServerError) and exc.status < 500 and exc.status != 429:
                    raise
                _log.debug("rejoining failed: %s", exc)
                response = None

    def _open(self) -> httpx.Response | None:
        """Send the request that starts the stream.

        When the connection fails after the request went out, the run may exist all the
        same: it is looked up by the tag sent in its metadata, and rejoined if found
        (None). A run that was not created raises the original error, so it can be resent.
        """
        try:
            response = self._opener() if self._opener is not None else self._rejoin()
        except ServerUnreachable as exc:
            if self._request_tag is None or isinstance(exc.__cause__, httpx.ConnectError):
                raise
            self.run_id = self._find_run(exc)
            return None
        self._note_location(response)
        return response

    def _find_run(self, error: ServerUnreachable) -> str:
        for attempt in range(1, MAX_RECONNECTS + 1):
            self._clock.sleep(backoff_delay(attempt))
            try:
                runs = self._calls.latest_runs()
            except ServerUnreachable:
                continue
            for run in runs:
                metadata = run.get("metadata") if isinstance(run, Mapping) else None
                if isinstance(metadata, Mapping) and metadata.get("hil_request") == (
                    self._request_tag
                ):
                    _log.debug("the run was created after all: %s", run.get("run_id"))
                    return str(run.get("run_id"))
            raise error
        raise error

    def close(self) -> None:
        """Close the underlying connection (used on Ctrl-C)."""
        if self._response is not None:
            self._response.close()


def backoff_delay(attempt: int) -> float:
    """Seconds to wait before reconnect `attempt` (1, 2, ...): doubling, capped, jittered."""
    base: float = min(5.0, 0.25 * 2 ** (attempt - 1))
    return base * (1 + random.random() / 4)
