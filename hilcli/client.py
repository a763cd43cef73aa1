"""The thin HTTP/SSE client of the LangGraph Agent Server.

This is the only module that speaks HTTP. It translates every httpx failure and every error
status into our own exceptions (`hilcli.errors`) in one place, and yields typed
`StreamEvent`s: nothing above it sees bytes. Streamed runs are created resumable, so a
connection that drops mid-run is rejoined with `Last-Event-ID` and continues exactly where it
stopped (see shared/docs/protocol.md, sections 1, 2 and 4).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource, SSEError

from hilcli import __version__
from hilcli.errors import (
    AuthError,
    HilError,
    NotFound,
    ProtocolError,
    ServerError,
    ServerUnreachable,
    ThreadBusy,
)
from hilcli.events import StreamEvent, parse_event

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
        return text[:300] or None
    if isinstance(body, Mapping):
        for key in ("detail", "message", "error"):
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else json.dumps(value)
    return None


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
        return NotFound(f"Not found: {what}{shown}", status, detail)
    if status == 409:
        return ThreadBusy(
            detail or "The thread is already running a task.",
            status,
            detail,
            hint="Wait for the run to finish, or `hil attach THREAD` to watch it.",
        )
    return ServerError(f"The server answered {status} to {what}{shown}", status, detail)


class RunStream:
    """The events of one run, with the run id and the last event id for rejoining."""

    def __init__(
        self,
        client: AgentClient,
        thread_id: str,
        opener: Callable[[], httpx.Response],
        stream_mode: list[str],
        on_reconnect: Callable[[int, float], None] | None = None,
    ) -> None:
        self._client = client
        self.thread_id = thread_id
        self._opener = opener
        self._stream_mode = stream_mode
        self._on_reconnect = on_reconnect
        self.run_id: str | None = None
        self.last_event_id: str | None = None
        self._response: httpx.Response | None = None

    def _note_location(self, response: httpx.Response) -> None:
        location = response.headers.get("content-location", "")
        parts = [p for p in urlsplit(location).path.split("/") if p]
        if len(parts) >= 4 and parts[-2] == "runs":
            self.run_id = parts[-1]

    def _events(self, response: httpx.Response) -> Iterator[StreamEvent]:
        try:
            for sse in EventSource(response).iter_sse():
                if sse.event == "message" and not sse.data:
                    continue  # a comment or heartbeat block; the id did not move
                event = parse_event(sse.event, sse.data, sse.id or None)
                if sse.id:
                    self.last_event_id = sse.id
                if event.mode == "metadata" and isinstance(event.data, Mapping):
                    run_id = event.data.get("run_id")
                    if isinstance(run_id, str):
                        self.run_id = run_id
                yield event
        except SSEError as exc:
            ctype = response.headers.get("content-type", "nothing")
            raise ProtocolError(
                f"The server did not answer with an event stream (content-type: {ctype})."
            ) from exc

    def _rejoin(self) -> httpx.Response:
        assert self.run_id is not None
        headers = {"Last-Event-ID": self.last_event_id or "-1"}
        params = {"stream_mode": json.dumps(self._stream_mode), "cancel_on_disconnect": "false"}
        return self._client._open_stream(
            "GET",
            f"/threads/{self.thread_id}/runs/{self.run_id}/stream",
            what=f"run {self.run_id}",
            headers=headers,
            params=params,
        )

    def __iter__(self) -> Iterator[StreamEvent]:
        attempt = 0
        response = self._opener()
        self._note_location(response)
        while True:
            self._response = response
            dropped: Exception | None = None
            try:
                for event in self._events(response):
                    attempt = 0
                    yield event
            except httpx.TransportError as exc:
                dropped = exc
            finally:
                response.close()
            if dropped is None and not self._run_still_going():
                return
            if self.run_id is None:
                raise ServerUnreachable(f"The connection dropped before the run started: {dropped}")
            attempt += 1
            if attempt > MAX_RECONNECTS:
                raise ServerUnreachable(
                    f"Lost the connection to the run {self.run_id} and could not rejoin it.",
                    hint=f"`hil attach {self.thread_id}` rejoins it later.",
                )
            delay = min(5.0, 0.25 * 2 ** (attempt - 1)) * (1 + random.random() / 4)
            if self._on_reconnect is not None:
                self._on_reconnect(attempt, delay)
            time.sleep(delay)
            try:
                response = self._rejoin()
            except ServerUnreachable:
                response = _closed_response()

    def _run_still_going(self) -> bool:
        """After a clean close: is the run still pending or running (a silent drop)?"""
        if self.run_id is None:
            return False
        try:
            run = self._client.get_run(self.thread_id, self.run_id)
        except HilError:
            return False
        return run.get("status") in ("pending", "running")

    def close(self) -> None:
        """Close the underlying connection (used on Ctrl-C)."""
        if self._response is not None:
            self._response.close()


def _closed_response() -> httpx.Response:
    """An empty event stream, standing in for a rejoin that failed to connect."""
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=b"")


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
            raise ServerUnreachable(
                f"Cannot reach the server at {self.url}: {_reason(exc)}",
                hint="Is it running? Check --url or HIL_URL.",
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
        if response.status_code >= 400:
            response.read()
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
        body: dict[str, Any] = {
            "assistant_id": assistant_id,
            "stream_mode": modes,
            "stream_subgraphs": stream_subgraphs,
            "stream_resumable": True,
            "multitask_strategy": "reject",
            "on_disconnect": "continue",
        }
        if command is not None:
            body["command"] = dict(command)
        else:
            body["input"] = input

        def opener() -> httpx.Response:
            return self._open_stream(
                "POST", f"/threads/{thread_id}/runs/stream", f"thread {thread_id}", json=body
            )

        return RunStream(self, thread_id, opener, modes, on_reconnect)

    def join_run(
        self,
        thread_id: str,
        run_id: str,
        *,
        last_event_id: str | None = "-1",
        stream_mode: list[str] | None = None,
        on_reconnect: Callable[[int, float], None] | None = None,
    ) -> RunStream:
        """`GET /threads/{t}/runs/{r}/stream`: join a running run (replays from the id)."""
        modes = list(stream_mode or BASE_STREAM_MODES)
        stream = RunStream(self, thread_id, lambda: stream._rejoin(), modes, on_reconnect)
        stream.run_id = run_id
        stream.last_event_id = last_event_id
        return stream

    def get_run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        """`GET /threads/{t}/runs/{r}`."""
        result = self._request("GET", f"/threads/{thread_id}/runs/{run_id}", f"run {run_id}")
        return _expect_mapping(result, f"run {run_id}")

    def list_runs(self, thread_id: str, status: str | None = None) -> list[Any]:
        """`GET /threads/{t}/runs`, newest first."""
        params = {"status": status} if status else {}
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


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host name"
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS error ({text})"
    return text
