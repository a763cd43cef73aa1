"""The thin HTTP/SSE client of the LangGraph Agent Server.

This is the only module that speaks HTTP. It translates every httpx failure and every error
status into our own exceptions (`hilcli.errors`) in one place, and yields typed
`StreamEvent`s: nothing above it sees bytes. Streamed runs are created resumable, so a
connection that drops mid-run is rejoined with `Last-Event-ID` and continues exactly where it
stopped (see shared/docs/protocol.md, sections 1, 2 and 4).
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource

from hilcli import __version__
from hilcli.errors import (
    AuthError,
    HilError,
    InvalidRequest,
    NotFound,
    ProtocolError,
    RunLost,
    ServerError,
    ServerUnreachable,
    ThreadBusy,
)
from hilcli.events import StreamEvent, parse_event

_log = logging.getLogger("hilcli.protocol")

#: Stream modes `hil` always asks for: interrupts only arrive on `updates`/`values`.
BASE_STREAM_MODES = ("updates", "values", "messages-tuple")

#: The server sends a heartbeat every 5 s, so a much longer read timeout means a dead link.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)

#: How many times in a row a dropped stream is rejoined before giving up.
MAX_RECONNECTS = 5


def _detail(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return _one_line(text) if text else None
    if isinstance(body, Mapping):
        for key in ("detail", "message", "error"):
            value = body.get(key)
            if value:
                text = value if isinstance(value, str) else json.dumps(value)
                return _one_line(text)
    return None


def _one_line(text: str, limit: int = 240) -> str:
    """A server message folded onto one line and cut to `limit` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def _status_error(response: httpx.Response, what: str) -> HilError:
    """Translate an HTTP error status into our exception, with the server's `detail`."""
    status = response.status_code
    detail = _detail(response)
    shown = f": {detail}" if detail else ""
    if status in (401, 403):
        return AuthError(
            f"The server refused the credentials ({status}){shown}",
            status,
            detail,
            hint="Check --api-key / HIL_API_KEY (sent as x-api-key).",
        )
    if status == 404:
        return NotFound(
            f"{detail.rstrip('.')} (404)." if detail else f"Not found: {what} (404).",
            status,
            detail,
            hint="`hil threads` lists the threads." if what.startswith("thread") else None,
        )
    if status == 409:
        return ThreadBusy(
            detail or "The thread is already running a task.",
            status,
            detail,
            hint="Wait for the run to finish, or `hil attach THREAD` to watch it.",
        )
    if status == 422:
        return InvalidRequest(f"The server refused {what} (422){shown}", status, detail)
    return ServerError(f"The server answered {status} to {what}{shown}", status, detail)


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


class SseRecord(NamedTuple):
    """One server-sent event: its name (`message` when none was given), data and last id."""

    event: str
    data: str
    id: str | None


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
    at_last: list[tuple[str, str]] = field(default_factory=list)
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
        self.seen_here: set[tuple[str, str]] = set()

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
    """The server-sent events of a response (read with httpx-sse), heartbeats left out."""
    ctype = response.headers.get("content-type", "")
    if "text/event-stream" not in ctype.partition(";")[0]:
        raise ProtocolError(
            f"The server did not answer with an event stream (content-type: {ctype or 'none'}).",
            hint="Is --url the address of a LangGraph Agent Server?",
        )
    for sse in EventSource(response).iter_sse():
        if not sse.data and sse.event == "message":
            continue  # a heartbeat comment block: httpx-sse dispatches it once ids exist
        yield SseRecord(sse.event, sse.data, sse.id or None)


