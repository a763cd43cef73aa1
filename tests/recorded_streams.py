"""Replay SSE bytes recorded from the real server through hilcli's own stream reader."""

from __future__ import annotations

import json
from typing import Any

import httpx

from hilcli.client import AgentClient, RunStream
from hilcli.events import StreamEvent
from tests.support import RECORDED_DIR


def recorded_bytes(name: str) -> bytes:
    """The raw bytes of `tests/recorded/NAME.sse`."""
    return (RECORDED_DIR / f"{name}.sse").read_bytes()


def recorded_state(name: str) -> dict[str, Any]:
    """The thread state recorded next to a stream (`NAME.state.json`)."""
    state: dict[str, Any] = json.loads((RECORDED_DIR / f"{name}.state.json").read_text())
    return state


def replay(data: bytes, chunk: int = 0) -> list[StreamEvent]:
    """The events hilcli reads from `data`, served as one response (in `chunk`-byte pieces)."""
    pieces = [data] if chunk <= 0 else [data[i : i + chunk] for i in range(0, len(data), chunk)]
    response = httpx.Response(
        200,
        headers={"content-type": "text/event-stream; charset=utf-8"},
        stream=httpx.ByteStream(b"".join(pieces)) if chunk <= 0 else _Chunks(pieces),
    )
    client = AgentClient("http://recorded.invalid")
    calls = client.run_calls("thread", ["values"])
    stream = RunStream("thread", lambda: response, calls)
    try:
        return list(stream)  # the server ending the body ends the stream: no other request
    finally:
        client.close()


class _Chunks(httpx.SyncByteStream):
    """A response body delivered in fixed pieces, to cut events at arbitrary places."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.pieces
