"""A tiny loopback HTTP server that answers a run-stream request with recorded SSE bytes.

It plays the few routes a streaming client touches: `POST /threads` (a thread),
`POST /threads/{t}/runs/stream` (the recorded body, sent in 64 KiB writes),
`GET /threads/{t}/runs/{r}` (the run, finished) and, like the real server, a rejoin
`GET /threads/{t}/runs/{r}/stream` with `Last-Event-ID` (the events after that id). It runs
in a thread of the benchmark process and measures its own CPU time, so that time can be
subtracted from the client's.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

THREAD_ID = "00000000-0000-4000-8000-000000000001"
RUN_ID = "00000000-0000-4000-8000-000000000002"
CHUNK = 64 * 1024


def _event_id(block: bytes) -> tuple[int, int] | None:
    for line in block.splitlines():
        if line.startswith(b"id:"):
            ms, _, seq = line[3:].strip().decode().partition("-")
            return int(ms), int(seq or 0)
    return None


def events_after(body: bytes, last_event_id: str) -> bytes:
    """The events of `body` whose id is greater than `last_event_id` (as the server replays)."""
    ms, _, seq = last_event_id.partition("-")
    after = (int(ms), int(seq or 0))
    blocks = body.replace(b"\r\n", b"\n").split(b"\n\n")
    kept = [b for b in blocks if (found := _event_id(b)) is not None and found > after]
    return b"".join(block + b"\n\n" for block in kept)


class ReplayServer:
    """Serves `body` as the response to every run-stream request, on 127.0.0.1."""

    def __init__(self, body: bytes = b"") -> None:
        self.body = body
        self.cpu_seconds = 0.0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, value: Any) -> None:
                data = json.dumps(value).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _drain(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)

            def do_POST(self) -> None:
                start = time.thread_time()
                self._drain()
                if urlsplit(self.path).path.endswith("/stream"):
                    last = self.headers.get("last-event-id")
                    body = events_after(server.body, last) if last else server.body
                    self.send_response(200)
                    self.send_header("content-type", "text/event-stream; charset=utf-8")
                    self.send_header("content-location", f"/threads/{THREAD_ID}/runs/{RUN_ID}")
                    self.send_header("location", f"/threads/{THREAD_ID}/runs/{RUN_ID}/stream")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    try:
                        for offset in range(0, len(body), CHUNK):
                            self.wfile.write(body[offset : offset + CHUNK])
                    except ConnectionError:
                        self.close_connection = True
                else:
                    self._json({"thread_id": THREAD_ID, "status": "idle", "metadata": {}})
                server.add_cpu(time.thread_time() - start)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path.endswith("/stream"):
                    self.do_POST()
                    return
                start = time.thread_time()
                if "/runs/" in path:
                    self._json({"run_id": RUN_ID, "thread_id": THREAD_ID, "status": "success"})
                else:
                    self._json({"thread_id": THREAD_ID, "status": "idle", "values": {}})
                server.add_cpu(time.thread_time() - start)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def add_cpu(self, seconds: float) -> None:
        """Account CPU time spent serving."""
        with self._lock:
            self.cpu_seconds += seconds

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