class RunStream:
    """The events of one run; a dropped connection is rejoined where it stopped.

    Iterating yields `StreamEvent`s, each exactly once, until the run ends. When the
    connection drops (or closes while the run is still pending or running) the stream is
    rejoined with `GET .../runs/{run_id}/stream` and `Last-Event-ID`, at most
    `MAX_RECONNECTS` times in a row, with exponential backoff and jitter.
    """

    def __init__(
        self,
        client: AgentClient,
        thread_id: str,
        opener: Callable[[], httpx.Response],
        stream_mode: list[str],
        on_reconnect: Callable[[int, float], None] | None = None,
        *,
        run_id: str | None = None,
        request_tag: str | None = None,
    ) -> None:
        self._client = client
        self._request_tag = request_tag
        self.thread_id = thread_id
        self._joined = run_id is not None
        self._opener = opener
        self._stream_mode = stream_mode
        self._on_reconnect = on_reconnect
        self.run_id: str | None = run_id
        self.cursor = StreamCursor()
        self.reconnects = 0
        self._metadata_seen = False
        self._ended = False
        self._response: httpx.Response | None = None

    @property
    def last_event_id(self) -> str | None:
        """The id of the last event delivered."""
        return self.cursor.last_id

    def _note_location(self, response: httpx.Response) -> None:
        location = response.headers.get("content-location", "")
        parts = [p for p in urlsplit(location).path.split("/") if p]
        if len(parts) >= 4 and parts[-2] == "runs":
            self.run_id = parts[-1]

    def _events(self, response: httpx.Response, rejoined: bool = False) -> Iterator[StreamEvent]:
        connection = _Connection(self.cursor, rejoined)
        if rejoined and not self._metadata_seen and self.run_id is not None:
            # The server does not keep `metadata` for replay; rebuild it from the run id.
            self._metadata_seen = True
            text = json.dumps({"run_id": self.run_id, "attempt": 1}, separators=(",", ":"))
            yield parse_event("metadata", text)
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
                    _log.debug("ignored an unknown event %r: %.200s", name, record.data)
                continue
            if mode == "end":
                self._ended = True
                return
            if debug:
                _log.debug("event %s id %s: %.200s", name, record.id, record.data)
            event = parse_event(name, record.data, record.id)
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
        rejoined = self._joined
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
                    f"The stream closed before the run was known: {_reason(dropped)}"
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
            self.reconnects += 1
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
            response = self._opener()
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


