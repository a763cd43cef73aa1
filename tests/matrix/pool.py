"""The servers of one pytest session (one xdist worker): started on first use, stopped at the end.

A server that cannot start is not retried: every test of that kind fails with the same
message (the log's tail), quickly, instead of each paying the start-up timeout again.
"""

from __future__ import annotations

from tests.matrix.servers import MatrixServer, start_server


class ServerPool:
    def __init__(self) -> None:
        self._servers: dict[str, MatrixServer] = {}
        self._failures: dict[str, str] = {}

    def get(self, kind: str) -> MatrixServer:
        """The running server `kind`; raise `RuntimeError` with the reason if it cannot run."""
        if kind in self._failures:
            raise RuntimeError(self._failures[kind])
        if kind not in self._servers:
            try:
                self._servers[kind] = start_server(kind)
            except Exception as exc:
                self._failures[kind] = f"the {kind} server could not start: {exc}"
                raise RuntimeError(self._failures[kind]) from None
        return self._servers[kind]

    def stop_all(self) -> None:
        while self._servers:
            _, server = self._servers.popitem()
            server.stop()
