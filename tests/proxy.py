"""A small fault-injecting TCP proxy on loopback, between `hil` and the real server.

It forwards bytes both ways and, for the connections that carry a run stream (the request
line contains `/stream`), can:

* cut the connection after N bytes of the server's answer (`cuts`: one offset per stream
  request, in order; `random_cuts`: a seeded random offset for each of the first K streams);
* end the answer early but cleanly, at the first chunk boundary after N bytes, as a proxy or
  load balancer closing an idle stream would (`clean_cuts`);
* go silent after N bytes (`stalls`): forward nothing more, not even heartbeats, and keep
  the connection open until the client gives up on it, as a dead link would;
* hold back the end of an answer (`held_ends`: for each of the first K streams): every
  event is forwarded but the body's last chunk is not, and the connection stays open, as a
  server that does not notice its run has ended would (langhost 0.11.1, bench/README.md);
* refuse stream requests outright (`refuse_streams`: close before answering);
* rewrite the answers to requests whose request line contains `rewrite_when` (streams by
  default) with same-length byte replacements (`rewrites`), so the chunked framing stays
  valid: a different content-type, an unknown event name, data that is not JSON, an error
  status.

Everything is bounded: sockets time out, the proxy stops by itself after `lifetime`
seconds, and `stop()` (or leaving the `with` block) closes every connection.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from types import TracebackType
from urllib.parse import urlsplit

_CHUNK = 4096


class FaultProxy:
    """A loopback TCP proxy that cuts or rewrites run streams on purpose."""

    def __init__(
        self,
        upstream_url: str,
        *,
        cuts: Iterable[int] = (),
        clean_cuts: Iterable[int] = (),
        stalls: Iterable[int] = (),
        held_ends: int = 0,
        random_cuts: int = 0,
        random_range: tuple[int, int] = (200, 6000),
        seed: int = 0,
        refuse_streams: bool = False,
        rewrites: Iterable[tuple[bytes, bytes]] = (),
        rewrite_when: bytes = b"/stream",
        lifetime: float = 120.0,
    ) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.cuts: deque[int] = deque(cuts)
        self.clean_cuts: deque[int] = deque(clean_cuts)
        self.stalls: deque[int] = deque(stalls)
        self.held_ends = held_ends
        self._random = random.Random(seed)
        self.random_cuts = random_cuts
        self.random_range = random_range
        self.refuse_streams = refuse_streams
        self.rewrites = [(old, new) for old, new in rewrites]
        self.rewrite_when = rewrite_when
        for old, new in self.rewrites:
            assert len(old) == len(new), "rewrites must keep the length"
        self.lifetime = lifetime
        self.streams_seen = 0
        self.cuts_made = 0
        self.stalls_made = 0
        self.ends_held = 0
        self.refused = 0
        self.requests: list[bytes] = []
        self._exchanges: list[_ConnectionState] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def stream_sizes(self) -> list[int]:
        """Bytes of each stream answer that was forwarded uncut, in order."""
        with self._lock:
            return [e.sent for e in self._exchanges if e.stream and e.cut_at is None]

    def stop(self) -> None:
        """Stop accepting, close every connection and wait for the threads."""
        self._stop.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        _close(self._listener)

    # -- internals ------------------------------------------------------------------------

    def _plan(self, request: bytes) -> tuple[bool, bool, int | None, str]:
        """For a new request: (a stream, refuse it, cut after how many bytes, how to cut:
        `cut`, `clean`, `stall` or `hold`)."""
        line = request.split(b"\r\n", 1)[0]
        with self._lock:
            self.requests.append(line)
            if b"/stream" not in line:
                return self.rewrite_when in line, False, None, "cut"
            self.streams_seen += 1
            if self.refuse_streams:
                self.refused += 1
                return True, True, None, "cut"
            if self.cuts:
                return True, False, self.cuts.popleft(), "cut"
            if self.clean_cuts:
                return True, False, self.clean_cuts.popleft(), "clean"
            if self.stalls:
                return True, False, self.stalls.popleft(), "stall"
            if self.held_ends > 0:
                self.held_ends -= 1
                return True, False, None, "hold"
            if self.random_cuts > 0:
                self.random_cuts -= 1
                return True, False, self._random.randint(*self.random_range), "cut"
        return True, False, None, "cut"

    def _serve(self) -> None:
        deadline = time.monotonic() + self.lifetime
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()
        self._stop.set()
        # At the end of its lifetime the proxy is gone: nothing open, nothing accepted.
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)
        _close(self._listener)

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._sockets.update(socks)

    def _handle(self, client: socket.socket) -> None:
        self._track(client)
        try:
            upstream = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            _close(client)
            return
        self._track(upstream)
        client.settimeout(1.0)
        upstream.settimeout(1.0)
        state = _ConnectionState()
        up = threading.Thread(
            target=self._client_to_server, args=(client, upstream, state), daemon=True
        )
        up.start()
        self._server_to_client(client, upstream, state)
        # A stalled or held answer keeps the client's connection open after the server's
        # end, until the client gives up on it (or the proxy stops).
        up.join(timeout=self.lifetime if state.stalled else 5)
        _close(client)
        _close(upstream)

    def _receive(self, sock: socket.socket, state: _ConnectionState) -> Iterator[bytes]:
        """What `sock` sends, read by read, until it closes or fails, the exchange is closed
        or the proxy stops."""
        while not self._stop.is_set() and not state.closed:
            try:
                data = sock.recv(_CHUNK)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            yield data

    def _client_to_server(
        self, client: socket.socket, upstream: socket.socket, state: _ConnectionState
    ) -> None:
        for data in self._receive(client, state):
            if _starts_request(data):
                stream, refuse, cut, how = self._plan(data)
                with state.lock:
                    state.sent = 0
                    state.cut_at = cut
                    state.stall = how == "stall"
                    state.rewriting = stream
                    state.framer = _Chunked() if how in ("clean", "hold") else None
                    state.hold_end = how == "hold"
                if stream and b"/stream" in data.split(b"\r\n", 1)[0]:
                    exchange = _ConnectionState()
                    exchange.stream, exchange.cut_at = True, cut
                    state.exchange = exchange
                    with self._lock:
                        self._exchanges.append(exchange)
                else:
                    state.exchange = None
                if refuse:
                    state.closed = True
                    break
            try:
                upstream.sendall(data)
            except OSError:
                break
        state.closed = True
        _close(client)
        _close(upstream)

    def _server_to_client(
        self, client: socket.socket, upstream: socket.socket, state: _ConnectionState
    ) -> None:
        for data in self._receive(upstream, state):
            with state.lock:
                if state.stalled:
                    continue  # a dead link: nothing more arrives
                data = self._rewrite(state, data)
                cut_at = state.cut_at
                if state.hold_end and state.framer is not None:
                    data = self._hold_end(state, data)
                elif state.framer is not None and cut_at is not None:
                    data = self._clean_cut(state, data, cut_at)
                elif cut_at is not None and state.sent + len(data) >= cut_at:
                    data = data[: max(0, cut_at - state.sent)]
                    if state.stall:
                        state.stalled = True
                        with self._lock:
                            self.stalls_made += 1
                    else:
                        state.closed = True
                state.sent += len(data)
                if state.exchange is not None:
                    state.exchange.sent = state.sent
            try:
                if data:
                    client.sendall(data)
            except OSError:
                break
            if state.closed:
                with self._lock:
                    self.cuts_made += 1
                break
        if state.stalled:
            _close(upstream)
            return
        state.closed = True
        _close(client)
        _close(upstream)

    def _clean_cut(self, state: _ConnectionState, data: bytes, cut_at: int) -> bytes:
        """Forward whole chunks; past `cut_at`, end the body properly and close."""
        assert state.framer is not None
        out = b""
        for piece in state.framer.feed(data):
            if (
                not piece.startswith(b"HTTP/")
                and piece != b"0\r\n\r\n"
                and (state.sent + len(out) + len(piece) > cut_at)
            ):
                state.closed = True
                return out + b"0\r\n\r\n"
            out += piece
        return out

    def _hold_end(self, state: _ConnectionState, data: bytes) -> bytes:
        """Forward whole chunks but the body's last one; then forward nothing more."""
        assert state.framer is not None
        out = b""
        for piece in state.framer.feed(data):
            if piece == b"0\r\n\r\n":
                state.stalled = True
                with self._lock:
                    self.ends_held += 1
                break
            out += piece
        return out

    def _rewrite(self, state: _ConnectionState, data: bytes) -> bytes:
        # The server writes each SSE event (and the head) in one piece, so a pattern is
        # not split across reads in practice; a test checks that its rewrite happened.
        if not state.rewriting:
            return data
        for old, new in self.rewrites:
            data = data.replace(old, new)
        return data