class AgentClient:
    """The LangGraph Agent Server endpoints a human-in-the-loop client needs."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        all_headers = {"User-Agent": f"hilcli/{__version__}", **(headers or {})}
        if api_key:
            all_headers["x-api-key"] = api_key
        self._http = httpx.Client(
            base_url=self.url, headers=all_headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> AgentClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """Turn httpx's transport failures into `ServerUnreachable`, once, here."""
        try:
            yield
        except httpx.ConnectError as exc:
            reason = _reason(exc)
            if reason.startswith("TLS"):
                hint = "Check the URL's scheme (http or https) and the server's certificate."
            elif reason.startswith("unknown host"):
                hint = "Check the host name in --url or HIL_URL."
            else:
                hint = "Is it running? Check --url or HIL_URL."
            raise ServerUnreachable(
                f"Cannot reach the server at {self.url}: {reason}", hint=hint
            ) from exc
        except httpx.TimeoutException as exc:
            raise ServerUnreachable(f"The server at {self.url} timed out ({what}).") from exc
        except httpx.UnsupportedProtocol as exc:
            raise ServerUnreachable(f"Not an http(s) URL: {self.url}") from exc
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"The connection to {self.url} failed ({what}): {_reason(exc)}"
            ) from exc

    def _request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        with self._translated(what):
            response = self._http.request(method, path, **kwargs)
        _log.debug("%s %s -> %s", method, path, response.status_code)
        if response.status_code >= 400:
            raise _status_error(response, what)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ProtocolError(f"The server's answer to {what} is not JSON.") from exc

    def _open_stream(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        headers.update(kwargs.pop("headers", {}))
        with self._translated(what):
            request = self._http.build_request(method, path, headers=headers, **kwargs)
            response = self._http.send(request, stream=True)
        _log.debug(
            "%s %s (Last-Event-ID %s) -> %s %s",
            method,
            path,
            headers.get("Last-Event-ID", "none"),
            response.status_code,
            response.headers.get("content-type", ""),
        )
        if response.status_code >= 400:
            with self._translated(what):
                try:
                    response.read()
                finally:
                    response.close()
            raise _status_error(response, what)
        return response

    # -- server ---------------------------------------------------------------------------

    def ok(self) -> Any:
        """`GET /ok`: the server is up."""
        return self._request("GET", "/ok", "the health check")

    def info(self) -> Any:
        """`GET /info`: server versions and flags."""
        return self._request("GET", "/info", "the server info")

    def search_assistants(self, graph_id: str | None = None, limit: int = 100) -> list[Any]:
        """`POST /assistants/search`."""
        body: dict[str, Any] = {"limit": limit}
        if graph_id:
            body["graph_id"] = graph_id
        result = self._request("POST", "/assistants/search", "the assistant search", json=body)
        return result if isinstance(result, list) else []

    # -- threads --------------------------------------------------------------------------

    def create_thread(self, metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """`POST /threads`: a new, empty thread."""
        result = self._request(
            "POST", "/threads", "creating a thread", json={"metadata": dict(metadata or {})}
        )
        return _expect_mapping(result, "creating a thread")

    def get_thread(self, thread_id: str) -> dict[str, Any]:
        """`GET /threads/{id}`."""
        result = self._request("GET", f"/threads/{thread_id}", f"thread {thread_id}")
        return _expect_mapping(result, f"thread {thread_id}")

    def get_state(self, thread_id: str) -> dict[str, Any]:
        """`GET /threads/{id}/state?subgraphs=true`: the source of truth for what is pending."""
        result = self._request(
            "GET",
            f"/threads/{thread_id}/state",
            f"thread {thread_id}",
            params={"subgraphs": "true"},
        )
        return _expect_mapping(result, f"the state of thread {thread_id}")

    def search_threads(
        self,
        *,
        status: str | None = None,
        limit: int = 20,
        offset: int = 0,
        metadata: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """`POST /threads/search`, newest first."""
        body: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "sort_by": "updated_at",
            "sort_order": "desc",
        }
        if status:
            body["status"] = status
        if metadata:
            body["metadata"] = dict(metadata)
        result = self._request("POST", "/threads/search", "the thread search", json=body)
        return result if isinstance(result, list) else []

    # -- runs -----------------------------------------------------------------------------

    def stream_run(
        self,
        thread_id: str,
        assistant_id: str,
        *,
        input: Any = None,
        command: Mapping[str, Any] | None = None,
        stream_mode: list[str] | None = None,
        stream_subgraphs: bool = True,
        on_reconnect: Callable[[int, float], None] | None = None,
    ) -> RunStream:
        """`POST /threads/{id}/runs/stream`: start a run and return its event stream.

        Runs are resumable (so a dropped connection is rejoined) and refuse to start on a busy
        thread (`multitask_strategy: reject`, a 409 becomes `ThreadBusy`).
        """
        modes = list(stream_mode or BASE_STREAM_MODES)
        request_tag = uuid.uuid4().hex
        body: dict[str, Any] = {
            "assistant_id": assistant_id,
            "stream_mode": modes,
            "stream_subgraphs": stream_subgraphs,
            "stream_resumable": True,
            "multitask_strategy": "reject",
            "on_disconnect": "continue",
            "metadata": {"hil_request": request_tag},
        }
        if command is not None:
            body["command"] = dict(command)
        else:
            body["input"] = input

        def opener() -> httpx.Response:
            return self._open_stream(
                "POST", f"/threads/{thread_id}/runs/stream", f"thread {thread_id}", json=body
            )

        return RunStream(self, thread_id, opener, modes, on_reconnect, request_tag=request_tag)

    def join_run(
        self,
        thread_id: str,
        run_id: str,
        *,
        stream_mode: list[str] | None = None,
        on_reconnect: Callable[[int, float], None] | None = None,
    ) -> RunStream:
        """`GET /threads/{t}/runs/{r}/stream`: join a run, replaying it from its start."""
        modes = list(stream_mode or BASE_STREAM_MODES)
        holder: list[RunStream] = []
        stream = RunStream(
            self, thread_id, lambda: holder[0]._rejoin(), modes, on_reconnect, run_id=run_id
        )
        holder.append(stream)
        return stream

    def get_run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        """`GET /threads/{t}/runs/{r}`."""
        result = self._request("GET", f"/threads/{thread_id}/runs/{run_id}", f"run {run_id}")
        return _expect_mapping(result, f"run {run_id}")

    def list_runs(self, thread_id: str, status: str | None = None, limit: int = 10) -> list[Any]:
        """`GET /threads/{t}/runs`, newest first."""
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        result = self._request(
            "GET", f"/threads/{thread_id}/runs", f"thread {thread_id}", params=params
        )
        return result if isinstance(result, list) else []

    def cancel_run(self, thread_id: str, run_id: str, *, wait: bool = True) -> None:
        """`POST /threads/{t}/runs/{r}/cancel`: stop the run; the thread stays usable."""
        self._request(
            "POST",
            f"/threads/{thread_id}/runs/{run_id}/cancel",
            f"cancelling run {run_id}",
            params={"wait": "1" if wait else "0", "action": "interrupt"},
        )


def _expect_mapping(result: Any, what: str) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise ProtocolError(f"The server's answer to {what} is not a JSON object.")
    return result


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "it closed"
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if any(
        marker in text
        for marker in (
            "Name or service not known",
            "nodename nor servname",
            "Temporary failure in name resolution",
            "No address associated",
            "getaddrinfo failed",
        )
    ):
        return "unknown host name (DNS lookup failed)"
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS error ({text})"
    return text
