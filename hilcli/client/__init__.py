"""The thin HTTP/SSE client of the LangGraph Agent Server.

This package is the only place that speaks HTTP: `failures` translates every httpx failure
and every error status into our own exceptions (`hilcli.errors`), `stream` yields typed
`StreamEvent`s read with httpx-sse (nothing above it sees SSE) and rejoins a dropped run
where it stopped, saying when a server cannot replay what was missed, and
this module holds the endpoints (see shared/docs/protocol.md, sections 1, 2 and 4).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from hilcli import __version__
from hilcli.client.failures import status_error, transport_error
from hilcli.client.stream import (
    KNOWN_MODES,
    MAX_RECONNECTS,
    REPLAY_GAP_NOTICE,
    RunCalls,
    RunStream,
    StreamCursor,
    backoff_delay,
    sse_events,
)
from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.errors import NotFound, ProtocolError
from hilcli.hints import PLAIN, HilCommand
from hilcli.stream_modes import BASE_STREAM_MODES

__all__ = [
    "BASE_STREAM_MODES",
    "DEFAULT_TIMEOUT",
    "KNOWN_MODES",
    "MAX_RECONNECTS",
    "REPLAY_GAP_NOTICE",
    "AgentClient",
    "RunCalls",
    "RunStream",
    "StreamCursor",
    "backoff_delay",
    "sse_events",
]

_log = logging.getLogger("hilcli.protocol")

#: Health endpoints in the order `health` tries them.
HEALTH_PATHS = ("/ok", "/health", "/info")

#: How many thread states `get_states` reads at once.
STATE_READS = 8

#: The server sends a heartbeat every 5 s, so a much longer read timeout means a dead link.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)


class AgentClient:
    """The LangGraph Agent Server endpoints a human-in-the-loop client needs."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = SYSTEM_CLOCK,
        hints: HilCommand = PLAIN,
    ) -> None:
        """`transport` (an httpx transport: a test's `MockTransport`) and `timeout` default
        to httpx's network and `DEFAULT_TIMEOUT`; `clock` is what the run streams measure
        quiet and back off by."""
        self.url = url.rstrip("/")
        self.clock = clock
        #: How hints spell a `hil` command that reaches this server (`hilcli.hints`).
        self.hints = hints
        all_headers = {"User-Agent": f"hilcli/{__version__}", **(headers or {})}
        if api_key:
            all_headers["x-api-key"] = api_key
        self._http = httpx.Client(
            base_url=self.url,
            headers=all_headers,
            timeout=timeout or DEFAULT_TIMEOUT,
            transport=transport,
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
        except httpx.TransportError as exc:
            raise transport_error(exc, self.url, what) from exc

    def _request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        with self._translated(what):
            response = self._http.request(method, path, **kwargs)
        _log.debug("%s %s -> %s", method, path, response.status_code)
        if response.status_code >= 400:
            raise status_error(response, what, self.hints)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ProtocolError(f"The server's answer to {what} is not JSON.") from exc

    def _open_stream(
        self, method: str, path: str, what: str, thread_id: str | None = None, **kwargs: Any
    ) -> httpx.Response:
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
            raise status_error(response, what, self.hints, thread_id)
        return response

    # -- server ---------------------------------------------------------------------------

    def health(self) -> str:
        """The path of the first health endpoint that answers: `/ok`, `/health`, `/info`.

        langgraph-api answers `/ok`; Aegra has no `/ok` (404) but `/health` and `/info`
        (protocol.md §9). A 404 tries the next; any other failure is the answer.
        """
        for path in HEALTH_PATHS:
            try:
                self._request("GET", path, "the health check")
            except NotFound:
                continue
            return path
        raise ProtocolError(
            f"{self.url} answers none of {', '.join(HEALTH_PATHS)} (404): not an Agent Server."
        )

    def info(self) -> Any:
        """`GET /info`: server versions and flags."""
        return self._request("GET", "/info", "the server info")

    def search_assistants(
        self, graph_id: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Any]:
        """`POST /assistants/search` (Aegra refuses a `limit` above 100)."""
        body: dict[str, Any] = {"limit": limit, "offset": offset}
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

    def get_states(
        self, thread_ids: Sequence[str], *, concurrency: int = STATE_READS
    ) -> dict[str, dict[str, Any]]:
        """The states of several threads (`get_state` each), `concurrency` reads at a time.

        For listings whose threads do not carry their questions (Aegra's `threads/search`):
        a page of states costs a few round trips, not one per thread. A thread deleted
        since it was listed is left out; any other failure is raised.
        """
        wanted = list(dict.fromkeys(thread_ids))

        def read(thread_id: str) -> dict[str, Any] | None:
            try:
                return self.get_state(thread_id)
            except NotFound:
                return None

        if len(wanted) <= 1:
            found = [read(thread_id) for thread_id in wanted]
        else:
            pool = ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(wanted))))
            try:
                found = list(pool.map(read, wanted))
            finally:  # on a failure or Ctrl-C, reads not yet started are not started
                pool.shutdown(wait=True, cancel_futures=True)
        return {tid: state for tid, state in zip(wanted, found, strict=True) if state is not None}

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
        on_replay_gap: Callable[[str], None] | None = None,
        replays: bool = True,
        checkpoint_id: str | None = None,
        interrupt_before: Sequence[str] | None = None,
        interrupt_after: Sequence[str] | None = None,
    ) -> RunStream:
        """`POST /threads/{id}/runs/stream`: start a run and return its event stream.

        Runs are resumable (so a dropped connection is rejoined) and refuse to start on a busy
        thread (`multitask_strategy: reject`, a 409 becomes `ThreadBusy`). `on_replay_gap`
        hears, once, that a rejoin could not return what was missed (`RunStream.replay_gap`);
        `replays=False` (a server known not to replay) reports every rejoin so.
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
        body.update(run_position(checkpoint_id, interrupt_before, interrupt_after))

        def opener() -> httpx.Response:
            return self._open_stream(
                "POST",
                f"/threads/{thread_id}/runs/stream",
                f"thread {thread_id}",
                thread_id,
                json=body,
            )

        return RunStream(
            thread_id,
            opener,
            self.run_calls(thread_id, modes),
            on_reconnect,
            request_tag=request_tag,
            on_replay_gap=on_replay_gap,
            replays=replays,
            clock=self.clock,
        )

    def run_calls(self, thread_id: str, stream_mode: Sequence[str]) -> RunCalls:
        """What a `RunStream` of a run on `thread_id` asks besides its start: rejoin the run
        (with `stream_mode`), read it, list the thread's latest runs."""
        modes = json.dumps(list(stream_mode))

        def rejoin(run_id: str, last_event_id: str) -> httpx.Response:
            return self._open_stream(
                "GET",
                f"/threads/{thread_id}/runs/{run_id}/stream",
                f"run {run_id}",
                headers={"Last-Event-ID": last_event_id},
                params={"stream_mode": modes, "cancel_on_disconnect": "false"},
            )

        return RunCalls(
            rejoin=rejoin,
            read_run=lambda run_id: self.get_run(thread_id, run_id),
            latest_runs=lambda: self.list_runs(thread_id, limit=20),
            attach_line=self.hints.line("attach", thread_id),
        )

    def join_run(
        self,
        thread_id: str,
        run_id: str,
        *,
        stream_mode: list[str] | None = None,
        on_reconnect: Callable[[int, float], None] | None = None,
        on_replay_gap: Callable[[str], None] | None = None,
        replays: bool = True,
    ) -> RunStream:
        """`GET /threads/{t}/runs/{r}/stream`: join a run, replaying it from its start.

        A join that replayed nothing numbered, or any join when `replays=False` (a server
        known not to replay), is reported through `on_replay_gap` and `RunStream.replay_gap`.
        """
        modes = list(stream_mode or BASE_STREAM_MODES)
        return RunStream(
            thread_id,
            None,
            self.run_calls(thread_id, modes),
            on_reconnect,
            run_id=run_id,
            on_replay_gap=on_replay_gap,
            replays=replays,
            clock=self.clock,
        )

    # -- time travel: checkpoints, history, state edits ------------------------------------

    def get_history(
        self, thread_id: str, *, limit: int, before: str | None = None
    ) -> list[dict[str, Any]]:
        """`POST /threads/{id}/history`: up to `limit` checkpoints, newest first, older than
        checkpoint `before` when given (the server's paging cursor).

        The server caps `limit` at 1000 and defaults it to 1, so it is always sent. `before`
        goes as a checkpoint config: langgraph-api's schema wants an object, and the
        checkpointer reads the id from its `configurable` (a bare `{"checkpoint_id"}` is a
        500 on the in-memory server), so the id is sent both ways.
        """
        body: dict[str, Any] = {"limit": limit}
        if before is not None:
            body["before"] = {"checkpoint_id": before, "configurable": {"checkpoint_id": before}}
        result = self._request(
            "POST", f"/threads/{thread_id}/history", f"the history of thread {thread_id}", json=body
        )
        if not isinstance(result, list):
            raise ProtocolError("The server's answer to the history is not a JSON list.")
        return [item for item in result if isinstance(item, dict)]

    def get_state_at(self, thread_id: str, checkpoint_id: str) -> dict[str, Any]:
        """`GET /threads/{id}/state/{checkpoint_id}?subgraphs=true`: the state at a checkpoint.

        langgraph-api answers 200 with an empty state (`created_at` and `metadata` null) for
        a checkpoint the thread does not have: that is `NotFound` here.
        """
        what = f"checkpoint {checkpoint_id} of thread {thread_id}"
        result = _expect_mapping(
            self._request(
                "GET",
                f"/threads/{thread_id}/state/{checkpoint_id}",
                what,
                params={"subgraphs": "true"},
            ),
            what,
        )
        if result.get("created_at") is None and result.get("metadata") is None:
            raise NotFound(f"Thread {thread_id} has no checkpoint {checkpoint_id}.", 404)
        return result

    def update_state(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> str:
        """`POST /threads/{id}/state`: write `values` as if `as_node` had (reducers apply),
        on top of `checkpoint_id` (default: the latest); returns the new checkpoint's id.

        `as_node="__copy__"` with no values copies the checkpoint as a new branch (a fork).
        """
        body: dict[str, Any] = {"values": values}
        if as_node is not None:
            body["as_node"] = as_node
        if checkpoint_id is not None:
            body["checkpoint_id"] = checkpoint_id
        what = f"the state update of thread {thread_id}"
        result = _expect_mapping(
            self._request("POST", f"/threads/{thread_id}/state", what, json=body), what
        )
        checkpoint = result.get("checkpoint")
        new_id = checkpoint.get("checkpoint_id") if isinstance(checkpoint, Mapping) else None
        new_id = new_id or result.get("checkpoint_id")
        if not isinstance(new_id, str) or not new_id:
            raise ProtocolError("The server updated the state but did not say the new checkpoint.")
        return new_id

    def get_graph(self, assistant_id: str) -> dict[str, Any]:
        """`GET /assistants/{id}/graph`: the graph's nodes and edges (a graph name works as
        the id)."""
        what = f"the graph of assistant {assistant_id}"
        return _expect_mapping(
            self._request("GET", f"/assistants/{assistant_id}/graph", what), what
        )

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


def run_position(
    checkpoint_id: str | None,
    interrupt_before: Sequence[str] | None,
    interrupt_after: Sequence[str] | None,
) -> dict[str, Any]:
    """The run-body fields that say where a run starts and where it pauses.

    `checkpoint_id` starts from that checkpoint instead of the latest; breakpoints go as
    `interrupt_before` / `interrupt_after`, a list of nodes or the string `"*"` (every node)
    when `*` is among them (langgraph-api `RunCreate`).
    """
    body: dict[str, Any] = {}
    if checkpoint_id is not None:
        body["checkpoint_id"] = checkpoint_id
    for key, nodes in (
        ("interrupt_before", interrupt_before),
        ("interrupt_after", interrupt_after),
    ):
        if nodes:
            body[key] = "*" if "*" in nodes else list(dict.fromkeys(nodes))
    return body


def _expect_mapping(result: Any, what: str) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise ProtocolError(f"The server's answer to {what} is not a JSON object.")
    return result
