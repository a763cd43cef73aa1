"""One run's event stream: server-sent events read from the response bytes, typed, never
repeated, and rejoined where they stopped when the connection drops (protocol.md, sections 2
and 4)."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from hilcli.client.failures import reason
from hilcli.client.sse import SseDecoder, SseRecord
from hilcli.errors import HilError, ProtocolError, RunLost, ServerError, ServerUnreachable
from hilcli.events import EventParser, StreamEvent, parse_event

if TYPE_CHECKING:
    from hilcli.client import AgentClient

_log = logging.getLogger("hilcli.protocol")

#: How many times in a row a dropped stream is rejoined before giving up.
MAX_RECONNECTS = 5


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


@dataclass
class StreamCursor:
    """How far a resumable stream was delivered, so a rejoin neither repeats nor skips.

    The in-memory server stamps events with `<ms>-0` ids, so several events share an id,
    and it replays only ids greater than `Last-Event-ID`. A rejoin therefore asks from the
    id *before* the last one (`prev_id`) and drops the events of `last_id` that were already
    delivered (`at_last`, in order). While replaying, the server may also send an event a
    second time (it subscribes before it replays), so on a rejoined connection an id lower
    than the last one, or an event of the last id already seen on that connection, is a
    repeat.
    """

    last_id: str | None = None
    prev_id: str | None = None
    at_last: list[tuple[str, bytes]] = field(default_factory=list)
    last_order: tuple[int, int, int, str] = (0, 0, 0, "")

    def rejoin_from(self) -> str:
        """The `Last-Event-ID` to send on a rejoin (`-1` replays the whole run)."""
        return self.prev_id or "-1"


def _id_order(event_id: str) -> tuple[int, int, int, str]:
    """A sort key for event ids: `<ms>-<seq>` numerically, anything else as text after."""
    ms, dash, seq = event_id.partition("-")
    if dash and ms.isdigit() and seq.isdigit():
        return (0, int(ms), int(seq), "")
    return (1, 0, 0, event_id)


class _Connection:
    """The repeat filter of one connection of a stream (see `StreamCursor`)."""

    def __init__(self, cursor: StreamCursor, rejoined: bool) -> None:
        self.cursor = cursor
        self.rejoined = rejoined
        self.replay = list(cursor.at_last) if rejoined else []
        self.replayed = 0
        self.seen_here: set[tuple[str, bytes]] = set()

    def is_new(self, record: SseRecord) -> bool:
        """Record `record`; False when it was delivered before."""
        cursor = self.cursor
        if record.id is None:
            return True
        key = (record.event, record.data)
        if record.id != cursor.last_id:
            order = _id_order(record.id)
            if cursor.last_id is None or order > cursor.last_order:
                cursor.prev_id, cursor.last_id, cursor.last_order = (
                    cursor.last_id,
                    record.id,
                    order,
                )
                cursor.at_last = [key]
                self.replay, self.replayed = [], 0
                self.seen_here = {key} if self.rejoined else set()
                return True
            if order < cursor.last_order:
                return False
        if self.rejoined:
            if key in self.seen_here:
                return False
            self.seen_here.add(key)
        if self.replayed < len(self.replay) and self.replay[self.replayed] == key:
            self.replayed += 1
            return False
        cursor.at_last.append(key)
        return True


def sse_records(response: httpx.Response) -> Iterator[SseRecord]:
    """The server-sent events of a response, as they complete (heartbeats carry no data)."""
    ctype = response.headers.get("content-type", "")
    if "text/event-stream" not in ctype.partition(";")[0]:
        raise ProtocolError(
            f"The server did not answer with an event stream (content-type: {ctype or 'none'}).",
            hint="Is --url the address of a LangGraph Agent Server?",
        )
    decoder = SseDecoder()
    for chunk in response.iter_bytes():
        yield from decoder.feed(chunk)


class RunStream:
    """The events of one run; a dropped connection is rejoined where it stopped.

    `opener` sends the request that starts the run; without one, the stream joins the run
    `run_id`, replayed from its start. Iterating yields `StreamEvent`s, each exactly once,
    until the run ends. When the connection drops (or closes while the run is still pending
    or running) the stream is rejoined with `GET .../runs/{run_id}/stream` and
    `Last-Event-ID`, at most `MAX_RECONNECTS` times in a row, with exponential backoff and
    jitter.
    """

    def __init__(
        self,
        client: AgentClient,
        thread_id: str,
        opener: Callable[[], httpx.Response] | None,
        stream_mode: list[str],
        on_reconnect: Callable[[int, float], None] | None = None,
        *,
        run_id: str | None = None,
        request_tag: str | None = None,
    ) -> None:
        self._client = client
        self._request_tag = request_tag
        self.thread_id = thread_id
        self._opener = opener
        self._stream_mode = stream_mode
        self._on_reconnect = on_reconnect
        self.run_id: str | None = run_id
        self.cursor = StreamCursor()
        self._parser = EventParser()
        self._metadata_seen = False
        self._ended = False
        self._response: httpx.Response | None = None

    def _note_location(self, response: httpx.Response) -> None:
        location = response.headers.get("content-location", "")
        parts = [p for p in urlsplit(location).path.split("/") if p]
        if len(parts) >= 4 and parts[-2] == "runs":
            self.run_id = parts[-1]

    def _events(self, response: httpx.Response, rejoined: bool = False) -> Iterator[StreamEvent]:
        connection = _Connection(self.cursor, rejoined)
        parser = self._parser
        if rejoined and not self._metadata_seen and self.run_id is not None:
            # The server does not keep `metadata` for replay; rebuild it from the run id.
            self._metadata_seen = True
            text = json.dumps({"run_id": self.run_id, "attempt": 1}, separators=(",", ":"))
            yield parse_event("metadata", text.encode())
        debug = _log.isEnabledFor(logging.DEBUG)  # once per connection, not per event
        for record in sse_records(response):
            if not connection.is_new(record):
                if debug:
                    _log.debug("skipped a repeated event %s (id %s)", record.event, record.id)
                continue
            name = record.event
            mode = name.partition("|")[0] if "|" in name else name
            if mode not in KNOWN_MODES:
                if debug:
                    _log.debug("ignored an unknown event %r: %.200r", name, record.data)
                continue
            if mode == "end":
                self._ended = True
                return
            if debug:
                _log.debug("event %s id %s: %.200r", name, record.id, record.data)
            event = parser.parse(name, record.data, record.id)
            if event.mode == "metadata":
                self._metadata_seen = True
                if isinstance(event.data, Mapping) and isinstance(event.data.get("run_id"), str):
                    self.run_id = event.data["run_id"]
            yield event

    def _rejoin(self) -> httpx.Response:
        assert self.run_id is not None
        headers = {"Last-Event-ID": self.cursor.rejoin_from()}
        params = {"stream_mode": json.dumps(self._stream_mode), "cancel_on_disconnect": "false"}
        return self._client._open_stream(
            "GET",
            f"/threads/{self.thread_id}/runs/{self.run_id}/stream",
            what=f"run {self.run_id}",
            headers=headers,
            params=params,
        )

    def __iter__(self) -> Iterator[StreamEvent]:
        response = self._open()
        rejoined = self._opener is None
        failures = 0
        caught_up = False
        while True:
            dropped: BaseException | None = None
            if response is not None:
                self._response = response
                try:
                    for event in self._events(response, rejoined):
                        failures = 0
                        yield event
                except httpx.TransportError as exc:
                    dropped = exc
                    _log.debug("the stream dropped: %r", exc)
                finally:
                    response.close()
                    self._response = None
                if self._ended or (dropped is None and caught_up):
                    return
                if dropped is None and self._run_still_going() is False:
                    # A clean close can come early (a proxy ending the body): once the run
                    # has ended, one catch-up rejoin replays whatever the close cut off.
                    if self.cursor.last_id is None or self.run_id is None:
                        return
                    caught_up = rejoined = True
                    try:
                        response = self._rejoin()
                    except HilError as exc:
                        _log.debug("the catch-up rejoin failed: %s", exc)
                        return
                    continue
            if self.run_id is None:
                raise ServerUnreachable(
                    f"The stream closed before the run was known: {reason(dropped)}"
                )
            failures += 1
            if failures > MAX_RECONNECTS:
                raise RunLost(
                    f"Lost the connection to run {self.run_id} and could not rejoin it.",
                    str(self.run_id),
                    hint=f"The run goes on on the server; `hil attach {self.thread_id}` "
                    "joins it again.",
                )
            delay = backoff_delay(failures)
            if self._on_reconnect is not None:
                self._on_reconnect(failures, delay)
            time.sleep(delay)
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
            time.sleep(backoff_delay(attempt))
            try:
                runs = self._client.list_runs(self.thread_id, limit=20)
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

    def _run_still_going(self) -> bool | None:
        """After a clean close: is the run still pending or running? None when unknown."""
        if self.run_id is None:
            return False
        try:
            run = self._client.get_run(self.thread_id, self.run_id)
        except ServerUnreachable:
            return None
        except HilError:
            return False
        return run.get("status") in ("pending", "running")

    def close(self) -> None:
        """Close the underlying connection (used on Ctrl-C)."""
        if self._response is not None:
            self._response.close()


def backoff_delay(attempt: int) -> float:
    """Seconds to wait before reconnect `attempt` (1, 2, ...): doubling, capped, jittered."""
    base: float = min(5.0, 0.25 * 2 ** (attempt - 1))
    return base * (1 + random.random() / 4)