class _Chunked:
    """Splits an HTTP/1.1 chunked answer into whole pieces: the head, then each chunk."""

    def __init__(self) -> None:
        self.buffer = b""
        self.in_body = False

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += data
        pieces: list[bytes] = []
        while True:
            if not self.in_body:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    break
                pieces.append(self.buffer[: end + 4])
                self.buffer = self.buffer[end + 4 :]
                self.in_body = True
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                break
            size = int(self.buffer[:line_end].split(b";")[0], 16)
            total = line_end + 2 + size + 2
            if len(self.buffer) < total:
                break
            pieces.append(self.buffer[:total])
            self.buffer = self.buffer[total:]
        return pieces


class _ConnectionState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent = 0
        self.cut_at: int | None = None
        self.stall = False
        self.stalled = False
        self.hold_end = False
        self.rewriting = False
        self.stream = False
        self.framer: _Chunked | None = None
        self.exchange: _ConnectionState | None = None
        self.closed = False


_METHODS = (b"GET ", b"POST ", b"PUT ", b"PATCH ", b"DELETE ", b"HEAD ", b"OPTIONS ")


def _starts_request(data: bytes) -> bool:
    return data.startswith(_METHODS) and b" HTTP/1." in data.split(b"\r\n", 1)[0]


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
