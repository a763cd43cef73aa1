"""An incremental Server-Sent Events decoder: bytes in, complete events out.

Pure code, no I/O. It follows the WHATWG event-stream rules: lines end with CRLF, LF or CR
(a CR at the end of a chunk may be the first half of a CRLF), a leading BOM is dropped, `:`
starts a comment (the server's heartbeat), a field without a colon has an empty value, one
space after the colon is removed, several `data` lines are joined with LF, an `id` holding
NUL is ignored, the last id carries over to later events, and an event is dispatched at a
blank line only when it has data. Bytes that are not UTF-8 become U+FFFD.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True)
class SseRecord:
    """One dispatched event: its name (`message` when none was given), data and last id."""

    event: str
    data: str
    id: str | None


class SseDecoder:
    """Feed it chunks of an event stream; it returns the events each chunk completes."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._started = False
        self._event = ""
        self._data: list[str] = []
        self._last_id: str | None = None

    def feed(self, chunk: bytes) -> list[SseRecord]:
        """Decode `chunk`; the events completed by it, in order."""
        text = self._text.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        return self._lines(self._pending + text, final=False)

    def close(self) -> list[SseRecord]:
        """The stream ended: an unterminated last event is dropped, as the spec says."""
        text = self._text.decode(b"", final=True)
        records = self._lines(self._pending + text, final=True)
        self._pending = ""
        self._event, self._data = "", []
        return records

    def _lines(self, text: str, *, final: bool) -> list[SseRecord]:
        records: list[SseRecord] = []
        start = 0
        length = len(text)
        while start < length:
            cr = text.find("\r", start)
            lf = text.find("\n", start)
            ends = [i for i in (cr, lf) if i >= 0]
            if not ends:
                break
            end = min(ends)
            if text[end] == "\r":
                if end + 1 == length and not final:
                    break  # a CR at the end of a chunk: wait for a possible LF
                step = 2 if end + 1 < length and text[end + 1] == "\n" else 1
            else:
                step = 1
            record = self._line(text[start:end])
            if record is not None:
                records.append(record)
            start = end + step
        self._pending = text[start:]
        return records

    def _line(self, line: str) -> SseRecord | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        return None

    def _dispatch(self) -> SseRecord | None:
        event, data = self._event, self._data
        self._event, self._data = "", []
        if not data:
            return None
        return SseRecord(event or "message", "\n".join(data), self._last_id or None)
